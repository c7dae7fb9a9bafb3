"""职级晋升 pages: the list of cadres who have served the wait for the next 职级 by a year's end
(filters, sort, paging, htmx, export; each row links to its explanation and, for officers, to
plan the promotion), and the rank headcount caps (RANK-QUOTA-1) with their use, history and the
form to add one. Officers change caps inside their change scope; leaders read."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.cadres.views.common import require_cadre_user, unit_filter_options
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_header_rows
from apps.core.paging import page_size_of
from apps.core.scope import Action
from apps.selection import exports_rank  # noqa: F401  (registers the list exports)
from apps.selection import selectors_rank as selectors
from apps.selection.forms_rank import RankQuotaForm
from apps.selection.models import RankQuota
from apps.selection.services import rank_quota as services
from apps.units.models import Unit
from apps.units.options import unit_options

DUE_CRUMB = ("职级晋升", "selection:rank_due")
QUOTA_CRUMB = ("职级职数比例", "selection:rank_quota")
# (sort key or "" for a plain column, header)
DUE_COLUMNS = (
    ("name", "姓名"),
    ("unit", "单位"),
    ("", "现职级/职务"),
    ("", "任现职级（职务）时间"),
    ("target", "拟晋升职级"),
    ("", "任职年限"),
    ("eligible_from", "满足资格时间"),
    ("", "不得晋升情形"),
    ("", "职数余量"),
    ("", "操作"),
)


def rank_due_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    rows, form = selectors.rank_due_list(actor=actor, params=request.GET, today=today)
    page = Paginator(rows, page_size_of(request)).get_page(request.GET.get("page"))
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    year = form.cleaned_data.get("year", today.year) if form.is_bound else today.year
    context: dict[str, Any] = {
        "filter": form,
        "year": year,
        **list_context(request, page),
        "headers": sort_header_rows(request, DUE_COLUMNS, sort),
        "can_plan": actor.role == Role.OFFICER,
        "show_blocked": bool(form.is_valid() and form.cleaned_data.get("blocked")),
        "breadcrumbs": [("选拔任用", None), (DUE_CRUMB[0], None)],
    }
    if is_htmx_partial(request):
        return render(request, "selection/_rank_due_results.html", context)
    context["unit_options"] = unit_filter_options(actor, request.GET.get("unit") or "")
    context["years"] = list(range(today.year - 2, today.year + 4))
    return render(request, "selection/rank_due.html", context)


# --- 职数比例 ------------------------------------------------------------------------------------


def _change_units(actor: Any, keep: Any = None) -> list[tuple[int, str]]:
    if actor.role != Role.OFFICER:
        return []
    chosen = [int(keep)] if keep and str(keep).isdigit() else []
    return unit_options(Unit.objects.visible_to(actor, Action.CHANGE).active(), keep=chosen)


def _quota_page(request: HttpRequest, actor: Any, form: RankQuotaForm | None) -> HttpResponse:
    today = timezone.localdate()
    usage = selectors.rank_quota_usage(actor=actor, on=today)
    in_force = {u.quota.pk for u in usage}
    changeable = set(
        RankQuota.objects.visible_to(actor, Action.CHANGE).values_list("pk", flat=True)
    )
    history = [
        {
            "q": q,
            "status": selectors.quota_status(q, in_force, today),
            "ranks": selectors.ranks_text(q.ranks),
            "base": selectors.ranks_text(q.base_ranks),
            "can_delete": q.pk in changeable and q.effective_from > today,
        }
        for q in selectors.quota_history(actor=actor)
    ]
    units = _change_units(actor, request.POST.get("unit") if request.method == "POST" else None)
    if form is None and units:
        form = RankQuotaForm(units=units, initial={"effective_from": today})
    context = {
        "today": today,
        "usage": [
            {
                "u": u,
                "ranks": selectors.ranks_text(u.quota.ranks),
                "base": selectors.ranks_text(u.quota.base_ranks),
            }
            for u in usage
        ],
        "history": history,
        "form": form,
        "breadcrumbs": [
            ("选拔任用", None),
            (DUE_CRUMB[0], reverse(DUE_CRUMB[1])),
            (QUOTA_CRUMB[0], None),
        ],
    }
    return render(request, "selection/rank_quota.html", context)


def rank_quota_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    return _quota_page(request, actor, None)


@require_POST
def rank_quota_add_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = RankQuotaForm(request.POST, units=_change_units(actor, request.POST.get("unit")))
    if form.is_valid():
        try:
            quota = services.rank_quota_add(actor=actor, **form.service_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                f"已新增职数比例“{quota.label}”，自{quota.effective_from:%Y-%m-%d}起生效",
            )
            return redirect(QUOTA_CRUMB[1])
    return _quota_page(request, actor, form)


@require_POST
def rank_quota_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        services.rank_quota_delete(actor=actor, quota_id=pk)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除尚未生效的职数比例")
    return redirect(QUOTA_CRUMB[1])
