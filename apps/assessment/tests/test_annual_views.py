"""年度考核 pages: overview, opening a sheet, the grid (scope matrix, live counter, row errors,
submit, reopen), flags, proposals, chart, exports and the cadre page's 考核 tab."""

import json
from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.constants import AnnualGrade, AwardKind, ProposalStatus, SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet, AwardProposal, FollowUpFlag
from apps.assessment.services import annual as services
from apps.assessment.tests.factories import AnnualAssessmentFactory, RoutineAssessmentFactory
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.models import Job
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db

E, C, B = AnnualGrade.EXCELLENT, AnnualGrade.COMPETENT, AnnualGrade.BASICALLY_COMPETENT


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sheet(city, officer_a):
    """County A's finance bureau, 2026: five 县管 cadres (quota 1), one 市管 cadre graded 优秀 by
    the city; 张伟 has routine grades."""
    names = ["张伟", "李娜", "王强", "刘洋", "陈静"]
    people = [CadreFactory(name=n, unit=city.county_a_dept) for n in names]
    RoutineAssessmentFactory(cadre=people[0], year=2026, period=1)
    RoutineAssessmentFactory(cadre=people[0], year=2026, period=2, grade="fair_good")
    sheet = services.sheet_open(actor=officer_a, unit_id=city.county_a_dept.pk, year=2026)
    city_cadre = CadreFactory(name="市管甲", unit=city.county_a_dept, managed_by=ManagedBy.CITY)
    AnnualAssessmentFactory(cadre=city_cadre, sheet=sheet, year=2026, grade=E)
    sheet.participants = 6
    sheet.excellent_quota = 1
    sheet.save()
    return sheet


def rows(sheet):
    return {a.cadre.name: a for a in sheet.rows.select_related("cadre")}


def export(user, name, query, capture):
    client = login(user)
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=[name]) + query)
    job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    book = load_workbook(BytesIO(job.result_file.read())).active
    return list(book.iter_rows(min_row=2, values_only=True))


class TestOverview:
    url = reverse("assessment:annual_overview") + "?year=2026"

    def test_scope_and_counts(self, city, sheet, officer_a, officer_b, leader_a):
        response = login(officer_a).get(self.url)
        by_unit = {r.unit.name: r for r in response.context["page"].object_list}
        assert set(by_unit) == {"甲县财政局"}
        row = by_unit["甲县财政局"]
        assert (row.sheet, row.excellent, row.cadres) == (sheet, 1, 5)
        assert "1/1" in response.content.decode()
        other = login(officer_b).get(self.url)
        assert [r.unit.name for r in other.context["page"].object_list] == []
        CadreFactory(unit=city.county_b_dept)
        other = login(officer_b).get(self.url)
        assert [r.status_text for r in other.context["page"].object_list] == ["未开始"]
        assert 'data-testid="open-sheet"' in other.content.decode()
        read = login(leader_a).get(self.url)
        assert read.status_code == 200 and 'data-testid="open-sheet"' not in read.content.decode()
        admin = UserFactory(username="auditor1", role=Role.AUDITOR)
        assert login(admin).get(self.url).status_code == 403

    def test_open_sheet(self, city, officer_a, officer_b, leader_a):
        CadreFactory(unit=city.county_b_dept)
        data = {"unit": city.county_b_dept.pk, "year": 2026}
        url = reverse("assessment:annual_open")
        assert login(officer_a).post(url, data).status_code == 404
        assert login(leader_a).post(url, data).status_code == 403
        response = login(officer_b).post(url, data)
        sheet = AnnualSheet.objects.get(unit=city.county_b_dept)
        assert response.url == reverse("assessment:annual_grid", args=[sheet.pk])
        future = login(officer_b).post(url, {"unit": city.county_b_dept.pk, "year": 2030})
        assert future.status_code == 302 and "year=2030" in future.url


