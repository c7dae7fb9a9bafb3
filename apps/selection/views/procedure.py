"""任前公示 and 试用期 pages: lists (filters, sort, paging, htmx, export), start a notice for a
planned promotion, the printable notice with its result form, the probation with its assessment.
Out-of-scope ids answer 404; officers act, leaders read."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import require_cadre_user, unit_filter_options
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.forms import submit
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_header_rows
from apps.core.scope import Action
from apps.selection import rules_procedure as rules
from apps.selection import selectors_procedure as selectors
from apps.selection.forms_procedure import (
    ProbationAssessForm,
    PublicityCloseForm,
    PublicityStartForm,
)
from apps.selection.models import Probation, Promotion, Publicity
from apps.selection.services import probation as probation_services
from apps.selection.services import publicity as publicity_services

PUBLICITY_CRUMB = ("任前公示", "selection:publicity_list")
PROBATION_CRUMB = ("任职试用期", "selection:probation_list")
PUBLICITY_COLUMNS = (
    ("cadre", "姓名"),
    ("", "现任职务"),
    ("", "拟任职务"),
    ("start_date", "公示开始"),
    ("end_date", "公示截止"),
    ("outcome", "公示结果"),
)
PROBATION_COLUMNS = (
    ("cadre", "姓名"),
    ("", "试任职务"),
    ("start_date", "试用期开始"),
    ("end_date", "试用期满"),
    ("outcome", "考核结论"),
)


def _list_context(
    request: HttpRequest, queryset: QuerySet[Any], form: Any, columns: Any, sort: str
) -> dict[str, Any]:
    units = (
        []
        if is_htmx_partial(request)
        else unit_filter_options(request.user, request.GET.get("unit") or "")
    )
    return {
        **list_context(request, queryset),
        "filter": form,
        "headers": sort_header_rows(request, columns, sort),
        "unit_options": units,
    }


def _crumbs(crumb: tuple[str, str], *last: tuple[str, str | None]) -> list[Any]:
    return [(crumb[0], reverse(crumb[1])), *last]


# --- 任前公示 ---------------------------------------------------------------------------------


def publicity_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    queryset, form = selectors.publicity_list(actor=actor, params=request.GET, today=today)
    sort = request.GET.get("sort") or selectors.PUBLICITY_DEFAULT_SORT
    context = _list_context(request, queryset, form, PUBLICITY_COLUMNS, sort)
    context.update(today=today, breadcrumbs=[(PUBLICITY_CRUMB[0], None)])
    if is_htmx_partial(request):
        return render(request, "selection/_publicity_results.html", context)
    return render(request, "selection/publicity_list.html", context)


def _promotion_for_change(actor: Any, pk: int) -> Promotion:
    promotion = (
        Promotion.objects.visible_to(actor, Action.CHANGE)
        .select_related("cadre", "unit", "post", "exceptional")
        .filter(pk=pk)
        .first()
    )
    if promotion is None:
        raise Http404("记录不存在或不在您的数据范围内")
    return promotion


def _start_initial(promotion: Promotion, today: date, minimum: int) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "start_date": max(today, promotion.decision_date),
        "working_days": minimum,
    }
    if promotion.exceptional is not None:
        ground = promotion.exceptional.get_ground_display()
        initial["exceptional_reason"] = f"{ground}：{promotion.exceptional.explanation}"
    return initial


def publicity_start_view(request: HttpRequest, promotion_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    promotion = _promotion_for_change(actor, promotion_id)
    existing = Publicity.objects.filter(promotion=promotion).values_list("pk", flat=True).first()
    if existing is not None:
        messages.info(request, "该任用已有任前公示")
        return redirect("selection:publicity_detail", pk=existing)
    today = timezone.localdate()
    minimum = publicity_services.minimum_working_days(promotion.kind, today)
    form = PublicityStartForm(
        request.POST or None,
        exceptional=promotion.exceptional is not None,
        minimum=minimum,
        initial=_start_initial(promotion, today, minimum),
    )
    if request.method == "POST" and form.is_valid():
        try:
            publicity = publicity_services.publicity_start(
                actor=actor, promotion_id=promotion.pk, **form.cleaned_data
            )
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            end, days = publicity.end_date, publicity.working_days
            messages.success(request, f"已开始公示，公示期至{end:%Y年%m月%d日}（{days}个工作日）")
            return redirect("selection:publicity_detail", pk=publicity.pk)
    context = {
        "form": form,
        "promotion": promotion,
        "breadcrumbs": _crumbs(PUBLICITY_CRUMB, (f"{promotion.cadre.name} · 开始公示", None)),
    }
    return render(
        request, "selection/publicity_form.html", context, status=400 if form.errors else 200
    )


def _publicity_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> Publicity:
    try:
        return selectors.publicity_get(actor=actor, publicity_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def _publicity_page(
    request: HttpRequest, publicity: Publicity, form: PublicityCloseForm | None, status: int = 200
) -> HttpResponse:
    actor = request.user
    pending = publicity.closed_on is None
    if form is None and pending and selectors.can_change(actor, publicity):
        today = timezone.localdate()
        form = PublicityCloseForm(
            initial={"version": publicity.version, "closed_on": max(today, publicity.end_date)}
        )
    context = {
        "publicity": publicity,
        "promotion": publicity.promotion,
        "cadre": publicity.promotion.cadre,
        "form": form,
        "ended": publicity.end_date <= timezone.localdate(),
        "breadcrumbs": _crumbs(PUBLICITY_CRUMB, (publicity.promotion.cadre.name, None)),
    }
    return render(request, "selection/publicity_detail.html", context, status=status)


def publicity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_user(request)
    return _publicity_page(request, _publicity_or_404(request.user, pk), None)


@require_POST
def publicity_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    publicity = _publicity_or_404(actor, pk, Action.CHANGE)
    form = PublicityCloseForm(request.POST)
    status = submit(
        form,
        lambda: publicity_services.publicity_close(
            actor=actor, publicity_id=pk, **form.cleaned_data
        ),
    )
    if status is None:
        messages.success(request, "已登记公示结果")
        return redirect("selection:publicity_detail", pk=pk)
    publicity.refresh_from_db()
    return _publicity_page(request, publicity, form, status)


# --- 试用期 -----------------------------------------------------------------------------------


def probation_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    queryset, form = selectors.probation_list(actor=actor, params=request.GET, today=today)
    sort = request.GET.get("sort") or selectors.PROBATION_DEFAULT_SORT
    context = _list_context(request, queryset, form, PROBATION_COLUMNS, sort)
    days = selectors.probation_reminder_days(today)
    context["rows"] = [
        {
            "p": p,
            "state": rules.probation_due_state(
                end=p.end_date, outcome=p.outcome, today=today, reminder_days=days
            ),
        }
        for p in context["page"].object_list
    ]
    context.update(
        today=today,
        reminder_days=days,
        labels=rules.DUE_LABELS,
        breadcrumbs=[(PROBATION_CRUMB[0], None)],
    )
    if is_htmx_partial(request):
        return render(request, "selection/_probation_results.html", context)
    return render(request, "selection/probation_list.html", context)


def _probation_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> Probation:
    try:
        return selectors.probation_get(actor=actor, probation_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def _probation_page(
    request: HttpRequest, probation: Probation, form: ProbationAssessForm | None, status: int = 200
) -> HttpResponse:
    actor = request.user
    today = timezone.localdate()
    days = selectors.probation_reminder_days(today)
    pending = probation.assessed_on is None
    if form is None and pending and selectors.can_change(actor, probation):
        form = ProbationAssessForm(
            initial={"version": probation.version, "assessed_on": min(today, probation.end_date)}
        )
    state = rules.probation_due_state(
        end=probation.end_date, outcome=probation.outcome, today=today, reminder_days=days
    )
    context = {
        "probation": probation,
        "promotion": probation.promotion,
        "cadre": probation.promotion.cadre,
        "form": form,
        "state": state,
        "state_label": rules.DUE_LABELS[state],
        "opens": rules.probation_assessable_from(probation.end_date, days),
        "breadcrumbs": _crumbs(PROBATION_CRUMB, (probation.promotion.cadre.name, None)),
    }
    return render(request, "selection/probation_detail.html", context, status=status)


def probation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_user(request)
    return _probation_page(request, _probation_or_404(request.user, pk), None)


@require_POST
def probation_assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    probation = _probation_or_404(actor, pk, Action.CHANGE)
    form = ProbationAssessForm(request.POST)
    status = submit(
        form,
        lambda: probation_services.probation_assess(
            actor=actor, probation_id=pk, **form.cleaned_data
        ),
    )
    if status is None:
        messages.success(request, "已登记试用期满考核结论")
        return redirect("selection:probation_detail", pk=pk)
    probation.refresh_from_db()
    return _probation_page(request, probation, form, status)
