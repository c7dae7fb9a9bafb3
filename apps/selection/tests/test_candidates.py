"""Candidate search (selectors_candidates, views, export): who is listed for a target, near-misses
with their pass date, the explanation of a missing cadre, filters and sort, and scope — another
county's cadre is never listed, never explained, 404 in detail and absent from the export."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import apps.selection.exports_candidates  # noqa: F401 (registers the export; apps.py: lead)
from apps.accounts.models import ManagedBy
from apps.assessment.constants import AnnualGrade, SheetStatus
from apps.assessment.models import AnnualSheet
from apps.assessment.tests.factories import AnnualAssessmentFactory, AnnualSheetFactory
from apps.cadres.constants import EducationLevel, Gender
from apps.cadres.models import Appointment, Cadre, RankRecord
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus
from apps.frontline.tests.factories import FrontlineServiceFactory
from apps.selection.engine import Target
from apps.selection.models import ExceptionalPromotion
from apps.selection.selectors_candidates import (
    CandidateFilters,
    eligibility_of,
    explain,
    next_targets,
    screen,
)
from apps.selection.tests.factories import NegativeFlagFactory, ReserveEntryFactory
from apps.units.constants import Tier
from apps.units.models import Unit

ON = date(2026, 11, 25)
DD = Target(tier=Tier.DIVISION_DEPUTY)


def grade(cadre: Cadre, year: int, value: str = AnnualGrade.COMPETENT) -> None:
    """A submitted annual grade (one sheet per unit and year)."""
    sheet = AnnualSheet.objects.filter(unit=cadre.unit, year=year).first()
    sheet = sheet or AnnualSheetFactory(unit=cadre.unit, year=year, status=SheetStatus.SUBMITTED)
    AnnualAssessmentFactory(cadre=cadre, year=year, sheet=sheet, grade=value)


def hold(cadre: Cadre, unit: Unit, tier: str, start: date, end: date | None = None) -> None:
    post = PostFactory(unit=unit, tier=tier)
    Appointment.objects.create(cadre=cadre, post=post, start_date=start, end_date=end)


def section_principal(unit: Unit, name: str, since: date, **kw: object) -> Cadre:
    """A 乡科级正职 (since `since`, before that 乡科级副职 in the township) graded 称职 for 2025."""
    cadre = CadreFactory(
        name=name,
        unit=unit,
        tier=Tier.SECTION_PRINCIPAL,
        work_start_date=date(2008, 7, 1),
        highest_education=EducationLevel.BACHELOR,
        **kw,
    )
    hold(cadre, unit, Tier.SECTION_DEPUTY, date(2015, 1, 1), since)
    hold(cadre, unit, Tier.SECTION_PRINCIPAL, since)
    grade(cadre, 2025)
    return cadre


@dataclass
class People:
    ready: Cadre
    near: Cadre
    blocked: Cadre
    two_step: Cadre
    two_step_plain: Cadre
    other_county: Cadre


@pytest.fixture
def people(city) -> People:
    town, dept = city.county_a_town, city.county_a_dept
    ready = section_principal(town, "张伟", date(2020, 1, 1), birth_date=date(1982, 3, 1))
    FrontlineServiceFactory(cadre=ready, start_date=date(2021, 3, 1), end_date=date(2023, 2, 28))
    ReserveEntryFactory(cadre=ready, pool__unit=city.county_a)
    near = section_principal(dept, "李娜", date(2024, 6, 1), gender=Gender.FEMALE)
    blocked = section_principal(town, "王强", date(2019, 1, 1))
    NegativeFlagFactory(cadre=blocked, start_date=date(2026, 1, 1))
    two_step = CadreFactory(
        name="赵敏",
        unit=town,
        tier=Tier.SECTION_DEPUTY,
        work_start_date=date(2008, 7, 1),
        highest_education=EducationLevel.BACHELOR,
        birth_date=date(1990, 1, 1),
    )
    hold(two_step, town, Tier.SECTION_DEPUTY, date(2016, 1, 1))
    grade(two_step, 2025)
    ExceptionalPromotion.objects.create(
        cadre=two_step,
        target_tier=Tier.DIVISION_DEPUTY,
        ground="hardship_area",
        explanation="在艰苦地区实绩突出",
        waived_rules=["ELG-9-1", "ELG-8-3"],
        approved_on=date(2026, 6, 1),
    )
    two_step_plain = CadreFactory(name="钱进", unit=town, tier=Tier.SECTION_DEPUTY)
    other = section_principal(city.county_b_dept, "孙丽", date(2018, 1, 1))
    return People(ready, near, blocked, two_step, two_step_plain, other)


def ids(screening) -> set[int]:
    return {r.cadre_id for r in screening.rows}


class TestScreen:
    def test_eligible_near_and_excluded(self, officer_a, people):
        result = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters())
        assert ids(result) == {people.ready.pk, people.two_step.pk}
        assert result.eligible == 2 and result.near == 1
        # Judged: the three 乡科级正职 of county A and the 破格 two-step cadre; never the plain
        # two-step cadre (prefiltered) nor county B's cadre (scope).
        assert result.screened == 4
        waived = next(r for r in result.rows if r.cadre_id == people.two_step.pk)
        assert waived.waived and waived.eligible

    def test_near_misses_with_their_pass_date(self, officer_a, people):
        result = screen(
            actor=officer_a, target=DD, on=ON, filters=CandidateFilters(include_near=True)
        )
        row = next(r for r in result.rows if r.cadre_id == people.near.pk)
        assert not row.eligible and row.passes_on == date(2027, 6, 1)  # 3 years from 2024-06-01
        assert result.rows[-1].cadre_id == people.near.pk  # eligible first
        assert people.blocked.pk not in ids(result)  # an open flag: time will not cure it

    def test_the_day_judged_moves_a_near_miss_in(self, officer_a, people):
        result = screen(actor=officer_a, target=DD, on=date(2027, 6, 1), filters=CandidateFilters())
        assert people.near.pk in ids(result)
        before = screen(
            actor=officer_a, target=DD, on=date(2027, 5, 31), filters=CandidateFilters()
        )
        assert people.near.pk not in ids(before)

    def test_columns(self, officer_a, people):
        result = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters())
        row = next(r for r in result.rows if r.cadre_id == people.ready.pk)
        assert row.unit == "甲县城关镇" and row.tier == "乡科级正职"
        assert row.age == 44 and row.education == "大学本科"
        assert 23 < row.frontline_months <= 24 and row.frontline_qualifies
        assert row.grades[0] == (2025, "称职") and row.grades[1] == (2024, "—")
        assert row.training_hours is None  # no training source registered: "—"
        assert row.in_reserve
        assert row.tenure_months == 82  # 乡科级正职 since 2020-01-01
        assert row.warnings >= 1  # training unknown at least

    def test_city_officer_sees_only_city_managed(self, officer_city, people):
        result = screen(actor=officer_city, target=DD, on=ON, filters=CandidateFilters())
        assert result.screened == 0 and not result.rows  # all of them are 县管

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            (CandidateFilters(frontline_only=True), {"ready"}),
            (CandidateFilters(gender=Gender.FEMALE, include_near=True), {"near"}),
            (CandidateFilters(age_max=40), {"two_step"}),
            (CandidateFilters(age_max=44), {"ready", "two_step"}),
            (CandidateFilters(education=EducationLevel.MASTER), set()),
            (CandidateFilters(education=EducationLevel.BACHELOR), {"ready", "two_step"}),
        ],
    )
    def test_filters(self, officer_a, people, filters, expected):
        result = screen(actor=officer_a, target=DD, on=ON, filters=filters)
        assert ids(result) == {getattr(people, name).pk for name in expected}

    def test_unit_filter_is_a_subtree_within_scope(self, officer_a, city, people):
        dept = CandidateFilters(unit_id=city.county_a_dept.pk, include_near=True)
        assert ids(screen(actor=officer_a, target=DD, on=ON, filters=dept)) == {people.near.pk}
        foreign = CandidateFilters(unit_id=city.county_b_dept.pk)
        assert ids(screen(actor=officer_a, target=DD, on=ON, filters=foreign)) == set()

    @pytest.mark.parametrize(
        ("sort", "first"),
        [("name", "ready"), ("-name", "two_step"), ("-frontline", "ready"), ("age", "two_step")],
    )
    def test_sort(self, officer_a, people, sort, first):
        result = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters(sort=sort))
        assert result.rows[0].cadre_id == getattr(people, first).pk

    def test_rank_target_prefilters_holders_of_the_source(self, officer_a, people, city):
        CadreFactory(unit=city.county_a_dept, rank_grade="principal_staff_2")
        above = CadreFactory(unit=city.county_a_dept, rank_grade="principal_staff_1")
        result = screen(
            actor=officer_a,
            target=Target(rank="principal_staff_1"),
            on=ON,
            filters=CandidateFilters(include_near=True),
        )
        # 乡科级正职 and 二级主任科员 are its sources; the 一级主任科员 is already there.
        assert result.screened == 4
        assert above.pk not in ids(result) and people.two_step.pk not in ids(result)
        assert people.ready.pk in ids(result)  # 乡科级正职 since 2020: served 2 years


class TestExplain:
    def test_a_blocked_cadre_gets_the_reason(self, officer_a, people):
        [found] = explain(actor=officer_a, target=DD, on=ON, text="王强")
        assert not found.verdict.eligible and not found.near
        assert [c.rule for c in found.verdict.failures] == ["ELG-24-1"]
        event = AuditEvent.objects.filter(action="selection.eligibility.view").latest("id")
        assert event.target_id == str(people.blocked.pk)

    def test_pinyin_initials_and_near_miss(self, officer_a, people):
        [found] = explain(actor=officer_a, target=DD, on=ON, text="ln")
        assert found.cadre_id == people.near.pk and found.near

    def test_out_of_scope_is_not_found(self, officer_a, people):
        assert explain(actor=officer_a, target=DD, on=ON, text="孙丽") == []
        assert explain(actor=officer_a, target=DD, on=ON, text="  ") == []


class TestEligibilityOf:
    def test_next_steps(self, officer_a, people):
        _cadre, verdicts = eligibility_of(
            actor=officer_a, cadre_id=people.ready.pk, target=None, on=ON
        )
        # 乡科级正职 is also the source of 一级主任科员 (RANK-18-1)
        assert [v.target for v in verdicts] == [DD, Target(rank="principal_staff_1")]

    def test_next_targets(self, people):
        from apps.selection.facts import facts_of

        f = facts_of(people.ready.pk, ON)
        assert next_targets(f) == [DD, Target(rank="principal_staff_1")]
        staff = CadreFactory(unit=people.ready.unit, rank_grade="principal_staff_2")
        assert next_targets(facts_of(staff.pk, ON)) == [
            Target(tier=Tier.DIVISION_DEPUTY),  # 二级主任科员 ≈ 乡科级正职 (RANK_TIER)
            Target(rank="principal_staff_1"),
        ]
        nobody = CadreFactory(unit=people.ready.unit)
        assert next_targets(facts_of(nobody.pk, ON)) == [Target(tier=Tier.SECTION_DEPUTY)]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestViews:
    def test_page_with_default_target(self, officer_a, people):
        response = login(officer_a).get(reverse("selection:candidate_search"), {"on": "2026-11-25"})
        assert response.status_code == 200
        html = response.content.decode()
        assert f"/selection/eligibility/{people.ready.pk}/" in html
        assert f"/selection/eligibility/{people.two_step.pk}/" in html
        assert f"/selection/eligibility/{people.other_county.pk}/" not in html
        assert "符合资格 <strong>2</strong> 人" in html

    def test_htmx_partials(self, officer_a, people):
        c = login(officer_a)
        url = reverse("selection:candidate_search")
        query = {"kind": "tier", "tier": "division_deputy", "on": "2026-11-25", "near": "on"}
        results = c.get(url, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="candidate-results")
        assert b"candidate-filters" not in results.content and "李娜" in results.content.decode()
        whole = c.get(url, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="candidate-page")
        assert b"candidate-filters" in whole.content

    def test_post_target_offers_only_posts_in_scope(self, officer_a, city, people):
        post = PostFactory(unit=city.county_a, tier=Tier.DIVISION_DEPUTY, title="副县长")
        foreign = PostFactory(unit=city.county_b, tier=Tier.DIVISION_DEPUTY, title="乙县副县长")
        c = login(officer_a)
        url = reverse("selection:candidate_search")
        ok = c.get(url, {"kind": "post", "post_unit": city.county_a.pk, "post": post.pk})
        link = f"/selection/eligibility/{people.ready.pk}/"
        assert "副县长" in ok.content.decode() and link in ok.content.decode()
        bad = c.get(url, {"kind": "post", "post_unit": city.county_b.pk, "post": foreign.pk})
        assert link not in bad.content.decode() and "乙县副县长" not in bad.content.decode()

    def test_rank_target_needs_a_rank(self, officer_a, people):
        response = login(officer_a).get(reverse("selection:candidate_search"), {"kind": "rank"})
        assert "请选择拟晋升职级" in response.content.decode()

    def test_explain_view(self, officer_a, people):
        c = login(officer_a)
        url = reverse("selection:candidate_explain")
        html = c.get(url, {"kind": "tier", "tier": "division_deputy", "who": "王强"}).content
        assert "不符合任职资格" in html.decode()
        foreign = c.get(url, {"kind": "tier", "tier": "division_deputy", "who": "孙丽"})
        assert "未找到" in foreign.content.decode()

    def test_detail_is_audited_and_scoped(self, officer_a, people):
        c = login(officer_a)
        url = reverse("selection:eligibility_detail", args=[people.near.pk])
        response = c.get(url, {"tier": "division_deputy", "on": "2026-11-25"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "将于2027-06-01满足" in html and "ELG-8-3" in html and "第八条" in html
        event = AuditEvent.objects.filter(action="selection.eligibility.view").latest("id")
        assert event.target_id == str(people.near.pk) and event.outcome == AuditOutcome.OK
        foreign = reverse("selection:eligibility_detail", args=[people.other_county.pk])
        assert c.get(foreign, {"tier": "division_deputy"}).status_code == 404
        denied = AuditEvent.objects.filter(action="selection.eligibility.view").latest("id")
        assert denied.outcome == AuditOutcome.DENIED

    def test_detail_shows_the_waiver_ground(self, officer_a, people):
        url = reverse("selection:eligibility_detail", args=[people.two_step.pk])
        html = login(officer_a).get(url, {"tier": "division_deputy", "on": "2026-11-25"})
        text = html.content.decode()
        assert "破格提拔依据" in text and "在条件艰苦、环境复杂、基础差的地区或单位实绩突出" in text

    def test_detail_refuses_a_foreign_post(self, officer_a, city, people):
        foreign = PostFactory(unit=city.county_b, tier=Tier.DIVISION_DEPUTY)
        url = reverse("selection:eligibility_detail", args=[people.ready.pk])
        assert login(officer_a).get(url, {"post": foreign.pk}).status_code == 404

    def test_other_roles_are_refused(self, city, people):
        from apps.accounts.tests.factories import UserFactory

        auditor = UserFactory(role="auditor")
        response = login(auditor).get(reverse("selection:candidate_search"))
        assert response.status_code == 403


class TestExport:
    def test_export_is_scoped_with_chosen_columns_and_audited(
        self, officer_a, people, django_capture_on_commit_callbacks
    ):
        url = reverse("jobs:list_export", args=["selection_candidates"])
        query = "?kind=tier&tier=division_deputy&on=2026-11-25&near=on&cols=unit&cols=frontline"
        with django_capture_on_commit_callbacks(execute=True):
            response = login(officer_a).post(url + query)
        assert response.status_code == 302
        job = Job.objects.latest("id")
        assert job.status == JobStatus.DONE and job.total == 3
        with job.result_file.open("rb") as fh:
            rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
        assert rows[0] == ("姓名", "单位", "一线经历（月）", "具有一线经历", "任职资格", "审查日期")
        assert {r[0] for r in rows[1:]} == {"张伟", "赵敏", "李娜"}  # 孙丽 (county B) absent
        assert ("李娜", "甲县财政局", 0, "否", "将于2027-06-01满足", "2026-11-25") in rows
        event = AuditEvent.objects.get(action="list.export")
        assert event.detail["list"] == "selection_candidates" and event.detail["rows"] == 3


def test_managed_by_matters(officer_a, city):
    """A 市管 cadre inside county A is outside a 县管 grant."""
    city_managed = section_principal(
        city.county_a_town, "周杰", date(2018, 1, 1), managed_by=ManagedBy.CITY
    )
    result = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters())
    assert city_managed.pk not in ids(result)


def test_grades_shown_are_the_last_three_years(officer_a, people):
    grade(people.ready, 2024, AnnualGrade.EXCELLENT)
    result = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters())
    row = next(r for r in result.rows if r.cadre_id == people.ready.pk)
    assert row.grades == ((2025, "称职"), (2024, "优秀"), (2023, "—"))


def test_cadres_without_any_grassroots_experience_are_not_judged(officer_a, city):
    """ELG-8-1 can never be met without a grassroots period: the SQL prefilter skips them,
    and the screening's result is the same as judging everyone."""
    from apps.selection import engine
    from apps.selection import facts as facts_mod

    office = CadreFactory(
        name="周洁",
        unit=city.county_a,
        tier="",
        rank_grade="principal_staff_1",
        work_start_date=date(2005, 7, 1),
        highest_education=EducationLevel.BACHELOR,
    )
    RankRecord.objects.create(
        cadre=office, rank_grade="principal_staff_1", start_date=date(2018, 1, 1)
    )
    grade(office, 2025)
    town = section_principal(city.county_a_town, "吴刚", date(2019, 1, 1))
    result = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters(include_near=True))
    assert town.pk in ids(result) and office.pk not in ids(result)
    assert result.screened == 1
    verdict = engine.evaluate(facts_mod.facts_of(office.pk, ON), DD, ON)
    assert not verdict.eligible and verdict.passes_on is None  # fails ELG-8-1 for good
    assert [c.rule for c in verdict.failures] == ["ELG-8-1"]
    # A 破格 ground for the tier brings the cadre back to be judged.
    ExceptionalPromotion.objects.create(
        cadre=office,
        target_tier=Tier.DIVISION_DEPUTY,
        ground="specialist_urgent",
        explanation="专业性较强岗位急需，经研究同意破格提拔",
        waived_rules=["ELG-8-1"],
        approved_on=date(2026, 6, 1),
    )
    again = screen(actor=officer_a, target=DD, on=ON, filters=CandidateFilters())
    assert office.pk in ids(again) and again.screened == 2