class TestGrid:
    def url(self, sheet):
        return reverse("assessment:annual_grid", args=[sheet.pk])

    def test_scope_matrix(self, sheet, officer_a, officer_b, leader_a, officer_city):
        response = login(officer_a).get(self.url(sheet))
        assert response.status_code == 200
        grid = response.context["grid"]
        assert [r.assessment.cadre.name for r in grid.rows] == [
            "陈静",
            "李娜",
            "刘洋",
            "王强",
            "张伟",
        ]
        assert (grid.used, grid.hidden_excellent, grid.quota) == (1, 1, 1)
        content = response.content.decode()
        assert "优秀 1/1，剩余 0 名" in content and 'data-hidden="1"' in content
        assert "市管甲" not in content
        zhang = next(r for r in grid.rows if r.assessment.cadre.name == "张伟")
        assert [g for _, g in zhang.routine] == ["好", "较好", "—", "—"]
        assert "第一季度：好" in content
        assert login(officer_b).get(self.url(sheet)).status_code == 404
        read = login(leader_a).get(self.url(sheet))
        assert read.status_code == 200 and not read.context["editable"]
        assert 'name="grade-' not in read.content.decode()
        city_view = login(officer_city).get(self.url(sheet))
        assert [r.assessment.cadre.name for r in city_view.context["grid"].rows] == ["市管甲"]

    def test_save_and_row_errors(self, city, sheet, officer_a, officer_b, leader_a):
        people = rows(sheet)
        SanctionFactory(
            cadre=people["李娜"].cadre,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_WARNING,
            effective_date=date(2026, 2, 1),
        )
        data = {
            "version": sheet.version,
            f"grade-{people['张伟'].pk}": C,
            f"comment-{people['张伟'].pk}": "认真负责",
            f"grade-{people['李娜'].pk}": E,
        }
        assert login(leader_a).post(self.url(sheet), data).status_code == 403
        assert login(officer_b).post(self.url(sheet), data).status_code == 404
        refused = login(officer_a).post(self.url(sheet), data)
        assert refused.status_code == 400
        content = refused.content.decode()
        assert "受警告处分当年不得确定为优秀（ASM-DIS-1）" in content and "认真负责" in content
        assert not AnnualAssessment.objects.filter(cadre__name="张伟", grade=C).exists()
        data[f"grade-{people['李娜'].pk}"] = C
        saved = login(officer_a).post(self.url(sheet), data)
        assert saved.status_code == 302
        assert rows(sheet)["张伟"].grade == C and rows(sheet)["张伟"].comment == "认真负责"
        stale = login(officer_a).post(self.url(sheet), data)  # the old version again
        assert stale.status_code == 409 and "甲县干部科" in stale.content.decode()

    def test_submit_over_quota_then_fixed(self, sheet, officer_a):
        people = rows(sheet)
        grades = {"张伟": E, "李娜": C, "王强": C, "刘洋": B, "陈静": C}
        sheet.refresh_from_db()
        data = {"version": sheet.version} | {f"grade-{people[n].pk}": g for n, g in grades.items()}
        client = login(officer_a)
        client.post(self.url(sheet), data)
        page = client.get(self.url(sheet))
        assert "优秀 2/1，超出 1 名" in page.content.decode()
        assert "优秀等次 2 人，超过名额 1 人" in page.content.decode()  # what blocks submission
        sheet.refresh_from_db()
        submit_url = reverse("assessment:annual_submit", args=[sheet.pk])
        response = client.post(submit_url, {"version": sheet.version}, follow=True)
        assert "优秀等次 2 人，超过名额 1 人" in response.content.decode()
        assert AnnualSheet.objects.get(pk=sheet.pk).status == SheetStatus.DRAFT
        client.post(self.url(sheet), {"version": sheet.version, f"grade-{people['张伟'].pk}": C})
        sheet.refresh_from_db()
        done = client.post(submit_url, {"version": sheet.version}, follow=True)
        sheet.refresh_from_db()
        assert sheet.status == SheetStatus.SUBMITTED and "已提交" in done.content.decode()
        assert FollowUpFlag.objects.filter(rule="ASM-21-1").count() == 1
        page = client.get(self.url(sheet))
        assert not page.context["editable"] and page.context["can_reopen"]
        reopen = reverse("assessment:annual_reopen", args=[sheet.pk])
        client.post(reopen, {"version": sheet.version, "reason": ""})
        assert AnnualSheet.objects.get(pk=sheet.pk).status == SheetStatus.SUBMITTED
        client.post(reopen, {"version": sheet.version, "reason": "更正错录"})
        assert AnnualSheet.objects.get(pk=sheet.pk).status == SheetStatus.DRAFT

    def test_grade_filter_is_read_only(self, sheet, officer_a):
        response = login(officer_a).get(self.url(sheet) + "?grade=competent")
        assert response.context["rows"] == [] and not response.context["editable"]
        assert "称职" in response.context["grade_filter"]

    def test_export_scoped(
        self, city, sheet, officer_a, officer_b, django_capture_on_commit_callbacks
    ):
        AnnualAssessmentFactory(cadre=CadreFactory(name="乙县人", unit=city.county_b_dept))
        names = [
            r[2]
            for r in export(
                officer_a,
                "assessment-annual",
                f"?sheet={sheet.pk}",
                django_capture_on_commit_callbacks,
            )
        ]
        assert sorted(names) == sorted(["张伟", "李娜", "王强", "刘洋", "陈静"])
        other = export(
            officer_b, "assessment-annual", f"?sheet={sheet.pk}", django_capture_on_commit_callbacks
        )
        assert other == []
        every = export(officer_b, "assessment-annual", "", django_capture_on_commit_callbacks)
        assert [r[2] for r in every] == ["乙县人"]


