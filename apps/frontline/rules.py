"""Pure rules of the frontline pillar: values in, a verdict out (no ORM, no clock).

Months are counted from days: one month is 365.25 / 12 = 30.4375 days (the mean Gregorian
month), so a period's credit does not depend on which calendar months it spans. Months are
shown with one decimal and always rounded DOWN — a cadre's credit is never overstated.
With this definition a non-leap calendar year (365 days) is 11.9 months; 12 months need 366
days of service.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# 1 month = 365.25 / 12 days = 1461 / 48 days; tenths of a month = days * 480 / 1461.
_DAYS_PER_MONTH_NUM = 1461
_DAYS_PER_MONTH_DEN = 48


@dataclass(frozen=True)
class ServicePeriod:
    """One stretch of frontline service as the rule sees it (end None: still serving)."""

    start: date
    end: date | None
    kind: str
    hardship: bool = False
    counts_as_grassroots: bool = False


@dataclass(frozen=True)
class FrontlineCredit:
    """The frontline experience a cadre has accumulated by a day.

    `qualifies_on`: when the cadre qualifies, the day the threshold was reached; when not yet but
    still serving (a period open or ending after the day judged), the day they will qualify if
    they keep serving — None if every running period ends before that day; else None.
    `serving`: some period is still running after the day judged.
    """

    total_days: int
    total_months: Decimal
    by_kind: dict[str, Decimal]
    hardship_months: Decimal
    grassroots_months: Decimal
    qualifies: bool
    threshold: int
    qualifies_on: date | None
    serving: bool = False


def months_from_days(days: int) -> Decimal:
    """Days of service as months with one decimal, rounded down (never overstated)."""
    tenths = max(days, 0) * 10 * _DAYS_PER_MONTH_DEN // _DAYS_PER_MONTH_NUM
    return Decimal(tenths).scaleb(-1)  # 120 → 12.0: always one decimal


def days_needed(months: int) -> int:
    """The fewest days whose credit reaches `months` (12 months → 366 days)."""
    return -(-months * _DAYS_PER_MONTH_NUM // _DAYS_PER_MONTH_DEN)


def period_days(start: date, end: date | None, on: date) -> int:
    """Days of one period counted by `on` (inclusive ends; ongoing or later ends cut at `on`)."""
    last = on if end is None or end > on else end
    return max((last - start).days + 1, 0)


def _merged(periods: Iterable[ServicePeriod], on: date) -> list[tuple[date, date]]:
    """Inclusive day ranges cut at `on`, overlapping or touching ranges merged."""
    ranges = sorted(
        (p.start, on if p.end is None or p.end > on else p.end)
        for p in periods
        if p.start <= on and (p.end is None or p.end >= p.start)
    )
    merged: list[tuple[date, date]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + timedelta(days=1):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _days(ranges: list[tuple[date, date]]) -> int:
    return sum((end - start).days + 1 for start, end in ranges)


def _reached_on(ranges: list[tuple[date, date]], needed: int) -> date | None:
    """The day the running total of days reaches `needed`, if it does within `ranges`."""
    counted = 0
    for start, end in ranges:
        length = (end - start).days + 1
        if counted + length >= needed:
            return start + timedelta(days=needed - counted - 1)
        counted += length
    return None


def frontline_experience(
    periods: Iterable[ServicePeriod], on: date, *, qualifying_months: int
) -> FrontlineCredit:
    """Accumulated 一线工作经历 on `on` and whether it meets the local threshold.

    Source: local policy, not national law — 昭通-style "在脱贫攻坚等一线工作经历" as a condition
    for promotion. The threshold is the rule parameter `frontline.qualifying_months` (default 12,
    status LOCAL, apps/frontline/params.py), read by the caller for the date judged.
    The grassroots credit (`grassroots_months`) sums only periods the 组织部 marked
    `counts_as_grassroots` (rules.md FRONT-4: 驻村、挂职经历是否计入基层工作经历 follows the
    "三龄两历" definition and local rules; UNVERIFIED).

    Counting: periods overlapping or touching count each day once; periods starting after `on`
    are ignored; ongoing periods and those ending after `on` count up to `on` inclusive. Each
    kind, the hardship periods and the grassroots periods are merged separately.
    Months: 365.25 / 12 days each, one decimal, rounded down (see the module docstring).
    """
    items = [p for p in periods if p.start <= on]
    merged = _merged(items, on)
    total_days = _days(merged)
    total_months = months_from_days(total_days)
    needed = days_needed(qualifying_months)
    qualifies = total_days >= needed
    running = [p for p in items if p.end is None or p.end > on]
    if qualifies:
        qualifies_on = _reached_on(merged, needed)
    else:
        # Serving on after `on` adds one day a day, up to the latest end still ahead.
        target = on + timedelta(days=needed - total_days)
        reachable = any(p.end is None or p.end >= target for p in running)
        qualifies_on = target if reachable else None
    by_kind = {
        kind: months_from_days(_days(_merged([p for p in items if p.kind == kind], on)))
        for kind in sorted({p.kind for p in items})
    }
    return FrontlineCredit(
        total_days=total_days,
        total_months=total_months,
        by_kind=by_kind,
        hardship_months=months_from_days(_days(_merged([p for p in items if p.hardship], on))),
        grassroots_months=months_from_days(
            _days(_merged([p for p in items if p.counts_as_grassroots], on))
        ),
        qualifies=qualifies,
        threshold=qualifying_months,
        qualifies_on=qualifies_on,
        serving=bool(running),
    )
