"""年度考核: a unit's sheet for a year — opened with its participants and 优秀 quota (ASM-QUOTA-1),
graded in a grid under the sanction caps (ASM-DIS-1), submitted once the quota holds; submission
raises the follow-up flags (ASM-21-1, ASM-22-1, 公务员法第八十八条) and the award proposals
(ASM-19-1) the grades bring. Submitted sheets are read-only until reopened with a reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.assessment import rules
from apps.assessment.constants import ProposalStatus, SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet, AwardProposal, FollowUpFlag
from apps.assessment.selectors import submitted_grades
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, RuleParameter
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.tolerance.selectors_sanctions import assessment_caps
from apps.units.models import Unit

from .routine import unit_for_change

SHEET_TYPE = "assessment.annualsheet"
FIRST_YEAR = 2000
MAX_COMMENT = 2000
QUOTA_KEYS = (
    "assessment.excellent_percent",
    "assessment.excellent_max_percent",
    "assessment.small_unit_excellent",
)


@dataclass(frozen=True)
class AnnualRow:
    """One grid row as entered (the row is identified by its AnnualAssessment id)."""

    assessment_id: int
    grade: str
    comment: str = ""


# --- the quota and the sheet -------------------------------------------------------------------


def _param_source(key: str, on: date) -> dict[str, Any]:
    """Which value of a parameter applied on `on`: the local row (id, date, source) or the
    declared default — stored with the quota so a later change never rewrites history."""
    row = (
        RuleParameter.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )
    if row is None:
        return {"value": param(key, on), "version": "default"}
    return {
        "value": row.value,
        "version": row.pk,
        "effective_from": row.effective_from.isoformat(),
        "source": row.source,
    }


def quota_for(year: int, participants: int) -> tuple[int, dict[str, Any]]:
    """The 优秀 quota of a unit with `participants` people in `year` and the rule record stored
    with it: the parameters in force on 31 December of that year (ASM-QUOTA-1). The normal share
    never exceeds the maximum share (both are local parameters)."""
    on = date(year, 12, 31)
    sources = {key: _param_source(key, on) for key in QUOTA_KEYS}
    percent = min(
        int(sources["assessment.excellent_percent"]["value"]),
        int(sources["assessment.excellent_max_percent"]["value"]),
    )
    small = int(sources["assessment.small_unit_excellent"]["value"])
    quota = rules.excellent_quota(participants, percent, small)
    record = {
        "rule": "ASM-QUOTA-1",
        "rounding": "floor",
        "on": on.isoformat(),
        "participants": participants,
        "percent": percent,
        "small_unit_excellent": small,
        "quota": quota,
        "parameters": sources,
    }
    return quota, record


def _sheet_for_change(actor: Any, sheet_id: int) -> AnnualSheet:
    sheet = (
        AnnualSheet.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise OutOfScopeError()
    return sheet


def _check_draft(sheet: AnnualSheet) -> None:
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(
            f"{sheet.unit.name}{sheet.year}年度考核已提交，如需修改请先退回（须说明理由）",
            code="sheet_submitted",
        )


def _check_version(sheet: AnnualSheet, expected_version: int) -> None:
    """Refuse a change based on a page loaded before someone else changed the sheet."""
    if sheet.version == expected_version:
        return
    event = (
        AuditEvent.objects.filter(target_type=SHEET_TYPE, target_id=str(sheet.pk))
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    who = "他人"
    when = ""
    if event is not None:
        who = getattr(event.actor, "display_name", "") or event.actor_name or who
        when = timezone.localtime(event.at).strftime("于 %Y-%m-%d %H:%M ")
    raise StaleVersionError(
        f"保存失败：该年度考核表已由{who}{when}修改，请刷新页面查看后重新操作",
        changes={"version": (expected_version, sheet.version)},
    )


def check_year(year: int, today: date) -> None:
    if not FIRST_YEAR <= year <= today.year:
        message = f"考核年度须在 {FIRST_YEAR} 至 {today.year} 之间"
        raise DomainError(message, code="invalid_year", fields={"year": message})


def participants_qs(actor: Any, unit: Unit, year: int) -> QuerySet[Cadre]:
    """Cadres the actor may grade at `unit` for `year` (working by its end)."""
    return Cadre.objects.visible_to(actor, Action.CHANGE).filter(
        unit=unit, work_start_date__lte=date(year, 12, 31)
    )


def open_sheet(actor: Any, unit: Unit, year: int) -> tuple[AnnualSheet, int]:
    """Get or create the unit's sheet for `year` (locked); a draft gains a blank row for every
    participant in the actor's scope not yet assessed anywhere that year, and its quota is
    recomputed. Returns the sheet and the number of rows added. Callers are atomic."""
    sheet, created = AnnualSheet.objects.select_for_update().get_or_create(unit=unit, year=year)
    if sheet.status != SheetStatus.DRAFT:
        return sheet, 0
    assessed = AnnualAssessment.objects.filter(year=year).values("cadre_id")
    added = 0
    for cadre_id in (
        participants_qs(actor, unit, year).exclude(pk__in=assessed).values_list("pk", flat=True)
    ):
        note = rules.cap_note(assessment_caps(cadre_id, year))
        AnnualAssessment.objects.create(
            cadre_id=cadre_id, sheet=sheet, year=year, cap_note=note, entered_by=actor
        )
        added += 1
    participants = sheet.rows.count()
    quota, record = quota_for(year, participants)
    if created or added or (participants, quota) != (sheet.participants, sheet.excellent_quota):
        sheet.participants, sheet.excellent_quota, sheet.quota_rule = participants, quota, record
        if not created:
            sheet.version += 1
        sheet.save()
    return sheet, added


@transaction.atomic
def sheet_open(*, actor: Any, unit_id: int, year: int, today: date | None = None) -> AnnualSheet:
    """Open (or refresh) a unit's annual assessment for `year`: participants are the cadres in
    the actor's change scope at that unit; the quota follows ASM-QUOTA-1 with the parameters in
    force on 31 December of the year, stored with their versions in `quota_rule`."""
    check_year(year, today or timezone.localdate())
    unit = unit_for_change(actor, unit_id)
    before = AnnualSheet.objects.filter(unit=unit, year=year).values("version").first()
    sheet, added = open_sheet(actor, unit, year)
    if before is None or before["version"] != sheet.version:
        audit.record(
            action="assessment.annual.open",
            actor=actor,
            target=sheet,
            after={
                "participants": sheet.participants,
                "excellent_quota": sheet.excellent_quota,
                "added": added,
            },
            detail={"quota_rule": sheet.quota_rule},
        )
    return sheet


# --- grading -----------------------------------------------------------------------------------


def set_grade(row: AnnualAssessment, grade: str, comment: str, actor: Any) -> str:
    """Check a row's grade against the cadre's cap (ASM-DIS-1) and apply it; returns the
    refusal's message (nothing written) or "" — the row is saved only when something changed."""
    if len(comment) > MAX_COMMENT:
        return f"评语不超过 {MAX_COMMENT} 字"
    cap = assessment_caps(row.cadre_id, row.year)
    decision = rules.grade_allowed(grade, cap, comment=comment)
    if not decision.allowed:
        return decision.message
    note = rules.cap_note(cap)
    if (row.grade, row.comment, row.cap_note) != (grade, comment, note):
        row.grade, row.comment, row.cap_note = grade, comment, note
        row.entered_by = actor
        row.version += 1
        row.save()
    return ""


