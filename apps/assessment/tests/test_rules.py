"""Pure rules of routine and annual assessment (rules.md section D), at their boundaries."""

import pytest

from apps.assessment import rules
from apps.assessment.rules import AwardKey

E, C, B, I, N = (  # noqa: E741
    rules.EXCELLENT,
    rules.COMPETENT,
    rules.BASICALLY_COMPETENT,
    rules.INCOMPETENT,
    rules.NOT_GRADED,
)


class TestExcellentQuota:
    """ASM-QUOTA-1: floor(participants × percent / 100) in integers; tiny units per LOCAL rule."""

    @pytest.mark.parametrize(
        ("participants", "percent", "small", "quota"),
        [
            (20, 20, 0, 4),  # exactly 20%
            (21, 20, 0, 4),  # 4.2 → 4
            (24, 20, 0, 4),  # 4.8 → 4, never rounded up
            (25, 20, 0, 5),
            (29, 20, 0, 5),
            (30, 20, 0, 6),
            (5, 20, 0, 1),  # the smallest unit with a share of one
            (4, 20, 0, 0),
            (1, 20, 0, 0),
            (4, 20, 1, 1),  # LOCAL: small units may name one
            (1, 20, 1, 1),
            (5, 20, 1, 1),  # the share already gives one: no extra
            (0, 20, 0, 0),
            (0, 20, 1, 0),  # nobody to grade
            (100, 25, 0, 25),
            (7, 15, 0, 1),  # 1.05 → 1
            (13, 15, 0, 1),  # 1.95 → 1
            (21, 0, 1, 0),
        ],
    )
    def test_floor_in_integers(self, participants, percent, small, quota):
        assert rules.excellent_quota(participants, percent, small) == quota

    def test_no_float_rounding_error(self):
        # 0.07 * 100 = 7.000000000000001 in floats; integers give exactly 7.
        assert rules.excellent_quota(100, 7) == 7
        assert rules.excellent_quota(57, 35) == 19  # 19.95 → 19

    @pytest.mark.parametrize(
        ("grades", "quota", "problems"),
        [
            ([E, E, E, E, C], 4, []),
            ([E, E, E, E, E, C], 4, ["优秀等次 5 人，超过名额 4 人"]),
            ([E], 0, ["优秀等次 1 人，超过名额 0 人"]),
            ([C, "", N], 0, []),
        ],
    )
    def test_quota_problems(self, grades, quota, problems):
        assert rules.quota_problems(grades, quota) == problems

    def test_quota_status(self):
        assert rules.quota_status(3, 4) == "优秀 3/4，剩余 1 名"
        assert rules.quota_status(4, 4) == "优秀 4/4，剩余 0 名"
        assert rules.quota_status(5, 4) == "优秀 5/4，超出 1 名"


class TestGradeAllowed:
    """ASM-DIS-1 caps from sanctions."""

    def test_warning_year_refuses_excellent_only(self):
        refused = rules.grade_allowed(E, rules.CAP_NO_EXCELLENT)
        assert not refused.allowed
        assert refused.message == "受警告处分当年不得确定为优秀（ASM-DIS-1）"
        for grade in (C, B, I, ""):
            assert rules.grade_allowed(grade, rules.CAP_NO_EXCELLENT).allowed

    def test_not_graded_cap_allows_only_comments(self):
        for grade in (E, C, B, I):
            decision = rules.grade_allowed(grade, rules.CAP_NOT_GRADED, comment="评语")
            assert not decision.allowed and "不定等次" in decision.message
        assert rules.grade_allowed(N, rules.CAP_NOT_GRADED, comment="该同志受记过处分期间……")
        refused = rules.grade_allowed(N, rules.CAP_NOT_GRADED, comment="  ")
        assert not refused.allowed and refused.message == "不定等次须填写评语"

    def test_no_cap(self):
        for grade in (E, C, B, I, ""):
            assert rules.grade_allowed(grade, None).allowed
        assert not rules.grade_allowed("great", None).allowed

    def test_cap_note(self):
        assert "不得确定为优秀" in rules.cap_note(rules.CAP_NO_EXCELLENT)
        assert "不定等次" in rules.cap_note(rules.CAP_NOT_GRADED)
        assert rules.cap_note(None) == ""


