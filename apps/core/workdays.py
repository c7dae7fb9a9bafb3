"""The working-day calendar (工作日): Monday–Friday, except the State Council's holidays on
weekdays and its 调休 workdays on weekends, both stored in CalendarDay for each year listed in
CalendarYear (seeded 2004–2026 from chinese-calendar; later years entered on the page 节假日安排).

SEL-42-1 (公示期不少于5个工作日) and SEL-20-1 count working days here. A date in a year whose
arrangement is not entered is refused (CalendarUnknownError): the next year's holidays are
published each winter, and guessing "weekends only" would end a notice too early around 元旦 or
春节. Each public function runs one query, however many days it spans.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Max, Value

from . import audit
from .exceptions import DomainError
from .models import CalendarDay, CalendarYear

FIRST_YEAR = 2004
LAST_YEAR = 2100
# Days fetched past the start when looking for the n-th working day: 2n + 21 days hold at least
# n working days even across 春节 or 国庆 (at most 9 days off within three weeks).
SLACK_DAYS = 21


class CalendarUnknownError(DomainError):
    """A date lies in a year whose holiday arrangement has not been entered."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"尚未录入{year}年的节假日安排，无法计算工作日；请在“节假日安排”中录入",
            code="calendar_unknown_year",
        )
        self.year = year


@dataclass(frozen=True)
class _Window:
    """The stored facts for a span of dates: known years and the special days inside it."""

    years: frozenset[int]
    special: dict[date, bool]

    def is_workday(self, day: date) -> bool:
        if day.year not in self.years:
            raise CalendarUnknownError(day.year)
        if day in self.special:
            return self.special[day]
        return day.weekday() < 5


def _window(first: date, last: date) -> _Window:
    """One query: the special days between `first` and `last` and which of their years are known
    (a UNION of the two tables; a year row comes back with a NULL date)."""
    days = (
        CalendarDay.objects.filter(date__range=(first, last))
        .order_by()
        .values_list("date", "is_workday", Value(0, output_field=models.IntegerField()))
    )
    years = (
        CalendarYear.objects.filter(year__range=(first.year, last.year))
        .order_by()
        .values_list(
            Value(None, output_field=models.DateField()),
            Value(False, output_field=models.BooleanField()),
            "year",
        )
    )
    special: dict[date, bool] = {}
    known: set[int] = set()
    for day, workday, year in days.union(years, all=True):
        if day is None:
            known.add(int(year))
        else:
            special[day if isinstance(day, date) else date.fromisoformat(str(day))] = bool(workday)
    return _Window(frozenset(known), special)


