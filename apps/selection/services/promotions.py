"""Promotions (提拔 / 进一步使用 / 交流 / 职级晋升): planned with the verdict judged on the decision
date, grouped in batches, confirmed after 任前公示 and the frontline-quota what-if; confirming
writes the Appointment or RankRecord through the cadre services and opens the 试用期.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Post
from apps.cadres.services import AppointmentInput, appointment_add, cadre_for_change, rank_add
from apps.cadres.services.parts import appointment_end
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.scope import Action
from apps.selection import engine, facts
from apps.selection.constants import (
    PromotionKind,
    PromotionStatus,
    PublicityOutcome,
    ReserveExitReason,
)
from apps.selection.models import Promotion, PromotionBatch, ReserveEntry
from apps.selection.rules_procedure import probation_applies
from apps.selection.selectors_quota import QuotaChange, quota_whatif
from apps.selection.services.probation import probation_open
from apps.selection.services.reserve import ExitInput, entry_exit
from apps.units.constants import UnitKind
from apps.units.models import Unit

POST_KINDS = (PromotionKind.PROMOTE, PromotionKind.FURTHER_USE, PromotionKind.EXCHANGE)
PASSED_PUBLICITY = (PublicityOutcome.NO_OBJECTION, PublicityOutcome.OBJECTION_DISMISSED)


@dataclass(frozen=True)
class PlanInput:
    cadre_id: int
    kind: str
    decision_date: date
    post_id: int | None = None
    target_rank: str = ""
    doc_no: str = ""
    batch_id: int | None = None
    note: str = ""


def _target(kind: str, post: Post | None, rank: str) -> engine.Target:
    if kind == PromotionKind.RANK:
        if not rank:
            raise DomainError("请选择拟晋升职级", fields={"target_rank": "请选择拟晋升职级"})
        return engine.Target(rank=rank)
    if post is None:
        raise DomainError("请选择拟任职务", fields={"post": "请选择拟任职务"})
    return engine.Target(tier=post.tier, party_post=post.unit.kind == UnitKind.PARTY_COMMITTEE)


def _refusal(verdict: engine.Verdict, kind: str) -> str | None:
    """Why a plan is refused: 提拔 and 职级晋升 need every rule; 进一步使用 only the negative list
    (ELG-24-1 applies to 提拔或者进一步使用); 交流 records the verdict without judging it."""
    if kind == PromotionKind.EXCHANGE:
        return None
    failures = verdict.failures
    if kind == PromotionKind.FURTHER_USE:
        failures = [c for c in failures if c.rule == "ELG-24-1"]
    if not failures:
        return None
    reasons = "；".join(f"{c.title}（{c.rule}）：{c.fact}，要求{c.threshold}" for c in failures)
    return f"不符合任职资格：{reasons}"


def _batch_for_change(actor: Any, batch_id: int) -> PromotionBatch:
    batch = (
        PromotionBatch.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise OutOfScopeError()
    return batch


@transaction.atomic
def promotion_plan(*, actor: Any, data: PlanInput) -> Promotion:
    """Record a planned promotion with its verdict (issue 8 item 3); refused when the verdict
    says the cadre does not qualify (with every failing rule named)."""
    cadre = cadre_for_change(actor, data.cadre_id)
    post = None
    if data.kind in POST_KINDS and data.post_id is not None:
        post = (
            Post.objects.select_related("unit")
            .filter(pk=data.post_id, unit__in=Unit.objects.visible_to(actor, Action.CHANGE))
            .first()
        )
    target = _target(data.kind, post, data.target_rank)
    fact = facts.facts_of(cadre.pk, data.decision_date)
    verdict = engine.evaluate(fact, target, data.decision_date)
    if data.kind == PromotionKind.PROMOTE and post is not None:
        step = next(c for c in verdict.checks if c.rule == "ELG-9-1")
        if step.outcome == "na":
            message = "拟任职务不高于现任职务，不属于提拔；请选择“进一步使用”或“交流”"
            raise DomainError(message, fields={"kind": message})
    refusal = _refusal(verdict, data.kind)
    if refusal:
        raise DomainError(refusal, code="not_eligible")
    if Promotion.objects.filter(
        cadre=cadre, status=PromotionStatus.PLANNED, post=post, target_rank=data.target_rank
    ).exists():
        raise DomainError("该干部已有相同的拟任记录（待确认）", code="duplicate")
    batch = _batch_for_change(actor, data.batch_id) if data.batch_id else None
    if batch is not None and batch.confirmed_at is not None:
        raise DomainError("该批次已确认，不能再加入", fields={"batch": "该批次已确认"})
    unit = post.unit if post else cadre.unit
    promotion = Promotion.objects.create(
        cadre=cadre,
        kind=data.kind,
        batch=batch,
        post=post,
        target_tier=post.tier if post else "",
        target_rank=data.target_rank if data.kind == PromotionKind.RANK else "",
        from_tier=cadre.tier,
        from_rank=cadre.rank_grade,
        unit=unit,
        unit_level=unit.level,
        unit_kind=unit.kind,
        decision_date=data.decision_date,
        doc_no=data.doc_no,
        frontline=fact.frontline_qualifies,
        frontline_months=fact.frontline_months,
        eligible=verdict.eligible,
        verdict=verdict.as_dict(),
        exceptional_id=verdict.waiver.id if verdict.waiver else None,
        note=data.note,
        created_by=actor,
    )
    audit.record(
        action="selection.promotion.plan",
        actor=actor,
        target=promotion,
        after=audit.snapshot(promotion, ["cadre", "kind", "post", "target_rank", "decision_date"]),
        detail={"eligible": verdict.eligible, "exceptional": promotion.exceptional_id},
    )
    return promotion


def _stale(obj: Any, version: int, what: str) -> None:
    if obj.version != version:
        raise StaleVersionError(
            f"该{what}已被他人修改（当前版本 {obj.version}），请刷新后重试", changes={}
        )


@transaction.atomic
def promotion_withdraw(*, actor: Any, promotion_id: int, version: int, reason: str) -> Promotion:
    promotion = _promotion_for_change(actor, promotion_id)
    _stale(promotion, version, "任用记录")
    if promotion.status != PromotionStatus.PLANNED:
        raise DomainError("只有待确认的任用可以撤回")
    if not reason.strip():
        raise DomainError("请填写撤回原因", fields={"reason": "请填写撤回原因"})
    promotion.status = PromotionStatus.WITHDRAWN
    promotion.note = f"{promotion.note}（撤回：{reason.strip()}）".strip()[:300]
    promotion.version += 1
    promotion.save(update_fields=["status", "note", "version", "updated_at"])
    audit.record(
        action="selection.promotion.withdraw",
        actor=actor,
        target=promotion,
        detail={"reason": reason},
    )
    return promotion


def _promotion_for_change(actor: Any, promotion_id: int) -> Promotion:
    promotion = (
        Promotion.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("unit", "post__unit", "cadre")
        .filter(pk=promotion_id)
        .first()
    )
    if promotion is None:
        raise OutOfScopeError()
    return promotion


@transaction.atomic
def batch_create(
    *, actor: Any, unit_id: int, title: str, decision_date: date, doc_no: str = ""
) -> PromotionBatch:
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScopeError()
    batch = PromotionBatch.objects.create(
        unit=unit, title=title, decision_date=decision_date, doc_no=doc_no, created_by=actor
    )
    audit.record(
        action="selection.batch.create", actor=actor, target=batch, after=audit.snapshot(batch)
    )
    return batch


def _check_publicity(promotion: Promotion) -> None:
    """SEL-42-1 / SEL-20-1: 提拔 and 职级晋升 are confirmed only after the 任前公示 ended without an
    objection that affects the appointment."""
    if promotion.kind not in (PromotionKind.PROMOTE, PromotionKind.RANK):
        return
    publicity = getattr(promotion, "publicity", None)
    if publicity is None or publicity.outcome not in PASSED_PUBLICITY:
        raise DomainError(
            f"{promotion.cadre.name}的任前公示尚未结束或结果影响任职（SEL-42-1），不能确认任职",
            code="publicity_pending",
        )


def _apply(actor: Any, promotion: Promotion, start: date, doc_no: str, end_current: bool) -> None:
    """Write the decision into the cadre's record through the cadre services (audited there)."""
    if promotion.kind == PromotionKind.RANK:
        record = rank_add(
            actor=actor,
            cadre_id=promotion.cadre_id,
            data={"rank_grade": promotion.target_rank, "start_date": start, "doc_no": doc_no},
        )
        promotion.rank_record = record
        return
    if end_current:
        for current in promotion.cadre.appointments.filter(
            end_date__isnull=True, start_date__lt=start
        ):
            appointment_end(
                actor=actor,
                appointment_id=current.pk,
                end_date=start - timedelta(days=1),
                removal_doc_no=doc_no,
            )
    assert promotion.post_id is not None  # POST_KINDS always carry a post
    promotion.appointment = appointment_add(
        actor=actor,
        cadre_id=promotion.cadre_id,
        data=AppointmentInput(post_id=promotion.post_id, start_date=start, appoint_doc_no=doc_no),
    )
    if promotion.kind == PromotionKind.PROMOTE and probation_applies(
        promotion.kind, promotion.target_tier, promotion.unit_kind
    ):
        probation_open(actor=actor, promotion=promotion, start_date=start)
    if promotion.kind == PromotionKind.PROMOTE:
        _leave_reserve(actor, promotion, start)


