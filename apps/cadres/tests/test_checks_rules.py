"""三龄两历 rules (apps/cadres/checks.py) at their boundaries; no database."""

from datetime import date, timedelta

import pytest

from apps.cadres import checks
from apps.cadres.checks import (
    AppointmentFact,
    Code,
    EducationFact,
    RecordFacts,
    ResumeFact,
)

TODAY = date(2026, 11, 25)
DAY = timedelta(days=1)
N = checks.MAX_GAP_DAYS


def codes(found):
    return [i.code for i in found]


def edu(start, end, *, mode="full_time", level="bachelor", degree="bachelor", school="云南大学"):
    return EducationFact(mode, level, degree, school, start, end)


class TestShowAndAnniversary:
    def test_month_dates_print_as_the_form_does(self):
        assert checks.show(date(1990, 5, 1)) == "1990.05"
        assert checks.show(date(1990, 5, 17)) == "1990.05.17"

    @pytest.mark.parametrize(
        ("birth", "years", "expected"),
        [
            (date(1974, 3, 1), 18, date(1992, 3, 1)),
            (date(2000, 2, 29), 18, date(2018, 3, 1)),  # no 29 Feb in 2018
            (date(2000, 2, 29), 16, date(2016, 2, 29)),
        ],
    )
    def test_anniversary(self, birth, years, expected):
        assert checks.anniversary(birth, years) == expected


class TestPartyAge:
    @pytest.mark.parametrize(
        ("joined", "found"),
        [
            (date(1992, 3, 12), []),  # exactly 18 on the day
            (date(1992, 3, 11), [Code.PARTY_AGE]),  # one day short
            (date(2000, 1, 1), []),
        ],
    )
    def test_eighteenth_birthday_is_the_boundary(self, joined, found):
        result = checks.check_party_age(
            birth_date=date(1974, 3, 12), party_join_date=joined, party_member=True
        )
        assert codes(result) == found

    def test_message_names_both_dates_and_fields(self):
        (issue,) = checks.check_party_age(
            birth_date=date(1974, 3, 1), party_join_date=date(1990, 5, 1), party_member=True
        )
        assert issue.message == "入党时间1990.05早于年满18周岁（1992.03）"
        assert issue.fields == ("party_join_date", "birth_date")

    def test_leap_day_birth(self):
        birth = date(2000, 2, 29)
        assert (
            checks.check_party_age(
                birth_date=birth, party_join_date=date(2018, 3, 1), party_member=True
            )
            == []
        )
        assert codes(
            checks.check_party_age(
                birth_date=birth, party_join_date=date(2018, 2, 28), party_member=True
            )
        ) == [Code.PARTY_AGE]

    def test_member_without_date_and_non_member(self):
        missing = checks.check_party_age(
            birth_date=date(1980, 1, 1), party_join_date=None, party_member=True
        )
        assert codes(missing) == [Code.PARTY_DATE_MISSING]
        assert (
            checks.check_party_age(
                birth_date=date(1980, 1, 1), party_join_date=None, party_member=False
            )
            == []
        )


class TestWorkAge:
    @pytest.mark.parametrize(
        ("start", "found"),
        [(date(1996, 6, 1), []), (date(1996, 5, 31), [Code.WORK_AGE]), (None, [])],
    )
    def test_sixteenth_birthday_is_the_boundary(self, start, found):
        result = checks.check_work_age(birth_date=date(1980, 6, 1), work_start_date=start)
        assert codes(result) == found

    def test_message(self):
        (issue,) = checks.check_work_age(
            birth_date=date(1985, 3, 1), work_start_date=date(2000, 7, 1)
        )
        assert issue.message == "参加工作时间2000.07早于年满16周岁（2001.03）"


class TestFutureDates:
    def test_today_passes_tomorrow_does_not(self):
        assert (
            checks.check_future_dates(
                birth_date=date(1980, 1, 1),
                work_start_date=TODAY,
                party_join_date=None,
                today=TODAY,
            )
            == []
        )
        (issue,) = checks.check_future_dates(
            birth_date=date(1980, 1, 1),
            work_start_date=None,
            party_join_date=TODAY + DAY,
            today=TODAY,
        )
        assert issue.code == Code.DATE_IN_FUTURE and issue.fields == ("party_join_date",)


