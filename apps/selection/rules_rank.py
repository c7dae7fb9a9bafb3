"""Eligibility for a 职级 promotion (《公务员职务与职级并行规定》, 2019): the rung below and its
minimum years (RANK-18-1, 第十八条), annual grades shortening or not counting (RANK-19-1, 第十九
条), blockers (ELG-24-2, 第二十一条). Pure functions; the engine supplies facts and parameters.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from apps.assessment.constants import AnnualGrade
from apps.cadres.constants import RANK_ORDER, RankGrade
from apps.core.dates import add_months
from apps.selection.constants import Outcome
from apps.selection.facts import CadreFacts, Period
from apps.selection.periods import merge
from apps.selection.rules import Check
from apps.units.constants import Tier

ART_18 = "《公务员职务与职级并行规定》第十八条、第十九条"
UNCOUNTED = frozenset({AnnualGrade.BASICALLY_COMPETENT, AnnualGrade.NOT_GRADED})
COUNTED = frozenset({AnnualGrade.EXCELLENT, AnnualGrade.COMPETENT})


@dataclass(frozen=True)
class RungTenure:
    """The wait in one rung (or equivalent leadership tier) judged on a day."""

    source: str  # the rung's RankGrade or Tier value
    start: date
    required_months: int  # after 优秀 reductions
    excellent_years: tuple[int, ...]
    uncounted_years: tuple[int, ...]
    incompetent_years: tuple[int, ...]
    complete_on: date  # the day the wait is served (uncounted years extend it)


RANK_LABELS: dict[str, str] = dict(RankGrade.choices)
TIER_LABELS: dict[str, str] = dict(Tier.choices)


def source_label(source: str) -> str:
    return RANK_LABELS.get(source) or TIER_LABELS.get(source, source)


def rung_start(facts: CadreFacts, source: str, on: date) -> date | None:
    """When the cadre's current continuous holding of `source` began (a 职级 or the equivalent
    leadership tier), None if they do not hold it on `on`."""
    periods: list[Period] = [r for r in facts.ranks if r.rank == source]
    periods += [p for p in facts.posts if p.tier == source]
    spans = merge(periods, on + timedelta(days=1))
    for start, end in reversed(spans):
        if start <= on < end:
            return start
    return None


def rung_tenure(
    start: date,
    on: date,
    grades: dict[int, str],
    min_years: int,
    *,
    reduction_months: int,
    excellent_before_rung: bool,
    source: str = "",
) -> RungTenure:
    """RANK-18-1/19-1 — 并行规定 第十八条、第十九条: the minimum years in the rung, less
    `reduction_months` (6) for each 优秀 year; a 基本称职 or 不定等次 year does not count, so the
    time served in it extends the wait. Derived reading (docs/user/selection_rules.md): the
    grades of the years from the rung's first year on are "其间" (earlier years only when the
    UNVERIFIED parameter says so); a year without a submitted grade yet counts provisionally."""
    first_year = start.year if not excellent_before_rung else min([start.year, *grades])
    excellent = tuple(
        sorted(
            y
            for y, g in grades.items()
            if g == AnnualGrade.EXCELLENT and first_year <= y <= on.year
        )
    )
    required = max(min_years * 12 - reduction_months * len(excellent), 0)
    uncounted = tuple(sorted(y for y, g in grades.items() if g in UNCOUNTED and y >= start.year))
    incompetent = tuple(
        sorted(y for y, g in grades.items() if g == AnnualGrade.INCOMPETENT and y >= start.year)
    )
    complete = add_months(start, required)
    # Each uncounted year's days inside [start, complete) push the end back; repeat until stable.
    while True:
        extra = sum(_days_in_year(y, start, complete) for y in uncounted)
        candidate = add_months(start, required) + timedelta(days=extra)
        if candidate == complete:
            break
        complete = candidate
    return RungTenure(source, start, required, excellent, uncounted, incompetent, complete)


def _days_in_year(year: int, start: date, end: date) -> int:
    lo, hi = max(start, date(year, 1, 1)), min(end, date(year + 1, 1, 1))
    return max((hi - lo).days, 0)


def rank_step(facts: CadreFacts, target: str, sources: tuple[str, ...]) -> Check:
    """RANK-18-1 — 并行规定 第十八条: a 职级 is reached from the rung below (or the equivalent
    leadership tier), one rung at a time."""
    held = [s for s in sources if s in (facts.rank, facts.tier)]
    have = "、".join(source_label(x) for x in (facts.rank, facts.tier) if x) or "无"
    need = "或".join(source_label(s) for s in sources)
    if facts.rank and RANK_ORDER[facts.rank] <= RANK_ORDER[target]:
        return Check(
            "RANK-18-1",
            ART_18,
            "现职级",
            have,
            f"低于{RANK_LABELS[target]}",
            Outcome.FAIL,
            note="已达到或高于该职级",
        )
    ok = bool(held)
    return Check("RANK-18-1", ART_18, "晋升来源", have, need, Outcome.PASS if ok else Outcome.FAIL)


def rank_tenure(
    facts: CadreFacts,
    target: str,
    on: date,
    sources: tuple[str, ...],
    min_years: int,
    *,
    reduction_months: int,
    excellent_before_rung: bool,
) -> Check:
    """RANK-18-1 + RANK-19-1: served the (reduced, extended) minimum years in a source rung.
    With several sources held (e.g. 乡科级正职 and 二级主任科员), the earliest complete counts."""
    tenures = []
    for source in sources:
        start = rung_start(facts, source, on)
        if start is not None:
            tenures.append(
                rung_tenure(
                    start,
                    on,
                    facts.grades,
                    min_years,
                    reduction_months=reduction_months,
                    excellent_before_rung=excellent_before_rung,
                    source=source,
                )
            )
    threshold = f"{min_years}年以上（每个优秀年度缩短{reduction_months}个月）"
    if not tenures:
        # The cadre holds a source rung (rank_step) but no record says since when.
        return Check(
            "RANK-19-1",
            ART_18,
            "任职年限",
            "缺少现职级/现职务的任职记录",
            threshold,
            Outcome.UNKNOWN,
            note="请补录任职级（任职务）时间",
        )
    best = min(tenures, key=lambda t: t.complete_on)
    parts = [f"{source_label(best.source)}自{best.start.isoformat()}起"]
    if best.excellent_years:
        parts.append("优秀：" + "、".join(str(y) for y in best.excellent_years))
    if best.uncounted_years:
        parts.append("不计算年限：" + "、".join(str(y) for y in best.uncounted_years))
    fact = "；".join(parts)
    if best.incompetent_years:
        return Check(
            "RANK-19-1",
            ART_18,
            "任职年限",
            fact,
            "年度考核均为称职以上",
            Outcome.FAIL,
            note="不称职等次应降低职级（RANK-22-1）",
        )
    ok = best.complete_on <= on
    years, months = divmod(best.required_months, 12)
    need = f"须满{years}年{months}个月，{best.complete_on.isoformat()}届满"
    return Check(
        "RANK-19-1",
        ART_18,
        "任职年限",
        fact,
        need,
        Outcome.PASS if ok else Outcome.FAIL,
        passes_on=None if ok else best.complete_on,
        note=threshold,
    )
