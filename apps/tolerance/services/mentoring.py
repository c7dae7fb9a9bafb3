"""Writes of the follow-up of disciplined cadres: one mentor (帮带责任人) each, follow-up visits
(回访教育, REUSE-3) and the reuse assessment (考察评估) at the end of the influence period.

Like sanctions, these need the `sanctions` pillar with the change right over the cadre; each
write is audited in its transaction.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Appointment, Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action
from apps.tolerance.constants import ReuseRecommendation
from apps.tolerance.models import FollowUp, Mentor, ReuseAssessment, Sanction
from apps.tolerance.rules_sanctions import add_months
from apps.tolerance.selectors_sanctions import follow_up_interval, in_effect_q, influence_period
from apps.tolerance.services.sanctions import cadre_for_sanctions

REPLACED = "更换帮带责任人"
EARLY_PREFIX = "【提前考察】理由："


def _raise(errors: dict[str, str], code: str) -> None:
    if errors:
        raise DomainError("；".join(errors.values()), code=code, fields=errors)


def _sanction_for_change(actor: Any, sanction_id: int) -> Sanction:
    sanction = (
        Sanction.objects.visible_to(actor, Action.CHANGE)
        .select_related("cadre")
        .filter(pk=sanction_id)
        .first()
    )
    if sanction is None:
        raise OutOfScopeError()
    return sanction


# --- mentors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorInput:
    mentor_name: str
    mentor_post: str
    assigned_on: date
    sanction_id: int | None = None


def _mentor_sanction(cadre: Cadre, sanction_id: int | None, on: date) -> Sanction:
    """The sanction the mentoring answers: the one named (of this cadre), else the latest in
    effect on `on`, else the latest recorded."""
    rows = Sanction.objects.unscoped_for_jobs_and_migrations().filter(
        cadre=cadre, deleted_at__isnull=True
    )
    if sanction_id is not None:
        found = rows.filter(pk=sanction_id).first()
        if found is None:
            message = "所选处分不属于该干部"
            raise DomainError(message, code="invalid_mentor", fields={"sanction": message})
        return found
    latest = rows.order_by("-effective_date", "-id")
    found = latest.filter(in_effect_q(on)).first() or latest.first()
    if found is None:
        raise DomainError("该干部没有处分记录，无需确定帮带责任人", code="no_sanction")
    return found


@transaction.atomic
def mentor_assign(
    *, actor: Any, cadre_id: int, data: MentorInput, today: date | None = None
) -> Mentor:
    """确定帮带责任人. Exactly one is active per cadre: assigning a new one ends the current one
    on the new one's assignment date ("更换帮带责任人"). The cadre row is locked, so two
    concurrent assignments run one after the other (the partial unique constraint
    `one_active_mentor` backs this up)."""
    today = today or timezone.localdate()
    cadre = cadre_for_sanctions(actor, cadre_id)
    sanction = _mentor_sanction(cadre, data.sanction_id, data.assigned_on)
    name, post = data.mentor_name.strip(), data.mentor_post.strip()
    current = (
        Mentor.objects.unscoped_for_jobs_and_migrations()
        .select_for_update()
        .filter(cadre=cadre, ended_on__isnull=True)
        .first()
    )
    errors: dict[str, str] = {}
    if not name:
        errors["mentor_name"] = "请填写帮带责任人"
    elif current is not None and current.mentor_name == name:
        errors["mentor_name"] = f"{name}已是该干部的帮带责任人"
    if not post:
        errors["mentor_post"] = "请填写帮带责任人的职务"
    if data.assigned_on > today:
        errors["assigned_on"] = "确定日期不能晚于今天"
    elif current is not None and data.assigned_on < current.assigned_on:
        errors["assigned_on"] = (
            f"确定日期不能早于现任帮带责任人{current.mentor_name}的确定日期"
            f"（{current.assigned_on:%Y-%m-%d}）"
        )
    _raise(errors, "invalid_mentor")
    if current is not None:
        current.ended_on = data.assigned_on
        current.end_reason = REPLACED
        current.save(update_fields=["ended_on", "end_reason", "updated_at"])
    mentor = Mentor.objects.create(
        cadre=cadre,
        sanction=sanction,
        mentor_name=name,
        mentor_post=post,
        assigned_on=data.assigned_on,
        created_by=actor,
    )
    audit.record(
        action="tolerance.mentor.assign",
        actor=actor,
        target=mentor,
        after=audit.snapshot(mentor),
        detail={"replaced": current.pk if current is not None else None},
    )
    return mentor


@transaction.atomic
def mentor_end(
    *, actor: Any, mentor_id: int, ended_on: date, end_reason: str, today: date | None = None
) -> Mentor:
    """End the active mentor without a successor (e.g. the influence period is over)."""
    today = today or timezone.localdate()
    mentor = (
        Mentor.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=mentor_id)
        .first()
    )
    if mentor is None:
        raise OutOfScopeError()
    if mentor.ended_on is not None:
        raise DomainError(
            f"该帮带责任人已于{mentor.ended_on:%Y-%m-%d}结束帮带", code="mentor_ended"
        )
    errors: dict[str, str] = {}
    if ended_on > today:
        errors["ended_on"] = "结束日期不能晚于今天"
    elif ended_on < mentor.assigned_on:
        errors["ended_on"] = f"结束日期不能早于确定日期（{mentor.assigned_on:%Y-%m-%d}）"
    if not end_reason.strip():
        errors["end_reason"] = "请填写结束原因"
    _raise(errors, "invalid_mentor_end")
    mentor.ended_on = ended_on
    mentor.end_reason = end_reason.strip()
    mentor.save(update_fields=["ended_on", "end_reason", "updated_at"])
    audit.record(
        action="tolerance.mentor.end",
        actor=actor,
        target=mentor,
        after={"ended_on": str(ended_on), "end_reason": mentor.end_reason},
    )
    return mentor


# --- follow-up visits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpInput:
    visited_on: date
    visitors: str
    thinking: str
    work: str
    difficulties: str = ""
    help_given: str = ""
    next_due: date | None = None


@transaction.atomic
def follow_up_add(
    *, actor: Any, sanction_id: int, data: FollowUpInput, today: date | None = None
) -> FollowUp:
    """Record a follow-up visit (回访教育). The next visit is due `sanctions.follow_up_interval_
    months` (REUSE-3) after this one unless a date is given; the cadre's active mentor is linked.
    """
    today = today or timezone.localdate()
    sanction = _sanction_for_change(actor, sanction_id)
    if sanction.revoked_on is not None:
        raise DomainError("该处分已撤销，无需再登记回访", code="sanction_revoked")
    next_due = data.next_due or add_months(data.visited_on, follow_up_interval(data.visited_on))
    errors: dict[str, str] = {}
    if data.visited_on > today:
        errors["visited_on"] = "回访日期不能晚于今天"
    elif data.visited_on < sanction.decision_date:
        errors["visited_on"] = f"回访日期不能早于处分决定日期（{sanction.decision_date:%Y-%m-%d}）"
    if next_due <= data.visited_on:
        errors["next_due"] = "下次回访日期须晚于本次回访日期"
    for key, label in (("visitors", "回访人"), ("thinking", "思想状况"), ("work", "工作表现")):
        if not getattr(data, key).strip():
            errors[key] = f"请填写{label}"
    _raise(errors, "invalid_follow_up")
    mentor = Mentor.objects.filter(cadre_id=sanction.cadre_id, ended_on__isnull=True).first()
    visit = FollowUp.objects.create(
        cadre_id=sanction.cadre_id,
        sanction=sanction,
        mentor=mentor,
        visited_on=data.visited_on,
        visitors=data.visitors.strip(),
        thinking=data.thinking.strip(),
        work=data.work.strip(),
        difficulties=data.difficulties.strip(),
        help_given=data.help_given.strip(),
        next_due=next_due,
        created_by=actor,
    )
    audit.record(
        action="tolerance.follow_up.add", actor=actor, target=visit, after=audit.snapshot(visit)
    )
    return visit


# --- reuse assessment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReuseInput:
    assessed_on: date
    assessors: str
    findings: str
    recommendation: str
    new_appointment_id: int | None = None
    early_reason: str = ""


@dataclass(frozen=True)
class _Early:
    early: bool
    until: date | None = None  # the period's last day when early (None: permanent)


def _check_early(cadre_id: int, data: ReuseInput, errors: dict[str, str]) -> _Early:
    """REUSE-1/REUSE-2: the assessment follows the end of the combined influence period; an
    earlier review needs a written reason and can only recommend 继续观察."""
    period = influence_period(cadre_id, data.assessed_on)
    if period is None:
        return _Early(early=False)
    until = f"{period.until:%Y-%m-%d}" if period.until else "长期"
    if not data.early_reason.strip():
        errors["early_reason"] = (
            f"该干部在{data.assessed_on:%Y-%m-%d}仍处于处分影响期内（至{until}），"
            "期满后方可考察评估；如需提前考察，请填写提前考察理由"
        )
    elif data.recommendation != ReuseRecommendation.OBSERVE:
        errors["recommendation"] = (
            f"影响期内（至{until}）不得提拔使用（REUSE-1），提前考察只能提出“继续观察”的意见"
        )
    return _Early(early=True, until=period.until)


@transaction.atomic
def reuse_assess(
    *, actor: Any, sanction_id: int, data: ReuseInput, today: date | None = None
) -> ReuseAssessment:
    """考察评估: recommend 重新使用 / 继续观察 / 不宜使用 once the influence period is over (or,
    with a written reason, earlier — then only 继续观察). 重新使用 may link the cadre's new
    appointment (of the same cadre)."""
    today = today or timezone.localdate()
    sanction = _sanction_for_change(actor, sanction_id)
    errors: dict[str, str] = {}
    if sanction.revoked_on is not None:
        raise DomainError("该处分已撤销，无需考察评估", code="sanction_revoked")
    if data.assessed_on > today:
        errors["assessed_on"] = "考察日期不能晚于今天"
    elif data.assessed_on < sanction.decision_date:
        errors["assessed_on"] = "考察日期不能早于处分决定日期"
    if data.recommendation not in ReuseRecommendation.values:
        errors["recommendation"] = "请选择考察意见"
    for key, label in (("assessors", "考察人"), ("findings", "考察情况")):
        if not getattr(data, key).strip():
            errors[key] = f"请填写{label}"
    early = _check_early(sanction.cadre_id, data, errors) if not errors else _Early(False)
    appointment = None
    if data.new_appointment_id is not None:
        appointment = (
            Appointment.objects.visible_to(actor)
            .filter(pk=data.new_appointment_id, cadre_id=sanction.cadre_id)
            .first()
        )
        if data.recommendation != ReuseRecommendation.REUSE:
            errors["new_appointment"] = "只有“重新使用”的意见可以关联新任职务"
        elif appointment is None:
            errors["new_appointment"] = "所选任职不属于该干部"
    _raise(errors, "invalid_reuse")
    findings = data.findings.strip()
    if early.early:
        findings = f"{EARLY_PREFIX}{data.early_reason.strip()}\n\n{findings}"
    assessment = ReuseAssessment.objects.create(
        cadre_id=sanction.cadre_id,
        sanction=sanction,
        assessed_on=data.assessed_on,
        assessors=data.assessors.strip(),
        findings=findings,
        recommendation=data.recommendation,
        new_appointment=appointment,
        created_by=actor,
    )
    audit.record(
        action="tolerance.reuse.assess",
        actor=actor,
        target=assessment,
        after=audit.snapshot(assessment),
        detail={
            "early": early.early,
            "influence_until": str(early.until) if early.until else None,
            "legal_basis": "REUSE-1 / REUSE-2",
        },
    )
    return assessment
