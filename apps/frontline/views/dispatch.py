"""Dispatch (点将) pages: list, new dispatch, detail with one POST form per action, the board.

Receiving units' officers read dispatches to their units but get no actions; the action URLs
answer them 404 (they are outside the CHANGE scope), like any out-of-scope row."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.cadres.filters import search as cadre_search
from apps.cadres.models import Cadre
from apps.cadres.views.common import require_cadre_user
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_header_rows
from apps.core.paging import paginate
from apps.core.scope import Action
from apps.frontline import rules_dispatch as rules
from apps.frontline import selectors_dispatch as selectors
from apps.frontline.forms_dispatch import ACTION_FORMS, ActionForm, DispatchForm
from apps.frontline.models import Dispatch
from apps.frontline.services import dispatch as services
from apps.units.models import Unit

LIST_CRUMB = ("选派（点将）", "frontline:dispatch_list")
# (sort key or "" for a plain column, header)
COLUMNS = (
    ("cadre", "干部"),
    ("kind", "选派类型"),
    ("", "派出单位"),
    ("target", "接收单位"),
    ("", "拟任职务"),
    ("planned_start", "计划开始"),
    ("planned_end", "任期届满"),
    ("state", "状态"),
)
# action → (button label, button class, confirmation)
ACTION_META: dict[str, tuple[str, str, str]] = {
    "approve": ("批准", "btn-primary", "确认批准该选派？"),
    "start": ("登记到岗", "btn-primary", "确认该干部已到岗？将同时生成一线经历记录。"),
    "extend": ("延期", "btn-outline-primary", "确认延长该干部的任期？"),
    "return": ("期满返回", "btn-outline-primary", "确认该干部期满返回？一线经历将同时结束。"),
    "recall": ("召回", "btn-outline-danger", "确认召回该干部？一线经历将同时结束。"),
    "cancel": ("撤销选派", "btn-outline-danger", "确认撤销该选派？撤销后不能恢复。"),
    "assess": ("保存考核结果", "btn-outline-primary", "确认保存期满考核结果？"),
}
SERVICES: dict[str, Any] = {
    "approve": services.dispatch_approve,
    "start": services.dispatch_start,
    "extend": services.dispatch_extend,
    "return": services.dispatch_return,
    "recall": services.dispatch_recall,
    "cancel": services.dispatch_cancel,
    "assess": services.dispatch_assess,
}
MAX_UNIT_OPTIONS = 2000
MAX_CADRE_RESULTS = 20


def _list_crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(LIST_CRUMB[0], reverse(LIST_CRUMB[1])), *last]


def _or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> Dispatch:
    try:
        return selectors.dispatch_get(actor=actor, dispatch_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def _rows(dispatches: list[Dispatch], today: date, days: int) -> list[dict[str, Any]]:
    rows = []
    for d in dispatches:
        ending = d.is_serving and rules.term_ends_within(d.planned_end, today, days)
        left = rules.days_left(d.planned_end, today)
        rows.append(
            {"d": d, "flag": rules.reminder_text(left) if ending else "", "overdue": left < 0}
        )
    return rows


def dispatch_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    queryset, form = selectors.dispatch_list(actor=actor, params=request.GET, today=today)
    page = paginate(request, queryset)
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    days = selectors.reminder_days(today)
    context = {
        **list_context(request, page),
        "filter": form,
        "rows": _rows(list(page.object_list), today, days),
        "reminder_days": days,
        "headers": sort_header_rows(request, COLUMNS, sort),
        "breadcrumbs": [(LIST_CRUMB[0], None)],
    }
    if is_htmx_partial(request):
        return render(request, "frontline/_dispatch_results.html", context)
    context["county_options"] = selectors.county_options(actor=actor)
    context["task_options"] = selectors.task_options(actor=actor)
    return render(request, "frontline/dispatch_list.html", context)


def _unit_choices(actor: Any) -> list[tuple[int, str]]:
    """Active units of the actor's change scope, indented by depth below the scope's top."""
    units = list(
        Unit.objects.visible_to(actor, Action.CHANGE)
        .active()
        .order_by("path")
        .values_list("pk", "name", "depth")[:MAX_UNIT_OPTIONS]
    )
    top = min((depth for _, _, depth in units), default=0)
    return [(pk, "　" * (depth - top) + name) for pk, name, depth in units]


def _chosen_cadre(actor: Any, raw: str | None) -> Cadre | None:
    """The picked (or prefilled) cadre when the actor may dispatch them; else nothing."""
    if not raw or not raw.isdigit():
        return None
    return (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_related("unit")
        .filter(pk=int(raw))
        .first()
    )


def _create(actor: Any, form: DispatchForm) -> Dispatch | None:
    data = form.cleaned_data
    try:
        return services.dispatch_create(
            actor=actor,
            cadre_id=data["cadre"],
            kind=data["kind"],
            target_unit_id=data["target_unit"],
            target_post=data["target_post"],
            village=data["village"],
            task_id=data["task"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            full_time=data["full_time"],
            counts_as_grassroots=data["counts_as_grassroots"],
            reason=data["reason"],
        )
    except OutOfScopeError:
        form.add_error("cadre", "所选干部不在您的管理范围内")
    except DomainError as exc:
        form.add_domain_error(exc)
    return None


def dispatch_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = DispatchForm(
        request.POST or None,
        units=_unit_choices(actor),
        tasks=selectors.task_options(actor=actor),
        initial={"full_time": True},
    )
    if request.method == "POST" and form.is_valid():
        dispatch = _create(actor, form)
        if dispatch is not None:
            messages.success(request, f"已新增选派：{dispatch}")
            return redirect("frontline:dispatch_detail", pk=dispatch.pk)
    raw = request.POST.get("cadre") if request.method == "POST" else request.GET.get("cadre")
    chosen = _chosen_cadre(actor, raw)
    context = {
        "form": form,
        "cadres": [chosen] if chosen else [],
        "checked": chosen.pk if chosen else None,
        "limit": MAX_CADRE_RESULTS,
        "breadcrumbs": _list_crumbs(("新增选派", None)),
    }
    return render(request, "frontline/dispatch_form.html", context)


def dispatch_cadre_search_view(request: HttpRequest) -> HttpResponse:
    """htmx: cadres the actor may dispatch, matching the typed name, pinyin or id number."""
    actor = require_cadre_user(request, change=True)
    text = request.GET.get("q", "").strip()[:50]
    cadres: list[Cadre] = []
    if text:
        queryset = cadre_search(Cadre.objects.visible_to(actor, Action.CHANGE), text)
        cadres = list(
            queryset.select_related("unit").order_by("name_pinyin", "id")[:MAX_CADRE_RESULTS]
        )
    context = {"cadres": cadres, "q": text, "limit": MAX_CADRE_RESULTS}
    return render(request, "frontline/_dispatch_cadre_options.html", context)


def _actions(
    dispatch: Dispatch, bound: dict[str, ActionForm], open_action: str | None
) -> list[dict[str, Any]]:
    result = []
    for key in rules.available_actions(dispatch.state):
        label, css, confirm = ACTION_META[key]
        form = bound.get(key) or ACTION_FORMS[key](
            initial={"version": dispatch.version}, action=key
        )
        result.append(
            {
                "key": key,
                "title": rules.ACTION_LABELS[key],
                "label": label,
                "css": css,
                "confirm": confirm,
                "form": form,
                "url": reverse(f"frontline:dispatch_{key}", args=[dispatch.pk]),
                "open": key == open_action,
            }
        )
    return result


def _term_reminder(dispatch: Dispatch, today: date) -> dict[str, Any]:
    left = rules.days_left(dispatch.planned_end, today)
    days = selectors.reminder_days(today)
    ending = dispatch.is_serving and rules.term_ends_within(dispatch.planned_end, today, days)
    return {"flag": rules.reminder_text(left) if ending else "", "overdue": left < 0}


def _detail(
    request: HttpRequest,
    dispatch: Dispatch,
    *,
    bound: dict[str, ActionForm] | None = None,
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    actor: Any = request.user
    today = timezone.localdate()
    may_act = actor.role == Role.OFFICER and selectors.can_change(
        actor=actor, dispatch_id=dispatch.pk
    )
    open_action = next(iter(bound), None) if bound else None
    context = {
        "dispatch": dispatch,
        "alert": alert,
        "actions": _actions(dispatch, bound or {}, open_action) if may_act else [],
        "may_act": may_act,
        "service": selectors.dispatch_service(actor=actor, dispatch=dispatch),
        "cadre_visible": Cadre.objects.visible_to(actor).filter(pk=dispatch.cadre_id).exists(),
        "history": selectors.dispatch_history(dispatch=dispatch),
        **_term_reminder(dispatch, today),
        "breadcrumbs": _list_crumbs((dispatch.cadre.name, None)),
    }
    return render(request, "frontline/dispatch_detail.html", context, status=status)


def dispatch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The dispatch page; the read is audited like a cadre record's (a part of one)."""
    actor = require_cadre_user(request)
    dispatch = _or_404(actor, pk)
    audit.record(
        action="frontline.dispatch.view",
        actor=actor,
        target=dispatch,
        detail={"cadre": dispatch.cadre_id},
    )
    return _detail(request, dispatch)