class TestWorkAfterStudy:
    STUDY = edu(date(1998, 9, 1), date(2002, 7, 1))

    @pytest.mark.parametrize(
        ("work_start", "found"),
        [
            (date(2002, 7, 1), []),  # at the graduation
            (date(2002, 7, 20), []),  # same month: the form writes both to the month
            (date(2002, 6, 1), [Code.WORK_DURING_STUDY]),  # a month before graduating
            (date(1998, 9, 1), [Code.WORK_DURING_STUDY]),  # from enrolment
            (date(1997, 7, 1), []),  # worked before the study began (later full-time study)
        ],
    )
    def test_boundaries(self, work_start, found):
        result = checks.check_work_after_study(
            work_start_date=work_start, educations=[self.STUDY], resume=[]
        )
        assert codes(result) == found

    def test_message(self):
        (issue,) = checks.check_work_after_study(
            work_start_date=date(2001, 7, 1), educations=[self.STUDY], resume=[]
        )
        assert "参加工作时间2001.07早于全日制大学本科（云南大学）毕业时间2002.07" in issue.message
        assert issue.fields == ("work_start_date", "education")

    def test_in_service_and_undated_study_are_ignored(self):
        others = [
            edu(date(1998, 9, 1), date(2002, 7, 1), mode="in_service"),
            edu(None, date(2002, 7, 1)),
        ]
        assert (
            checks.check_work_after_study(
                work_start_date=date(2000, 1, 1), educations=others, resume=[]
            )
            == []
        )

    @pytest.mark.parametrize(
        ("text", "explained"),
        [
            ("云南大学法学专业学习", False),
            ("云南大学法学专业学生", False),
            ("国防科技大学学员（入伍）", True),  # 军校学员 are enlisted from enrolment
            ("甲县财政局办事员", True),  # a job held while studying
            ("甲县财政局委培生，在云南大学学习", True),
            ("云南大学学习（其间：在甲县财政局工作）", False),  # an aside does not make it work
        ],
    )
    def test_unless_recorded_otherwise(self, text, explained):
        resume = [ResumeFact(date(2000, 9, 1), date(2002, 7, 1), text)]
        result = checks.check_work_after_study(
            work_start_date=date(2000, 9, 1), educations=[self.STUDY], resume=resume
        )
        assert (result == []) is explained

    def test_a_work_line_outside_the_stretch_does_not_explain(self):
        resume = [ResumeFact(date(2002, 8, 1), None, "甲县财政局科员")]
        result = checks.check_work_after_study(
            work_start_date=date(2000, 9, 1), educations=[self.STUDY], resume=resume
        )
        assert codes(result) == [Code.WORK_DURING_STUDY]


def line(start, end, text="甲县财政局科员"):
    return ResumeFact(start, end, text)


class TestResumeContinuity:
    WORK = date(2002, 7, 1)

    def run(self, resume, work=WORK):
        return checks.check_resume_continuity(resume=resume, work_start_date=work, today=TODAY)

    def test_missing_resume(self):
        assert codes(self.run([])) == [Code.RESUME_MISSING]

    def test_continuous_resume_with_open_last_line(self):
        resume = [line(date(1998, 9, 1), date(2002, 7, 1), "云南大学学习"), line(self.WORK, None)]
        assert self.run(resume) == []

    @pytest.mark.parametrize(("missing", "found"), [(N, []), (N + 1, [Code.RESUME_GAP])])
    def test_gap_of_n_days_passes_and_n_plus_one_does_not(self, missing, found):
        first_end = date(2010, 1, 31)
        resume = [line(self.WORK, first_end), line(first_end + DAY * (missing + 1), None)]
        assert codes(self.run(resume)) == found

    def test_touching_and_day_after_lines_leave_no_gap(self):
        resume = [
            line(self.WORK, date(2005, 7, 1)),
            line(date(2005, 7, 1), date(2008, 3, 31)),  # shares the boundary day
            line(date(2008, 4, 1), None),  # starts the day after
        ]
        assert self.run(resume) == []

    def test_month_written_lines_pass(self):
        resume = [line(self.WORK, date(2005, 6, 1)), line(date(2005, 7, 1), None)]
        assert self.run(resume) == []

    def test_gap_message_names_the_dates(self):
        resume = [line(self.WORK, date(2005, 6, 1)), line(date(2005, 9, 1), None)]
        (issue,) = self.run(resume)
        assert issue.message == "简历2005.06至2005.09之间断档91天"
        assert issue.fields == ("resume",)

    @pytest.mark.parametrize(
        ("first_start", "found"),
        [
            (date(2002, 7, 1) + DAY * N, []),
            (date(2002, 7, 1) + DAY * (N + 1), [Code.RESUME_START]),
            (date(1998, 9, 1), []),
        ],
    )
    def test_first_line_no_later_than_the_work_start(self, first_start, found):
        assert codes(self.run([line(first_start, None)])) == found

    def test_late_start_message(self):
        (issue,) = self.run([line(date(2003, 1, 1), None)])
        assert issue.message == "参加工作时间为2002.07，简历自此至2002.12.31无记载（184天）"
        assert issue.fields == ("resume", "work_start_date")

    @pytest.mark.parametrize(("ended_days_ago", "found"), [(N, []), (N + 1, [Code.RESUME_GAP])])
    def test_closed_last_line_leaves_a_gap_to_today(self, ended_days_ago, found):
        resume = [line(self.WORK, TODAY - DAY * ended_days_ago)]
        assert codes(self.run(resume)) == found

    def test_only_study_lines_before_the_work_start(self):
        resume = [line(date(1998, 9, 1), date(2002, 7, 1), "云南大学学习")]
        (issue,) = self.run(resume, work=date(2003, 1, 1))
        assert issue.code == Code.RESUME_START

    def test_time_between_graduation_and_work_start_is_not_checked(self):
        resume = [
            line(date(1998, 9, 1), date(2002, 7, 1), "云南大学学习"),
            line(date(2003, 1, 1), None),
        ]
        assert self.run(resume, work=date(2003, 1, 1)) == []

    def test_future_work_start_is_left_to_the_date_rule(self):
        assert self.run([line(date(2027, 1, 1), None)], work=date(2027, 1, 1)) == []