def _leave_reserve(actor: Any, promotion: Promotion, start: date) -> None:
    """A cadre promoted to the tier of a reserve pool leaves it (出库：已提拔使用)."""
    entries = ReserveEntry.objects.visible_to(actor, Action.CHANGE).filter(
        cadre_id=promotion.cadre_id,
        exit_date__isnull=True,
        pool__target_tier=promotion.target_tier,
    )
    exit_on = min(start, timezone.localdate())
    for entry in entries:
        entry_exit(
            actor=actor,
            entry_id=entry.pk,
            expected_version=entry.version,
            data=ExitInput(
                exit_date=max(exit_on, entry.entry_date),
                exit_reason=ReserveExitReason.PROMOTED,
                exit_note=f"{promotion.decision_date:%Y-%m-%d}研究决定提拔",
            ),
        )


def _confirm(
    actor: Any,
    promotions: list[Promotion],
    *,
    start_date: date,
    doc_no: str,
    override_reason: str,
    end_current: bool,
) -> list[QuotaChange]:
    if not promotions:
        raise DomainError("没有待确认的任用")
    if start_date < max(p.decision_date for p in promotions):
        raise DomainError(
            "任职日期不能早于研究决定日期", fields={"start_date": "任职日期不能早于研究决定日期"}
        )
    for promotion in promotions:
        if promotion.status != PromotionStatus.PLANNED:
            raise DomainError(f"{promotion.cadre.name}的任用不是待确认状态")
        _check_publicity(promotion)
    changes = quota_whatif(actor, promotions, start_date)
    blocked = [c for c in changes if c.blocks]
    if blocked:
        names = "、".join(str(c.quota) for c in blocked)
        raise DomainError(
            f"确认后一线经历干部占比将低于规定比例（{names}），不能确认", code="quota_block"
        )
    if any(c.falls_below for c in changes) and not override_reason.strip():
        message = "确认后一线经历干部占比将低于规定比例，请填写仍要确认的理由"
        raise DomainError(message, code="quota_warn", fields={"override_reason": message})
    for promotion in promotions:
        _apply(actor, promotion, start_date, doc_no or promotion.doc_no, end_current)
        promotion.status = PromotionStatus.CONFIRMED
        promotion.confirmed_on = start_date
        promotion.doc_no = doc_no or promotion.doc_no
        promotion.version += 1
        promotion.save()
        audit.record(
            action="selection.promotion.confirm",
            actor=actor,
            target=promotion,
            detail={
                "start_date": start_date.isoformat(),
                "doc_no": promotion.doc_no,
                "quota_override": override_reason.strip(),
            },
        )
    return changes