@transaction.atomic
def annual_save_grid(
    *, actor: Any, sheet_id: int, expected_version: int, rows: Sequence[AnnualRow]
) -> AnnualSheet:
    """Save grades and comments of a draft sheet (all or nothing, audited once). A grade the
    cadre's sanction does not allow refuses the save with the reason on that row (field
    "row-<assessment id>"). The quota is checked on submission, not here."""
    sheet = _sheet_for_change(actor, sheet_id)
    _check_draft(sheet)
    _check_version(sheet, expected_version)
    ids = [row.assessment_id for row in rows]
    current = {
        a.pk: a
        for a in AnnualAssessment.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("cadre")
        .filter(sheet=sheet, pk__in=ids)
    }
    if len(current) != len(set(ids)):
        raise OutOfScopeError()
    before = {pk: (a.grade, a.comment) for pk, a in current.items()}
    errors: dict[str, str] = {}
    for row in rows:
        problem = set_grade(current[row.assessment_id], row.grade, row.comment, actor)
        if problem:
            errors[f"row-{row.assessment_id}"] = (
                f"{current[row.assessment_id].cadre.name}：{problem}"
            )
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_rows", fields=errors)
    changed = [
        {"cadre": a.cadre_id, "from": before[pk][0], "to": a.grade}
        for pk, a in current.items()
        if before[pk] != (a.grade, a.comment)
    ]
    if changed:
        sheet.version += 1
        sheet.save(update_fields=["version", "updated_at"])
        audit.record(
            action="assessment.annual.save_grid",
            actor=actor,
            target=sheet,
            detail={"changed": len(changed), "rows": changed},
        )
    return sheet


