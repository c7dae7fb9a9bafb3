"""Writes of exceptional-promotion grounds (破格提拔, ELG-9-2): which qualification rules are
waived for a cadre and a target tier, on which ground, approved when and by which document.
Never silent: the engine shows the waiver in every verdict it changes (engine._apply_waiver).

Creation refuses what ELG-9-3 forbids (《党政领导干部选拔任用工作条例》第十一条; 2014: 第九条
第四款), judged on the day of the decision (`approved_on`):
- 不得越两级提拔 — the target more than two tier steps above the cadre's effective tier;
- 任职试用期未满的，不得破格提拔 — a pending probation running on that day;
- 提拔任职不满1年的，不得破格提拔 — promoted within `selection.pouge_min_months_since_promotion`
  months (a period of N months from S is complete on add_months(S, N));
- 不得在任职年限上连续破格 — the last confirmed promotion used a waiver of ELG-8-3 and this one
  waives ELG-8-3 again.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.dates import add_months
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.rulesets import param
from apps.core.scope import Action, assert_in_scope
from apps.selection.constants import MeritGround, PromotionKind, PromotionStatus
from apps.selection.facts import CadreFacts, facts_of
from apps.selection.models import ExceptionalPromotion, Promotion
from apps.selection.params import POUGE_MONTHS_SINCE_PROMOTION
from apps.selection.rules import effective_tier
from apps.units.constants import TIER_ORDER, Tier

ART_11 = "《党政领导干部选拔任用工作条例》第十一条"
MIN_EXPLANATION = 20
# The qualification rules a 破格 may break (ELG-9-1: 突破任职资格规定或者越级提拔); never the
# basic conditions, 法定资格 or 党龄 (ELG-9-3).
WAIVABLE_RULES: dict[str, str] = {
    "ELG-8-1": "工龄、基层工作经历（第八条第（一）项）",
    "ELG-8-2": "下一级两个以上职位任职经历（第八条第（二）项）",
    "ELG-8-3": "任职年限（第八条第（三）项）",
    "ELG-8-4": "学历（第八条第（四）项）",
    "ELG-9-1": "越级提拔（第九条）",
}
TENURE_RULE = "ELG-8-3"
SKIP_RULE = "ELG-9-1"
FIELDS = [
    "cadre",
    "target_tier",
    "ground",
    "explanation",
    "waived_rules",
    "approved_on",
    "doc_no",
]
# Without a tier or 职级 the first leadership post is 乡科级副职: count from one step below it.
NO_TIER_INDEX = TIER_ORDER[Tier.SECTION_DEPUTY] + 1


@dataclass(frozen=True)
class ExceptionalInput:
    target_tier: str
    ground: str
    explanation: str
    waived_rules: tuple[str, ...]
    approved_on: date
    doc_no: str = ""


def _validate_input(data: ExceptionalInput, today: date) -> None:
    errors: dict[str, str] = {}
    if data.target_tier not in Tier.values:
        errors["target_tier"] = "请选择拟任职务层次"
    if data.ground not in MeritGround.values:
        errors["ground"] = "请选择破格情形（ELG-9-2）"
    if len(data.explanation.strip()) < MIN_EXPLANATION:
        errors["explanation"] = f"请具体说明破格的情形和理由（不少于{MIN_EXPLANATION}个字）"
    unknown = [r for r in data.waived_rules if r not in WAIVABLE_RULES]
    if not data.waived_rules:
        errors["waived_rules"] = "请选择突破的资格条件"
    elif unknown:
        errors["waived_rules"] = "只能突破任职资格条件和逐级提拔的规定（ELG-9-3）"
    if data.approved_on > today:
        errors["approved_on"] = "研究决定日期不能晚于今天"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_exceptional", fields=errors)


def _refuse(message: str, code: str, field: str | None = None) -> DomainError:
    return DomainError(message, code=code, fields={field: message} if field else None)


def _last_confirmed_promotion(cadre_id: int, on: date) -> Promotion | None:
    """The cadre's latest confirmed leadership promotion decided by `on` (职级 excluded, as in
    facts._last_promotions). Read unscoped: the cadre is already in the actor's scope."""
    rows = (
        Promotion.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id=cadre_id, status=PromotionStatus.CONFIRMED, decision_date__lte=on)
        .exclude(kind=PromotionKind.RANK)
        .select_related("exceptional")
    )
    found = list(rows)
    if not found:
        return None
    return max(found, key=lambda p: (p.confirmed_on or p.decision_date, p.pk))