@transaction.atomic
def batch_confirm(
    *,
    actor: Any,
    batch_id: int,
    version: int,
    start_date: date,
    override_reason: str = "",
    end_current: bool = True,
) -> PromotionBatch:
    """Confirm every planned promotion of a batch at once, all or nothing."""
    batch = _batch_for_change(actor, batch_id)
    _stale(batch, version, "批次")
    if batch.confirmed_at is not None:
        raise DomainError("该批次已确认")
    promotions = list(
        Promotion.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("unit", "cadre")
        .filter(batch=batch, status=PromotionStatus.PLANNED)
    )
    hidden = batch.promotions.filter(status=PromotionStatus.PLANNED).count() - len(promotions)
    if hidden:
        raise DomainError(f"批次中有{hidden}名干部不在您的数据范围内，不能由您确认")
    _confirm(
        actor,
        promotions,
        start_date=start_date,
        doc_no=batch.doc_no,
        override_reason=override_reason,
        end_current=end_current,
    )
    batch.confirmed_at = timezone.now()
    batch.quota_override_reason = override_reason.strip()[:300]
    batch.version += 1
    batch.save()
    audit.record(
        action="selection.batch.confirm",
        actor=actor,
        target=batch,
        detail={"count": len(promotions)},
    )
    return batch


@transaction.atomic
def promotion_confirm(
    *,
    actor: Any,
    promotion_id: int,
    version: int,
    start_date: date,
    doc_no: str = "",
    override_reason: str = "",
    end_current: bool = True,
) -> Promotion:
    """Confirm one planned promotion (outside a batch)."""
    promotion = _promotion_for_change(actor, promotion_id)
    _stale(promotion, version, "任用记录")
    if promotion.batch_id is not None:
        raise DomainError("该任用属于批次，请在批次中统一确认")
    _confirm(
        actor,
        [promotion],
        start_date=start_date,
        doc_no=doc_no,
        override_reason=override_reason,
        end_current=end_current,
    )
    return promotion