class TestResumeOverlap:
    def run(self, resume):
        return checks.check_resume_overlap(resume, today=TODAY)

    def test_touching_lines_pass(self):
        resume = [
            line(date(2002, 7, 1), date(2005, 7, 1)),
            line(date(2005, 7, 1), date(2008, 7, 1)),
            line(date(2008, 7, 1), None),
        ]
        assert self.run(resume) == []

    def test_lines_sharing_the_boundary_month_pass(self):
        resume = [line(date(2002, 7, 1), date(2005, 7, 20)), line(date(2005, 7, 1), None)]
        assert self.run(resume) == []

    def test_a_month_of_overlap_is_reported(self):
        resume = [
            line(date(2002, 7, 1), date(2005, 8, 1), "甲县财政局科员"),
            line(date(2005, 7, 1), None, "乙县财政局副局长"),
        ]
        (issue,) = self.run(resume)
        assert issue.code == Code.RESUME_OVERLAP
        assert issue.message == (
            "简历“甲县财政局科员”（2002.07—2005.08）与“乙县财政局副局长”（2005.07—2026.11.25）时间重叠"
        )

    def test_same_start_overlaps(self):
        resume = [line(date(2002, 7, 1), date(2002, 7, 1)), line(date(2002, 7, 1), None)]
        assert codes(self.run(resume)) == [Code.RESUME_OVERLAP]

    def test_open_ended_line_that_is_not_the_last(self):
        resume = [
            line(date(2002, 7, 1), None, "甲县财政局科员"),
            line(date(2005, 7, 1), date(2008, 7, 1)),
            line(date(2008, 7, 1), None),
        ]
        assert codes(self.run(resume)) == [Code.RESUME_OVERLAP, Code.RESUME_OVERLAP]

    def test_nested_line_overlaps_the_long_one(self):
        resume = [
            line(date(2002, 7, 1), date(2010, 7, 1), "长"),
            line(date(2004, 7, 1), date(2005, 7, 1), "短"),
            line(date(2010, 7, 1), None),
        ]
        (issue,) = self.run(resume)
        assert "“长”" in issue.message and "“短”" in issue.message


class TestDateOrder:
    def test_reversed_parts(self):
        found = checks.check_date_order(
            educations=[edu(date(2002, 7, 1), date(1998, 9, 1))],
            resume=[line(date(2005, 7, 1), date(2005, 6, 1), "颠倒的简历")],
            appointments=[
                AppointmentFact(date(2010, 1, 1), date(2009, 1, 1), "副局长", "甲县财政局")
            ],
        )
        assert [(i.code, i.fields) for i in found] == [
            (Code.DATE_ORDER, ("education",)),
            (Code.DATE_ORDER, ("resume",)),
            (Code.DATE_ORDER, ("appointment",)),
        ]
        assert found[1].message == "简历“颠倒的简历”的截止时间2005.06早于起始时间2005.07"

    def test_same_day_and_open_ends_pass(self):
        assert (
            checks.check_date_order(
                educations=[edu(date(2002, 7, 1), date(2002, 7, 1)), edu(None, None)],
                resume=[line(date(2005, 7, 1), None)],
                appointments=[AppointmentFact(date(2010, 1, 1), date(2010, 1, 1), "x", "y")],
            )
            == []
        )


