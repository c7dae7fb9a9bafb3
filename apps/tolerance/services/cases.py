"""Writes of the 容错纠错 case workflow: 申请 → 受理 → 核实 → 认定 → 结论 (with 纠错) → 办结.

Permission: officers holding the `tolerance` pillar with CHANGE scope over the case's cadre
(`ToleranceCase.objects.visible_to(actor, Action.CHANGE)`; leaders, plain officers and the 三员
get nothing and the service answers OutOfScopeError). One service per transition, each locking
the case, comparing the version the reviewer saw (StaleVersionError naming who acted and when),
checking the transition table (rules_cases) and auditing in the same transaction.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import uuid4

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.rulesets import param
from apps.core.scope import Action, assert_in_scope
from apps.tolerance import rules_cases as rules
from apps.tolerance.constants import CaseStage, ListKind
from apps.tolerance.models import CaseEvidence, Correction, ToleranceCase, ToleranceList
from apps.tolerance.params import APPLICATION_DEADLINE_DAYS
from apps.tolerance.rules_cases import CaseApplication, Checklist, CorrectionInput, Problem
from apps.tolerance.selectors_cases import (
    CHECKLIST_FIELDS,
    applicable_method,
    case_changes_since,
    evidence_open,
    last_case_event,
    pillar_cadres,
)

AUDIT_PREFIX = "tolerance.case."
VERBS = {"apply": "登记申请", **rules.ACTION_LABELS}
# Re-exported: the application's value object lives with its rules, the audited download
# (a read) with the selectors.
__all__ = ["CaseApplication", "evidence_open"]
_NOT_AUDITED = ("created_at", "updated_at")


def raise_problems(problems: Iterable[Problem], code: str = "invalid_case") -> None:
    found = list(problems)
    if not found:
        return
    fields: dict[str, str] = {}
    for p in found:
        if p.field:
            fields[p.field] = f"{fields[p.field]}；{p.message}" if p.field in fields else p.message
    raise DomainError("；".join(p.message for p in found), code=code, fields=fields)


def _required(value: str | None, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请填写{label}", code="required", fields={field: f"请填写{label}"})
    return text


def _check_day(on: date, field: str, label: str, *, not_before: date | None, today: date) -> None:
    if on > today:
        raise DomainError(f"{label}不能晚于今天", fields={field: f"{label}不能晚于今天"})
    if not_before is not None and on < not_before:
        message = f"{label}不能早于{not_before:%Y-%m-%d}"
        raise DomainError(message, fields={field: message})


def _snapshot(case: ToleranceCase) -> dict[str, Any]:
    data = audit.snapshot(case)
    for key in _NOT_AUDITED:
        data.pop(key, None)
    return data


# --- version and locking -----------------------------------------------------------------------


def _locked(actor: Any, case_id: int) -> ToleranceCase:
    """The case locked for a transition, if the actor holds the pillar with CHANGE scope."""
    case = (
        ToleranceCase.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("cadre__unit")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise OutOfScopeError()
    return case


def _check_version(case: ToleranceCase, expected_version: int) -> None:
    """Refuse an action based on a page loaded before someone else acted on the case: the
    message names who did what, when, and the stage now."""
    if case.version == expected_version:
        return
    event = last_case_event(case.pk)
    stage = case.get_stage_display()
    if event is None:
        message = f"该案件已被他人办理，当前阶段：{stage}，请刷新后查看"
    else:
        who = getattr(event.actor, "display_name", "") or event.actor_name or "他人"
        verb = VERBS.get(event.action.removeprefix(AUDIT_PREFIX), "修改")
        at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        message = f"该案件已由 {who} 于 {at} {verb}，当前阶段：{stage}，请刷新后查看"
    raise StaleVersionError(message, changes=case_changes_since(case.pk, expected_version))


def _begin(
    actor: Any, case_id: int, expected_version: int, action: str
) -> tuple[ToleranceCase, dict[str, Any], str]:
    """Lock, check the version and the transition: (case, snapshot before, next stage)."""
    case = _locked(actor, case_id)
    _check_version(case, expected_version)
    stage = rules.next_stage(case.stage, action)
    return case, _snapshot(case), stage


def _finish(
    actor: Any,
    case: ToleranceCase,
    before: dict[str, Any],
    action: str,
    detail: dict[str, Any] | None = None,
) -> ToleranceCase:
    """Bump the version, save, re-check the scope and audit the change."""
    case.version += 1
    case.save()
    assert_in_scope(ToleranceCase.objects.all(), case.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, _snapshot(case))
    audit.record(
        action=AUDIT_PREFIX + action,
        actor=actor,
        target=case,
        before=old,
        after=new,
        detail={"version": case.version, "cadre": case.cadre_id, **(detail or {})},
    )
    return case


# --- 申请 ---------------------------------------------------------------------------------------


def _check_application(data: CaseApplication, today: date) -> tuple[bool, int]:
    """Validate the application; (late, deadline days in force on the application date)."""
    days = int(param(APPLICATION_DEADLINE_DAYS.key, data.applied_on))
    problems = rules.application_problems(data, today, days)
    code = "deadline_passed" if any(p.field == "deadline_override_reason" for p in problems) else ""
    raise_problems(problems, code=code or "invalid_application")
    return not rules.within_deadline(data.applied_on, data.notified_on, days), days


@transaction.atomic
def case_apply(
    *, actor: Any, cadre_id: int, data: CaseApplication, today: date | None = None
) -> ToleranceCase:
    """Register a tolerance application (by the cadre or the unit) for a cadre in the actor's
    pillar scope, within the deadline (LOCAL `tolerance.application_deadline_days`, counted
    from the notice) unless an override reason is given. The method version in force on the
    application date is attached."""
    today = today or timezone.localdate()
    cadre = (
        pillar_cadres(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    late, days = _check_application(data, today)
    reasons = data.reasons.strip()
    override = data.deadline_override_reason.strip() if late else ""
    if override:
        reasons = f"{reasons}\n【逾期受理理由】{override}".strip()
    case = ToleranceCase.objects.create(
        cadre=cadre,
        unit=cadre.unit,
        applicant=data.applicant,
        applicant_name=data.applicant_name.strip(),
        applied_on=data.applied_on,
        notified_on=data.notified_on,
        area=data.area,
        matter=data.matter.strip(),
        reasons=reasons,
        method=applicable_method(cadre.unit.path, data.applied_on),
        created_by=actor,
    )
    assert_in_scope(ToleranceCase.objects.all(), case.pk, actor, Action.CHANGE)
    detail: dict[str, Any] = {"version": case.version, "cadre": cadre.pk, "deadline_days": days}
    if override:
        detail["deadline_override_reason"] = override
    audit.record(
        action=AUDIT_PREFIX + "apply",
        actor=actor,
        target=case,
        after=_snapshot(case),
        detail=detail,
    )
    return case


# --- 受理 / 不予受理 / 核实 ---------------------------------------------------------------------


@transaction.atomic
def case_accept(
    *,
    actor: Any,
    case_id: int,
    expected_version: int,
    accepted_on: date | None = None,
    today: date | None = None,
) -> ToleranceCase:
    """受理: the application is taken up for verification."""
    today = today or timezone.localdate()
    case, before, stage = _begin(actor, case_id, expected_version, "accept")
    on = accepted_on or today
    _check_day(on, "accepted_on", "受理日期", not_before=case.applied_on, today=today)
    case.stage, case.accepted_on, case.accepted_by = stage, on, actor
    return _finish(actor, case, before, "accept")


@transaction.atomic
def case_not_accept(
    *,
    actor: Any,
    case_id: int,
    expected_version: int,
    reason: str,
    today: date | None = None,
) -> ToleranceCase:
    """不予受理 with a reason; the case ends here (the decision date is kept as `closed_on`)."""
    today = today or timezone.localdate()
    case, before, stage = _begin(actor, case_id, expected_version, "not_accept")
    text = _required(reason, "reason", "不予受理理由")
    case.stage, case.not_accepted_reason = stage, text
    case.accepted_by, case.closed_on = actor, today
    return _finish(actor, case, before, "not_accept")


@transaction.atomic
def case_verify(
    *,
    actor: Any,
    case_id: int,
    expected_version: int,
    notes: str,
    interviews: str = "",
    verified_on: date | None = None,
    today: date | None = None,
) -> ToleranceCase:
    """核实 finished: the investigation notes (and interviews) are recorded."""
    today = today or timezone.localdate()
    case, before, stage = _begin(actor, case_id, expected_version, "verify")
    on = verified_on or today
    _check_day(on, "verified_on", "核实完成日期", not_before=case.accepted_on, today=today)
    case.investigation_notes = _required(notes, "notes", "核实情况")
    case.interviews = (interviews or "").strip()
    case.stage, case.verified_on = stage, on
    return _finish(actor, case, before, "verify")


# --- evidence ----------------------------------------------------------------------------------


def _check_upload(upload: UploadedFile) -> str:
    """The file's extension if its type, size and leading bytes are allowed."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    ext, problems = rules.upload_problems(upload.name or "", upload.size or 0, head)
    raise_problems(problems, code="evidence_file")
    return ext


