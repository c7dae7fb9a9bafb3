"""职级 promotion rules (apps/selection/rules_rank.py; rules.md RANK-18-1, RANK-19-1, ELG-24-2)
at their boundaries: every step's sources, the minimum years, 优秀 years shortening the wait,
基本称职/不定等次 years extending it, 不称职 failing."""

from dataclasses import replace
from datetime import date

import pytest

from apps.selection import rules_rank
from apps.selection.constants import Outcome
from apps.selection.engine import Target, evaluate
from apps.selection.facts import CadreFacts, FlagFact, RankPeriod
from apps.selection.params import RANK_MIN_YEARS, RANK_STEPS
from apps.selection.rules import RANK_TIER
from apps.selection.tests.test_rules import make, post
from apps.units.constants import TIER_ORDER

ON = date(2026, 11, 25)
DEFAULTS = {spec.key: spec.default for spec in RANK_MIN_YEARS.values()} | {
    "selection.rank_excellent_reduction_months": 6,
    "selection.rank_excellent_before_rung": 0,
}


def holder(source: str, since: date, **changes: object) -> CadreFacts:
    """A cadre holding `source` (a 职级 or a leadership tier) since `since`."""
    if source in TIER_ORDER:
        return make(tier=source, posts=(post(since, None, source),), **changes)
    return make(rank=source, ranks=(RankPeriod(since, None, source),), **changes)


def tenure(facts: CadreFacts, target: str, on: date = ON, before_rung: bool = False) -> object:
    sources, _ = RANK_STEPS[target]
    return rules_rank.rank_tenure(
        facts,
        target,
        on,
        tuple(str(s) for s in sources),
        RANK_MIN_YEARS[target].default,
        reduction_months=6,
        excellent_before_rung=before_rung,
    )


STEPS = [
    (str(rank), str(source)) for rank, (sources, _) in RANK_STEPS.items() for source in sources
]


@pytest.mark.parametrize(("target", "source"), STEPS)
def test_rank_18_1_every_step_from_each_source(target: str, source: str) -> None:
    """RANK-18-1: each source of each step, held exactly the minimum years, qualifies on the day
    they are served and not the day before."""
    years = RANK_MIN_YEARS[target].default
    since = date(ON.year - years, ON.month, ON.day)
    facts = holder(source, since, grades=dict.fromkeys(range(2015, 2026), "competent"))
    verdict = evaluate(facts, Target(rank=target), ON, params=DEFAULTS)
    step, length = verdict.checks[0], verdict.checks[1]
    assert (step.rule, step.outcome) == ("RANK-18-1", Outcome.PASS)
    assert (length.rule, length.outcome) == ("RANK-19-1", Outcome.PASS)
    assert verdict.eligible
    day_before = evaluate(facts, Target(rank=target), date(ON.year, 11, 24), params=DEFAULTS)
    assert not day_before.eligible and day_before.passes_on == ON


@pytest.mark.parametrize("target", [str(r) for r in RANK_STEPS])
def test_rank_18_1_not_from_two_rungs_below(target: str) -> None:
    sources, _ = RANK_STEPS[target]
    lower = [r for r, (s, _) in RANK_STEPS.items() if set(s) & {str(x) for x in sources}]
    below = [str(s) for r in lower for s in RANK_STEPS[r][0] if s not in sources]
    for source in below:
        facts = holder(source, date(2010, 1, 1))
        verdict = evaluate(facts, Target(rank=target), ON, params=DEFAULTS)
        assert verdict.checks[0].outcome == Outcome.FAIL
        assert [c.rule for c in verdict.checks if c.rule == "RANK-19-1"] == []  # no tenure shown


def test_rank_18_1_staff_2_is_the_bottom_and_tier_equivalents() -> None:
    assert "staff_2" not in RANK_STEPS
    # Each leadership tier that is a source pairs with the rung of the same RANK_TIER level.
    for rank, (sources, _) in RANK_STEPS.items():
        tiers = [s for s in sources if s in TIER_ORDER]
        ranks = [s for s in sources if s not in TIER_ORDER]
        for tier in tiers:
            assert all(RANK_TIER[r] == tier for r in ranks), rank


def test_rank_18_1_already_at_or_above() -> None:
    facts = holder("principal_staff_1", date(2015, 1, 1))
    check = rules_rank.rank_step(facts, "principal_staff_2", ("principal_staff_3",))
    assert check.outcome == Outcome.FAIL and check.note == "已达到或高于该职级"


def test_rank_19_1_two_excellent_years_halve_a_two_year_wait() -> None:
    """Two 优秀 years: the two-year wait becomes one year (RANK-19-1: 6 months each)."""
    facts = holder(
        "principal_staff_3", date(2024, 1, 1), grades={2024: "excellent", 2025: "excellent"}
    )
    check = tenure(facts, "principal_staff_2", date(2025, 1, 1))
    assert check.outcome == Outcome.PASS  # type: ignore[attr-defined]
    one = holder("principal_staff_3", date(2024, 1, 1), grades={2024: "excellent"})
    check = tenure(one, "principal_staff_2", date(2025, 6, 30))
    assert check.outcome == Outcome.FAIL  # type: ignore[attr-defined]
    assert check.passes_on == date(2025, 7, 1)  # type: ignore[attr-defined]
    assert "须满1年6个月" in check.threshold  # type: ignore[attr-defined]


def test_rank_19_1_many_excellent_years_never_below_zero() -> None:
    grades = dict.fromkeys(range(2020, 2026), "excellent")
    tenure_ = rules_rank.rung_tenure(
        date(2020, 1, 1),
        ON,
        grades,
        2,
        reduction_months=6,
        excellent_before_rung=False,
    )
    assert tenure_.required_months == 0 and tenure_.complete_on == date(2020, 1, 1)


