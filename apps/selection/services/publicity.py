"""任前公示 (SEL-42-1; 职级晋升 SEL-20-1): start a notice for a planned promotion, with its end
counted in working days on the work calendar, and record its result. Writes lock the row, refuse
a stale version and are audited in the same transaction."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.rulesets import param
from apps.core.scope import Action, assert_in_scope
from apps.core.workdays import add_working_days
from apps.selection import rules_procedure as rules
from apps.selection.constants import PromotionKind, PromotionStatus
from apps.selection.models import Promotion, Publicity
from apps.selection.params import PUBLICITY_DAYS, RANK_PUBLICITY_DAYS

AUDIT_TYPE = "selection.publicity"
_AUDITED = [
    "start_date",
    "working_days",
    "end_date",
    "scope_text",
    "exceptional_reason",
    "feedback_count",
    "feedback_summary",
    "outcome",
    "closed_on",
    "version",
]


def raise_problems(problems: list[rules.Problem]) -> None:
    if problems:
        fields: dict[str, str] = {}
        for p in problems:
            fields[p.field] = f"{fields[p.field]}；{p.message}" if p.field in fields else p.message
        raise DomainError("；".join(p.message for p in problems), fields=fields)


def minimum_working_days(kind: str, on: date) -> int:
    """The minimum notice in force on `on`: SEL-20-1 for 职级晋升, else SEL-42-1."""
    spec = RANK_PUBLICITY_DAYS if kind == PromotionKind.RANK else PUBLICITY_DAYS
    return int(param(spec.key, on))


def stale_error(noun: str, target_type: str, pk: int, state: str) -> StaleVersionError:
    """The record changed since the user loaded it: say who did what, and when."""
    event = (
        AuditEvent.objects.filter(target_type=target_type, target_id=str(pk))
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    if event is None:
        message = f"该{noun}已被他人修改，当前状态：{state}；请刷新后重试"
    else:
        who = getattr(event.actor, "display_name", "") or event.actor_name or "他人"
        at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        message = f"该{noun}已由 {who} 于 {at} 修改，当前状态：{state}；请刷新后重试"
    return StaleVersionError(message, changes={})


@transaction.atomic
def publicity_start(
    *,
    actor: Any,
    promotion_id: int,
    start_date: date,
    working_days: int | None = None,
    scope_text: str = "",
    exceptional_reason: str = "",
) -> Publicity:
    """Start the notice of a planned promotion (one per promotion). Its length defaults to the
    minimum in force on `start_date`; its end is the last of those working days."""
    promotion = (
        Promotion.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("exceptional")
        .filter(pk=promotion_id)
        .first()
    )
    if promotion is None:
        raise OutOfScopeError()
    if promotion.status != PromotionStatus.PLANNED:
        raise DomainError(f"该任用{promotion.get_status_display()}，只有拟任的任用可以公示")
    if Publicity.objects.filter(promotion=promotion).exists():
        raise DomainError("该任用已有任前公示，不能重复公示")
    minimum = minimum_working_days(promotion.kind, start_date)
    days = minimum if working_days is None else working_days
    problem = rules.publicity_days_problem(days, minimum, rank=promotion.kind == PromotionKind.RANK)
    problems = [problem] if problem else []
    exceptional = promotion.exceptional_id is not None
    problems += rules.publicity_start_problems(
        start=start_date,
        decision_date=promotion.decision_date,
        exceptional=exceptional,
        exceptional_reason=exceptional_reason,
    )
    raise_problems(problems)
    publicity = Publicity.objects.create(
        promotion=promotion,
        start_date=start_date,
        working_days=days,
        end_date=add_working_days(start_date, days),
        scope_text=scope_text.strip(),
        exceptional_reason=exceptional_reason.strip() if exceptional else "",
        created_by=actor,
    )
    assert_in_scope(Publicity.objects.all(), publicity.pk, actor, Action.CHANGE)
    audit.record(
        action="selection.publicity.start",
        actor=actor,
        target=publicity,
        target_type=AUDIT_TYPE,
        after=audit.snapshot(publicity, _AUDITED),
        detail={"promotion": promotion.pk, "minimum": minimum, "rule": _rule(promotion.kind)},
    )
    return publicity


def _rule(kind: str) -> str:
    return "SEL-20-1" if kind == PromotionKind.RANK else "SEL-42-1"


@transaction.atomic
def publicity_close(
    *,
    actor: Any,
    publicity_id: int,
    version: int,
    outcome: str,
    feedback_count: int,
    feedback_summary: str,
    closed_on: date,
    today: date | None = None,
) -> Publicity:
    """Record the result once the notice has run (see rules.publicity_close_problems). A result
    that affects the appointment (OBJECTION_UPHELD) withdraws the planned promotion in the same
    transaction."""
    publicity = (
        Publicity.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=publicity_id)
        .first()
    )
    if publicity is None:
        raise OutOfScopeError()
    if publicity.version != version:
        raise stale_error("公示", AUDIT_TYPE, publicity.pk, publicity.get_outcome_display())
    if publicity.closed_on is not None:
        raise DomainError(f"该公示已于{publicity.closed_on:%Y-%m-%d}办结")
    raise_problems(
        rules.publicity_close_problems(
            end_date=publicity.end_date,
            closed_on=closed_on,
            today=today or timezone.localdate(),
            outcome=outcome,
            feedback_count=feedback_count,
            feedback_summary=feedback_summary,
        )
    )
    before = audit.snapshot(publicity, _AUDITED)
    publicity.outcome = outcome
    publicity.feedback_count = feedback_count
    publicity.feedback_summary = feedback_summary.strip()
    publicity.closed_on = closed_on
    publicity.version += 1
    publicity.save()
    if rules.withdraws_promotion(outcome):
        _withdraw(actor, publicity.promotion_id)
    assert_in_scope(Publicity.objects.all(), publicity.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, audit.snapshot(publicity, _AUDITED))
    audit.record(
        action="selection.publicity.close",
        actor=actor,
        target=publicity,
        target_type=AUDIT_TYPE,
        before=old,
        after=new,
        detail={"promotion": publicity.promotion_id},
    )
    return publicity


def _withdraw(actor: Any, promotion_id: int) -> None:
    """公示结果影响任职: the planned promotion is withdrawn (audited on the promotion)."""
    promotion = Promotion.objects.select_for_update(of=("self",)).get(pk=promotion_id)
    if promotion.status != PromotionStatus.PLANNED:
        raise DomainError(
            f"该任用{promotion.get_status_display()}，不能据公示结果撤回；"
            "已任职的，请按免职程序办理"
        )
    promotion.status = PromotionStatus.WITHDRAWN
    promotion.version += 1
    promotion.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        action="selection.promotion.withdraw",
        actor=actor,
        target=promotion,
        before={"status": PromotionStatus.PLANNED},
        after={"status": PromotionStatus.WITHDRAWN, "version": promotion.version},
        detail={"reason": "公示结果影响任职（SEL-42-1）"},
    )