class TestEducation:
    def test_full_time_studies_may_touch_by_the_month(self):
        studies = [
            edu(date(1998, 9, 1), date(2002, 7, 1)),
            edu(date(2002, 7, 15), date(2005, 7, 1), level="master", degree="master"),
        ]
        assert checks.check_education_overlap(studies) == []

    def test_overlapping_full_time_studies(self):
        studies = [
            edu(date(1998, 9, 1), date(2002, 7, 1)),
            edu(date(2001, 9, 1), date(2004, 7, 1), level="master", school="北京大学"),
            edu(date(2000, 9, 1), date(2003, 7, 1), mode="in_service"),  # in-service may overlap
        ]
        (issue,) = checks.check_education_overlap(studies)
        assert issue.code == Code.EDUCATION_OVERLAP and "北京大学" in issue.message

    @pytest.mark.parametrize(
        ("level", "degree", "found"),
        [
            ("bachelor", "bachelor", []),
            ("bachelor", "master", []),  # 同等学力申请硕士学位
            ("associate", "none", []),
            ("associate", "bachelor", [Code.DEGREE_LEVEL]),
            ("secondary", "master", [Code.DEGREE_LEVEL]),
        ],
    )
    def test_degree_needs_bachelor_level(self, level, degree, found):
        result = checks.check_degree_level([edu(None, None, level=level, degree=degree)])
        assert codes(result) == found

    def test_highest_education(self):
        studies = [edu(None, None), edu(None, None, level="master", degree="master")]
        assert checks.check_highest_education(highest_education="master", educations=studies) == []
        assert checks.check_highest_education(highest_education="", educations=[]) == []
        (issue,) = checks.check_highest_education(highest_education="bachelor", educations=studies)
        assert issue.message == "最高学历“大学本科”与学历学位记录中的最高学历“硕士研究生”不一致"


def appt(start, end, post="副局长", unit="甲县财政局"):
    return AppointmentFact(start, end, post, unit)


class TestAppointmentsInResume:
    def run(self, appointments, resume):
        return checks.check_appointments_in_resume(
            appointments=appointments, resume=resume, today=TODAY
        )

    def test_term_inside_a_line_mentioning_the_post(self):
        resume = [line(date(2010, 3, 1), date(2015, 6, 1), "甲县财政局副局长")]
        assert self.run([appt(date(2010, 3, 15), date(2015, 6, 20))], resume) == []

    def test_term_over_several_lines_is_covered_by_their_union(self):
        resume = [
            line(date(2010, 3, 1), date(2012, 6, 1), "甲县财政局副局长"),
            line(date(2012, 6, 1), None, "甲县财政局副局长（正科级）"),
        ]
        assert self.run([appt(date(2010, 3, 1), None)], resume) == []

    @pytest.mark.parametrize(("late", "found"), [(N, []), (N + 1, [Code.APPOINTMENT_PERIOD])])
    def test_uncovered_stretch_tolerance(self, late, found):
        start = date(2010, 3, 1)
        resume = [line(start + DAY * late, None, "甲县财政局副局长")]
        assert codes(self.run([appt(start, None)], resume)) == found

    def test_period_message(self):
        resume = [
            line(date(2008, 1, 1), date(2010, 6, 1), "甲县财政局副局长"),
            line(date(2012, 1, 1), None, "甲县财政局副局长"),
        ]
        (issue,) = self.run([appt(date(2010, 3, 1), date(2013, 1, 1))], resume)
        assert issue.message == (
            "任职“甲县财政局副局长”（2010.03—2013.01）期间，简历2010.06.02至2011.12.31无记载"
        )
        assert issue.fields == ("appointment", "resume")

    def test_text_must_mention_post_or_unit(self):
        resume = [line(date(2010, 1, 1), None, "乙县教育局科员")]
        (issue,) = self.run([appt(date(2010, 3, 1), None)], resume)
        assert issue.code == Code.APPOINTMENT_TEXT and "“乙县教育局科员”" in issue.message

    @pytest.mark.parametrize(
        ("text", "post", "unit"),
        [
            ("中共甲县县委常委、组织部部长", "县委常委", "中共甲县县委"),
            ("甲县县委组织部 部长", "部长", "中共甲县县委组织部"),
            ("甲县财政局办公室主任", "副局长", "甲县财政局"),  # loose: the unit is enough
        ],
    )
    def test_loose_matching(self, text, post, unit):
        resume = [line(date(2010, 1, 1), None, text)]
        assert self.run([appt(date(2010, 3, 1), None, post=post, unit=unit)], resume) == []

    def test_each_line_of_the_term_must_name_it(self):
        resume = [
            line(date(2008, 1, 1), date(2012, 3, 1), "甲县教育局科长"),
            line(date(2012, 3, 1), None, "甲县财政局副局长"),
        ]
        (issue,) = self.run([appt(date(2010, 3, 1), None)], resume)
        assert issue.code == Code.APPOINTMENT_TEXT
        assert (
            issue.message
            == "任职“甲县财政局副局长”（2010.03—至今）在同期简历“甲县教育局科长”中未见记载"
        )

    def test_unit_name_alone_agrees_unless_switched_off(self, monkeypatch):
        resume = [line(date(2008, 1, 1), None, "甲县财政局科长")]
        assert self.run([appt(date(2010, 3, 1), None)], resume) == []
        monkeypatch.setattr(checks, "MATCH_UNIT_NAME", False)
        assert codes(self.run([appt(date(2010, 3, 1), None)], resume)) == [Code.APPOINTMENT_TEXT]

    @pytest.mark.parametrize(
        ("texts", "found"),
        [
            (("乙县教育局科员", "甲县财政局副局长"), []),
            (("乙县教育局科员", "乙县教育局科长"), [Code.APPOINTMENT_TEXT]),
        ],
    )
    def test_a_short_term_needs_one_line_naming_it(self, texts, found):
        resume = [
            line(date(2005, 1, 1), date(2010, 3, 10), texts[0]),
            line(date(2010, 3, 10), None, texts[1]),
        ]
        short = appt(date(2010, 3, 1), date(2010, 3, 20))
        assert codes(self.run([short], resume)) == found

    def test_boundary_month_of_the_previous_line_does_not_count(self):
        resume = [
            line(date(2005, 1, 1), date(2010, 3, 1), "乙县教育局科员"),
            line(date(2010, 3, 1), None, "甲县财政局副局长"),
        ]
        assert self.run([appt(date(2010, 3, 1), None)], resume) == []

    def test_nothing_without_a_resume(self):
        assert self.run([appt(date(2010, 3, 1), None)], []) == []