class TestConsequences:
    @pytest.mark.parametrize("grade", [E, C, N, ""])
    def test_none_for_competent_and_better(self, grade):
        assert rules.consequences(grade, [I]) == []

    def test_basically_competent_admonition(self):
        flags = rules.consequences(B, [])
        assert [rule for rule, _ in flags] == ["ASM-21-1"]
        assert "诫勉" in flags[0][1] and "书面检查" in flags[0][1]

    def test_incompetent_demotion(self):
        flags = rules.consequences(I, [C])
        assert [rule for rule, _ in flags] == ["ASM-22-1"]
        assert "降低一个职务或者职级层次" in flags[0][1]

    def test_two_consecutive_incompetent_dismissal(self):
        flags = rules.consequences(I, [C, I])
        assert [rule for rule, _ in flags] == ["ASM-22-1", "GWYF-88-1"]
        assert "辞退" in flags[1][1] and "第八十八条" in flags[1][1]

    def test_a_gap_breaks_the_run(self):
        assert [r for r, _ in rules.consequences(I, [I, ""])] == ["ASM-22-1"]
        assert [r for r, _ in rules.consequences(I, [I, C])] == ["ASM-22-1"]


def merits(keys):
    return [(k.first_year, k.last_year) for k in keys if k.kind == rules.MERIT_THIRD]


def commendations(keys):
    return [k.last_year for k in keys if k.kind == rules.COMMENDATION]


class TestAwardProposals:
    """ASM-19-1: 嘉奖 per 优秀 year; 记三等功 per non-overlapping run of three."""

    def test_each_excellent_year_commended(self):
        keys = rules.award_proposals({2023: E, 2024: C, 2025: E}, [])
        assert commendations(keys) == [2023, 2025]
        assert merits(keys) == []

    @pytest.mark.parametrize(
        ("years", "expected"),
        [
            (range(2021, 2023), []),
            (range(2021, 2024), [(2021, 2023)]),
            (range(2021, 2025), [(2021, 2023)]),
            (range(2021, 2026), [(2021, 2023)]),
            (range(2021, 2027), [(2021, 2023), (2024, 2026)]),
            (range(2021, 2030), [(2021, 2023), (2024, 2026), (2027, 2029)]),
        ],
    )
    def test_runs_of_three(self, years, expected):
        assert merits(rules.award_proposals(dict.fromkeys(years, E), [])) == expected

    def test_a_break_restarts_the_count(self):
        grades = {2019: E, 2020: E, 2021: C, 2022: E, 2023: E, 2024: E}
        assert merits(rules.award_proposals(grades, [])) == [(2022, 2024)]

    def test_never_twice(self):
        grades = dict.fromkeys(range(2021, 2024), E)
        first = rules.award_proposals(grades, [])
        assert rules.award_proposals(grades, first) == []

    def test_existing_merit_uses_its_years(self):
        held = [AwardKey(rules.MERIT_THIRD, 2021, 2023)]
        grades = dict.fromkeys(range(2020, 2025), E)  # 2020 graded late; 2024 added
        assert merits(rules.award_proposals(grades, held)) == []
        grades = dict.fromkeys(range(2020, 2027), E)
        assert merits(rules.award_proposals(grades, held)) == [(2024, 2026)]

    def test_declined_years_stay_used(self):
        held = [AwardKey(rules.COMMENDATION, 2024, 2024)]
        assert commendations(rules.award_proposals({2024: E, 2025: E}, held)) == [2025]


def test_results_text():
    assert (
        rules.annual_results_text({2025: C, 2023: C, 2024: E})
        == "2023年度称职，2024年度优秀，2025年度称职"
    )
    assert rules.annual_results_text({2024: N, 2025: ""}) == "2024年度不定等次"


@pytest.mark.parametrize(
    ("period", "per_year", "label"),
    [(1, 4, "第一季度"), (4, 4, "第四季度"), (7, 12, "7月"), (2, 2, "下半年"), (3, 6, "第3期")],
)
def test_period_label(period, per_year, label):
    assert rules.period_label(period, per_year) == label
