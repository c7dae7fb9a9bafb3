"""Pure rules of the case workflow (rules.md TOL-1 … TOL-6), at their boundaries. No DB."""

from dataclasses import replace
from datetime import date

import pytest

from apps.core.exceptions import DomainError
from apps.tolerance.constants import CaseStage, Outcome
from apps.tolerance.rules_cases import (
    DISSENT_REASON_MIN_CHARS,
    MAX_EVIDENCE_BYTES,
    CaseApplication,
    Checklist,
    CorrectionInput,
    application_deadline,
    application_problems,
    available_actions,
    checklist_problems,
    close_problems,
    conclusion_problems,
    correction_problems,
    is_overdue,
    next_stage,
    suggested_outcome,
    tol4_met,
    upload_problems,
    within_deadline,
)

FULL = Checklist(
    d1_inexperience=True,
    d1_reason="首次推行，缺乏经验",
    d2_not_prohibited=True,
    d2_reason="上级没有明确限制",
    d3_no_personal_gain=True,
    d3_reason="为推动项目落地",
    c1_not_prohibited=True,
    c2_pilot_unintentional=False,
    c3_force_majeure=False,
    c4_loss_mitigated=True,
    c5_democratic_procedure=False,
    c6_no_improper_gain=True,
    is_repeat=False,
)


class TestDeadline:
    """LOCAL tolerance.application_deadline_days; the day of notice is not counted."""

    def test_deadline_date(self):
        assert application_deadline(date(2026, 3, 1), 30) == date(2026, 3, 31)
        assert application_deadline(date(2026, 1, 31), 30) == date(2026, 3, 2)

    @pytest.mark.parametrize(
        ("applied_on", "ok"),
        [
            (date(2026, 3, 30), True),
            (date(2026, 3, 31), True),  # the last day is allowed
            (date(2026, 4, 1), False),
            (date(2026, 2, 20), True),  # before the notice: no period has run out
        ],
    )
    def test_within_deadline_boundary(self, applied_on, ok):
        assert within_deadline(applied_on, date(2026, 3, 1), 30) is ok

    def test_without_notice_no_deadline(self):
        assert within_deadline(date(2030, 1, 1), None, 30) is True

    def test_leap_year(self):
        assert application_deadline(date(2028, 2, 1), 29) == date(2028, 3, 1)
        assert within_deadline(date(2028, 3, 1), date(2028, 2, 1), 29)
        assert not within_deadline(date(2028, 3, 2), date(2028, 2, 1), 29)


class TestApplication:
    TODAY = date(2026, 6, 15)

    def app(self, **kw) -> CaseApplication:
        values = {
            "applicant": "cadre",
            "applicant_name": "张伟",
            "applied_on": date(2026, 3, 31),
            "notified_on": date(2026, 3, 1),
            "area": "key_project",
            "matter": "失误",
        }
        values.update(kw)
        return CaseApplication(**values)

    def test_on_the_last_day_no_problem(self):
        assert application_problems(self.app(), self.TODAY, 30) == []

    def test_a_day_late_needs_an_override_reason(self):
        late = self.app(applied_on=date(2026, 4, 1))
        fields = [p.field for p in application_problems(late, self.TODAY, 30)]
        assert fields == ["applied_on", "deadline_override_reason"]
        excused = replace(late, deadline_override_reason="住院治疗")
        assert application_problems(excused, self.TODAY, 30) == []

    def test_dates_and_required_facts(self):
        bad = self.app(
            applicant="",
            area="",
            matter=" ",
            applied_on=self.TODAY.replace(day=16),
            notified_on=self.TODAY.replace(day=17),
        )
        fields = {p.field for p in application_problems(bad, self.TODAY, 30)}
        assert fields == {"applicant", "area", "matter", "applied_on", "notified_on"}