class TestCheckRecord:
    def test_clean_record(self):
        facts = RecordFacts(
            birth_date=date(1980, 5, 17),
            work_start_date=date(2002, 7, 1),
            party_join_date=date(2001, 6, 1),
            party_member=True,
            highest_education="bachelor",
            educations=(edu(date(1998, 9, 1), date(2002, 7, 1)),),
            resume=(
                line(date(1998, 9, 1), date(2002, 7, 1), "云南大学法学专业学习"),
                line(date(2002, 7, 1), date(2010, 3, 1), "甲县财政局科员"),
                line(date(2010, 3, 1), None, "甲县财政局副局长"),
            ),
            appointments=(appt(date(2010, 3, 1), None),),
        )
        assert checks.check_record(facts, today=TODAY) == []

    def test_everything_wrong_at_once(self):
        facts = RecordFacts(
            birth_date=date(1980, 5, 17),
            work_start_date=date(1995, 7, 1),
            party_join_date=date(1997, 6, 1),
            party_member=True,
            highest_education="associate",
            educations=(edu(date(1994, 9, 1), date(1998, 7, 1), level="associate"),),
            resume=(line(date(1999, 1, 1), date(2001, 1, 1), "乙县教育局科员"),),
            appointments=(appt(date(2000, 3, 1), date(2000, 12, 1)),),
        )
        found = set(codes(checks.check_record(facts, today=TODAY)))
        assert found == {
            Code.PARTY_AGE,
            Code.WORK_AGE,
            Code.WORK_DURING_STUDY,
            Code.DEGREE_LEVEL,
            Code.RESUME_START,
            Code.RESUME_GAP,
            Code.APPOINTMENT_TEXT,
        }

    def test_gap_tolerance_is_a_parameter(self):
        facts = RecordFacts(
            birth_date=date(1980, 5, 17),
            work_start_date=date(2002, 7, 1),
            resume=(line(date(2002, 7, 1), date(2005, 6, 1)), line(date(2005, 9, 1), None)),
        )
        assert codes(checks.check_record(facts, today=TODAY)) == [Code.RESUME_GAP]
        assert checks.check_record(facts, today=TODAY, max_gap_days=100) == []
