"""Careers of demo people: earlier and current appointments, 职级 history, work lines of the 简历.

Invariants the tests check: nothing starts before work start; appointments follow each other
without overlap; the current appointment is open; 职级 follow the service's convention (a
record ends on the day the next starts; only the last is open).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.accounts.models import ManagedBy
from apps.cadres.constants import RankGrade
from apps.units.constants import Tier, UnitLevel

from .plan import Plan

DAY = timedelta(days=1)
LADDER = list(reversed(RankGrade.values))  # 二级科员 … 一级巡视员, lowest first
RANK_LABELS = dict(RankGrade.choices)
LOWER: dict[str, str] = {
    Tier.BUREAU_PRINCIPAL: Tier.BUREAU_DEPUTY,
    Tier.BUREAU_DEPUTY: Tier.DIVISION_PRINCIPAL,
    Tier.DIVISION_PRINCIPAL: Tier.DIVISION_DEPUTY,
    Tier.DIVISION_DEPUTY: Tier.SECTION_PRINCIPAL,
    Tier.SECTION_PRINCIPAL: Tier.SECTION_DEPUTY,
}
MIN_YEARS: dict[str, int] = {
    Tier.BUREAU_PRINCIPAL: 20,
    Tier.BUREAU_DEPUTY: 18,
    Tier.DIVISION_PRINCIPAL: 14,
    Tier.DIVISION_DEPUTY: 10,
    Tier.SECTION_PRINCIPAL: 6,
    Tier.SECTION_DEPUTY: 3,
}
FINAL_RANKS: dict[str, tuple[str, ...]] = {  # 职级 that go with a 职务层次 (并行规定)
    Tier.BUREAU_PRINCIPAL: (RankGrade.INSPECTOR_1,),
    Tier.BUREAU_DEPUTY: (RankGrade.INSPECTOR_2,),
    Tier.DIVISION_PRINCIPAL: (RankGrade.RESEARCHER_1, RankGrade.RESEARCHER_2),
    Tier.DIVISION_DEPUTY: (RankGrade.RESEARCHER_3, RankGrade.RESEARCHER_4),
    Tier.SECTION_PRINCIPAL: (RankGrade.PRINCIPAL_STAFF_1, RankGrade.PRINCIPAL_STAFF_2),
    Tier.SECTION_DEPUTY: (RankGrade.PRINCIPAL_STAFF_3, RankGrade.PRINCIPAL_STAFF_4),
}
SERVICE_YEARS = ((1, 0), (3, 1), (6, 2), (10, 3), (15, 4), (20, 5))  # (below years, ladder)


@dataclass(slots=True)
class AppointmentSpec:
    post: int
    start: date
    end: date | None
    appoint_doc: str
    removal_doc: str


@dataclass(slots=True)
class RankSpec:
    grade: str
    start: date
    end: date | None
    doc: str


@dataclass(slots=True)
class Segment:
    """A work line of the 简历."""

    start: date
    end: date | None
    text: str


@dataclass(slots=True)
class Career:
    appointments: list[AppointmentSpec] = field(default_factory=list)
    ranks: list[RankSpec] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


def _years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, lo: date, hi: date) -> date:
    span = (hi - lo).days
    return lo + timedelta(days=rng.randint(0, span)) if span > 0 else lo


def doc_no(rng: random.Random, plan: Plan, unit: int, year: int, managed_by: str = "") -> str:
    """文号 of the deciding organization department, e.g. 示组干〔2021〕15号."""
    county = plan.units[unit].county
    if managed_by == ManagedBy.PROVINCE:
        prefix = "省组干"
    elif county is None or managed_by == ManagedBy.CITY:
        prefix = "示组干"
    else:
        prefix = f"{plan.counties[county].doc_prefix}组干"
    return f"{prefix}〔{year}〕{rng.randint(1, 150)}号"


def _pool_post(rng: random.Random, plan: Plan, tier: str, county: int | None) -> int | None:
    """A post of `tier` near the person (same county, else the city, else any county)."""
    keys = [(tier, -1 if county is None else county), (tier, -1)]
    keys.append((tier, rng.randrange(len(plan.counties)) if plan.counties else -1))
    for key in keys:
        pool = plan.pools.get(key)
        if pool:
            return rng.choice(pool)
    return None


def _appointments(
    rng: random.Random, plan: Plan, work_start: date, post: int, as_of: date
) -> list[AppointmentSpec]:
    spec = plan.posts[post]
    latest = as_of - timedelta(days=30)
    earliest = _years(work_start, MIN_YEARS.get(spec.tier, 3))
    if earliest > latest:
        earliest = min(_years(work_start, 1), work_start + (latest - work_start) / 2)
    start = _between(rng, max(earliest, _years(as_of, -8)), latest)
    year = start.year
    current = AppointmentSpec(
        post, start, None, doc_no(rng, plan, spec.unit, year, spec.managed_by), ""
    )
    result = [current]
    cursor, tier = start - DAY, spec.tier
    county = plan.units[spec.unit].county
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        prev_tier = tier if rng.random() < 0.25 else LOWER.get(tier)
        if prev_tier is None:
            break
        begin = cursor - timedelta(days=rng.randint(2 * 365, 5 * 365))
        if begin < _years(work_start, 1):
            break
        prev = _pool_post(rng, plan, prev_tier, county)
        if prev is None or any(a.post == prev for a in result):
            break
        pspec = plan.posts[prev]
        result.insert(
            0,
            AppointmentSpec(
                prev,
                begin,
                cursor,
                doc_no(rng, plan, pspec.unit, begin.year, pspec.managed_by),
                doc_no(rng, plan, pspec.unit, cursor.year, pspec.managed_by),
            ),
        )
        cursor, tier = begin - DAY, prev_tier
    return result


def _ranks(
    rng: random.Random, plan: Plan, unit: int, work_start: date, final: int, last: date, grad: bool
) -> list[RankSpec]:
    first = min(1 if grad else 0, final)
    middle = list(range(first + 1, final))
    steps = sorted(rng.sample(middle, min(4, rng.randint(len(middle) // 2, len(middle)))))
    grades = [first, *steps] + ([final] if final != first else [])
    span = (last - work_start).days
    if span < 60 * (len(grades) - 1):
        grades = [first, final] if span >= 60 and final != first else [final]
    n = len(grades)
    dates = [work_start + timedelta(days=span * i // max(n - 1, 1)) for i in range(n)]
    ranks = []
    for i, grade in enumerate(grades):
        end = dates[i + 1] if i + 1 < n else None
        doc = doc_no(rng, plan, unit, dates[i].year)
        ranks.append(RankSpec(LADDER[grade], dates[i], end, doc))
    return ranks


def _leader_segments(
    plan: Plan, work_start: date, unit: int, appts: list[AppointmentSpec]
) -> list[Segment]:
    units, posts = plan.units, plan.posts
    first_unit = units[posts[appts[0].post].unit].name if appts else units[unit].name
    before = appts[0].start - DAY
    segments = []
    if (before - work_start).days > 4 * 365:
        middle = work_start + (before - work_start) / 2
        segments.append(Segment(work_start, middle - DAY, f"{first_unit}科员"))
        segments.append(Segment(middle, before, f"{first_unit}科长"))
    elif before >= work_start:
        segments.append(Segment(work_start, before, f"{first_unit}科员"))
    for a in appts:
        post = posts[a.post]
        segments.append(Segment(a.start, a.end, f"{units[post.unit].name}{post.title}"))
    return segments


def make_career(
    rng: random.Random,
    plan: Plan,
    work_start: date,
    unit: int,
    post: int | None,
    as_of: date,
    *,
    graduate: bool = False,
) -> Career:
    """Appointments (current last), 职级 records and 简历 work lines of one person."""
    career = Career()
    latest = as_of - timedelta(days=30)
    if post is not None:
        career.appointments = _appointments(rng, plan, work_start, post, as_of)
        tier = plan.posts[post].tier
        final = LADDER.index(rng.choice(FINAL_RANKS[tier]))
        last = _between(rng, max(work_start + DAY, career.appointments[-1].start), latest)
        career.ranks = _ranks(rng, plan, unit, work_start, final, last, graduate)
        career.segments = _leader_segments(plan, work_start, unit, career.appointments)
        return career
    years = (as_of - work_start).days / 365.25
    final = next((idx for limit, idx in SERVICE_YEARS if years < limit), 5)
    if final == 5 and years >= 20 and plan.units[unit].level == UnitLevel.CITY:
        final = 6 if rng.random() < 0.4 else 5
    last = _between(rng, max(work_start + DAY, _years(as_of, -4)), latest)
    career.ranks = _ranks(rng, plan, unit, work_start, final, last, graduate)
    name = plan.units[unit].name
    career.segments = [
        Segment(r.start, (r.end - DAY) if r.end else None, f"{name}{RANK_LABELS[r.grade]}")
        for r in career.ranks
    ]
    return career