def is_workday(day: date) -> bool:
    """Whether `day` is a working day (refused in a year not entered)."""
    return _window(day, day).is_workday(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day counting from `start` (itself included when it is a working day):
    a notice of 5 working days starting on Monday 2026-11-02 ends on Friday 2026-11-06; one
    starting on a Saturday or a holiday counts from the next working day."""
    if n < 1:
        raise ValueError("n must be at least 1")
    first = start
    while True:
        last = first + timedelta(days=2 * n + SLACK_DAYS)
        window = _window(first, last)
        day = first
        while day <= last:
            if window.is_workday(day):
                n -= 1
                if n == 0:
                    return day
            day += timedelta(days=1)
        first = last + timedelta(days=1)


def working_days_between(first: date, last: date) -> int:
    """Working days from `first` to `last`, both included (0 when `last` is earlier)."""
    if last < first:
        return 0
    window = _window(first, last)
    count, day = 0, first
    while day <= last:
        count += window.is_workday(day)
        day += timedelta(days=1)
    return count


def last_known_year() -> int:
    """The latest year whose arrangement is entered (0 when none is)."""
    return int(CalendarYear.objects.aggregate(last=Max("year"))["last"] or 0)


# The State Council announces next year's holiday arrangement in October or November.
NEXT_YEAR_DUE_FROM = (11, 1)


def year_to_enter(today: date, last_year: int) -> int | None:
    """The year whose arrangement someone should enter now, or None.

    A missing current year is due at once (working-day counts in it are refused); the next year
    from 1 November on. Years are entered in order, so the answer is the one after the last
    known year: 2026-10-31 with 2026 known gives None, 2026-11-01 gives 2027, 2027-01-01 with
    2026 known gives 2027 (overdue)."""
    if last_year and last_year < today.year:
        return last_year + 1
    if (today.month, today.day) >= NEXT_YEAR_DUE_FROM and last_year == today.year:
        return today.year + 1
    return None


# --- the arrangement of one year (page 节假日安排) ---------------------------------------------


@dataclass(frozen=True)
class SpecialDay:
    """One line of a year's arrangement: a holiday on a weekday (休) or a weekend workday (班)."""

    day: date
    is_workday: bool
    name: str


def year_overview() -> list[dict[str, Any]]:
    """Every known year with its counts of holidays and 调休 workdays, latest first."""
    counts: dict[int, dict[str, int]] = {}
    for day, workday in CalendarDay.objects.values_list("date", "is_workday"):
        row = counts.setdefault(day.year, {"holidays": 0, "workdays": 0})
        row["workdays" if workday else "holidays"] += 1
    return [
        {"year": y, **counts.get(y.year, {"holidays": 0, "workdays": 0})}
        for y in CalendarYear.objects.order_by("-year")
    ]


def year_days(year: int) -> list[CalendarDay]:
    return list(
        CalendarDay.objects.filter(date__range=(date(year, 1, 1), date(year, 12, 31))).order_by(
            "date"
        )
    )


def _as_lines(days: Iterable[CalendarDay | SpecialDay]) -> list[str]:
    lines = []
    for d in days:
        day = d.date if isinstance(d, CalendarDay) else d.day
        lines.append(f"{day:%Y-%m-%d} {'班' if d.is_workday else '休'} {d.name}".rstrip())
    return lines


def year_as_text(year: int) -> str:
    """The stored arrangement in the page's line format (to prefill the replace form)."""
    return "\n".join(_as_lines(year_days(year)))


def may_change(actor: Any) -> bool:
    """Same rule as rule parameters: the calendar binds the whole locality."""
    from .rulesets import may_set  # rulesets imports audit and scope; keep this module light

    return may_set(actor)


@transaction.atomic
def calendar_year_save(
    *, actor: Any, year: int, source: str, days: list[SpecialDay], replace: bool
) -> CalendarYear:
    """Enter (or, with `replace`, re-enter) a year's holidays and 调休 workdays (audited).

    A new year must follow the last known one, so the calendar has no gap; a replaced year keeps
    the notices already computed from it (their end dates are stored)."""
    if not may_change(actor):
        raise DomainError(
            "只有管理全市（全域）的组织部门干部管理员可以录入节假日安排", code="forbidden"
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"年份须在{FIRST_YEAR}至{LAST_YEAR}之间", fields={"year": "年份有误"})
    if any(d.day.year != year for d in days):
        raise DomainError("每行日期须在所录入的年份内", fields={"lines": "日期不在该年份内"})
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    if replace and existing is None:
        raise DomainError(f"尚未录入{year}年的节假日安排，无法替换")
    if not replace and existing is not None:
        message = f"{year}年的节假日安排已录入；如需修改，请打开该年份并“替换”"
        raise DomainError(message, fields={"year": message})
    last = last_known_year()
    if not replace and last and year != last + 1:
        message = f"请按年份顺序录入：下一个应录入的年份是{last + 1}年"
        raise DomainError(message, fields={"year": message})
    before = {"source": existing.source, "days": _as_lines(year_days(year))} if existing else None
    CalendarDay.objects.filter(date__range=(date(year, 1, 1), date(year, 12, 31))).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d.day, is_workday=d.is_workday, name=d.name) for d in days]
    )
    if existing is None:
        row = CalendarYear.objects.create(year=year, source=source)
    else:
        existing.source = source
        existing.save(update_fields=["source"])
        row = existing
    audit.record(
        action="calendar.replace" if replace else "calendar.add",
        actor=actor,
        target=row,
        before=before,
        after={"source": source, "days": _as_lines(days)},
    )
    return row
