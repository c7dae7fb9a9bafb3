"""Influence periods of sanctions (处分影响期), one pure function per regulation (rules.md E).

No ORM, no clock: values in, values out. "Today" is always passed in.

Date convention (rules.md: "computed in whole months from the effective date"). A period of N
months runs *from* the effective date, which is its first day (政务处分法 第八条: 处分期自处分决定
生效之日起计算). Its last day is the day before the corresponding day N months later; when that
month has no corresponding day (the 29th–31st), the period ends on that month's last day (the
month-end rule of 民法典 第二百零三条, applied to a period whose first day counts):

- 2026-01-15 + 6 months → last day 2026-07-14 (free again on 2026-07-15);
- 2026-01-01 + 12 months → 2026-12-31;
- 2025-08-31 + 6 months → 2026-02-28 (no 31 February);
- 2024-02-29 + 12 months → 2025-02-28 (no 29 February 2025);
- 2024-02-29 + 48 months → 2028-02-28 (29 February 2028 exists: the day before it).

`None` as an end means a permanent effect (开除 / 开除党籍).
"""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

# Sanction types (values of constants.SanctionType; rules import no Django).
PARTY_WARNING = "party_warning"
PARTY_SERIOUS_WARNING = "party_serious_warning"
PARTY_REMOVAL = "party_removal"
PARTY_PROBATION = "party_probation"
PARTY_EXPULSION = "party_expulsion"
ADMIN_WARNING = "admin_warning"
ADMIN_DEMERIT = "admin_demerit"
ADMIN_MAJOR_DEMERIT = "admin_major_demerit"
ADMIN_DEMOTION = "admin_demotion"
ADMIN_DISMISSAL = "admin_dismissal"
ADMIN_EXPULSION = "admin_expulsion"

# DIS-ZW-8 (政务处分法 第八条; 公务员法 第六十四条第二款): months of each administrative sanction.
ADMIN_MONTHS: dict[str, int] = {
    ADMIN_WARNING: 6,
    ADMIN_DEMERIT: 12,
    ADMIN_MAJOR_DEMERIT: 18,
    ADMIN_DEMOTION: 24,
    ADMIN_DISMISSAL: 24,
}
# DIS-DJ-10 / DIS-DJ-11 (纪律处分条例 2023 第十条、第十一条).
PARTY_MONTHS: dict[str, int] = {
    PARTY_WARNING: 12,
    PARTY_SERIOUS_WARNING: 18,
    PARTY_REMOVAL: 24,
}
PROBATION_MONTHS = (12, 24)  # DIS-DJ-12: 留党察看一年、二年
AFTER_RESTORATION_MONTHS = 24  # DIS-DJ-12: 恢复党员权利后二年内

# Where each type's period comes from (shown on the sanction's page and stored in the audit).
BASIS: dict[str, str] = {
    **dict.fromkeys(ADMIN_MONTHS, "DIS-ZW-8《公职人员政务处分法》第八条"),
    ADMIN_EXPULSION: "DIS-ZW-26《公职人员政务处分法》第二十六条（开除，长期影响）",
    PARTY_WARNING: "DIS-DJ-10《中国共产党纪律处分条例》第十条",
    PARTY_SERIOUS_WARNING: "DIS-DJ-10《中国共产党纪律处分条例》第十条",
    PARTY_REMOVAL: "DIS-DJ-11《中国共产党纪律处分条例》第十一条",
    PARTY_PROBATION: "DIS-DJ-12《中国共产党纪律处分条例》第十二条",
    PARTY_EXPULSION: "DIS-DJ-13《中国共产党纪律处分条例》（开除党籍，长期影响）",
}
ORG_BASIS = "DIS-JM-1《中国共产党组织处理规定（试行）》等（影响期为本地参数，未核实）"