class TestFlagsAndProposals:
    @pytest.fixture
    def items(self, city):
        a = AnnualAssessmentFactory(
            cadre=CadreFactory(name="甲县人", unit=city.county_a_dept), grade=B
        )
        b = AnnualAssessmentFactory(
            cadre=CadreFactory(name="乙县人", unit=city.county_b_dept), grade=B
        )
        flags = [
            FollowUpFlag.objects.create(assessment=x, rule="ASM-21-1", text="诫勉") for x in (a, b)
        ]
        props = [
            AwardProposal.objects.create(
                cadre=x.cadre, kind=AwardKind.COMMENDATION, first_year=2026, last_year=2026
            )
            for x in (a, b)
        ]
        return flags, props

    def test_flags_list_and_done(
        self, items, officer_a, officer_b, leader_a, django_capture_on_commit_callbacks
    ):
        flags, _ = items
        url = reverse("assessment:annual_flags")
        page = login(officer_a).get(url)
        assert [f.assessment.cadre.name for f in page.context["page"].object_list] == ["甲县人"]
        assert "登记办理情况" in page.content.decode()
        assert "登记办理情况" not in login(leader_a).get(url).content.decode()
        done_url = reverse("assessment:annual_flag_done", args=[flags[0].pk])
        data = {"done_on": "2026-11-20", "done_note": "已谈话诫勉", "next": url}
        assert login(officer_b).post(done_url, data).status_code == 404
        assert login(leader_a).post(done_url, data).status_code == 403
        assert login(officer_a).post(done_url, data).url == url
        flags[0].refresh_from_db()
        assert flags[0].done_on == date(2026, 11, 20)
        assert login(officer_a).get(url).context["page"].paginator.count == 0
        assert login(officer_a).get(url + "?status=done").context["page"].paginator.count == 1
        rows_b = export(
            officer_b, "assessment-flags", "?status=all", django_capture_on_commit_callbacks
        )
        assert [r[0] for r in rows_b] == ["乙县人"]

    def test_proposals_list_and_decide(
        self, items, officer_a, officer_b, leader_a, django_capture_on_commit_callbacks
    ):
        _, props = items
        url = reverse("assessment:annual_proposals")
        page = login(officer_a).get(url)
        assert [p.cadre.name for p in page.context["page"].object_list] == ["甲县人"]
        confirm = reverse("assessment:annual_proposal_confirm", args=[props[0].pk])
        decline = reverse("assessment:annual_proposal_decline", args=[props[0].pk])
        assert login(officer_b).post(confirm).status_code == 404
        assert login(leader_a).post(confirm).status_code == 403
        login(officer_a).post(decline, {"note": ""})
        assert AwardProposal.objects.get(pk=props[0].pk).status == ProposalStatus.PROPOSED
        login(officer_a).post(confirm, {"note": ""})
        assert AwardProposal.objects.get(pk=props[0].pk).status == ProposalStatus.CONFIRMED
        assert login(officer_a).get(url).context["page"].paginator.count == 0
        assert login(officer_a).get(url + "?status=").context["page"].paginator.count == 1
        rows_a = export(
            officer_a, "assessment-proposals", "?status=", django_capture_on_commit_callbacks
        )
        assert [(r[0], r[5]) for r in rows_a] == [("甲县人", "已确认")]


