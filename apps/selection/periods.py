"""Service periods counted the way the regulations count them ("N年以上" in whole months from
the start date, rules.md): merging, months served, and the day a running period reaches a
length. Pure functions over `facts.Period`s."""

from collections.abc import Iterable
from datetime import date, timedelta

from apps.core.dates import add_months, whole_months
from apps.selection.facts import Period


def merge(periods: Iterable[Period], on: date) -> list[tuple[date, date]]:
    """Periods cut at `on` (exclusive) and merged where they overlap or touch."""
    spans = sorted((p.start, min(p.end, on) if p.end else on) for p in periods if p.start < on)
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# Leftover days of separate spans are added up, each 31 of them counted as one month (derived:
# a single span's leftover is at most 30 days, so one span is counted exactly, never overstated).
DAYS_PER_LEFTOVER_MONTH = 31


def served_months(periods: Iterable[Period], on: date) -> int:
    """Whole months served over merged periods by `on` (the day judged not counted): whole
    calendar months of each span, plus the leftover days of all spans together, 31 to a month."""
    months = days = 0
    for start, end in merge(periods, on):
        m, d = whole_months(start, end)
        months, days = months + m, days + d
    return months + days // DAYS_PER_LEFTOVER_MONTH


def month_floor_reached(periods: tuple[Period, ...], on: date, months: int) -> date | None:
    """The first day from `on` on which `periods` reach `months`, if a running period continues;
    None if nothing is running (the fact will not change by waiting)."""
    if not any(p.end is None or p.end > on for p in periods):
        return None
    if len(periods) == 1 and periods[0].end is None:  # one running period: its anniversary
        return max(add_months(periods[0].start, months), on)
    low, high = on, add_months(on, months + 1)
    if served_months(periods, high) < months:
        return None  # the running periods end first
    while low < high:  # served_months is monotone in the day judged
        mid = low + (high - low) // 2
        if served_months(periods, mid) >= months:
            high = mid
        else:
            low = mid + timedelta(days=1)
    return low
