"""Calendar arithmetic shared by the rules ("N年以上" counted in whole months, rules.md)."""

import calendar
from datetime import date, timedelta

_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` calendar months after `start`; when that month has no such
    day (31 Jan + 1 month, 29 Feb + 12 months) the first day of the following month.

    A period of N months that begins on `start` (start day served) is complete on the returned
    date: 民法典 第二百零二条 counts to the corresponding day, the month's last day when there is
    none, and the day after that is the first day the period has been served in full.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if start.day <= 28:  # every month has the day (the rules call this in tight loops)
        return date(year, month, start.day)
    last_day = _MONTH_DAYS[month] + (month == 2 and calendar.isleap(year))
    if start.day <= last_day:
        return date(year, month, start.day)
    return date(year, month, last_day) + timedelta(days=1)


def whole_months(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months from `start` to `end` (exclusive) and the days left over:
    2024-01-15 → 2024-03-20 is (2, 5). Consistent with `add_months`:
    whole_months(s, add_months(s, n)) == (n, 0)."""
    if end <= start:
        return 0, 0
    months = (end.year - start.year) * 12 + end.month - start.month
    reached = add_months(start, months)
    while months > 0 and reached > end:
        months -= 1
        reached = add_months(start, months)
    return months, (end - reached).days
