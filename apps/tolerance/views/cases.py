"""Pages of the 容错纠错 cases: list, application, detail with the action of the current stage,
one POST per transition, evidence, corrections and the overdue corrections.

Need-to-know: a user without the tolerance pillar (plain officers, leaders without it) gets 404
on every page here, audited as denied; the 三员 get the role's 403. A leader with the pillar
reads; only officers act.
"""

from datetime import date
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.cadres.views.common import filtered_list_context, require_cadre_user
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import sort_headers
from apps.core.models import AuditOutcome
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.tolerance import rules_cases as rules
from apps.tolerance import selectors_cases as selectors
from apps.tolerance.constants import Area, CaseStage, ListKind, Outcome
from apps.tolerance.forms_cases import (
    ACTION_FORMS,
    ActionForm,
    CaseApplyForm,
    CorrectionDoneForm,
    EvidenceForm,
    action_initial,
)
from apps.tolerance.models import ToleranceCase
from apps.tolerance.params import APPLICATION_DEADLINE_DAYS
from apps.tolerance.services import cases as services

NOT_FOUND = "记录不存在或不在您的数据范围内"
SERVICES: dict[str, Any] = {
    "accept": services.case_accept,
    "not_accept": services.case_not_accept,
    "verify": services.case_verify,
    "determine": services.case_determine,
    "conclude": services.case_conclude,
    "close": services.case_close,
}
# action → (button label, button class, confirmation)
ACTION_META: dict[str, tuple[str, str, str]] = {
    "accept": ("受理", "btn-primary", "确定受理该容错申请吗？"),
    "not_accept": ("不予受理", "btn-outline-danger", "确定不予受理吗？不予受理后案件即终结。"),
    "verify": ("完成核实", "btn-primary", "确定核实已完成吗？完成后进入认定。"),
    "determine": ("保存认定", "btn-primary", "确定提交认定吗？提交后进入结论阶段。"),
    "conclude": ("作出结论", "btn-primary", "确定作出结论并明确纠错措施吗？结论作出后不能修改。"),
    "close": ("办结", "btn-success", "确定办结该案件吗？"),
}
CASE_COLUMNS = [
    ("name", "姓名"),
    ("applied_on", "申请日期"),
    ("stage", "办理阶段"),
    ("concluded_on", "结论日期"),
]
OVERDUE_COLUMNS = [("name", "姓名"), ("due_on", "完成时限")]


# --- shared helpers ----------------------------------------------------------------------------


def pillar_user(request: HttpRequest, *, change: bool = False) -> Any:
    """The user, if a cadre user (else the role's 403) holding the tolerance pillar (else an
    audited 404: the pages do not confirm this pillar's records exist); `change` needs an
    officer (a leader with the pillar reads only)."""
    user = require_cadre_user(request)
    if not selectors.holds_pillar(user):
        audit.record(
            action="tolerance.access",
            actor=user,
            outcome=AuditOutcome.DENIED,
            detail={"path": request.path, "method": request.method},
        )
        raise Http404(NOT_FOUND)
    if change:
        require_cadre_user(request, change=True)
    return user


def cases_crumb() -> tuple[str, str]:
    return ("容错纠错", reverse("tolerance:case_list"))


def _case_or_404(
    actor: Any, pk: int, action: Action = Action.VIEW, *, audit_read: bool = True
) -> ToleranceCase:
    try:
        return selectors.case_get(actor=actor, case_id=pk, action=action, audit_read=audit_read)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


# --- list --------------------------------------------------------------------------------------


def case_list_view(request: HttpRequest) -> HttpResponse:
    actor = pillar_user(request)
    rows, form = selectors.case_list(actor=actor, params=request.GET)
    context = filtered_list_context(request, rows, form)
    sort = request.GET.get("sort") or "-applied_on"
    context["sorts"] = sort_headers(request, CASE_COLUMNS, sort, "#case-results")
    context["may_add"] = actor.role == Role.OFFICER and selectors.holds_pillar(actor, Action.CHANGE)
    if is_htmx_partial(request):
        return render(request, "tolerance/_case_results.html", context)
    context.update(
        stage_options=CaseStage.choices,
        outcome_options=Outcome.choices,
        area_options=Area.choices,
        breadcrumbs=[("容错纠错", None)],
    )
    return render(request, "tolerance/case_list.html", context)


# --- application -------------------------------------------------------------------------------


