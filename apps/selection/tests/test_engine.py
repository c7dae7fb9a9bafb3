"""The engine (apps/selection/engine.py): targets, the chain, waivers (破格, ELG-9-2/9-3), the
verdict's pass date and JSON, rule parameters in force on the day judged."""

import json
import time
from datetime import date

import pytest

from apps.core.models import RuleParameter
from apps.selection.constants import Outcome
from apps.selection.engine import Target, evaluate, load_params
from apps.selection.facts import CadreFacts, FlagFact, Waiver
from apps.selection.tests.test_rules import make, post

ON = date(2026, 11, 25)


def ready(**changes: object) -> CadreFacts:
    """A 乡科级正职 who qualifies for 县处级副职 on ON."""
    base = {
        "tier": "section_principal",
        "work_start_date": date(2010, 7, 1),
        "posts": (
            post(date(2016, 1, 1), date(2020, 1, 1), "section_deputy", "township", 1),
            post(date(2020, 1, 1), None, "section_principal", "county", 2),
        ),
        "grades": {2025: "competent"},
    }
    return make(**(base | changes))


def waiver(rules: set[str], tier: str = "division_deputy", approved: date = ON) -> Waiver:
    return Waiver(7, tier, frozenset(rules), "hardship_area", "在艰苦地区实绩突出", approved)


@pytest.fixture
def params(db: None) -> dict[str, object]:
    return load_params(ON)


def by_rule(verdict: object, rule: str) -> list[object]:
    return [c for c in verdict.checks if c.rule == rule]  # type: ignore[attr-defined]


def test_target_is_a_tier_or_a_rank() -> None:
    with pytest.raises(ValueError):
        Target()
    with pytest.raises(ValueError):
        Target(tier="division_deputy", rank="researcher_4")
    with pytest.raises(ValueError):
        Target(tier="chief")
    with pytest.raises(ValueError):
        Target(rank="staff_2")  # the bottom rung: no promotion into it
    assert Target(tier="division_deputy", party_post=True).label == "县处级副职（党的领导职务）"
    assert Target(rank="researcher_4").label == "四级调研员"


def test_a_qualified_cadre_and_the_full_chain(params: dict[str, object]) -> None:
    verdict = evaluate(ready(), Target(tier="division_deputy"), ON, params)
    assert verdict.eligible and verdict.failures == [] and verdict.passes_on is None
    rules = [c.rule for c in verdict.checks]
    for rule in ("ELG-9-1", "ELG-8-1", "ELG-8-2", "ELG-8-3", "ELG-8-4", "ELG-8-5", "ELG-8-6"):
        assert rule in rules
    assert "ELG-24-1" in rules and "TOL-5" in rules
    assert [c.outcome for c in verdict.warnings] == [Outcome.UNKNOWN]  # training not recorded


def test_passes_on_is_the_latest_cure_and_none_when_one_is_not_cured_by_time(
    params: dict[str, object],
) -> None:
    facts = ready(
        posts=(
            post(date(2016, 1, 1), date(2024, 1, 1), "section_deputy", "township", 1),
            post(date(2024, 1, 1), None, "section_principal", "county", 2),
        ),
        influence=True,
        influence_until=date(2027, 6, 30),
    )
    verdict = evaluate(facts, Target(tier="division_deputy"), ON, params)
    assert {c.rule: c.passes_on for c in verdict.failures} == {
        "ELG-8-3": date(2027, 1, 1),
        "ELG-24-1": date(2027, 7, 1),
    }
    assert verdict.passes_on == date(2027, 7, 1)
    grades = evaluate(
        ready(grades={2025: "basically_competent"}), Target(tier="division_deputy"), ON, params
    )
    assert not grades.eligible and grades.passes_on is None


def test_tolerated_never_blocks(params: dict[str, object]) -> None:
    verdict = evaluate(ready(tolerated=3), Target(tier="division_deputy"), ON, params)
    assert verdict.eligible
    (check,) = by_rule(verdict, "TOL-5")
    assert check.outcome == Outcome.PASS  # type: ignore[attr-defined]


