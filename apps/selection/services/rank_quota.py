"""Writes to the rank headcount caps (RANK-QUOTA-1 职数比例, UNVERIFIED: local configuration).

Rows are never edited: a change is a new row from a date on (the row with the latest
effective_from ≤ the day judged is in force per unit and name). A row not yet in force may be
deleted (hard delete, audited); a row in force stays as the record of what applied. Only an
officer whose CHANGE scope covers the unit may add or delete.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.constants import RANK_ORDER
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action, assert_in_scope
from apps.selection.models import RankQuota
from apps.units.models import Unit

LABEL_MAX = 100
SOURCE_MAX = 300


def _fail(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, fields={field: message})


def _unit_for_change(actor: Any, unit_id: int | None) -> Unit:
    unit = (
        Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=unit_id).first()
        if unit_id
        else None
    )
    if unit is None:
        raise _fail("unit", "适用范围不在您可维护的单位范围内", "unit_out_of_scope")
    return unit


def clean_ranks(values: Iterable[str], field: str, *, required: bool) -> list[str]:
    """职级 values (RankGrade), without repeats, highest first."""
    ranks = sorted({str(v) for v in values if v}, key=lambda r: RANK_ORDER.get(r, 99))
    unknown = [r for r in ranks if r not in RANK_ORDER]
    if unknown:
        raise _fail(field, "职级无效：" + "、".join(unknown))
    if required and not ranks:
        raise _fail(field, "请至少选择一个职级")
    return ranks


def clean_percent(value: Any) -> Decimal:
    """0–100 with at most one decimal (ui.md: percentages with one decimal)."""
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _fail("max_percent", "请输入0至100之间的数字") from None
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise _fail("max_percent", "最高占比应在0至100之间")
    if percent != percent.quantize(Decimal("0.1")):
        raise _fail("max_percent", "最高占比最多保留一位小数")
    return percent.quantize(Decimal("0.1"))


@transaction.atomic
def rank_quota_add(
    *,
    actor: Any,
    unit_id: int | None,
    label: str,
    ranks: Iterable[str],
    base_ranks: Iterable[str] = (),
    max_percent: Any,
    effective_from: date | None,
    source: str = "",
) -> RankQuota:
    """RANK-QUOTA-1: cap the cadres holding `ranks` in the unit's subtree at `max_percent` % of
    those holding `base_ranks` (empty = every cadre with a 职级), from `effective_from` on."""
    unit = _unit_for_change(actor, unit_id)
    label = (label or "").strip()
    if not label:
        raise _fail("label", "请填写名称，如“一至四级调研员”")
    if len(label) > LABEL_MAX:
        raise _fail("label", f"名称不超过{LABEL_MAX}个字")
    capped = clean_ranks(ranks, "ranks", required=True)
    base = clean_ranks(base_ranks, "base_ranks", required=False)
    if base and not set(capped) <= set(base):
        raise _fail("base_ranks", "基数职级应包含全部限额职级（限额人数是基数的一部分）")
    percent = clean_percent(max_percent)
    if effective_from is None:
        raise _fail("effective_from", "请填写生效日期")
    source = (source or "").strip()
    if len(source) > SOURCE_MAX:
        raise _fail("source", f"依据不超过{SOURCE_MAX}个字")
    clash = RankQuota.objects.filter(unit=unit, label=label, effective_from=effective_from)
    if clash.exists():
        raise _fail(
            "effective_from",
            f"{unit.name}“{label}”已有自{effective_from.isoformat()}起生效的比例，请先删除原记录或改用其他日期",
            "duplicate_quota",
        )
    quota = RankQuota.objects.create(
        unit=unit,
        label=label,
        ranks=capped,
        base_ranks=base,
        max_percent=percent,
        effective_from=effective_from,
        source=source,
        created_by=actor,
    )
    assert_in_scope(RankQuota.objects.all(), quota.pk, actor, Action.CHANGE)
    audit.record(
        action="selection.rank_quota.create",
        actor=actor,
        target=quota,
        after=audit.snapshot(quota),
        detail={"rule": "RANK-QUOTA-1"},
    )
    return quota


@transaction.atomic
def rank_quota_delete(*, actor: Any, quota_id: int, today: date | None = None) -> None:
    """Delete a row that is not yet in force (a row in force is part of the record: add a new
    row from a later date instead)."""
    today = today or timezone.localdate()
    quota = (
        RankQuota.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=quota_id)
        .first()
    )
    if quota is None:
        raise OutOfScopeError()
    if quota.effective_from <= today:
        raise DomainError(
            "已生效的职数比例不能删除；如需调整，请新增一条自某日起生效的记录",
            code="quota_in_force",
        )
    before = audit.snapshot(quota)
    audit.record(
        action="selection.rank_quota.delete",
        actor=actor,
        target=quota,
        before=before,
        detail={"rule": "RANK-QUOTA-1"},
    )
    quota.delete()