class TestUpload:
    @pytest.mark.parametrize(
        ("name", "head", "ok"),
        [
            ("笔录.PDF", b"%PDF-1.7", True),
            ("照片.jpg", b"\xff\xd8\xff\xe0", True),
            ("录音.mp3", b"ID3\x04", True),
            ("录音.mp3", b"\xff\xfb\x90", True),
            ("表格.xlsx", b"PK\x03\x04", True),
            ("改名.pdf", b"MZ\x90\x00", False),
            ("程序.exe", b"MZ", False),
            ("无扩展名", b"%PDF", False),
        ],
    )
    def test_types(self, name, head, ok):
        _, problems = upload_problems(name, 100, head)
        assert (problems == []) is ok

    def test_size_boundary(self):
        assert upload_problems("a.pdf", MAX_EVIDENCE_BYTES, b"%PDF")[1] == []
        assert "20MB" in upload_problems("a.pdf", MAX_EVIDENCE_BYTES + 1, b"%PDF")[1][0].message


class TestTransitions:
    @pytest.mark.parametrize(
        ("stage", "action", "target"),
        [
            (CaseStage.APPLIED, "accept", CaseStage.ACCEPTED),
            (CaseStage.APPLIED, "not_accept", CaseStage.NOT_ACCEPTED),
            (CaseStage.ACCEPTED, "verify", CaseStage.VERIFIED),
            (CaseStage.VERIFIED, "determine", CaseStage.DETERMINED),
            (CaseStage.DETERMINED, "conclude", CaseStage.CONCLUDED),
            (CaseStage.CONCLUDED, "close", CaseStage.CLOSED),
        ],
    )
    def test_allowed(self, stage, action, target):
        assert next_stage(stage, action) == target

    @pytest.mark.parametrize(
        ("stage", "action", "message"),
        [
            (CaseStage.VERIFIED, "conclude", "尚未完成认定，不能作出结论"),
            (CaseStage.APPLIED, "conclude", "尚未完成认定，不能作出结论"),
            (CaseStage.APPLIED, "verify", "尚未受理，不能核实"),
            (CaseStage.ACCEPTED, "determine", "尚未完成核实，不能认定"),
            (CaseStage.DETERMINED, "close", "尚未作出结论，不能办结"),
            (CaseStage.CONCLUDED, "accept", "该案件已处于“已作结论（纠错中）”阶段，不能再受理"),
            (CaseStage.CLOSED, "conclude", "不能再作出结论"),
            (CaseStage.NOT_ACCEPTED, "verify", "该申请已不予受理，不能完成核实"),
        ],
    )
    def test_out_of_order_refused_in_chinese(self, stage, action, message):
        with pytest.raises(DomainError, match=message) as exc:
            next_stage(stage, action)
        assert exc.value.code == "illegal_transition"

    def test_available_actions(self):
        assert available_actions(CaseStage.APPLIED) == ["accept", "not_accept"]
        assert available_actions(CaseStage.CLOSED) == []
        assert available_actions(CaseStage.NOT_ACCEPTED) == []

    def test_close_needs_every_correction_done(self):
        assert close_problems(0) == []
        assert "尚有1项纠错措施未完成" in close_problems(1)[0].message


class TestChecklist:
    def test_complete_checklist_has_no_problems(self):
        assert checklist_problems(FULL) == []

    def test_each_distinction_needs_answer_and_reason(self):
        problems = checklist_problems(replace(FULL, d2_not_prohibited=None, d3_reason="  "))
        assert {p.field for p in problems} == {"d2_not_prohibited", "d3_reason"}

    def test_a_no_answer_still_needs_a_reason(self):
        problems = checklist_problems(replace(FULL, d1_inexperience=False, d1_reason=""))
        assert [p.field for p in problems] == ["d1_reason"]

    def test_every_condition_and_repeat_answered(self):
        problems = checklist_problems(replace(FULL, c5_democratic_procedure=None, is_repeat=None))
        assert {p.field for p in problems} == {"c5_democratic_procedure", "is_repeat"}
        assert len(checklist_problems(Checklist())) == 3 * 2 + 6 + 1


def _conds(c1=False, c2=False, c3=False, c4=False, c5=False, c6=True, repeat=False, neg=False):
    return replace(
        FULL,
        c1_not_prohibited=c1,
        c2_pilot_unintentional=c2,
        c3_force_majeure=c3,
        c4_loss_mitigated=c4,
        c5_democratic_procedure=c5,
        c6_no_improper_gain=c6,
        is_repeat=repeat,
        negative_matched=neg,
    )


