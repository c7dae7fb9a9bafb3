"""The working-day calendar (apps/core/workdays.py) over the seeded 2026 arrangement: 国庆 and
中秋 2026 with the 09-20 Sunday and 10-10 Saturday workdays, 春节 2026 with the 02-14 and 02-28
Saturdays, starts on a Friday before a holiday, on a holiday and on a weekend, the n = 5
boundary, and the refusal past the last known year."""

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps

from apps.core import workdays
from apps.core.models import CalendarDay, CalendarYear
from apps.core.workdays import (
    CalendarUnknownError,
    SpecialDay,
    add_working_days,
    is_workday,
    last_known_year,
    working_days_between,
)

D = date


@pytest.fixture
def work_calendar(db: None) -> None:
    """The calendar as migration core/0006 seeds it. A transactional test (the browser flows)
    flushes every table, so seed again when an earlier test emptied it."""
    if not CalendarYear.objects.filter(year=2026).exists():
        seed = importlib.import_module("apps.core.migrations.0006_seed_calendar").seed
        seed(django_apps, None)


pytestmark = pytest.mark.usefixtures("work_calendar")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 9, 20), True),  # Sunday, 国庆调休上班
        (D(2026, 9, 25), False),  # Friday, 中秋节
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),  # Wednesday, last day of 国庆
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, 国庆调休上班
        (D(2026, 10, 11), False),  # plain Sunday
        (D(2026, 2, 14), True),  # Saturday, 春节调休上班
        (D(2026, 2, 23), False),  # Monday, 春节
        (D(2026, 11, 4), True),  # plain Wednesday
    ],
)
def test_is_workday(day, expected):
    assert is_workday(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        # Monday, no holiday: the 5th working day is Friday (start counted).
        (D(2026, 11, 2), 5, D(2026, 11, 6)),
        (D(2026, 11, 2), 1, D(2026, 11, 2)),
        (D(2026, 11, 2), 6, D(2026, 11, 9)),
        # Tuesday 11-03 (the factories' notice): Tue..Fri, Mon.
        (D(2026, 11, 3), 5, D(2026, 11, 9)),
        # Across 国庆: 09-30 (1), 10-08 (2), 10-09 (3), Saturday 10-10 workday (4), 10-12 (5).
        (D(2026, 9, 30), 5, D(2026, 10, 12)),
        # Friday 09-18 before 中秋/国庆: 09-18, Sunday 09-20 workday, 09-21, 09-22, 09-23.
        (D(2026, 9, 18), 5, D(2026, 9, 23)),
        # Thursday 09-24 before 中秋: 09-24, 09-28, 09-29, 09-30, 10-08.
        (D(2026, 9, 24), 5, D(2026, 10, 8)),
        # Friday 02-13 before 春节: 02-13, Saturday 02-14 workday, then 02-24, 02-25, 02-26.
        (D(2026, 2, 13), 5, D(2026, 2, 26)),
        # Starting on a holiday counts from the next working day.
        (D(2026, 10, 1), 5, D(2026, 10, 13)),
        (D(2026, 2, 16), 5, D(2026, 2, 28)),  # 02-24..02-27, then Saturday 02-28 workday
        # Starting on a plain weekend.
        (D(2026, 11, 7), 5, D(2026, 11, 13)),
        # Late December inside the known year: 12-24, 12-25, 12-28, 12-29, 12-30.
        (D(2026, 12, 24), 5, D(2026, 12, 30)),
    ],
)
def test_add_working_days(start, n, end):
    assert add_working_days(start, n) == end


def test_long_notice_spans_several_windows():
    # 30 working days from 2026-09-01 across 中秋 and 国庆 (8 weekday holidays, 2 weekend workdays).
    end = add_working_days(D(2026, 9, 1), 30)
    assert working_days_between(D(2026, 9, 1), end) == 30
    assert is_workday(end)


@pytest.mark.parametrize(
    ("first", "last", "count"),
    [
        (D(2026, 11, 2), D(2026, 11, 6), 5),
        (D(2026, 11, 2), D(2026, 11, 5), 4),  # the day before the 5th: one short
        (D(2026, 9, 28), D(2026, 10, 11), 6),  # 09-28..30 and 10-08..10
        (D(2026, 10, 1), D(2026, 10, 7), 0),
        (D(2026, 2, 14), D(2026, 2, 28), 6),  # Saturdays 14 and 28, then 24..27
        (D(2026, 11, 6), D(2026, 11, 2), 0),
    ],
)
def test_working_days_between(first, last, count):
    assert working_days_between(first, last) == count


def test_one_query_per_call(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 9, 30), 5)
    with django_assert_num_queries(1):
        working_days_between(D(2026, 1, 1), D(2026, 12, 31))
    with django_assert_num_queries(1):
        is_workday(D(2026, 10, 10))


def test_refused_past_the_last_known_year():
    assert last_known_year() == 2026
    # 12-28..12-31 are four working days; the fifth would fall in 2027.
    with pytest.raises(CalendarUnknownError) as info:
        add_working_days(D(2026, 12, 28), 5)
    assert info.value.message == (
        "尚未录入2027年的节假日安排，无法计算工作日；请在“节假日安排”中录入"
    )
    with pytest.raises(CalendarUnknownError):
        is_workday(D(2027, 1, 4))  # a Monday: never guessed from the weekday
    with pytest.raises(CalendarUnknownError):
        working_days_between(D(2026, 12, 1), D(2027, 1, 10))


def test_entering_2027_makes_it_computable(officer_city):
    days = [
        SpecialDay(D(2027, 1, 1), False, "元旦"),
        SpecialDay(D(2027, 2, 7), True, "春节调休上班"),
    ]
    workdays.calendar_year_save(
        actor=officer_city, year=2027, source="国办通知", days=days, replace=False
    )
    assert last_known_year() == 2027
    # 12-28, 12-29, 12-30, 12-31, then 01-01 off and the weekend: Monday 01-04.
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 4)
    assert is_workday(D(2027, 2, 7))
    assert CalendarDay.objects.filter(date__year=2027).count() == 2


def test_only_the_next_year_may_be_added(officer_city):
    with pytest.raises(workdays.DomainError, match="2027"):
        workdays.calendar_year_save(
            actor=officer_city,
            year=2028,
            source="x",
            days=[SpecialDay(D(2028, 1, 3), False, "元旦")],
            replace=False,
        )


@pytest.mark.parametrize(
    ("today", "last", "due"),
    [
        (date(2026, 10, 31), 2026, None),  # next year not due yet
        (date(2026, 11, 1), 2026, 2027),  # due from 1 November
        (date(2026, 12, 31), 2026, 2027),
        (date(2026, 11, 1), 2027, None),  # already entered
        (date(2027, 1, 1), 2026, 2027),  # the year has begun without it: overdue
        (date(2027, 6, 1), 2025, 2026),  # years go in order: the gap first
        (date(2026, 12, 1), 0, None),  # nothing known at all: not a reminder's business
    ],
)
def test_year_to_enter(today: date, last: int, due: int | None) -> None:
    assert workdays.year_to_enter(today, last) == due