def period_end(start: date, months: int) -> date:
    """Last day of a period of `months` months whose first day is `start` (module docstring)."""
    if months < 1:
        raise ValueError("a period lasts at least one month")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` later, clamped to the month's last day (2025-11-30 + 3 →
    2026-02-28): the follow-up schedule's next due date (REUSE-3)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def follow_up_due(
    last_visited_on: date | None, last_next_due: date | None, period_start: date, interval: int
) -> date:
    """When the next follow-up visit is due (REUSE-3, derived; interval UNVERIFIED, a local
    parameter): the date set at the latest visit of the current period, else `interval` months
    after that visit; before any visit, `interval` months after the period began. A visit is
    overdue from the day after its due date."""
    if last_next_due is not None:
        return last_next_due
    return add_months(last_visited_on or period_start, interval)


def administrative_influence_end(type_: str, effective_date: date) -> date | None:
    """Last day of an administrative sanction's period (政务处分期间).

    Rule DIS-ZW-8: 《公职人员政务处分法》(2020-07-01 施行) 第八条 — 警告6个月、记过12个月、
    记大过18个月、降级和撤职24个月, counted from the day the decision takes effect (identical
    periods: 公务员法 第六十四条第二款). 开除 (DIS-ZW-26, 第二十六条) has no end: None.
    """
    if type_ == ADMIN_EXPULSION:
        return None
    if type_ not in ADMIN_MONTHS:
        raise ValueError(f"not an administrative sanction: {type_}")
    return period_end(effective_date, ADMIN_MONTHS[type_])


def party_influence_end(
    type_: str, effective_date: date, probation_months: int | None = None
) -> date | None:
    """Last day of a Party-discipline sanction's influence period (no promotion or further use).

    Rules of 《中国共产党纪律处分条例》(2023修订, 2024-01-01 施行):
    - DIS-DJ-10, 第十条: 警告 one year, 严重警告 one and a half years;
    - DIS-DJ-11, 第十一条: 撤销党内职务 two years;
    - DIS-DJ-12, 第十二条: 留党察看 one or two years (`probation_months` 12 or 24); rights are
      restored the day after the probation ends, then two more years without an equal or
      higher post — so the influence ends 24 months after restoration (total 36 or 48);
    - DIS-DJ-13: 开除党籍 — permanent for selection: None.
    The period is counted from `effective_date` (the day the sanction was approved).
    """
    if type_ == PARTY_EXPULSION:
        return None
    if type_ == PARTY_PROBATION:
        if probation_months not in PROBATION_MONTHS:
            raise ValueError("留党察看 lasts 12 or 24 months")
        restored_on = period_end(effective_date, probation_months) + timedelta(days=1)
        return period_end(restored_on, AFTER_RESTORATION_MONTHS)
    if type_ not in PARTY_MONTHS:
        raise ValueError(f"not a Party-discipline sanction: {type_}")
    return period_end(effective_date, PARTY_MONTHS[type_])


def organizational_influence_end(type_: str, effective_date: date, months: int) -> date:
    """Last day of an organisational handling's influence period (组织处理影响期).

    Rule DIS-JM-1 (《中国共产党组织处理规定（试行）》2021, 干部任用条例, 能上能下规定 — article
    not verified; status UNVERIFIED): 诫勉 6 months, 调离岗位/改任职级 12, 责令辞职/免职/降职 24
    by default. The months are a local parameter (`sanctions.<type>_months`) read by the caller
    for the effective date and passed in; `type_` only names the handling for error messages.
    """
    if not type_.startswith("org_"):
        raise ValueError(f"not an organisational handling: {type_}")
    return period_end(effective_date, months)


class SanctionLike(Protocol):
    """What the combined and status rules read of a sanction."""

    @property
    def effective_date(self) -> date: ...
    @property
    def influence_until(self) -> date | None: ...
    @property
    def revoked_on(self) -> date | None: ...


def combined_influence_end(periods: Iterable[SanctionLike]) -> date | None:
    """Rule DIS-CALC-1 (derived from DIS-ZW-8/19, DIS-DJ-10..12, ELG-24-1; the "max, not sum"
    convention is UNVERIFIED): the combined influence ends at the latest end of the cadre's
    sanctions — periods do not add up; a permanent one (None) dominates. Revoked sanctions
    (撤销, or changed on appeal) are void and ignored.

    Like `max()`, raises ValueError when nothing is left to combine."""
    ends = [p.influence_until for p in periods if p.revoked_on is None]
    if not ends:
        raise ValueError("no unrevoked sanction to combine")
    if any(end is None for end in ends):
        return None
    return max(end for end in ends if end is not None)


class SanctionStatus(StrEnum):
    """A sanction's state on a given day."""

    PENDING = "pending"
    IN_EFFECT = "in_effect"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATUS_LABELS: dict[str, str] = {
    SanctionStatus.PENDING: "尚未生效",
    SanctionStatus.IN_EFFECT: "影响期内",
    SanctionStatus.EXPIRED: "影响期满",
    SanctionStatus.REVOKED: "已撤销",
}


def sanction_status(sanction: SanctionLike, on: date) -> SanctionStatus:
    """The state on `on` (DIS-ZW-26: the period lapses by itself at its end).

    revoked from the revocation date on; pending before the effective date; in effect from the
    effective date through `influence_until` inclusive (always, if permanent); expired from the
    day after."""
    if sanction.revoked_on is not None and sanction.revoked_on <= on:
        return SanctionStatus.REVOKED
    if on < sanction.effective_date:
        return SanctionStatus.PENDING
    if sanction.influence_until is None or on <= sanction.influence_until:
        return SanctionStatus.IN_EFFECT
    return SanctionStatus.EXPIRED


# ASM-DIS-1: 2007《公务员考核规定（试行）》第二十五条 (VERIFIED-OLD; 2020 counterpart UNVERIFIED).
CAP_NO_EXCELLENT = "no_excellent"
CAP_NOT_GRADED = "not_graded"
WARNING_YEAR_TYPES = frozenset({ADMIN_WARNING})
NOT_GRADED_TYPES = frozenset({ADMIN_DEMERIT, ADMIN_MAJOR_DEMERIT, ADMIN_DEMOTION, ADMIN_DISMISSAL})


def counts_for_assessment_year(
    type_: str, effective_date: date, influence_until: date | None, year: int
) -> bool:
    """Whether a sanction bears on the annual assessment of `year` (ASM-DIS-1).

    A 警告 counts in the year it took effect (受警告处分的当年). 记过/记大过/降级/撤职 count for
    every year they are in effect, except the year they lapse (解除处分的当年及以后不受原处分
    影响): effective by 31 December and not lapsing before the next year begins."""
    if type_ in WARNING_YEAR_TYPES:
        return effective_date.year == year
    if type_ in NOT_GRADED_TYPES:
        year_end = date(year, 12, 31)
        return effective_date <= year_end and (
            influence_until is None or influence_until >= year_end
        )
    return False


def assessment_cap(types_in_effect_in_year: Iterable[str]) -> str | None:
    """The cap on a year's assessment grade from the sanctions bearing on it (ASM-DIS-1,
    2007《公务员考核规定（试行）》第二十五条, VERIFIED-OLD):

    - "not_graded" — 记过、记大过、降级、撤职 in effect: comments only, no grade;
    - "no_excellent" — a 警告 that year: cannot be graded 优秀;
    - None — no cap.

    Only administrative sanctions (政务处分) are mapped. Whether 党纪处分 and 组织处理 cap the
    grade the same way is UNVERIFIED (rules.md ASM-DIS-1: "check whether 2020 treats 党纪 处分 the
    same way"), so they do not cap here; the assessment officer decides by hand."""
    types = set(types_in_effect_in_year)
    if types & NOT_GRADED_TYPES:
        return CAP_NOT_GRADED
    if types & WARNING_YEAR_TYPES:
        return CAP_NO_EXCELLENT
    return None
