"""Calendar arithmetic of the rules (apps/core/dates.py): "N年以上" in whole months (rules.md:
every "N年以上" is computed in whole months; a period that begins on S, the start day served, is
complete on the corresponding day, or the first of the next month when there is none)."""

from datetime import date, timedelta

import pytest

from apps.core.dates import add_months, whole_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2021, 11, 25), 60, date(2026, 11, 25)),
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 3, 1)),  # no 31 Feb: the 1st of March
        (date(2023, 1, 31), 1, date(2023, 3, 1)),
        (date(2024, 1, 30), 1, date(2024, 3, 1)),  # leap February has 29 days only
        (date(2024, 1, 29), 1, date(2024, 2, 29)),
        (date(2020, 2, 29), 12, date(2021, 3, 1)),  # leap day: no 29 Feb 2021
        (date(2020, 2, 29), 48, date(2024, 2, 29)),  # four years on: a leap year again
        (date(2020, 2, 29), 60, date(2025, 3, 1)),
        (date(2024, 3, 31), -1, date(2024, 3, 1)),  # backwards: no 31 Feb → 1 March
        (date(2024, 12, 31), 2, date(2025, 3, 1)),
        (date(2024, 5, 31), 1, date(2024, 7, 1)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 12, 15), 0, date(2024, 12, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 1, 15), date(2024, 3, 20), (2, 5)),
        (date(2024, 1, 15), date(2024, 3, 15), (2, 0)),
        (date(2024, 1, 15), date(2024, 3, 14), (1, 28)),  # 15 Feb → 14 Mar 2024: 28 days
        (date(2021, 11, 25), date(2026, 11, 24), (59, 30)),
        (date(2021, 11, 25), date(2026, 11, 25), (60, 0)),
        (date(2021, 11, 25), date(2026, 11, 26), (60, 1)),
        (date(2020, 2, 29), date(2025, 2, 28), (59, 30)),  # 29 Jan 2025 → 28 Feb: 30 days
        (date(2020, 2, 29), date(2025, 3, 1), (60, 0)),
        (date(2024, 1, 31), date(2024, 2, 29), (0, 29)),
        (date(2024, 1, 31), date(2024, 3, 1), (1, 0)),
        (date(2024, 3, 1), date(2024, 3, 1), (0, 0)),
        (date(2024, 3, 2), date(2024, 3, 1), (0, 0)),
    ],
)
def test_whole_months(start: date, end: date, expected: tuple[int, int]) -> None:
    assert whole_months(start, end) == expected


def _days(first: date, last: date, step: int = 1) -> list[date]:
    return [first + timedelta(days=i) for i in range(0, (last - first).days + 1, step)]


def test_whole_months_inverts_add_months_over_leap_years() -> None:
    """whole_months(s, add_months(s, n)) == (n, 0), and one day less is a month short, for
    every start day of 2019–2024 (two leap Februaries) and every n up to 6 years."""
    for start in _days(date(2019, 1, 1), date(2024, 12, 31)):
        for n in (1, 2, 11, 12, 13, 24, 36, 48, 60, 72):
            end = add_months(start, n)
            assert whole_months(start, end) == (n, 0), (start, n)
            months, _ = whole_months(start, end - timedelta(days=1))
            assert months == n - 1, (start, n)


def test_add_months_is_monotone() -> None:
    """A later start never completes a period earlier (a merged or shifted period stays sane)."""
    for n in (1, 12, 24, 60):
        previous = None
        for start in _days(date(2019, 12, 1), date(2024, 4, 1)):
            end = add_months(start, n)
            assert previous is None or end >= previous, (start, n)
            assert end > start
            previous = end


def test_whole_months_leftover_days_are_under_a_month() -> None:
    for start in _days(date(2023, 12, 25), date(2024, 3, 5)):
        for end in _days(start, start + timedelta(days=800), 7):
            months, days = whole_months(start, end)
            assert add_months(start, months) <= end < add_months(start, months + 1)
            assert days == (end - add_months(start, months)).days
            assert 0 <= days <= 30