def test_party_post_adds_the_party_age(params: dict[str, object]) -> None:
    young = ready(party_join_date=date(2022, 1, 1))
    plain = evaluate(young, Target(tier="division_deputy"), ON, params)
    party = evaluate(young, Target(tier="division_deputy", party_post=True), ON, params)
    assert plain.eligible and not party.eligible
    (check,) = party.failures
    assert check.rule == "ELG-8-6" and check.passes_on == date(2028, 1, 1)


# --- 破格 (ELG-9-2, ELG-9-3) --------------------------------------------------------------------


def short_tenure(**changes: object) -> CadreFacts:
    return ready(
        posts=(
            post(date(2016, 1, 1), date(2025, 6, 1), "section_deputy", "township", 1),
            post(date(2025, 6, 1), None, "section_principal", "county", 2),
        ),
        **changes,
    )


def test_waiver_turns_a_named_waivable_failure_into_waived(params: dict[str, object]) -> None:
    target = Target(tier="division_deputy")
    assert not evaluate(short_tenure(), target, ON, params).eligible
    facts = short_tenure(waivers=(waiver({"ELG-8-3"}),))
    verdict = evaluate(facts, target, ON, params)
    assert verdict.eligible and verdict.waiver is not None
    (check,) = by_rule(verdict, "ELG-8-3")
    assert check.outcome == Outcome.WAIVED  # type: ignore[attr-defined]
    assert "破格：在条件艰苦" in check.note  # type: ignore[attr-defined]
    limits = by_rule(verdict, "ELG-9-3")
    assert [c.outcome for c in limits] == [Outcome.PASS]  # type: ignore[attr-defined]
    data = verdict.as_dict()
    assert data["exceptional"]["waived_rules"] == ["ELG-8-3"]
    assert data["exceptional"]["ground_label"].startswith("在条件艰苦")


def test_waiver_is_never_silent_nor_wider_than_its_rules(params: dict[str, object]) -> None:
    target = Target(tier="division_deputy")
    other_rule = evaluate(short_tenure(waivers=(waiver({"ELG-8-4"}),)), target, ON, params)
    assert not other_rule.eligible and by_rule(other_rule, "ELG-9-3") == []
    other_tier = evaluate(
        short_tenure(waivers=(waiver({"ELG-8-3"}, "division_principal"),)), target, ON, params
    )
    assert not other_tier.eligible
    later = evaluate(
        short_tenure(waivers=(waiver({"ELG-8-3"}, approved=date(2026, 11, 26)),)),
        target,
        ON,
        params,
    )
    assert not later.eligible  # approved after the day judged
    flagged = short_tenure(
        waivers=(waiver({"ELG-8-3"}),),
        flags=(FlagFact("canvassing", date(2026, 1, 1), None),),
    )
    assert [c.rule for c in evaluate(flagged, target, ON, params).failures] == ["ELG-24-1"]


def test_party_age_and_two_level_skips_are_never_waived(params: dict[str, object]) -> None:
    facts = ready(party_join_date=date(2024, 1, 1), waivers=(waiver({"ELG-8-6", "ELG-9-1"}),))
    verdict = evaluate(facts, Target(tier="division_deputy", party_post=True), ON, params)
    assert [c.rule for c in verdict.failures] == ["ELG-8-6"]
    skip_two = ready(waivers=(waiver({"ELG-9-1", "ELG-8-3"}, "bureau_deputy"),))
    verdict = evaluate(skip_two, Target(tier="bureau_deputy"), ON, params)
    (step,) = by_rule(verdict, "ELG-9-1")
    assert step.outcome == Outcome.FAIL  # type: ignore[attr-defined]


def test_one_level_skip_with_a_waiver(params: dict[str, object]) -> None:
    target = Target(tier="division_principal")
    facts = ready(waivers=(waiver({"ELG-9-1", "ELG-8-3"}, "division_principal"),))
    verdict = evaluate(facts, target, ON, params)
    assert verdict.eligible
    assert {c.rule for c in verdict.checks if c.outcome == Outcome.WAIVED} == {
        "ELG-9-1",
        "ELG-8-3",
    }