class TestSuggestedOutcome:
    """TOL-4 combination c6 AND (c1|c2|c3) AND (c4|c5); TOL-6 repeat; negative list."""

    @pytest.mark.parametrize("basis", ["c1", "c2", "c3"])
    @pytest.mark.parametrize("remedy", ["c4", "c5"])
    def test_every_combination_that_meets_tol4_is_tolerated(self, basis, remedy):
        checklist = _conds(**{basis: True, remedy: True})
        assert tol4_met(checklist)
        assert suggested_outcome(checklist) == Outcome.TOLERATED

    @pytest.mark.parametrize(
        ("conds", "expected"),
        [
            ({"c1": True}, Outcome.PARTLY),  # basis without remedy
            ({"c4": True}, Outcome.PARTLY),  # remedy without basis
            ({}, Outcome.NOT_TOLERATED),  # neither
            ({"c1": True, "c4": True, "c6": False}, Outcome.NOT_TOLERATED),  # improper gain
            ({"c1": True, "c4": True, "c6": None}, Outcome.NOT_TOLERATED),  # unanswered
            ({"c1": True, "c2": True, "c3": True, "c4": True, "c5": True}, Outcome.TOLERATED),
        ],
    )
    def test_partial_and_failing_combinations(self, conds, expected):
        assert suggested_outcome(_conds(**conds)) == expected

    def test_repeat_is_not_tolerated(self):
        assert suggested_outcome(_conds(c1=True, c4=True, repeat=True)) == Outcome.NOT_TOLERATED
        assert suggested_outcome(_conds(c1=True, repeat=True)) == Outcome.NOT_TOLERATED

    def test_repeat_with_force_majeure_may_be_tolerated(self):
        assert suggested_outcome(_conds(c3=True, c4=True, repeat=True)) == Outcome.TOLERATED

    def test_negative_list_match_is_not_tolerated(self):
        checklist = _conds(c1=True, c4=True, c3=True, neg=True)
        assert tol4_met(checklist)
        assert suggested_outcome(checklist) == Outcome.NOT_TOLERATED


class TestConclusion:
    def test_following_the_suggestion_needs_a_reason(self):
        assert conclusion_problems("tolerated", "tolerated", "理由充分") == []
        assert conclusion_problems("tolerated", "tolerated", " ")[0].field == "conclusion"

    def test_dissent_needs_twenty_characters(self):
        short = "一" * (DISSENT_REASON_MIN_CHARS - 1)
        enough = "一" * DISSENT_REASON_MIN_CHARS
        problems = conclusion_problems("tolerated", "not_tolerated", short)
        assert "不少于20字" in problems[0].message and "不予容错" in problems[0].message
        assert conclusion_problems("tolerated", "not_tolerated", enough) == []

    def test_unknown_outcome(self):
        assert conclusion_problems("", "tolerated", "理由")[0].field == "outcome"


class TestCorrections:
    ON = date(2026, 6, 1)

    def test_none_refused(self):
        assert correction_problems([], self.ON)[0].message == "作出结论时须同时明确纠错措施"

    def test_due_date_boundary(self):
        same_day = CorrectionInput("补办手续", "县发改局", self.ON)
        day_before = CorrectionInput("补办手续", "县发改局", date(2026, 5, 31))
        assert correction_problems([same_day], self.ON) == []
        assert "不能早于结论日期" in correction_problems([day_before], self.ON)[0].message

    def test_each_needs_measure_owner_and_date(self):
        problems = correction_problems([CorrectionInput(" ", "", None)], self.ON)
        assert len(problems) == 3
        assert all(p.message.startswith("第1项纠错措施") for p in problems)

    def test_overdue_from_the_day_after(self):
        due = date(2026, 6, 30)
        assert not is_overdue(due, None, date(2026, 6, 30))
        assert is_overdue(due, None, date(2026, 7, 1))
        assert not is_overdue(due, date(2026, 7, 2), date(2026, 7, 3))
