"""一线提拔比例 arithmetic at its boundaries and which quota a promotion counts against."""

from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.models import ManagedBy
from apps.selection.constants import PromotionStatus
from apps.selection.models import FrontlineQuota
from apps.selection.rules_quota import Share, lowers_below
from apps.selection.selectors_quota import quota_of, quota_rows, quotas_in_force
from apps.selection.tests.factories import PromotionFactory
from apps.units.constants import UnitKind, UnitLevel


@pytest.mark.parametrize(
    ("total", "frontline", "percent", "meets", "required", "shown"),
    [
        (5, 3, 60, True, 3, Decimal("60.0")),  # exactly on the line
        (5, 2, 60, False, 3, Decimal("40.0")),
        (49, 29, 60, False, 30, Decimal("59.2")),  # 59.18%: below, whatever the rounding
        (49, 30, 60, True, 30, Decimal("61.2")),
        (3, 2, 80, False, 3, Decimal("66.7")),  # ceil(2.4) = 3
        (6, 3, 50, True, 3, Decimal("50.0")),
        (7, 3, 50, False, 4, Decimal("42.9")),  # ceil(3.5) = 4
        (0, 0, 60, True, 0, None),
    ],
)
def test_share_boundaries(total, frontline, percent, meets, required, shown):
    share = Share(total, frontline, percent)
    assert share.meets is meets
    assert share.required == required
    assert share.percent == shown
    assert share.shortfall == max(required - frontline, 0)


def test_only_batches_adding_non_frontline_promotions_fall_below():
    before = Share(4, 3, 80)
    assert lowers_below(before, before.plus(0, 1))  # 3/5 = 60% < 80%
    assert not lowers_below(before, before.plus(1, 0))  # 4/5 = 80%
    short = Share(5, 2, 80)
    assert not lowers_below(short, short.plus(1, 0))  # still short, but only frontline added


@pytest.fixture
def quotas(city):
    def make(level, kind, percent, unit=None, effective=date(2026, 1, 1)):
        return FrontlineQuota.objects.create(
            unit=unit or city.root,
            unit_level=level,
            unit_kind=kind,
            min_percent=percent,
            effective_from=effective,
            source="昭通示例",
        )

    return make


def test_the_most_specific_quota_applies(city, quotas, officer_city):
    city_any = quotas(UnitLevel.CITY, "", 60)
    city_dept = quotas(UnitLevel.CITY, UnitKind.DEPARTMENT, 50)
    county = quotas(UnitLevel.COUNTY, "", 80)
    found = quotas_in_force(officer_city, date(2026, 6, 1))
    dept = city.city_dept
    assert quota_of(found, dept.path, dept.level, dept.kind) == city_dept
    root = city.root
    assert quota_of(found, root.path, root.level, root.kind) == city_any
    town = city.county_a_town
    assert quota_of(found, town.path, UnitLevel.COUNTY, "government") == county
    assert quota_of(found, town.path, UnitLevel.TOWNSHIP, "government") == county  # 乡镇 → 县级
    assert quota_of(found, town.path, UnitLevel.PROVINCE, "government") is None


def test_a_later_row_replaces_a_quota_from_its_date(city, quotas, officer_city):
    quotas(UnitLevel.COUNTY, "", 80)
    quotas(UnitLevel.COUNTY, "", 70, effective=date(2026, 7, 1))
    assert [q.min_percent for q in quotas_in_force(officer_city, date(2026, 6, 30))] == [80]
    assert [q.min_percent for q in quotas_in_force(officer_city, date(2026, 7, 1))] == [70]


def test_year_shares_count_only_promotions_in_scope(city, quotas, officer_a):
    quotas(UnitLevel.COUNTY, "", 80, unit=city.county_a)
    for frontline in (True, True, False):
        p = PromotionFactory(
            cadre__unit=city.county_a_dept, cadre__managed_by=ManagedBy.COUNTY, frontline=frontline
        )
        p.status = PromotionStatus.CONFIRMED
        p.save()
    PromotionFactory(cadre__unit=city.county_a_dept, cadre__managed_by=ManagedBy.COUNTY)  # planned
    PromotionFactory(cadre__unit=city.county_b_dept, cadre__managed_by=ManagedBy.COUNTY)  # hidden
    last_year = PromotionFactory(
        cadre__unit=city.county_a_dept, decision_date=date(2025, 5, 1), frontline=False
    )
    last_year.status = PromotionStatus.CONFIRMED
    last_year.save()
    (row,) = quota_rows(officer_a, 2026, date(2026, 11, 25))
    assert (row.share.frontline, row.share.total) == (2, 3)
    assert (row.planned.frontline, row.planned.total) == (2, 4)
    assert not row.share.meets and row.share.shortfall == 1
