"""The leadership-post rules (apps/selection/rules.py) at their boundaries: the day before, the
day of and the day after; leap days; months counted as rules.md counts them (whole months from the
start day, the day judged not counted). Rule ids as in rules.md."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from apps.selection import periods, rules, rules_negative
from apps.selection.constants import Outcome
from apps.selection.facts import CadreFacts, FlagFact, Period, PostPeriod, RankPeriod

BASE = CadreFacts(
    cadre_id=1,
    name="测试干部",
    birth_date=date(1985, 6, 1),
    work_start_date=date(2008, 7, 1),
    party_join_date=date(2006, 6, 1),
    political_status="cpc",
    health="健康",
    highest_education="bachelor",
    tier="",
    rank="",
)


def make(**changes: object) -> CadreFacts:
    """Facts of a plain cadre (no posts, no grades…) with `changes`."""
    return replace(BASE, **changes)  # type: ignore[arg-type]


def post(
    start: date,
    end: date | None = None,
    tier: str = "section_principal",
    level: str = "county",
    post_id: int = 1,
) -> PostPeriod:
    return PostPeriod(start, end, tier, post_id, level)


# --- ELG-8-1 工龄 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "outcome", "fact"),
    [
        (date(2026, 11, 24), Outcome.FAIL, "4年11个月"),
        (date(2026, 11, 25), Outcome.PASS, "5年0个月"),
        (date(2026, 11, 26), Outcome.PASS, "5年0个月"),
    ],
)
def test_elg_8_1_work_years_boundary(on: date, outcome: str, fact: str) -> None:
    """ELG-8-1: work from 2021-11-25; five years are served on 2026-11-25."""
    check = rules.work_years(make(work_start_date=date(2021, 11, 25)), "division_deputy", on, 5)
    assert (check.rule, check.outcome, check.fact) == ("ELG-8-1", outcome, fact)
    assert check.passes_on == (date(2026, 11, 25) if outcome == Outcome.FAIL else None)
    assert check.threshold == "5年以上" and check.waivable


@pytest.mark.parametrize(
    ("on", "outcome"),
    [(date(2025, 2, 28), Outcome.FAIL), (date(2025, 3, 1), Outcome.PASS)],
)
def test_elg_8_1_work_years_from_a_leap_day(on: date, outcome: str) -> None:
    """29 Feb 2020 + 5 years: no 29 Feb 2025, so the period is served on 1 March."""
    check = rules.work_years(make(work_start_date=date(2020, 2, 29)), "division_principal", on, 5)
    assert check.outcome == outcome
    if outcome == Outcome.FAIL:
        assert check.passes_on == date(2025, 3, 1)


def test_elg_8_1_leap_day_start_four_years() -> None:
    facts = make(work_start_date=date(2020, 2, 29))
    assert rules.work_years(facts, "division_deputy", date(2024, 2, 28), 4).outcome == Outcome.FAIL
    assert rules.work_years(facts, "division_deputy", date(2024, 2, 29), 4).outcome == Outcome.PASS


def test_elg_8_1_not_for_section_posts_and_unknown_without_a_start() -> None:
    facts = make(work_start_date=date(2025, 1, 1))
    on = date(2026, 1, 1)
    assert rules.work_years(facts, "section_principal", on, 5).outcome == Outcome.NOT_APPLICABLE
    assert rules.grassroots_years(facts, "section_deputy", on, 2).outcome == Outcome.NOT_APPLICABLE
    missing = rules.work_years(make(work_start_date=None), "division_deputy", on, 5)
    assert missing.outcome == Outcome.UNKNOWN and missing.passes_on is None


def test_elg_8_1_a_parameter_of_zero_years_passes() -> None:
    facts = make(work_start_date=date(2026, 1, 1))
    assert rules.work_years(facts, "division_deputy", date(2026, 1, 1), 0).outcome == Outcome.PASS


# --- ELG-8-1 基层工作经历 -----------------------------------------------------


def test_elg_8_1_grassroots_overlap_counted_once() -> None:
    """A township post overlapping a frontline period counted as grassroots: the months of the
    overlap count once (12 + 12 months, six of them shared, are 18 months)."""
    facts = make(
        posts=(post(date(2019, 7, 1), date(2020, 7, 1), level="township"),),
        grassroots=(Period(date(2020, 1, 1), date(2021, 1, 1)),),
    )
    check = rules.grassroots_years(facts, "division_deputy", date(2021, 6, 1), 2)
    assert check.outcome == Outcome.FAIL and check.fact == "1年6个月"
    assert check.passes_on is None  # nothing running: waiting does not help


def test_elg_8_1_grassroots_running_period_gives_the_pass_day() -> None:
    facts = make(
        posts=(post(date(2019, 7, 1), date(2020, 7, 1), level="township"),),
        grassroots=(Period(date(2020, 1, 1), None),),
    )
    on = date(2021, 6, 1)
    check = rules.grassroots_years(facts, "division_deputy", on, 2)
    assert check.outcome == Outcome.FAIL and check.passes_on == date(2021, 7, 1)
    assert rules.grassroots_years(facts, "division_deputy", date(2021, 6, 30), 2).outcome == (
        Outcome.FAIL
    )
    assert rules.grassroots_years(facts, "division_deputy", date(2021, 7, 1), 2).outcome == (
        Outcome.PASS
    )


def test_elg_8_1_grassroots_period_ending_before_the_floor_gives_no_pass_day() -> None:
    facts = make(grassroots=(Period(date(2025, 1, 1), date(2026, 6, 1)),))
    check = rules.grassroots_years(facts, "division_deputy", date(2026, 1, 1), 2)
    assert check.outcome == Outcome.FAIL and check.passes_on is None


def test_elg_8_1_grassroots_city_posts_do_not_count() -> None:
    facts = make(posts=(post(date(2015, 1, 1), None, level="city"),))
    check = rules.grassroots_years(facts, "division_deputy", date(2026, 1, 1), 2)
    assert check.outcome == Outcome.FAIL and check.fact == "0年0个月"


def test_elg_8_1_grassroots_leftover_days_of_separate_spans_add_up() -> None:
    """11 months 16 days + 12 months 15 days: 31 leftover days make the 24th month."""
    spans = (
        post(date(2019, 1, 1), date(2019, 12, 17), level="township", post_id=1),
        post(date(2020, 1, 1), date(2021, 1, 16), level="county", post_id=2),
    )
    check = rules.grassroots_years(make(posts=spans), "division_deputy", date(2022, 1, 1), 2)
    assert check.outcome == Outcome.PASS and check.fact == "2年0个月"
    shorter = (spans[0], post(date(2020, 1, 1), date(2021, 1, 15), level="county", post_id=2))
    check = rules.grassroots_years(make(posts=shorter), "division_deputy", date(2022, 1, 1), 2)
    assert check.outcome == Outcome.FAIL  # 30 leftover days are not yet a month


def test_served_months_is_never_overstated_for_one_span() -> None:
    """2021-11-25 → 2026-11-24 is 59 months and 30 days: still 59 months."""
    assert periods.served_months([Period(date(2021, 11, 25), None)], date(2026, 11, 24)) == 59
    assert periods.served_months([Period(date(2021, 11, 25), None)], date(2026, 11, 25)) == 60


def test_merge_cuts_at_the_day_judged_and_joins_touching_spans() -> None:
    spans = [
        Period(date(2020, 1, 1), date(2021, 1, 1)),
        Period(date(2021, 1, 1), date(2022, 1, 1)),  # touching: one span
        Period(date(2023, 1, 1), None),
        Period(date(2027, 1, 1), None),  # begins after the day judged
    ]
    assert periods.merge(spans, date(2024, 1, 1)) == [
        (date(2020, 1, 1), date(2022, 1, 1)),
        (date(2023, 1, 1), date(2024, 1, 1)),
    ]


# --- ELG-8-2 下一级两个以上职位 -----------------------------------------------


def test_elg_8_2_two_lower_posts_or_a_warning() -> None:
    one = make(posts=(post(date(2018, 1, 1), date(2020, 1, 1), "section_deputy", post_id=1),))
    on = date(2026, 1, 1)
    check = rules.lower_posts(one, "division_deputy", on, 2)
    assert check.outcome == Outcome.WARN and check.fact == "1个"
    two = replace(one, posts=(*one.posts, post(date(2020, 1, 1), None, post_id=2)))
    assert rules.lower_posts(two, "division_deputy", on, 2).outcome == Outcome.PASS
    same_post_twice = replace(one, posts=(*one.posts, post(date(2021, 1, 1), None, post_id=1)))
    assert rules.lower_posts(same_post_twice, "division_deputy", on, 2).outcome == Outcome.WARN
    upper = make(posts=(post(date(2018, 1, 1), None, "division_deputy", post_id=3),))
    assert rules.lower_posts(upper, "bureau_deputy", on, 1).outcome == Outcome.PASS
    assert rules.lower_posts(one, "section_principal", on, 2).outcome == Outcome.NOT_APPLICABLE


# --- ELG-8-3 任职年限 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2026, 11, 25), Outcome.FAIL),
        (date(2027, 2, 28), Outcome.FAIL),
        (date(2027, 3, 1), Outcome.PASS),
        (date(2027, 3, 2), Outcome.PASS),
    ],
)
def test_elg_8_3_deputy_to_principal_two_years(on: date, outcome: str) -> None:
    """满足任职年限: 2027-03-01 — a 县处级副职 since 2025-03-01 for 县处级正职."""
    facts = make(posts=(post(date(2025, 3, 1), None, "division_deputy"),))
    check = rules.tenure(facts, "division_principal", on, 2, 3)
    assert check.rule == "ELG-8-3" and check.outcome == outcome
    assert check.title == "任县处级副职年限" and check.threshold == "2年以上"
    assert check.passes_on == (date(2027, 3, 1) if outcome == Outcome.FAIL else None)


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2026, 11, 24), Outcome.FAIL),
        (date(2026, 11, 25), Outcome.PASS),
        (date(2026, 11, 26), Outcome.PASS),
    ],
)
def test_elg_8_3_lower_principal_to_upper_deputy_three_years(on: date, outcome: str) -> None:
    facts = make(posts=(post(date(2023, 11, 25), None, "section_principal"),))
    check = rules.tenure(facts, "division_deputy", on, 2, 3)
    assert check.outcome == outcome and check.threshold == "3年以上"


def test_elg_8_3_equivalent_rank_and_earlier_posts_count() -> None:
    """A 一级主任科员 (乡科级正职 equivalent) and an earlier 乡科级正职 post add up, merged."""
    facts = make(
        posts=(post(date(2021, 1, 1), date(2023, 1, 1), "section_principal"),),
        ranks=(RankPeriod(date(2023, 1, 1), None, "principal_staff_1"),),
    )
    check = rules.tenure(facts, "division_deputy", date(2024, 1, 1), 2, 3)
    assert check.outcome == Outcome.PASS and check.fact == "3年0个月"


def test_elg_8_3_other_tiers_do_not_count() -> None:
    facts = make(posts=(post(date(2015, 1, 1), None, "section_deputy"),))
    check = rules.tenure(facts, "division_deputy", date(2026, 1, 1), 2, 3)
    assert check.outcome == Outcome.FAIL and check.passes_on is None
    assert rules.tenure(facts, "section_principal", date(2026, 1, 1), 2, 3).outcome == (
        Outcome.NOT_APPLICABLE
    )


# --- ELG-8-4 学历 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("education", "target", "outcome"),
    [
        ("associate", "division_principal", Outcome.PASS),
        ("associate", "bureau_deputy", Outcome.FAIL),
        ("bachelor", "bureau_deputy", Outcome.PASS),
        ("master", "bureau_principal", Outcome.PASS),
        ("secondary", "division_deputy", Outcome.FAIL),
        ("secondary", "section_deputy", Outcome.FAIL),
        ("", "division_deputy", Outcome.UNKNOWN),
    ],
)
def test_elg_8_4_education_bureau_and_division(education: str, target: str, outcome: str) -> None:
    check = rules.education(make(highest_education=education), target)
    assert check.rule == "ELG-8-4" and check.outcome == outcome and check.waivable
    assert check.threshold == ("大学本科以上" if target.startswith("bureau") else "大学专科以上")


# --- ELG-8-5 / ELG-8-6 ---------------------------------------------------------------------------


def test_elg_8_5_training_never_blocks() -> None:
    unknown = rules.training(make(), "division_deputy", 550, 90)
    assert unknown.outcome == Outcome.UNKNOWN and unknown.threshold == "近5年550学时"
    short = rules.training(make(training_hours=Decimal("549.5")), "division_deputy", 550, 90)
    assert short.outcome == Outcome.WARN and "1年内" in short.note
    enough = rules.training(make(training_hours=Decimal(90)), "section_deputy", 550, 90)
    assert enough.outcome == Outcome.PASS and enough.threshold == "本年度90学时"


def test_elg_8_6_health() -> None:
    assert rules.health(make(health="健康")).outcome == Outcome.PASS
    check = rules.health(make(health="长期病休"))
    assert check.outcome == Outcome.WARN and check.fact == "长期病休"
    assert rules.health(make(health="")).fact == "未录入"


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2026, 5, 31), Outcome.FAIL),
        (date(2026, 6, 1), Outcome.PASS),
        (date(2026, 6, 2), Outcome.PASS),
    ],
)
def test_elg_8_6_party_age_counts_from_full_membership(on: date, outcome: str) -> None:
    """党章 第七条: 党龄 from the end of the probationary year — admitted 2020-06-01, a full
    member from 2021-06-01, five years of 党龄 on 2026-06-01."""
    facts = make(party_join_date=date(2020, 6, 1))
    check = rules.party_age(facts, "division_deputy", on, 5, party_post=True)
    assert check.rule == "ELG-8-6" and check.outcome == outcome and not check.waivable
    assert check.passes_on == (date(2026, 6, 1) if outcome == Outcome.FAIL else None)
    assert "2021-06-01" in check.note


def test_elg_8_6_party_age_for_party_posts_only() -> None:
    on = date(2026, 1, 1)
    young = make(party_join_date=date(2025, 1, 1))
    assert rules.party_age(young, "division_deputy", on, 5, party_post=False).outcome == (
        Outcome.NOT_APPLICABLE
    )
    assert rules.party_age(young, "division_deputy", on, 0, party_post=True).outcome == (
        Outcome.NOT_APPLICABLE
    )
    outsider = make(political_status="democratic_party", party_join_date=None)
    check = rules.party_age(outsider, "division_deputy", on, 5, party_post=True)
    assert check.outcome == Outcome.FAIL and check.fact == "非中共党员"
    probationary = make(political_status="cpc_probationary", party_join_date=date(2025, 7, 1))
    check = rules.party_age(probationary, "section_deputy", on, 3, party_post=True)
    assert check.outcome == Outcome.FAIL and check.passes_on is None
    missing = make(party_join_date=None)
    assert rules.party_age(missing, "section_deputy", on, 3, party_post=True).outcome == (
        Outcome.UNKNOWN
    )


def test_age_limit_where_configured() -> None:
    facts = make(birth_date=date(1981, 6, 2))
    assert rules.age_limit(facts, "division_deputy", date(2026, 6, 1), 0).outcome == (
        Outcome.NOT_APPLICABLE
    )
    assert rules.age_limit(facts, "division_deputy", date(2026, 6, 1), 44).outcome == Outcome.PASS
    assert rules.age_limit(facts, "division_deputy", date(2026, 6, 2), 44).outcome == Outcome.FAIL


# --- ELG-9-1 逐级 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "rank", "target", "outcome", "waivable"),
    [
        ("section_principal", "", "division_deputy", Outcome.PASS, False),  # gap 1
        ("section_principal", "", "division_principal", Outcome.FAIL, True),  # gap 2: 越级
        ("section_principal", "", "bureau_deputy", Outcome.FAIL, False),  # gap 3: 越两级
        ("section_principal", "", "section_principal", Outcome.NOT_APPLICABLE, False),
        ("division_deputy", "", "section_principal", Outcome.NOT_APPLICABLE, False),
        ("", "", "section_deputy", Outcome.PASS, False),
        ("", "", "section_principal", Outcome.FAIL, True),
        ("", "", "division_deputy", Outcome.FAIL, False),
        ("", "staff_1", "section_deputy", Outcome.PASS, False),
        ("", "principal_staff_1", "division_deputy", Outcome.PASS, False),  # 职级 equivalent
        ("", "principal_staff_3", "division_deputy", Outcome.FAIL, True),
    ],
)
def test_elg_9_1_step_gaps(tier: str, rank: str, target: str, outcome: str, waivable: bool) -> None:
    check = rules.step(make(tier=tier, rank=rank), target)
    assert (check.rule, check.outcome, check.waivable) == ("ELG-9-1", outcome, waivable)


def test_effective_tier() -> None:
    assert rules.effective_tier(make(tier="division_deputy", rank="researcher_1")) == (
        "division_deputy"
    )
    assert rules.effective_tier(make(rank="researcher_3")) == "division_deputy"
    assert rules.effective_tier(make(rank="staff_2")) == ""


# --- ELG-9-3 破格 limits -----------------------------------------------------------------------


def test_elg_9_3_probation() -> None:
    facts = make(probation_until=date(2026, 11, 30))
    (check,) = rules.exceptional_limits(facts, "division_principal", date(2026, 11, 30), 12)
    assert check.outcome == Outcome.FAIL and check.passes_on == date(2026, 12, 1)
    (check,) = rules.exceptional_limits(facts, "division_principal", date(2026, 12, 1), 12)
    assert check.outcome == Outcome.PASS


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2027, 1, 9), Outcome.FAIL),
        (date(2027, 1, 10), Outcome.PASS),
        (date(2027, 1, 11), Outcome.PASS),
    ],
)
def test_elg_9_3_a_year_since_the_last_promotion(on: date, outcome: str) -> None:
    facts = make(last_promotion=date(2026, 1, 10))
    _, since = rules.exceptional_limits(facts, "division_principal", on, 12)
    assert since.outcome == outcome
    assert since.passes_on == (date(2027, 1, 10) if outcome == Outcome.FAIL else None)


def test_elg_9_3_no_consecutive_tenure_waiver() -> None:
    facts = make(last_promotion=date(2020, 1, 1), last_promotion_waived=frozenset({"ELG-8-3"}))
    on = date(2026, 1, 1)
    checks = rules.exceptional_limits(facts, "division_principal", on, 12, frozenset({"ELG-8-3"}))
    assert [c.outcome for c in checks] == [Outcome.PASS, Outcome.FAIL, Outcome.PASS]
    assert checks[1].title == "破格：任职年限不得连续破格"
    other = rules.exceptional_limits(facts, "division_principal", on, 12, frozenset({"ELG-8-4"}))
    assert all(c.outcome == Outcome.PASS for c in other)


# --- ELG-24-1 negative list ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "outcome"),
    [
        ({2025: "competent"}, Outcome.PASS),
        ({2025: "excellent"}, Outcome.PASS),
        ({2025: "basically_competent"}, Outcome.FAIL),
        ({2025: "incompetent"}, Outcome.FAIL),
        ({2025: "not_graded"}, Outcome.WARN),
        ({2024: "basically_competent"}, Outcome.UNKNOWN),  # the year before last: not judged
        ({}, Outcome.UNKNOWN),
    ],
)
def test_elg_24_1_last_year_grade(grades: dict[int, str], outcome: str) -> None:
    check = rules_negative.last_year_grades(make(grades=grades), date(2026, 11, 25), 1)
    assert check.rule == "ELG-24-1" and check.outcome == outcome
    assert check.threshold == "上一年度称职以上"


def test_elg_24_1_last_year_is_the_calendar_year_before_the_day_judged() -> None:
    facts = make(grades={2024: "basically_competent", 2025: "competent"})
    assert rules_negative.last_year_grades(facts, date(2025, 12, 31), 1).outcome == Outcome.FAIL
    assert rules_negative.last_year_grades(facts, date(2026, 1, 1), 1).outcome == Outcome.PASS


def test_elg_24_1_local_three_year_parameter() -> None:
    on = date(2026, 3, 1)
    bad = make(grades={2023: "basically_competent", 2024: "competent", 2025: "excellent"})
    check = rules_negative.last_year_grades(bad, on, 3)
    assert check.outcome == Outcome.FAIL and check.threshold == "近3年称职以上"
    assert "2023年基本称职" in check.fact
    assert rules_negative.last_year_grades(bad, on, 2).outcome == Outcome.PASS
    gap = make(grades={2023: "competent", 2025: "competent"})
    assert rules_negative.last_year_grades(gap, on, 3).outcome == Outcome.UNKNOWN


def test_elg_24_1_influence_period() -> None:
    clear = rules_negative.influence(make(), date(2026, 6, 1))
    assert clear.outcome == Outcome.PASS
    facts = make(influence=True, influence_until=date(2027, 1, 14))
    check = rules_negative.influence(facts, date(2027, 1, 14))
    assert check.outcome == Outcome.FAIL and check.passes_on == date(2027, 1, 15)
    assert check.fact == "影响期至2027-01-14" and not check.waivable
    permanent = rules_negative.influence(
        make(influence=True, influence_until=None), date(2027, 1, 14)
    )
    assert permanent.outcome == Outcome.FAIL and permanent.passes_on is None
    rank = rules_negative.influence(facts, date(2027, 1, 1), rule="ELG-24-2", item="（二）")
    assert rank.rule == "ELG-24-2" and "并行规定" in rank.article


def _flags(facts: CadreFacts, on: date) -> list[rules.Check]:
    return rules_negative.flags(facts, on, rules.BLOCKING_FLAGS, "ELG-24-1", rules_negative.ART_24)


def test_elg_24_1_flag_with_an_end() -> None:
    facts = make(flags=(FlagFact("canvassing", date(2026, 1, 1), date(2026, 12, 31)),))
    assert _flags(facts, date(2025, 12, 31)) == []  # not yet in force
    (check,) = _flags(facts, date(2026, 1, 1))
    assert check.outcome == Outcome.FAIL and check.passes_on == date(2027, 1, 1)
    (check,) = _flags(facts, date(2026, 12, 31))  # the last day in force
    assert check.outcome == Outcome.FAIL
    assert _flags(facts, date(2027, 1, 1)) == []


def test_elg_24_1_flag_without_an_end_and_under_investigation() -> None:
    facts = make(
        flags=(
            FlagFact("low_recognition", date(2026, 1, 1), None),
            FlagFact("under_investigation", date(2026, 2, 1), None),
        )
    )
    checks = _flags(facts, date(2026, 6, 1))
    assert [c.outcome for c in checks] == [Outcome.FAIL, Outcome.FAIL]
    assert all(c.passes_on is None for c in checks)


def test_elg_24_1_naked_official_exempt_for_a_special_post() -> None:
    exempt = make(flags=(FlagFact("naked_official", date(2020, 1, 1), None, exempt=True),))
    (check,) = _flags(exempt, date(2026, 1, 1))
    assert check.outcome == Outcome.WARN and "特殊岗位" in check.note
    plain = make(flags=(FlagFact("naked_official", date(2020, 1, 1), None),))
    (check,) = _flags(plain, date(2026, 1, 1))
    assert check.outcome == Outcome.FAIL


def test_tol_5_tolerated_shown_as_pass_never_blocking() -> None:
    assert rules_negative.tolerated(make()).outcome == Outcome.NOT_APPLICABLE
    check = rules_negative.tolerated(make(tolerated=2))
    assert check.outcome == Outcome.PASS and check.fact == "2项"
    assert check.threshold == "不作为影响提拔的依据"