def test_rank_19_1_basically_competent_year_extends_by_the_days_served_in_it() -> None:
    """In the rung from 2023-07-01; 2024 基本称职 (366 days of 2024 served) pushes the two-year
    wait from 2025-07-01 to 2026-07-02."""
    facts = holder(
        "principal_staff_3",
        date(2023, 7, 1),
        grades={2023: "competent", 2024: "basically_competent", 2025: "competent"},
    )
    check = tenure(facts, "principal_staff_2", date(2026, 7, 1))
    assert check.outcome == Outcome.FAIL  # type: ignore[attr-defined]
    assert check.passes_on == date(2026, 7, 2)  # type: ignore[attr-defined]
    assert "不计算年限：2024" in check.fact  # type: ignore[attr-defined]
    assert tenure(facts, "principal_staff_2", date(2026, 7, 2)).outcome == Outcome.PASS  # type: ignore[attr-defined]


def test_rank_19_1_first_year_partly_served_extends_by_its_days_only() -> None:
    """A 不定等次 for the year the rung began (2023-07-01): only its 184 days count against."""
    facts = holder("principal_staff_3", date(2023, 7, 1), grades={2023: "not_graded"})
    result = rules_rank.rung_tenure(
        date(2023, 7, 1), ON, facts.grades, 2, reduction_months=6, excellent_before_rung=False
    )
    assert result.complete_on == date(2026, 1, 1)  # 2025-07-01 + 184 days


def test_rank_19_1_incompetent_fails_without_a_pass_day() -> None:
    facts = holder("principal_staff_3", date(2020, 1, 1), grades={2024: "incompetent"})
    check = tenure(facts, "principal_staff_2")
    assert check.outcome == Outcome.FAIL and check.passes_on is None  # type: ignore[attr-defined]
    assert "RANK-22-1" in check.note  # type: ignore[attr-defined]


def test_rank_19_1_excellent_before_the_rung_only_with_the_parameter() -> None:
    """UNVERIFIED (rules.md RANK-19-1 open question): 优秀 earned before entering the rung."""
    facts = holder(
        "principal_staff_3", date(2025, 1, 1), grades={2023: "excellent", 2024: "excellent"}
    )
    on = date(2026, 1, 1)
    assert tenure(facts, "principal_staff_2", on).outcome == Outcome.FAIL  # type: ignore[attr-defined]
    assert tenure(facts, "principal_staff_2", on, before_rung=True).outcome == Outcome.PASS  # type: ignore[attr-defined]


def test_rank_tenure_best_of_several_sources() -> None:
    """乡科级正职 since 2022 and 二级主任科员 since 2025: the earlier-complete source counts."""
    facts = make(
        tier="section_principal",
        rank="principal_staff_2",
        posts=(post(date(2022, 1, 1), None, "section_principal"),),
        ranks=(RankPeriod(date(2025, 1, 1), None, "principal_staff_2"),),
    )
    check = tenure(facts, "principal_staff_1")
    assert check.outcome == Outcome.PASS and "乡科级正职自2022-01-01起" in check.fact  # type: ignore[attr-defined]


def test_rank_tenure_continuous_holding_merged_across_records() -> None:
    facts = make(
        rank="principal_staff_3",
        ranks=(
            RankPeriod(date(2022, 1, 1), date(2023, 1, 1), "principal_staff_3"),
            RankPeriod(date(2023, 1, 1), None, "principal_staff_3"),  # a corrected record
        ),
    )
    assert rules_rank.rung_start(facts, "principal_staff_3", ON) == date(2022, 1, 1)
    gap = make(
        rank="principal_staff_3",
        ranks=(
            RankPeriod(date(2020, 1, 1), date(2021, 1, 1), "principal_staff_3"),
            RankPeriod(date(2024, 1, 1), None, "principal_staff_3"),  # after a demotion
        ),
    )
    assert rules_rank.rung_start(gap, "principal_staff_3", ON) == date(2024, 1, 1)


def test_rank_tenure_without_records_is_unknown() -> None:
    facts = make(rank="principal_staff_3")
    check = tenure(facts, "principal_staff_2")
    assert check.outcome == Outcome.UNKNOWN  # type: ignore[attr-defined]


def test_elg_24_2_blockers_for_rank() -> None:
    base = holder("principal_staff_3", date(2015, 1, 1), grades={2025: "competent"})
    clean = evaluate(base, Target(rank="principal_staff_2"), ON, params=DEFAULTS)
    assert clean.eligible
    investigated = evaluate(
        replace(base, flags=(FlagFact("under_investigation", date(2026, 10, 1), None),)),
        Target(rank="principal_staff_2"),
        ON,
        params=DEFAULTS,
    )
    (failure,) = investigated.failures
    assert failure.rule == "ELG-24-2" and failure.passes_on is None
    influenced = evaluate(
        replace(base, influence=True, influence_until=date(2027, 1, 14)),
        Target(rank="principal_staff_2"),
        ON,
        params=DEFAULTS,
    )
    assert [c.rule for c in influenced.failures] == ["ELG-24-2"]
    assert influenced.passes_on == date(2027, 1, 15)
    low_recognition = evaluate(
        replace(base, flags=(FlagFact("low_recognition", date(2026, 1, 1), None),)),
        Target(rank="principal_staff_2"),
        ON,
        params=DEFAULTS,
    )
    assert low_recognition.eligible  # a leadership-selection flag, not a 职级 blocker