# --- submission and its consequences ---------------------------------------------------------


def _sync_flags(row: AnnualAssessment, previous: str) -> int:
    """Open flags follow the grade: missing ones are raised, ones no longer due are withdrawn
    (done ones stay as history). Returns the number raised."""
    due = dict(rules.consequences(row.grade, [previous] if previous else []))
    open_flags = {f.rule: f for f in row.flags.filter(done_on__isnull=True)}
    for rule, flag in open_flags.items():
        if rule not in due:
            flag.delete()
    done = set(row.flags.filter(done_on__isnull=False).values_list("rule", flat=True))
    raised = 0
    for rule, text in due.items():
        if rule not in open_flags and rule not in done:
            FollowUpFlag.objects.create(assessment=row, rule=rule, text=text)
            raised += 1
    return raised


def _sync_awards(cadre_id: int, year: int, grades: dict[int, str]) -> tuple[int, int]:
    """Withdraw undecided proposals whose years are no longer all 优秀 and propose what the
    grades earn that no proposal holds yet (ASM-19-1). Returns (proposed, withdrawn)."""
    withdrawn = 0
    for proposal in AwardProposal.objects.filter(
        cadre_id=cadre_id,
        status=ProposalStatus.PROPOSED,
        first_year__lte=year,
        last_year__gte=year,
    ):
        years = range(proposal.first_year, proposal.last_year + 1)
        if any(grades.get(y) != rules.EXCELLENT for y in years):
            proposal.delete()
            withdrawn += 1
    existing = [
        rules.AwardKey(kind, first, last)
        for kind, first, last in AwardProposal.objects.filter(cadre_id=cadre_id).values_list(
            "kind", "first_year", "last_year"
        )
    ]
    new = rules.award_proposals(grades, existing)
    for key in new:
        AwardProposal.objects.create(
            cadre_id=cadre_id, kind=key.kind, first_year=key.first_year, last_year=key.last_year
        )
    return len(new), withdrawn


def submit_problems(sheet: AnnualSheet, *, actor: Any = None, check_caps: bool = True) -> list[str]:
    """Why the sheet cannot be submitted: ungraded participants, the quota, caps broken since
    (a sanction recorded after the grade was entered; one query per row, so the grid page
    leaves it to the submission). Rows outside `actor`'s scope are counted, never named."""
    rows = list(sheet.rows.select_related("cadre"))
    seen = set(
        AnnualAssessment.objects.visible_to(actor).filter(sheet=sheet).values_list("pk", flat=True)
    )
    problems: list[str] = []
    ungraded = [r for r in rows if not r.grade]
    if ungraded:
        problems.append(f"尚有 {len(ungraded)} 人未确定等次")
    problems += rules.quota_problems((r.grade for r in rows), sheet.excellent_quota)
    for row in rows if check_caps else []:
        decision = rules.grade_allowed(
            row.grade, assessment_caps(row.cadre_id, row.year), comment=row.comment
        )
        if row.grade and not decision.allowed:
            who = row.cadre.name if row.pk in seen else "您数据范围外的1名干部"
            problems.append(f"{who}：{decision.message}")
    return problems


@transaction.atomic
def sheet_submit(*, actor: Any, sheet_id: int, expected_version: int) -> AnnualSheet:
    """Submit a sheet: every participant graded, 优秀 within the quota, caps respected; then the
    follow-up flags and award proposals the grades bring are raised (audited)."""
    sheet = _sheet_for_change(actor, sheet_id)
    _check_draft(sheet)
    _check_version(sheet, expected_version)
    problems = submit_problems(sheet, actor=actor)
    if problems:
        raise DomainError("不能提交：" + "；".join(problems), code="cannot_submit")
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at, sheet.submitted_by = timezone.now(), actor
    sheet.version += 1
    sheet.save()
    rows = list(sheet.rows.all())
    history = submitted_grades([r.cadre_id for r in rows])
    flags = proposed = withdrawn = 0
    for row in rows:
        grades = history.get(row.cadre_id, {})
        flags += _sync_flags(row, grades.get(sheet.year - 1, ""))
        made, gone = _sync_awards(row.cadre_id, sheet.year, grades)
        proposed, withdrawn = proposed + made, withdrawn + gone
    audit.record(
        action="assessment.annual.submit",
        actor=actor,
        target=sheet,
        after={"status": sheet.status},
        detail={
            "participants": len(rows),
            "excellent": sum(1 for r in rows if r.grade == rules.EXCELLENT),
            "quota": sheet.excellent_quota,
            "flags_raised": flags,
            "awards_proposed": proposed,
            "awards_withdrawn": withdrawn,
        },
    )
    return sheet