class TestChart:
    def test_distribution_scoped_with_table_and_drilldown(self, city, sheet, officer_a, officer_b):
        people = rows(sheet)
        for name, g in {"张伟": C, "李娜": C, "王强": B, "刘洋": C, "陈静": C}.items():
            AnnualAssessment.objects.filter(pk=people[name].pk).update(grade=g)
        AnnualSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.SUBMITTED)
        url = reverse("assessment:annual_chart") + "?year=2026"
        response = login(officer_a).get(url)
        assert response.status_code == 200
        assert 'id="grade-chart-data"' in response.content.decode()
        data = json.loads(json.dumps(response.context["chart"]))
        assert data["categories"] == ["甲县财政局"]
        series = {s["name"]: s["data"] for s in data["series"]}
        assert series["称职"] == [4] and series["基本称职"] == [1] and series["优秀"] == [0]
        grid = reverse("assessment:annual_grid", args=[sheet.pk])
        assert data["links"][1] == [f"{grid}?grade=competent"]
        table = response.context["table"]
        assert table[0]["total"] == 5 and table[0]["share"] == "0/5，0.0%"
        assert f"{grid}?grade=competent" in response.content.decode()
        assert login(officer_b).get(url).context["dist"].categories == []
        by_year = login(officer_a).get(
            reverse("assessment:annual_chart") + f"?unit={city.county_a_dept.pk}"
        )
        assert by_year.context["dist"].categories == [(2026, "2026年度")]
        denied = reverse("assessment:annual_chart") + f"?unit={city.county_a_dept.pk}"
        assert login(officer_b).get(denied).status_code == 404


class TestCadreTab:
    def test_recent_results_and_lists(self, city, officer_a):
        cadre = CadreFactory(name="张伟", unit=city.county_a_dept)
        y = date.today().year  # the tab shows the three years before this one
        for year, g in ((y - 3, C), (y - 2, E), (y - 1, C)):
            sheet = AnnualSheet.objects.create(
                unit=city.county_a_dept, year=year, status=SheetStatus.SUBMITTED
            )
            AnnualAssessmentFactory(cadre=cadre, sheet=sheet, year=year, grade=g)
        RoutineAssessmentFactory(cadre=cadre, year=y, period=3, grade="good")
        AwardProposal.objects.create(
            cadre=cadre, kind=AwardKind.COMMENDATION, first_year=y - 2, last_year=y - 2
        )
        client = login(officer_a)
        page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
        assert 'id="tab-assessment"' in page and "考核（4）" in page  # 3 annual + 1 routine
        content = get_tab(client, cadre.pk, "assessment").content.decode()
        assert f"{y - 3}年度称职，{y - 2}年度优秀，{y - 1}年度称职" in content
        assert "第三季度：好" in content
        assert f"建议嘉奖（{y - 2}年度优秀，待确认）" in content