def case_create_view(request: HttpRequest) -> HttpResponse:
    actor = pillar_user(request, change=True)
    today = timezone.localdate()
    raw = request.POST.get("cadre") or request.GET.get("cadre")
    cadre = None
    if raw:
        try:
            cadre = selectors.pillar_cadre_get(actor=actor, cadre_id=raw, action=Action.CHANGE)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
    initial = {
        "applied_on": today,
        "applicant": "cadre",
        "applicant_name": getattr(cadre, "name", ""),
    }
    form = CaseApplyForm(request.POST or None, initial=initial)
    if cadre is not None and request.method == "POST" and form.is_valid():
        try:
            case = services.case_apply(
                actor=actor, cadre_id=cadre.pk, data=services.CaseApplication(**form.cleaned_data)
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{cadre.name}的容错申请")
            return redirect("tolerance:case_detail", pk=case.pk)
    q = request.GET.get("q", "")
    context = {
        "form": form,
        "cadre": cadre,
        "q": q,
        "matches": selectors.pillar_cadre_search(actor=actor, text=q) if cadre is None else [],
        "deadline_days": param(APPLICATION_DEADLINE_DAYS.key, today),
        "breadcrumbs": [cases_crumb(), ("登记容错申请", None)],
    }
    return render(request, "tolerance/case_form.html", context)


# --- detail ------------------------------------------------------------------------------------


def _items(case: ToleranceCase) -> list[Any]:
    return list(case.method.items.all()) if case.method_id and case.method else []


def _action_form(action: str, case: ToleranceCase, data: Any = None) -> ActionForm:
    kwargs: dict[str, Any] = {
        "case": case,
        "initial": action_initial(case, timezone.localdate()),
        "auto_id": f"id_{action}_%s",  # several action forms share the page: unique ids
    }
    if action == "determine":
        kwargs["items"] = _items(case)
    return ACTION_FORMS[action](data, **kwargs)


def _actions(case: ToleranceCase, bound: dict[str, ActionForm]) -> list[dict[str, Any]]:
    result = []
    for key in rules.available_actions(case.stage):
        label, css, confirm = ACTION_META[key]
        result.append(
            {
                "key": key,
                "title": rules.ACTION_LABELS[key],
                "label": label,
                "css": css,
                "confirm": confirm,
                "form": bound.get(key) or _action_form(key, case),
                "url": reverse(f"tolerance:case_{key}", args=[case.pk]),
                "open": key in bound or len(rules.available_actions(case.stage)) == 1,
            }
        )
    return result


def _verbose(name: str) -> str:
    return str(getattr(ToleranceCase._meta.get_field(name), "verbose_name", name))


def _checklist(case: ToleranceCase) -> dict[str, Any]:
    """The saved answers and the method version's list entries, matched ones marked."""
    items = _items(case)
    chosen = set(case.positive_items.values_list("pk", flat=True)) | set(
        case.negative_items.values_list("pk", flat=True)
    )
    return {
        "distinctions": [
            (_verbose(a), getattr(case, a), getattr(case, r)) for a, r, _ in rules.DISTINCTIONS
        ],
        "conditions": [
            (_verbose(a), getattr(case, a))
            for a in [*(a for a, _ in rules.CONDITIONS), "is_repeat"]
        ],
        "positive": [(i, i.pk in chosen) for i in items if i.kind == ListKind.POSITIVE],
        "negative": [(i, i.pk in chosen) for i in items if i.kind == ListKind.NEGATIVE],
        "suggestion": selectors.case_suggestion(case),
        "tol4_met": rules.tol4_met(selectors.case_checklist(case, negative_matched=False)),
    }


def _detail(
    request: HttpRequest,
    case: ToleranceCase,
    *,
    bound: dict[str, ActionForm] | None = None,
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    actor: Any = request.user
    today = timezone.localdate()
    may_act = actor.role == Role.OFFICER and selectors.case_can_change(actor=actor, case_id=case.pk)
    corrections = list(case.corrections.all())
    context = {
        "case": case,
        "alert": alert,
        "may_act": may_act,
        "actions": _actions(case, bound or {}) if may_act else [],
        "timeline": selectors.case_timeline(case),
        "checklist": _checklist(case),
        "evidence": list(case.evidence.select_related("uploaded_by")),
        "evidence_form": EvidenceForm()
        if may_act and case.stage in rules.EVIDENCE_STAGES
        else None,
        "corrections": [
            (
                c,
                rules.is_overdue(c.due_on, c.done_on, today),
                CorrectionDoneForm(prefix=f"c{c.pk}", initial={"done_on": today}),
            )
            for c in corrections
        ],
        "can_mark_done": may_act and case.stage == CaseStage.CONCLUDED,
        "pending": sum(1 for c in corrections if c.done_on is None),
        "deadline": _deadline(case),
        "breadcrumbs": [cases_crumb(), (f"{case.cadre.name}的容错申请", None)],
    }
    return render(request, "tolerance/case_detail.html", context, status=status)


def _deadline(case: ToleranceCase) -> dict[str, Any] | None:
    if case.notified_on is None:
        return None
    days = int(param(APPLICATION_DEADLINE_DAYS.key, case.applied_on))
    return {
        "days": days,
        "last": rules.application_deadline(case.notified_on, days),
        "ok": rules.within_deadline(case.applied_on, case.notified_on, days),
    }


def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page; the read is audited (refused ones as denied, answering 404)."""
    actor = pillar_user(request)
    return _detail(request, _case_or_404(actor, pk))


@require_POST
def case_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition. A stale version re-renders the page (409) with who acted and when; a
    refused rule re-renders the action form with the message."""
    actor = pillar_user(request, change=True)
    case = _case_or_404(actor, pk, Action.CHANGE, audit_read=False)
    form = _action_form(action, case, request.POST)
    alert, status = "", 400
    if form.is_valid():
        try:
            SERVICES[action](actor=actor, case_id=pk, **form.service_kwargs())
        except StaleVersionError as exc:
            alert, status = exc.message, 409
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
            alert = "" if exc.fields else exc.message
        else:
            messages.success(request, f"已{rules.ACTION_LABELS[action]}")
            return redirect("tolerance:case_detail", pk=pk)
    bound = {} if status == 409 else {action: form}
    case = _case_or_404(actor, pk, audit_read=False)
    return _detail(request, case, bound=bound, alert=alert, status=status)


# --- evidence and corrections --------------------------------------------------------------------


@require_POST
def evidence_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = pillar_user(request, change=True)
    _case_or_404(actor, pk, Action.CHANGE, audit_read=False)
    form = EvidenceForm(request.POST, request.FILES)
    target = reverse("tolerance:case_detail", args=[pk]) + "#evidence"
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect(target)
    try:
        evidence = services.evidence_add(actor=actor, case_id=pk, upload=form.cleaned_data["file"])
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, f"上传失败：{exc.message}")
    else:
        messages.success(request, f"已上传“{evidence.name}”")
    return redirect(target)


def evidence_download_view(request: HttpRequest, pk: int) -> FileResponse:
    actor = pillar_user(request)
    try:
        evidence = services.evidence_open(actor=actor, evidence_id=pk)
    except OutOfScopeError:
        raise Http404("文件不存在或不在您的数据范围内") from None
    response = FileResponse(evidence.file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(evidence.name)}"
    return response


@require_POST
def correction_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = pillar_user(request, change=True)
    try:
        correction = selectors.correction_get(actor=actor, correction_id=pk, action=Action.CHANGE)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    target = reverse("tolerance:case_detail", args=[correction.case_id]) + "#corrections"
    form = CorrectionDoneForm(request.POST, prefix=f"c{pk}")
    if not form.is_valid():
        errors = "；".join(
            f"{form[k].label}：{'、'.join(str(e) for e in v)}" for k, v in form.errors.items()
        )
        messages.error(request, f"登记失败：{errors}")
        return redirect(target)
    try:
        services.correction_done(actor=actor, correction_id=pk, **form.cleaned_data)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, f"登记失败：{exc.message}")
    else:
        messages.success(request, "已登记纠错措施完成情况")
    return redirect(target)


def correction_overdue_view(request: HttpRequest) -> HttpResponse:
    actor = pillar_user(request)
    today: date = timezone.localdate()
    rows, form = selectors.overdue_corrections(actor=actor, params=request.GET, today=today)
    context = filtered_list_context(request, rows, form)
    sort = request.GET.get("sort") or "due_on"
    context["sorts"] = sort_headers(request, OVERDUE_COLUMNS, sort, "#overdue-results")
    context["today"] = today
    for row in context["page"].object_list:
        row.days_overdue = (today - row.due_on).days
    if is_htmx_partial(request):
        return render(request, "tolerance/_case_overdue_results.html", context)
    context["breadcrumbs"] = [cases_crumb(), ("逾期未完成的纠错措施", None)]
    return render(request, "tolerance/case_overdue.html", context)
