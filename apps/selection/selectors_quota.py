"""Frontline quotas in force and the shares of a year's promotions (scoped: the counts come from
promotions the actor may see, like every count of cadre data)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from apps.selection.constants import PromotionKind, PromotionStatus, QuotaEnforcement
from apps.selection.models import FrontlineQuota, Promotion
from apps.selection.rules_quota import Share, lowers_below
from apps.units.constants import UnitLevel

COUNTED_KINDS = (PromotionKind.PROMOTE,)  # "of the cadres promoted (提拔) each year"
# The county party committee decides the promotions of its townships too: a 县级 quota covers
# them (昭通's 80% is "县级", the county's own promotions; derived reading, docs/user/selection.md).
QUOTA_LEVEL: dict[str, str] = {UnitLevel.TOWNSHIP: UnitLevel.COUNTY}


@dataclass(frozen=True)
class QuotaRow:
    quota: FrontlineQuota
    share: Share  # confirmed promotions of the year
    planned: Share  # with every planned promotion of the year added (what-if)


@dataclass(frozen=True)
class QuotaChange:
    quota: FrontlineQuota
    before: Share
    after: Share

    @property
    def falls_below(self) -> bool:
        return lowers_below(self.before, self.after)

    @property
    def blocks(self) -> bool:
        return self.falls_below and self.quota.enforcement == QuotaEnforcement.BLOCK


def quotas_in_force(actor: Any, on: date) -> list[FrontlineQuota]:
    """The visible quota rows in force on `on`: the latest effective row per (unit, level, kind)."""
    rows = (
        FrontlineQuota.objects.visible_to(actor)
        .filter(effective_from__lte=on)
        .select_related("unit")
        .order_by("unit__path", "unit_level", "unit_kind", "-effective_from", "-id")
    )
    latest: dict[tuple[int, str, str], FrontlineQuota] = {}
    for row in rows:
        latest.setdefault((row.unit_id, row.unit_level, row.unit_kind), row)
    return list(latest.values())


def quota_of(
    quotas: Iterable[FrontlineQuota], unit_path: str, unit_level: str, unit_kind: str
) -> FrontlineQuota | None:
    """The quota a promotion into a unit counts against: the level must match (a township counts
    as its county); a row naming the unit's kind beats a row for any kind (市直部门 50% before
    市级 60%); then the deepest scope."""
    level = QUOTA_LEVEL.get(unit_level, unit_level)
    matches = [
        q
        for q in quotas
        if q.unit_level == level
        and q.unit_kind in ("", unit_kind)
        and unit_path.startswith(q.unit.path)
    ]
    if not matches:
        return None
    return max(matches, key=lambda q: (q.unit_kind != "", len(q.unit.path)))


def _year_promotions(actor: Any, year: int) -> QuerySet[Promotion]:
    return (
        Promotion.objects.visible_to(actor)
        .filter(kind__in=COUNTED_KINDS, decision_date__year=year)
        .filter(Q(status=PromotionStatus.CONFIRMED) | Q(status=PromotionStatus.PLANNED))
    )


def quota_rows(actor: Any, year: int, on: date) -> list[QuotaRow]:
    """Each quota in force with the year's share so far and with the planned promotions added."""
    quotas = quotas_in_force(actor, on)
    counts: dict[int, list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )  # conf fl, conf other, plan fl, plan other
    rows = _year_promotions(actor, year).values_list(
        "unit__path", "unit_level", "unit_kind", "frontline", "status"
    )
    for path, level, kind, frontline, status in rows:
        quota = quota_of(quotas, path, level, kind)
        if quota is None:
            continue
        index = (0 if frontline else 1) + (0 if status == PromotionStatus.CONFIRMED else 2)
        counts[quota.pk][index] += 1
    result = []
    for quota in quotas:
        c = counts[quota.pk]
        share = Share(c[0] + c[1], c[0], quota.min_percent)
        result.append(QuotaRow(quota, share, share.plus(c[2], c[3])))
    return result


def quota_whatif(actor: Any, promotions: Iterable[Promotion], on: date) -> list[QuotaChange]:
    """How confirming `promotions` changes the share of each quota they count against, over the
    year of each promotion's decision (confirmed promotions so far as the base)."""
    quotas = quotas_in_force(actor, on)
    added: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    by_pk = {q.pk: q for q in quotas}
    for p in promotions:
        if p.kind not in COUNTED_KINDS:
            continue
        quota = quota_of(quotas, p.unit.path, p.unit_level, p.unit_kind)
        if quota is not None:
            added[(quota.pk, p.decision_date.year)][0 if p.frontline else 1] += 1
    changes = []
    for (quota_pk, year), (fl, other) in sorted(added.items()):
        quota = by_pk[quota_pk]
        rows = (
            _year_promotions(actor, year)
            .filter(status=PromotionStatus.CONFIRMED)
            .values_list("unit__path", "unit_level", "unit_kind", "frontline")
        )
        total = frontline = 0
        for path, level, kind, is_fl in rows:
            if quota_of(quotas, path, level, kind) == quota:
                total, frontline = total + 1, frontline + int(is_fl)
        before = Share(total, frontline, quota.min_percent)
        changes.append(QuotaChange(quota, before, before.plus(fl, other)))
    return changes
