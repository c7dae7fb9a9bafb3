"""任职试用期 (SEL-43-1): opened when a probationary promotion is confirmed, assessed at its end.
A 不胜任 conclusion ends the trial post's appointment through the cadre services
("免去试任职务，一般按试任前职级安排工作": the former 职级 record is left as it stands)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.services.parts import appointment_end
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.rulesets import param
from apps.core.scope import Action, assert_in_scope
from apps.selection import rules_procedure as rules
from apps.selection.constants import ProbationOutcome
from apps.selection.models import Probation, Promotion
from apps.selection.params import PROBATION_MONTHS, PROBATION_REMINDER_DAYS

from .publicity import raise_problems, stale_error

AUDIT_TYPE = "selection.probation"
_AUDITED = ["start_date", "end_date", "outcome", "assessed_on", "assessment_note", "version"]


def reminder_days(on: date) -> int:
    return int(param(PROBATION_REMINDER_DAYS.key, on))


def probation_open(*, actor: Any, promotion: Promotion, start_date: date) -> Probation:
    """Open the probation of a confirmed promotion (call inside the confirming transaction).

    Refused when SEL-43-1 does not apply (check `rules_procedure.probation_applies` first) or a
    probation exists. Its length is selection.probation_months in force on `start_date`."""
    with transaction.atomic():
        if not Promotion.objects.visible_to(actor, Action.CHANGE).filter(pk=promotion.pk).exists():
            raise OutOfScopeError()
        if not rules.probation_applies(promotion.kind, promotion.target_tier, promotion.unit_kind):
            raise DomainError("该任用不适用任职试用期（SEL-43-1）")
        if Probation.objects.filter(promotion_id=promotion.pk).exists():
            raise DomainError("该任用已有试用期记录")
        months = int(param(PROBATION_MONTHS.key, start_date))
        probation = Probation.objects.create(
            promotion=promotion,
            start_date=start_date,
            end_date=rules.probation_end(start_date, months),
            created_by=actor,
        )
        audit.record(
            action="selection.probation.open",
            actor=actor,
            target=probation,
            target_type=AUDIT_TYPE,
            after=audit.snapshot(probation, _AUDITED),
            detail={"promotion": promotion.pk, "months": months, "rule": "SEL-43-1"},
        )
    return probation


@transaction.atomic
def probation_assess(
    *,
    actor: Any,
    probation_id: int,
    version: int,
    outcome: str,
    assessed_on: date,
    note: str,
    removal_doc_no: str = "",
    today: date | None = None,
) -> Probation:
    """试用期满考核: 胜任 → 正式任职; 不胜任 → the trial appointment ends on `assessed_on`."""
    probation = (
        Probation.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("promotion")
        .filter(pk=probation_id)
        .first()
    )
    if probation is None:
        raise OutOfScopeError()
    if probation.version != version:
        raise stale_error("试用期", AUDIT_TYPE, probation.pk, probation.get_outcome_display())
    if probation.outcome != ProbationOutcome.PENDING:
        raise DomainError(f"该试用期已考核：{probation.get_outcome_display()}")
    raise_problems(
        rules.probation_assess_problems(
            end=probation.end_date,
            assessed_on=assessed_on,
            today=today or timezone.localdate(),
            reminder_days=reminder_days(assessed_on),
            outcome=outcome,
            note=note,
        )
    )
    before = audit.snapshot(probation, _AUDITED)
    probation.outcome = outcome
    probation.assessed_on = assessed_on
    probation.assessment_note = note.strip()
    probation.version += 1
    probation.save()
    detail: dict[str, Any] = {"promotion": probation.promotion_id}
    if outcome == ProbationOutcome.REVERTED:
        appointment_id = probation.promotion.appointment_id
        if appointment_id is None:
            raise DomainError("未找到试任职务的任职记录，无法免去试任职务")
        appointment_end(
            actor=actor,
            appointment_id=appointment_id,
            end_date=assessed_on,
            removal_doc_no=removal_doc_no,
        )
        detail.update(appointment=appointment_id, rank_kept=probation.promotion.from_rank)
    assert_in_scope(Probation.objects.all(), probation.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, audit.snapshot(probation, _AUDITED))
    audit.record(
        action="selection.probation.assess",
        actor=actor,
        target=probation,
        target_type=AUDIT_TYPE,
        before=old,
        after=new,
        detail=detail,
    )
    return probation