@pytest.mark.parametrize(
    ("changes", "passes_on"),
    [
        ({"probation_until": date(2026, 11, 25)}, date(2026, 11, 26)),
        ({"last_promotion": date(2025, 11, 26)}, date(2026, 11, 26)),
    ],
)
def test_elg_9_3_limits_apply_once_a_waiver_is_used(
    params: dict[str, object], changes: dict[str, object], passes_on: date
) -> None:
    facts = short_tenure(waivers=(waiver({"ELG-8-3"}),), **changes)
    verdict = evaluate(facts, Target(tier="division_deputy"), ON, params)
    (failure,) = verdict.failures
    assert failure.rule == "ELG-9-3" and failure.passes_on == passes_on
    without = evaluate(short_tenure(**changes), Target(tier="division_deputy"), ON, params)
    assert by_rule(without, "ELG-9-3") == []  # judged only when a waiver is used


def test_promoted_a_year_ago_to_the_day_may_be_exceptional(params: dict[str, object]) -> None:
    facts = short_tenure(waivers=(waiver({"ELG-8-3"}),), last_promotion=date(2025, 11, 25))
    assert evaluate(facts, Target(tier="division_deputy"), ON, params).eligible


def test_an_unneeded_waiver_is_not_named(params: dict[str, object]) -> None:
    verdict = evaluate(
        ready(waivers=(waiver({"ELG-8-3"}),)), Target(tier="division_deputy"), ON, params
    )
    assert verdict.eligible and verdict.waiver is None and verdict.as_dict()["exceptional"] is None
    assert by_rule(verdict, "ELG-9-3") == []


def test_no_waiver_for_a_rank_target(params: dict[str, object]) -> None:
    facts = make(rank="principal_staff_3", waivers=(waiver({"ELG-8-3"}),))
    verdict = evaluate(facts, Target(rank="principal_staff_2"), ON, params)
    assert verdict.waiver is None


# --- JSON and parameters ------------------------------------------------------------------------


def test_as_dict_is_json_ready_with_the_parameters_used(params: dict[str, object]) -> None:
    verdict = evaluate(short_tenure(), Target(tier="division_deputy"), ON, params)
    data = json.loads(json.dumps(verdict.as_dict(), ensure_ascii=False))
    assert data["eligible"] is False and data["passes_on"] == "2028-06-01"
    assert data["target"] == {
        "tier": "division_deputy",
        "rank": "",
        "party_post": False,
        "label": "县处级副职",
    }
    tenure = next(c for c in data["checks"] if c["rule"] == "ELG-8-3")
    assert tenure["outcome_label"] == "不符合" and tenure["passes_on"] == "2028-06-01"
    assert data["params"]["selection.min_work_years"] == 5


@pytest.mark.django_db
def test_a_changed_parameter_applies_from_its_effective_date() -> None:
    """A locality raises the work years to 6 from 2026-12-01: judged before, 5; from then, 6."""
    facts = ready(work_start_date=date(2021, 1, 1))
    target = Target(tier="division_deputy")
    RuleParameter.objects.create(
        key="selection.min_work_years", value=6, effective_from=date(2026, 12, 1), source="本地"
    )
    assert evaluate(facts, target, date(2026, 11, 30)).eligible
    later = evaluate(facts, target, date(2026, 12, 1))
    (failure,) = later.failures
    assert failure.rule == "ELG-8-1" and failure.passes_on == date(2027, 1, 1)
    assert later.params["selection.min_work_years"] == 6


@pytest.mark.django_db
def test_local_three_year_grades_and_age_limit() -> None:
    RuleParameter.objects.create(
        key="selection.recent_competent_years", value=3, effective_from=date(2026, 1, 1)
    )
    RuleParameter.objects.create(
        key="selection.max_age.division_deputy", value=40, effective_from=date(2026, 1, 1)
    )
    facts = ready(grades={2023: "basically_competent", 2024: "competent", 2025: "competent"})
    verdict = evaluate(facts, Target(tier="division_deputy"), ON)
    assert {c.rule for c in verdict.failures} == {"ELG-24-1", "AGE-LOCAL"}


def test_evaluation_is_fast(params: dict[str, object]) -> None:
    """A screening evaluates tens of thousands of cadres: well under 100 µs each (measured
    about 25 µs; generous for a loaded machine)."""
    facts = [ready(), short_tenure(), ready(grades={})]
    target = Target(tier="division_deputy")
    start = time.perf_counter()
    for _ in range(1000):
        for item in facts:
            evaluate(item, target, ON, params)
    assert (time.perf_counter() - start) / 3000 < 0.0003