def check_limits(facts: CadreFacts, data: ExceptionalInput) -> None:
    """ELG-9-3 — 条例 第十一条: refuse what a 破格 may never do (raises DomainError)."""
    on = data.approved_on
    current = effective_tier(facts)
    index = TIER_ORDER[current] if current else NO_TIER_INDEX
    gap = index - TIER_ORDER[data.target_tier]
    if gap <= 0:
        raise _refuse(
            "拟任职务层次不高于该干部现任职务层次，无需破格提拔", "not_a_promotion", "target_tier"
        )
    if gap > 2:
        raise _refuse(f"不得越两级提拔（ELG-9-3，{ART_11}）", "skips_two_levels", "target_tier")
    if gap == 2 and SKIP_RULE not in data.waived_rules:
        raise _refuse(
            "拟任职务比现任职务高两个层次，属于越级提拔，须勾选“越级提拔”（ELG-9-1，条例第九条）",
            "skip_not_declared",
            "waived_rules",
        )
    if facts.probation_until is not None and facts.probation_until >= on:
        raise _refuse(
            f"任职试用期未满（至{facts.probation_until:%Y-%m-%d}），不得破格提拔"
            f"（ELG-9-3，{ART_11}）",
            "in_probation",
        )
    months = int(param(POUGE_MONTHS_SINCE_PROMOTION.key, on))
    if facts.last_promotion is not None and add_months(facts.last_promotion, months) > on:
        ready = add_months(facts.last_promotion, months)
        raise _refuse(
            f"提拔任职不满{months}个月（上次提拔{facts.last_promotion:%Y-%m-%d}，"
            f"{ready:%Y-%m-%d}起方满），不得破格提拔（ELG-9-3，{ART_11}）",
            "recently_promoted",
        )
    if TENURE_RULE in data.waived_rules:
        last = _last_confirmed_promotion(facts.cadre_id, on)
        used = last.exceptional if last is not None else None
        if used is not None and TENURE_RULE in (used.waived_rules or []):
            raise _refuse(
                f"上次提拔（{used.approved_on:%Y-%m-%d}研究决定）已在任职年限上破格，"
                f"不得在任职年限上连续破格（ELG-9-3，{ART_11}）",
                "consecutive_tenure_waiver",
                "waived_rules",
            )


@transaction.atomic
def exceptional_add(
    *, actor: Any, cadre_id: int, data: ExceptionalInput, today: date | None = None
) -> ExceptionalPromotion:
    """Record an approved 破格 ground for a cadre in the actor's CHANGE scope (audited)."""
    cadre = cadre_for_change(actor, cadre_id)
    _validate_input(data, today or timezone.localdate())
    check_limits(facts_of(cadre.pk, data.approved_on), data)
    record = ExceptionalPromotion(
        cadre=cadre,
        target_tier=data.target_tier,
        ground=data.ground,
        explanation=data.explanation.strip(),
        waived_rules=sorted(set(data.waived_rules)),
        approved_on=data.approved_on,
        doc_no=data.doc_no.strip(),
        created_by=actor,
    )
    record.save()
    assert_in_scope(ExceptionalPromotion.objects.all(), record.pk, actor, Action.CHANGE)
    audit.record(
        action="selection.exceptional.add",
        actor=actor,
        target=record,
        after=audit.snapshot(record, FIELDS),
        detail={"cadre": cadre.pk, "basis": "ELG-9-2"},
    )
    return record


def _for_change(actor: Any, record_id: int, *, deleted: bool) -> ExceptionalPromotion:
    record = (
        ExceptionalPromotion.objects.visible_to(actor, Action.CHANGE)
        .filter(pk=record_id, deleted_at__isnull=not deleted)
        .select_for_update(of=("self",))
        .first()
    )
    if record is None:
        raise OutOfScopeError()
    return record


@transaction.atomic
def exceptional_delete(*, actor: Any, record_id: int) -> ExceptionalPromotion:
    """Soft delete a ground recorded by mistake; a ground a promotion relies on stays."""
    record = _for_change(actor, record_id, deleted=False)
    if Promotion.objects.unscoped_for_jobs_and_migrations().filter(exceptional=record).exists():
        raise DomainError("该破格依据已被任用记录引用，不能删除", code="exceptional_in_use")
    record.deleted_at = timezone.now()
    record.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        action="selection.exceptional.delete",
        actor=actor,
        target=record,
        before=audit.snapshot(record, FIELDS),
        detail={"cadre": record.cadre_id},
    )
    return record


@transaction.atomic
def exceptional_restore(*, actor: Any, record_id: int) -> ExceptionalPromotion:
    """Undo a soft delete."""
    record = _for_change(actor, record_id, deleted=True)
    record.deleted_at = None
    record.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        action="selection.exceptional.restore",
        actor=actor,
        target=record,
        detail={"cadre": record.cadre_id},
    )
    return record