@transaction.atomic
def evidence_add(*, actor: Any, case_id: int, upload: UploadedFile) -> CaseEvidence:
    """Attach investigation material (≤ 20 MB; PDF, JPG, PNG, DOCX, XLSX or MP3) to a case
    that is not yet concluded."""
    case = _locked(actor, case_id)
    if case.stage not in rules.EVIDENCE_STAGES:
        raise DomainError(
            f"案件处于“{case.get_stage_display()}”阶段，不能再添加核实材料", code="evidence_stage"
        )
    ext = _check_upload(upload)
    display = (upload.name or f"核实材料.{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    evidence = CaseEvidence(case=case, name=display, uploaded_by=actor)
    # Stored under a random name: the original name is kept for display only.
    evidence.file.save(f"{uuid4().hex}.{ext}", upload, save=False)
    evidence.save()
    audit.record(
        action="tolerance.evidence.add",
        actor=actor,
        target=evidence,
        detail={"case": case.pk, "cadre": case.cadre_id, "size": upload.size},
    )
    return evidence


# --- 认定 ---------------------------------------------------------------------------------------


def _items(case: ToleranceCase, ids: Sequence[int], kind: str, field: str) -> list[ToleranceList]:
    """List entries of the case's method version and of `kind`; any other id is refused."""
    wanted = set(ids)
    if not wanted:
        return []
    if case.method_id is None:
        message = "该案件没有适用的容错纠错办法，不能勾选清单情形"
        raise DomainError(message, code="no_method", fields={field: message})
    found = list(ToleranceList.objects.filter(method_id=case.method_id, kind=kind, pk__in=wanted))
    if len(found) != len(wanted):
        message = "所选清单情形不属于该案件适用的办法版本"
        raise DomainError(message, code="foreign_item", fields={field: message})
    return found


@transaction.atomic
def case_determine(
    *,
    actor: Any,
    case_id: int,
    expected_version: int,
    checklist: Checklist,
    positive_item_ids: Sequence[int] = (),
    negative_item_ids: Sequence[int] = (),
    factors: str = "",
    determined_on: date | None = None,
    today: date | None = None,
) -> ToleranceCase:
    """认定: the checklist (TOL-1 distinctions with reasons, TOL-4 conditions, TOL-6 repeat,
    TOL-2 factors) and the matched entries of the positive and negative lists of the method
    version that applied."""
    today = today or timezone.localdate()
    case, before, stage = _begin(actor, case_id, expected_version, "determine")
    on = determined_on or today
    _check_day(on, "determined_on", "认定日期", not_before=case.verified_on, today=today)
    raise_problems(rules.checklist_problems(checklist), code="incomplete_checklist")
    if case.method_id is None:
        method = applicable_method(case.cadre.unit.path, case.applied_on)
        case.method_id = method.pk if method else None
    positives = _items(case, positive_item_ids, ListKind.POSITIVE, "positive_items")
    negatives = _items(case, negative_item_ids, ListKind.NEGATIVE, "negative_items")
    for name in CHECKLIST_FIELDS:
        value = getattr(checklist, name)
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    case.factors = (factors or "").strip()
    case.stage, case.determined_on, case.determined_by = stage, on, actor
    case.positive_items.set(positives)
    case.negative_items.set(negatives)
    suggestion = rules.suggested_outcome(
        Checklist(
            **{n: getattr(case, n) for n in CHECKLIST_FIELDS}, negative_matched=bool(negatives)
        )
    )
    detail = {
        "positive_items": sorted(i.pk for i in positives),
        "negative_items": sorted(i.pk for i in negatives),
        "method": case.method_id,
        "suggested_outcome": str(suggestion),
    }
    return _finish(actor, case, before, "determine", detail)


# --- 结论 with 纠错 -------------------------------------------------------------------------------


@transaction.atomic
def case_conclude(
    *,
    actor: Any,
    case_id: int,
    expected_version: int,
    outcome: str,
    conclusion: str,
    corrections: Sequence[CorrectionInput],
    concluded_on: date | None = None,
    today: date | None = None,
) -> ToleranceCase:
    """结论 (容错 / 部分容错 / 不予容错) with its reason, always with at least one 纠错 measure
    (owner, due date not before the conclusion). A conclusion against the checklist's
    suggestion needs a reason of ≥ 20 characters (LOCAL practice)."""
    today = today or timezone.localdate()
    case, before, stage = _begin(actor, case_id, expected_version, "conclude")
    on = concluded_on or today
    _check_day(on, "concluded_on", "结论日期", not_before=case.determined_on, today=today)
    checklist = Checklist(
        **{n: getattr(case, n) for n in CHECKLIST_FIELDS},
        negative_matched=case.negative_items.exists(),
    )
    suggested = rules.suggested_outcome(checklist)
    problems = rules.conclusion_problems(outcome, suggested, conclusion)
    problems += rules.correction_problems(corrections, on)
    raise_problems(problems, code="invalid_conclusion")
    case.outcome, case.conclusion = outcome, conclusion.strip()
    case.stage, case.concluded_on, case.concluded_by = stage, on, actor
    created: list[Correction] = []
    for c in corrections:
        assert c.due_on is not None  # correction_problems refused a missing due date
        created.append(
            Correction.objects.create(
                case=case, measure=c.measure.strip(), owner=c.owner.strip(), due_on=c.due_on
            )
        )
    detail = {
        "suggested_outcome": str(suggested),
        "against_suggestion": outcome != suggested,
        "corrections": [c.pk for c in created],
    }
    return _finish(actor, case, before, "conclude", detail)


@transaction.atomic
def correction_done(
    *,
    actor: Any,
    correction_id: int,
    done_on: date,
    note: str,
    today: date | None = None,
) -> Correction:
    """Mark a 纠错 measure done (date not before the conclusion, not after today)."""
    today = today or timezone.localdate()
    correction = (
        Correction.objects.visible_to(actor, Action.CHANGE)
        .select_related("case")
        .filter(pk=correction_id)
        .first()
    )
    if correction is None:
        raise OutOfScopeError()
    case = _locked(actor, correction.case_id)  # serialises with 办结
    if case.stage != CaseStage.CONCLUDED:
        raise DomainError(
            f"案件处于“{case.get_stage_display()}”阶段，不能登记纠错完成", code="illegal_transition"
        )
    correction.refresh_from_db()
    if correction.done_on is not None:
        raise DomainError(
            f"该纠错措施已于{correction.done_on:%Y-%m-%d}登记完成", code="already_done"
        )
    _check_day(done_on, "done_on", "完成日期", not_before=case.concluded_on, today=today)
    correction.done_note = _required(note, "note", "完成情况")
    correction.done_on = done_on
    correction.save(update_fields=["done_on", "done_note", "updated_at"])
    audit.record(
        action="tolerance.correction.done",
        actor=actor,
        target=correction,
        after={"done_on": done_on, "done_note": correction.done_note},
        detail={"case": case.pk, "cadre": case.cadre_id},
    )
    return correction


@transaction.atomic
def case_close(
    *,
    actor: Any,
    case_id: int,
    expected_version: int,
    closed_on: date | None = None,
    today: date | None = None,
) -> ToleranceCase:
    """办结, once every correction measure is done."""
    today = today or timezone.localdate()
    case, before, stage = _begin(actor, case_id, expected_version, "close")
    pending = case.corrections.filter(done_on__isnull=True).count()
    raise_problems(rules.close_problems(pending), code="corrections_pending")
    done = case.corrections.filter(done_on__isnull=False).values_list("done_on", flat=True)
    last_done = max((d for d in done if d is not None), default=None)
    on = closed_on or today
    _check_day(on, "closed_on", "办结日期", not_before=last_done or case.concluded_on, today=today)
    case.stage, case.closed_on = stage, on
    return _finish(actor, case, before, "close")
