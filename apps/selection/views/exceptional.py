"""破格提拔 pages (ELG-9-2, ELG-9-3): the list, record one for a cadre (with a picker; the
service refuses what ELG-9-3 forbids, citing the article), and the detail page showing the
waiver and the cadre's verdict for the target tier today — the waiver is never silent.
Out-of-scope ids answer 404; officers act, leaders read."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import is_officer, require_cadre_user, unit_filter_options
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers, undo_message
from apps.core.scope import Action
from apps.selection import engine
from apps.selection import selectors_reserve as sel
from apps.selection.constants import MeritGround
from apps.selection.facts import facts_of
from apps.selection.forms_reserve import ExceptionalFilterForm, ExceptionalForm
from apps.selection.models import ExceptionalPromotion
from apps.selection.services import exceptional as services
from apps.selection.views.common import NOT_FOUND, cadre_or_picker
from apps.units.constants import Tier

COLUMNS = {"name": "姓名", "tier": "拟任职务层次", "approved_on": "研究决定日期"}


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("破格提拔", reverse("selection:exceptional_list")), *items]


def rule_labels(record: ExceptionalPromotion) -> list[str]:
    return [services.WAIVABLE_RULES.get(r, r) for r in record.waived_rules or []]


def exceptional_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = ExceptionalFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.exceptional_list(actor=actor, filters=filters))
    for record in context["page"].object_list:
        record.rule_labels = rule_labels(record)
    sort = filters.sort if filters else sel.EXCEPTIONAL_DEFAULT_SORT
    context.update(
        form=form,
        headers=sort_headers(request, COLUMNS, sort, "#exceptional-results"),
        breadcrumbs=[("破格提拔", None)],
    )
    if is_htmx_partial(request):
        return render(request, "selection/_exceptional_results.html", context)
    context.update(
        tiers=Tier.choices,
        grounds=MeritGround.choices,
        unit_options=unit_filter_options(actor, request.GET.get("unit") or ""),
    )
    return render(request, "selection/exceptional_list.html", context)


def exceptional_add_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    picked = cadre_or_picker(
        request,
        actor,
        url_name="selection:exceptional_add",
        title="登记破格提拔",
        hint="先查找干部，再填写拟任职务层次、破格情形、具体理由和突破的资格条件。",
        crumbs=_crumbs(("登记破格提拔", None)),
    )
    if isinstance(picked, HttpResponse):
        return picked
    cadre = picked
    form = ExceptionalForm(request.POST or None, initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.exceptional_add(actor=actor, cadre_id=cadre.pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{cadre.name}的破格提拔依据")
            return redirect("selection:exceptional_detail", pk=record.pk)
    context = {
        "form": form,
        "cadre": cadre,
        "breadcrumbs": _crumbs((cadre.name, None), ("登记破格提拔", None)),
    }
    return render(request, "selection/exceptional_form.html", context)


def exceptional_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = require_cadre_user(request)
    try:
        record = sel.exceptional_get(actor=actor, record_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    today = timezone.localdate()
    verdict = engine.evaluate(
        facts_of(record.cadre_id, today), engine.Target(tier=record.target_tier), today
    )
    can_change = (
        is_officer(actor)
        and ExceptionalPromotion.objects.visible_to(actor, Action.CHANGE).filter(pk=pk).exists()
    )
    context: dict[str, Any] = {
        "record": record,
        "cadre": record.cadre,
        "rule_labels": rule_labels(record),
        "verdict": verdict,
        "uses_this": verdict.waiver is not None and verdict.waiver.id == record.pk,
        "promotions": list(record.promotions.all().order_by("-decision_date")),
        "can_change": can_change,
        "today": today,
        "breadcrumbs": _crumbs((record.cadre.name, None)),
    }
    return render(request, "selection/exceptional_detail.html", context)


@require_POST
def exceptional_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        record = services.exceptional_delete(actor=actor, record_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("selection:exceptional_detail", pk=pk)
    undo = reverse("selection:exceptional_restore", args=[pk])
    text = f"已删除{record.cadre.name}的破格提拔依据。"
    messages.success(request, undo_message(request, text, undo))
    return redirect("selection:exceptional_list")


@require_POST
def exceptional_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        services.exceptional_restore(actor=actor, record_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    messages.success(request, "已恢复破格提拔依据")
    return redirect("selection:exceptional_detail", pk=pk)
