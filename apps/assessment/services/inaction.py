"""Writes of inaction findings (不作为不担当认定) and the adjustment decided (能上能下).

Need-to-know: only officers holding the `inaction` pillar over the cadre write (or read) them;
to anyone else the rows do not exist (OutOfScopeError → 404).
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.assessment.constants import InactionAdjustment, InactionSource
from apps.assessment.models import InactionFinding
from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action, Pillar, assert_in_scope, rules_for

from .tasks import stale_version_error

FINDING_TYPE = "assessment.inactionfinding"
UNVERIFIED = "（条目表述待核实）"
# REUSE-NSX-5: the situations of 《推进领导干部能上能下规定》(中办 2022-09) 第五条 in which a cadre
# is found 不适宜担任现职. Items (1)–(8) are worded as rules.md gives them (VERIFIED); the
# numbering and wording of items (9)–(15) are UNVERIFIED there, so they are marked as such.
UNSUITABLE_REASONS: dict[int, str] = {
    1: "政治能力不过硬…",
    2: "理想信念动摇…",
    3: "担当和斗争精神不强，在急难险重任务中消极逃避或应对处置不力",
    4: "政绩观偏差，搞“形象工程”“政绩工程”",
    5: "违背民主集中制…或任人唯亲、拉帮结派，破坏政治生态",
    6: "组织观念淡薄，不严格执行请示报告、个人有关事项报告制度，"
    "无正当理由拒不执行组织分配、调动、交流决定",
    7: "事业心责任感不强…推拖绕躲",
    8: "领导能力不足…所负责工作较长时间处于落后状态",
    **{n: f"第（{n}）项{UNVERIFIED}" for n in range(9, 16)},
}
UNVERIFIED_NOTE = (
    "第（9）—（15）项包括：因配偶、子女及其配偶经商办企业等需组织调整；"
    "因健康原因无法正常履行工作职责1年以上；等。各项序号与表述待核实。"
)
FINDING_FIELDS = [
    "cadre",
    "source",
    "found_on",
    "reason_code",
    "description",
    "adjustment",
    "decided_on",
]


def reason_label(code: int) -> str:
    """'（3）担当和斗争精神不强…' for a reason code of REUSE-NSX-5."""
    return f"（{code}）{UNSUITABLE_REASONS.get(code, '未知情形')}"


def reason_choices() -> list[tuple[int, str]]:
    return [(code, reason_label(code)) for code in UNSUITABLE_REASONS]


def has_inaction_pillar(actor: Any, action: Action = Action.VIEW) -> bool:
    """Whether any of the actor's grants opens the `inaction` pillar for `action`."""
    return bool(rules_for(actor, action, Pillar.INACTION))


@transaction.atomic
def inaction_add(
    *,
    actor: Any,
    cadre_id: int,
    source: str,
    found_on: date,
    reason_code: int,
    description: str,
    today: date | None = None,
) -> InactionFinding:
    """Record a finding of inaction about a cadre the actor may change and holds the pillar
    for (audited)."""
    if not has_inaction_pillar(actor, Action.CHANGE):
        raise OutOfScopeError()
    cadre = cadre_for_change(actor, cadre_id)
    errors: dict[str, str] = {}
    if source not in InactionSource.values:
        errors["source"] = "请选择来源"
    if reason_code not in UNSUITABLE_REASONS:
        errors["reason_code"] = "请选择《推进领导干部能上能下规定》第五条所列情形"
    if found_on > (today or timezone.localdate()):
        errors["found_on"] = "认定日期不能晚于今天"
    if not description.strip():
        errors["description"] = "请填写具体表现"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_finding", fields=errors)
    finding = InactionFinding.objects.create(
        cadre=cadre,
        source=source,
        found_on=found_on,
        reason_code=reason_code,
        description=description.strip(),
        created_by=actor,
    )
    # The pillar may be granted on part of the actor's subtree only: re-check the new row.
    assert_in_scope(InactionFinding.objects.all(), finding.pk, actor, Action.CHANGE)
    audit.record(
        action="assessment.inaction.add",
        actor=actor,
        target=finding,
        after=audit.snapshot(finding, FINDING_FIELDS),
        detail={"cadre": cadre.pk, "version": finding.version, "basis": "REUSE-NSX-5"},
    )
    return finding


@transaction.atomic
def inaction_decide(
    *,
    actor: Any,
    finding_id: int,
    expected_version: int,
    adjustment: str,
    decided_on: date,
    today: date | None = None,
) -> InactionFinding:
    """Record (or revise) the adjustment decided for a finding; versioned and audited."""
    finding = (
        InactionFinding.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        raise OutOfScopeError()
    if finding.version != expected_version:
        raise stale_version_error(
            target_type=FINDING_TYPE,
            target_id=finding.pk,
            version=expected_version,
            actions=["assessment.inaction.decide"],
            noun="认定记录",
        )
    errors: dict[str, str] = {}
    if adjustment not in InactionAdjustment.values:
        errors["adjustment"] = "请选择调整方式"
    if decided_on > (today or timezone.localdate()):
        errors["decided_on"] = "调整决定日期不能晚于今天"
    elif decided_on < finding.found_on:
        errors["decided_on"] = f"调整决定日期不能早于认定日期（{finding.found_on:%Y-%m-%d}）"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_decision", fields=errors)
    before = audit.snapshot(finding, FINDING_FIELDS)
    finding.adjustment = adjustment
    finding.decided_on = decided_on
    finding.version += 1
    finding.save(update_fields=["adjustment", "decided_on", "version", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(finding, FINDING_FIELDS))
    audit.record(
        action="assessment.inaction.decide",
        actor=actor,
        target=finding,
        before=old,
        after=new,
        detail={"cadre": finding.cadre_id, "version": finding.version, "basis": "REUSE-NSX-5"},
    )
    return finding
