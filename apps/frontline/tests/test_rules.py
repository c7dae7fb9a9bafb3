"""frontline_experience at its boundaries (no database)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.frontline.rules import (
    ServicePeriod,
    days_needed,
    frontline_experience,
    months_from_days,
    period_days,
)

ON = date(2026, 6, 30)


def p(start, end, kind="poverty", **flags) -> ServicePeriod:
    return ServicePeriod(start=start, end=end, kind=kind, **flags)


def credit(*periods, on=ON, months=12):
    return frontline_experience(periods, on, qualifying_months=months)


@pytest.mark.parametrize(
    ("days", "months"),
    [
        (0, "0.0"),
        (1, "0.0"),  # a single day is less than a tenth of a month: never overstated
        (3, "0.0"),
        (4, "0.1"),
        (30, "0.9"),
        (31, "1.0"),
        (365, "11.9"),  # a non-leap calendar year
        (366, "12.0"),
        (1461, "48.0"),  # four years, one of them leap
    ],
)
def test_months_round_down_to_one_decimal(days, months):
    assert months_from_days(days) == Decimal(months)
    assert str(months_from_days(days)) == months


def test_days_needed():
    assert days_needed(12) == 366
    assert days_needed(1) == 31
    assert days_needed(24) == 731


class TestCounting:
    def test_nothing(self):
        c = credit()
        assert c.total_days == 0 and c.total_months == Decimal("0.0")
        assert not c.qualifies and c.qualifies_on is None and c.by_kind == {}
        assert c.threshold == 12

    def test_single_day_counts_one_day(self):
        c = credit(p(date(2026, 1, 5), date(2026, 1, 5)))
        assert c.total_days == 1

    def test_overlapping_periods_count_once(self):
        c = credit(
            p(date(2024, 1, 1), date(2024, 1, 31)),
            p(date(2024, 1, 15), date(2024, 2, 29)),
            p(date(2024, 1, 10), date(2024, 1, 20)),  # inside the first
        )
        assert c.total_days == 31 + 29

    def test_adjacent_periods_are_not_double_counted(self):
        c = credit(p(date(2024, 1, 1), date(2024, 1, 31)), p(date(2024, 2, 1), date(2024, 2, 29)))
        assert c.total_days == 60

    def test_same_day_boundary_counts_once(self):
        c = credit(p(date(2024, 1, 1), date(2024, 1, 31)), p(date(2024, 1, 31), date(2024, 2, 1)))
        assert c.total_days == 32

    def test_gap_is_not_counted(self):
        c = credit(p(date(2024, 1, 1), date(2024, 1, 10)), p(date(2024, 1, 21), date(2024, 1, 30)))
        assert c.total_days == 20

    def test_ongoing_counts_up_to_on_inclusive(self):
        c = credit(p(ON - timedelta(days=9), None))
        assert c.total_days == 10 and c.serving

    def test_end_after_on_is_cut_at_on(self):
        c = credit(p(ON - timedelta(days=9), ON + timedelta(days=100)))
        assert c.total_days == 10

    def test_future_periods_are_ignored(self):
        c = credit(
            p(ON + timedelta(days=1), None), p(ON + timedelta(days=5), ON + timedelta(days=9))
        )
        assert c.total_days == 0 and not c.serving and c.qualifies_on is None

    def test_period_starting_on_the_day_counts_one(self):
        assert credit(p(ON, None)).total_days == 1

    def test_by_kind_merged_separately(self):
        c = credit(
            p(date(2024, 1, 1), date(2024, 1, 31), "poverty"),
            p(date(2024, 1, 1), date(2024, 1, 31), "epidemic"),
            p(date(2024, 1, 20), date(2024, 3, 1), "epidemic"),
        )
        assert c.total_days == 61
        assert c.by_kind == {"epidemic": months_from_days(61), "poverty": months_from_days(31)}

    def test_hardship_and_grassroots_months(self):
        c = credit(
            p(date(2023, 1, 1), date(2023, 12, 31), hardship=True),
            p(date(2023, 7, 1), date(2024, 6, 30), hardship=True, counts_as_grassroots=True),
            p(date(2025, 1, 1), date(2025, 1, 31)),
        )
        assert c.hardship_months == months_from_days(365 + 182)  # overlap counted once
        assert c.grassroots_months == months_from_days(366)


class TestThreshold:
    def test_exactly_the_threshold_qualifies(self):
        start = date(2024, 1, 1)
        c = credit(p(start, start + timedelta(days=365)))  # 366 days
        assert c.total_days == 366 and c.total_months == Decimal("12.0")
        assert c.qualifies and c.qualifies_on == start + timedelta(days=365)

    def test_one_day_short_does_not(self):
        start = date(2024, 1, 1)
        c = credit(p(start, start + timedelta(days=364)))  # 365 days
        assert c.total_months == Decimal("11.9") and not c.qualifies
        assert c.qualifies_on is None  # ended: no projection

    def test_ongoing_projects_the_qualifying_day(self):
        c = credit(p(ON - timedelta(days=99), None))  # 100 days so far
        assert not c.qualifies
        assert c.qualifies_on == ON + timedelta(days=266)
        # on that day the cadre does qualify
        later = credit(p(ON - timedelta(days=99), None), on=c.qualifies_on)
        assert later.qualifies and later.total_days == 366

    def test_planned_end_before_the_day_gives_no_projection(self):
        c = credit(p(ON - timedelta(days=99), ON + timedelta(days=30)))
        assert c.serving and not c.qualifies and c.qualifies_on is None

    def test_planned_end_on_the_day_projects_it(self):
        c = credit(p(ON - timedelta(days=99), ON + timedelta(days=266)))
        assert c.qualifies_on == ON + timedelta(days=266)

    def test_qualified_reports_the_day_reached_across_gaps(self):
        c = credit(
            p(date(2020, 1, 1), date(2020, 6, 30)),  # 182 days
            p(date(2021, 1, 1), date(2021, 12, 31)),  # reaches 366 on the 184th day
        )
        assert c.qualifies and c.qualifies_on == date(2021, 1, 1) + timedelta(days=183)

    def test_threshold_is_a_parameter(self):
        c = credit(p(date(2026, 1, 1), date(2026, 2, 28)), months=1)
        assert c.qualifies and c.threshold == 1


def test_period_days():
    assert period_days(date(2026, 1, 1), None, date(2026, 1, 1)) == 1
    assert period_days(date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 10)) == 10
    assert period_days(date(2026, 2, 1), None, date(2026, 1, 10)) == 0
