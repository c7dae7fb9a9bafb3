"""后备干部 pages (issue 8 item 7): the pools in scope with their counts, a pool's entries
(active/exited, add with a cadre picker, exit with a reason, undo), and the side-by-side
comparison of 2–5 reserve cadres with their eligibility for the pool's target tier.
Out-of-scope ids answer 404; officers act, leaders read."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.models import Cadre
from apps.cadres.views.common import is_officer, require_cadre_user, unit_filter_options
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers, undo_message
from apps.core.scope import Action
from apps.selection import selectors_reserve as sel
from apps.selection.constants import ReserveSource
from apps.selection.forms_reserve import (
    EntryFilterForm,
    EntryForm,
    ExitForm,
    PoolFilterForm,
    PoolForm,
)
from apps.selection.models import ReserveEntry, ReservePool
from apps.selection.services import reserve as services
from apps.units.constants import Tier

NOT_FOUND = "记录不存在或不在您的数据范围内"
POOL_COLUMNS = {"unit": "管理单位", "tier": "后备职务层次", "name": "名称", "active": "在库（人）"}
ENTRY_COLUMNS = {
    "name": "姓名",
    "birth_date": "出生年月",
    "entry_date": "入库日期",
    "exit_date": "出库日期",
}


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("后备干部", reverse("selection:reserve_list")), *items]


def _pool_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> ReservePool:
    try:
        return sel.pool_get(actor=actor, pool_id=pk, action=action)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


def _entry_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> ReserveEntry:
    try:
        return sel.entry_get(actor=actor, entry_id=pk, action=action)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


# --- pools ----------------------------------------------------------------------------------------


def reserve_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = PoolFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.pool_list(actor=actor, filters=filters))
    sort = filters.sort if filters else sel.POOL_DEFAULT_SORT
    # The export lists the reserve cadres of these pools: it keeps the unit and tier filters
    # (the pools' `q` searches pool names, the export's `q` cadre names).
    kept = {k: request.GET[k] for k in ("unit", "tier") if request.GET.get(k)}
    context.update(
        form=form,
        export_query=urlencode(kept),
        headers=sort_headers(request, POOL_COLUMNS, sort, "#pool-results"),
        tiers=Tier.choices,
        breadcrumbs=[("后备干部", None)],
    )
    if is_htmx_partial(request):
        return render(request, "selection/_reserve_pool_results.html", context)
    context["unit_options"] = unit_filter_options(actor, request.GET.get("unit") or "")
    return render(request, "selection/reserve_list.html", context)


def reserve_pool_add_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = PoolForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            pool = services.pool_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新建“{pool.name}”")
            return redirect("selection:reserve_pool", pk=pool.pk)
    context = {"form": form, "breadcrumbs": _crumbs(("新建后备干部库", None))}
    return render(request, "selection/reserve_pool_form.html", context)


def reserve_pool_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    pool = _pool_or_404(actor, pk)
    form = EntryFilterForm(request.GET)
    filters = form.filters(pool=pool.pk)
    context = list_context(request, sel.entry_list(actor=actor, filters=filters))
    sort = filters.sort if filters else sel.ENTRY_DEFAULT_SORT
    can_change = is_officer(actor) and sel.pool_changeable(actor=actor, pool_id=pool.pk)
    context.update(
        pool=pool,
        form=form,
        status=filters.status if filters else "active",
        headers=sort_headers(request, ENTRY_COLUMNS, sort, "#entry-results"),
        can_change=can_change,
        export_query=f"pool={pool.pk}&{context['export_query']}",
        today=timezone.localdate(),
    )
    if is_htmx_partial(request):
        return render(request, "selection/_reserve_entry_results.html", context)
    context.update(
        statuses=sel.ENTRY_STATUSES,
        sources=ReserveSource.choices,
        pick=sel.cadre_pick(actor=actor, text=request.GET.get("pick", "")) if can_change else [],
        breadcrumbs=_crumbs((pool.name, None)),
    )
    return render(request, "selection/reserve_pool.html", context)


# --- entries --------------------------------------------------------------------------------------


def reserve_entry_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    pool = _pool_or_404(actor, pk, Action.CHANGE)
    cadre_id = request.GET.get("cadre") or ""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE).select_related("unit").filter(pk=cadre_id)
        if cadre_id.isdigit()
        else Cadre.objects.none()
    ).first()
    if cadre is None:
        raise Http404(NOT_FOUND)
    form = EntryForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add(
                actor=actor, pool_id=pool.pk, cadre_id=cadre.pk, data=form.to_input()
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已将{cadre.name}列入“{pool.name}”")
            return redirect("selection:reserve_pool", pk=pool.pk)
    context: dict[str, Any] = {
        "form": form,
        "pool": pool,
        "cadre": cadre,
        "entry": None,
        "breadcrumbs": _crumbs(
            (pool.name, reverse("selection:reserve_pool", args=[pool.pk])), ("列入后备干部", None)
        ),
    }
    return render(request, "selection/reserve_entry_form.html", context)


def reserve_entry_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    entry = _entry_or_404(actor, pk, Action.CHANGE)
    initial = {
        "entry_date": entry.entry_date,
        "source": entry.source,
        "reason": entry.reason,
        "version": entry.version,
    }
    form = EntryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(
                actor=actor,
                entry_id=pk,
                expected_version=form.cleaned_data.get("version") or 0,
                data=form.to_input(),
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except StaleVersionError as exc:
            form.add_domain_error(exc)
            status = 409
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("selection:reserve_pool", pk=entry.pool_id)
    pool = entry.pool
    context: dict[str, Any] = {
        "form": form,
        "pool": pool,
        "cadre": entry.cadre,
        "entry": entry,
        "breadcrumbs": _crumbs(
            (pool.name, reverse("selection:reserve_pool", args=[pool.pk])), ("修改入库信息", None)
        ),
    }
    return render(request, "selection/reserve_entry_form.html", context, status=status)


def reserve_entry_exit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    entry = _entry_or_404(actor, pk, Action.CHANGE)
    initial = {"exit_date": timezone.localdate(), "version": entry.version}
    form = ExitForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            done = services.entry_exit(
                actor=actor,
                entry_id=pk,
                expected_version=form.cleaned_data["version"],
                data=form.to_input(),
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except StaleVersionError as exc:
            form.add_domain_error(exc)
            status = 409
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            undo = reverse("selection:reserve_entry_exit_undo", args=[pk])
            text = f"{entry.cadre.name}已出库（{done.get_exit_reason_display()}）。"
            messages.success(request, undo_message(request, text, f"{undo}?v={done.version}"))
            return redirect("selection:reserve_pool", pk=entry.pool_id)
    pool = entry.pool
    context: dict[str, Any] = {
        "form": form,
        "entry": entry,
        "pool": pool,
        "breadcrumbs": _crumbs(
            (pool.name, reverse("selection:reserve_pool", args=[pool.pk])), ("出库", None)
        ),
    }
    return render(request, "selection/reserve_entry_exit.html", context, status=status)


@require_POST
def reserve_entry_exit_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    version = request.GET.get("v") or request.POST.get("version") or ""
    try:
        entry = services.entry_exit_undo(
            actor=actor, entry_id=pk, expected_version=int(version) if version.isdigit() else 0
        )
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        entry = _entry_or_404(actor, pk)
    else:
        messages.success(request, f"已撤销出库，{entry.cadre.name}仍在库中")
    return redirect("selection:reserve_pool", pk=entry.pool_id)


# --- comparison -----------------------------------------------------------------------------------


def reserve_compare_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    ids = sel.parse_ids(request.GET.getlist("ids"))
    back = request.GET.get("pool") or ""
    crumbs = _crumbs(("比较", None))
    if not sel.COMPARE_MIN <= len(ids) <= sel.COMPARE_MAX:
        context: dict[str, Any] = {"error": "请选择2至5名后备干部进行比较", "breadcrumbs": crumbs}
        return render(request, "selection/reserve_compare.html", context, status=400)
    today = timezone.localdate()
    try:
        columns = sel.compare(actor=actor, entry_ids=ids, today=today)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    context = {
        "columns": columns,
        "today": today,
        "years": [today.year - 3, today.year - 2, today.year - 1],
        "back": back if back.isdigit() else "",
        "breadcrumbs": crumbs,
    }
    return render(request, "selection/reserve_compare.html", context)