@transaction.atomic
def sheet_reopen(*, actor: Any, sheet_id: int, expected_version: int, reason: str) -> AnnualSheet:
    """Return a submitted sheet to draft for corrections; the reason is audited."""
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "请填写退回理由", code="reason_required", fields={"reason": "请填写退回理由"}
        )
    sheet = _sheet_for_change(actor, sheet_id)
    _check_version(sheet, expected_version)
    if sheet.status != SheetStatus.SUBMITTED:
        raise DomainError("该年度考核尚未提交，无需退回", code="not_submitted")
    sheet.status = SheetStatus.DRAFT
    sheet.version += 1
    sheet.save()
    audit.record(
        action="assessment.annual.reopen",
        actor=actor,
        target=sheet,
        before={"status": SheetStatus.SUBMITTED},
        after={"status": sheet.status},
        detail={"reason": reason},
    )
    return sheet


# --- proposals and flags ---------------------------------------------------------------------


def _proposal_for_change(actor: Any, proposal_id: int) -> AwardProposal:
    proposal = (
        AwardProposal.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("cadre")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise OutOfScopeError()
    if proposal.status != ProposalStatus.PROPOSED:
        raise DomainError(
            f"该奖励建议已{proposal.get_status_display()}，不能重复办理", code="already_decided"
        )
    return proposal


def _decide(actor: Any, proposal: AwardProposal, status: str, note: str) -> AwardProposal:
    proposal.status, proposal.note = status, note
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save()
    audit.record(
        action=f"assessment.award.{'confirm' if status == ProposalStatus.CONFIRMED else 'decline'}",
        actor=actor,
        target=proposal,
        before={"status": ProposalStatus.PROPOSED},
        after={"status": status, "note": note},
        detail={"rule": "ASM-19-1"},
    )
    return proposal


@transaction.atomic
def proposal_confirm(*, actor: Any, proposal_id: int, note: str = "") -> AwardProposal:
    """Confirm an award proposal (ASM-19-1: 嘉奖 / 记三等功); decided once."""
    proposal = _proposal_for_change(actor, proposal_id)
    return _decide(actor, proposal, ProposalStatus.CONFIRMED, note.strip()[:200])


@transaction.atomic
def proposal_decline(*, actor: Any, proposal_id: int, note: str) -> AwardProposal:
    """Decline an award proposal with a reason; the years stay used (never proposed again)."""
    note = note.strip()
    if not note:
        raise DomainError(
            "请填写不予奖励的理由", code="reason_required", fields={"note": "请填写理由"}
        )
    proposal = _proposal_for_change(actor, proposal_id)
    return _decide(actor, proposal, ProposalStatus.DECLINED, note[:200])


@transaction.atomic
def flag_done(
    *, actor: Any, flag_id: int, done_on: date, note: str, today: date | None = None
) -> FollowUpFlag:
    """Record how a consequence flag was dealt with (date and what was done)."""
    note = note.strip()
    errors: dict[str, str] = {}
    if not note:
        errors["done_note"] = "请填写办理情况"
    if done_on > (today or timezone.localdate()):
        errors["done_on"] = "办理日期不能晚于今天"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid", fields=errors)
    flag = (
        FollowUpFlag.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("assessment__cadre")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None:
        raise OutOfScopeError()
    if flag.done_on is not None:
        raise DomainError("该事项已办理", code="already_done")
    flag.done_on, flag.done_note = done_on, note
    flag.save()
    audit.record(
        action="assessment.flag.done",
        actor=actor,
        target=flag,
        target_repr=f"{flag.assessment.cadre.name} {flag.text}"[:200],
        after={"done_on": done_on.isoformat(), "done_note": note},
        detail={"rule": flag.rule},
    )
    return flag