@require_POST
def dispatch_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition. A stale version or a refused rule re-renders the detail page with the
    message (the page then shows the current state and version)."""
    actor = require_cadre_user(request, change=True)
    _or_404(actor, pk, Action.CHANGE)
    form = ACTION_FORMS[action](request.POST, action=action)
    alert, status = "", 200
    if form.is_valid():
        try:
            SERVICES[action](actor=actor, dispatch_id=pk, **form.service_kwargs())
        except StaleVersionError as exc:
            alert, status = exc.message, 409
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
            alert = "" if exc.fields else exc.message
        else:
            messages.success(request, f"已{rules.ACTION_LABELS[action]}")
            return redirect("frontline:dispatch_detail", pk=pk)
    bound = {} if status == 409 else {action: form}
    return _detail(request, _or_404(actor, pk), bound=bound, alert=alert, status=status)


def _chart(board: selectors.Board) -> dict[str, Any]:
    """The board's numbers for ECharts, with the drill-down URL of every bar segment."""
    url = reverse("frontline:dispatch_list")
    kinds = board.kinds
    return {
        "categories": [card.unit.name for card in board.cards],
        "series": [
            {"name": label, "data": [card.count(key) for card in board.cards]}
            for key, label in kinds
        ],
        "links": [
            [f"{url}?county={card.unit.pk}&kind={key}&state=serving" for card in board.cards]
            for key, _ in kinds
        ],
    }


def dispatch_board_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    board = selectors.dispatch_board(actor=actor, today=timezone.localdate())
    per_kind, total = board.totals()
    context = {
        "board": board,
        "table": board.table(),
        "per_kind": per_kind,
        "total": total,
        "chart": _chart(board),
        "list_url": reverse("frontline:dispatch_list"),
        "breadcrumbs": _list_crumbs(("选派看板", None)),
    }
    return render(request, "frontline/dispatch_board.html", context)
