"""平时考核: the grid service (scope, all or nothing, versions, audit) and its pages (scope
matrix, read-only leaders, completeness, export)."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.constants import RoutineGrade
from apps.assessment.models import RoutineAssessment
from apps.assessment.services.routine import RoutineRow, routine_save_grid
from apps.assessment.tests.factories import RoutineAssessmentFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, Job, RuleParameter

pytestmark = pytest.mark.django_db

GOOD, FAIR, POOR = RoutineGrade.GOOD, RoutineGrade.FAIR_GOOD, RoutineGrade.POOR


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def officer_a2(city):
    user = UserFactory(username="officer_a2", full_name="甲县干部科李四")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def people(city):
    dept = city.county_a_dept
    return {
        "zhang": CadreFactory(name="张伟", unit=dept),
        "li": CadreFactory(name="李娜", unit=dept),
        "city_managed": CadreFactory(name="王市管", unit=dept, managed_by=ManagedBy.CITY),
        "town": CadreFactory(name="赵镇", unit=city.county_a_town),
        "b": CadreFactory(name="孙乙", unit=city.county_b_dept),
    }


def save(actor, unit, rows, year=2026, period=1):
    return routine_save_grid(actor=actor, unit_id=unit.pk, year=year, period=period, rows=rows)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestSaveGrid:
    def test_creates_updates_and_audits_once(self, city, officer_a, people):
        zhang, li = people["zhang"], people["li"]
        result = save(
            officer_a,
            city.county_a_dept,
            [
                RoutineRow(zhang.pk, GOOD, "完成项目审批改革", "表现突出"),
                RoutineRow(li.pk, ""),  # not assessed yet: skipped
            ],
        )
        assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
        row = RoutineAssessment.objects.get()
        assert (row.cadre, row.unit, row.grade, row.entered_by) == (
            zhang,
            city.county_a_dept,
            GOOD,
            officer_a,
        )
        event = AuditEvent.objects.get(action="assessment.routine.save_grid")
        assert event.detail == {
            "year": 2026,
            "period": 1,
            "created": 1,
            "updated": 0,
            "unchanged": 0,
        }
        assert "第一季度" in event.target_repr

        result = save(
            officer_a,
            city.county_a_dept,
            [
                RoutineRow(zhang.pk, FAIR, "完成项目审批改革", "表现突出", version=1),
                RoutineRow(li.pk, POOR),
            ],
        )
        assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
        row.refresh_from_db()
        assert row.grade == FAIR and row.version == 2
        again = save(
            officer_a,
            city.county_a_dept,
            [RoutineRow(zhang.pk, FAIR, "完成项目审批改革", "表现突出", version=2)],
        )
        assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
        assert AuditEvent.objects.filter(action="assessment.routine.save_grid").count() == 3

    def test_all_or_nothing_on_a_bad_row(self, city, officer_a, people):
        rows = [RoutineRow(people["zhang"].pk, GOOD), RoutineRow(people["li"].pk, "excellent")]
        with pytest.raises(DomainError) as exc:
            save(officer_a, city.county_a_dept, rows)
        assert exc.value.fields == {f"row-{people['li'].pk}": "李娜：等次无效"}
        assert not RoutineAssessment.objects.exists()
        assert not AuditEvent.objects.filter(action="assessment.routine.save_grid").exists()

    def test_an_entered_grade_cannot_be_blanked(self, city, officer_a, people):
        entry = RoutineAssessmentFactory(cadre=people["zhang"], year=2026, period=1)
        with pytest.raises(DomainError, match="不能清空"):
            save(officer_a, city.county_a_dept, [RoutineRow(entry.cadre_id, "", version=1)])

    @pytest.mark.parametrize("who", ["b", "town", "city_managed"])
    def test_cadres_outside_scope_or_unit_refuse_everything(self, city, officer_a, people, who):
        rows = [RoutineRow(people["zhang"].pk, GOOD), RoutineRow(people[who].pk, GOOD)]
        with pytest.raises(OutOfScopeError):
            save(officer_a, city.county_a_dept, rows)
        assert not RoutineAssessment.objects.exists()

    def test_another_countys_officer_and_leader_cannot_write(
        self, city, officer_b, leader_a, people
    ):
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                save(actor, city.county_a_dept, [RoutineRow(people["zhang"].pk, GOOD)])

    def test_stale_row_names_who_changed_it(self, city, officer_a, officer_a2, people):
        zhang = people["zhang"]
        # Both loaded the empty grid; officer_a2 saves first.
        save(officer_a2, city.county_a_dept, [RoutineRow(zhang.pk, GOOD)])
        with pytest.raises(StaleVersionError) as exc:
            save(officer_a, city.county_a_dept, [RoutineRow(zhang.pk, POOR)])
        assert "甲县干部科李四" in exc.value.message
        save(officer_a2, city.county_a_dept, [RoutineRow(zhang.pk, FAIR, version=1)])
        with pytest.raises(StaleVersionError, match="甲县干部科李四"):
            save(officer_a, city.county_a_dept, [RoutineRow(zhang.pk, POOR, version=1)])
        assert RoutineAssessment.objects.get().grade == FAIR

    def test_period_follows_the_parameter(self, city, officer_a, people):
        with pytest.raises(DomainError, match="1 至 4"):
            save(officer_a, city.county_a_dept, [RoutineRow(people["zhang"].pk, GOOD)], period=5)
        RuleParameter.objects.create(
            key="assessment.routine_periods_per_year", value=12, effective_from=date(2026, 1, 1)
        )
        save(officer_a, city.county_a_dept, [RoutineRow(people["zhang"].pk, GOOD)], period=5)
        assert RoutineAssessment.objects.get().period == 5


class TestPages:
    def grid_url(self, unit, period=1, year=2026):
        return reverse("assessment:routine_grid", args=[unit.pk, year, period])

    def test_overview_scope_and_completeness(self, city, officer_a, officer_b, people):
        RoutineAssessmentFactory(cadre=people["zhang"], year=2026, period=2)
        url = reverse("assessment:routine_overview") + "?year=2026"
        response = login(officer_a).get(url)
        assert response.status_code == 200
        rows = {r.unit.name: r for r in response.context["page"].object_list}
        assert set(rows) == {"甲县财政局", "甲县城关镇"}
        assert rows["甲县财政局"].total == 2 and rows["甲县财政局"].entered == [0, 1, 0, 0]
        content = response.content.decode()
        assert self.grid_url(city.county_a_dept, 2) in content and "1/2" in content
        other = login(officer_b).get(url)
        assert {r.unit.name for r in other.context["page"].object_list} == {"乙县财政局"}
        partial = login(officer_a).get(url + "&q=城关", headers={"HX-Request": "true"})
        assert [r.unit.name for r in partial.context["page"].object_list] == ["甲县城关镇"]
        assert "<html" not in partial.content.decode()

    def test_grid_scope_matrix(self, city, officer_a, officer_b, leader_a, people):
        url = self.grid_url(city.county_a_dept)
        response = login(officer_a).get(url)
        assert response.status_code == 200
        assert [r["row"].cadre.name for r in response.context["rows"]] == ["李娜", "张伟"]
        assert response.context["can_save"] and 'name="grade-' in response.content.decode()
        assert login(officer_b).get(url).status_code == 404
        read = login(leader_a).get(url)
        assert read.status_code == 200 and not read.context["can_save"]
        assert 'name="grade-' not in read.content.decode()
        admin = UserFactory(username="sysadmin1", role=Role.SYSADMIN)
        assert login(admin).get(url).status_code == 403
        assert login(officer_a).get(self.grid_url(city.county_a_dept, period=5)).status_code == 404

    def test_post_saves_and_refuses_others(self, city, officer_a, officer_b, leader_a, people):
        url = self.grid_url(city.county_a_dept)
        zhang, li = people["zhang"], people["li"]
        data = {
            f"grade-{zhang.pk}": GOOD,
            f"summary-{zhang.pk}": "牵头推进项目",
            f"comment-{zhang.pk}": "好",
            f"version-{zhang.pk}": "",
            f"grade-{li.pk}": "",
            f"version-{li.pk}": "",
        }
        assert login(leader_a).post(url, data).status_code == 403
        assert login(officer_b).post(url, data).status_code == 404
        response = login(officer_a).post(url, data)
        assert response.status_code == 302 and response.url == url
        entry = RoutineAssessment.objects.get()
        assert (entry.cadre, entry.grade, entry.work_summary) == (zhang, GOOD, "牵头推进项目")
        page = login(officer_a).get(url)
        assert page.context["entered"] == 1 and page.context["total"] == 2

    def test_post_errors_keep_the_input(self, city, officer_a, officer_a2, people):
        url = self.grid_url(city.county_a_dept)
        zhang = people["zhang"]
        bad = {f"grade-{zhang.pk}": "nonsense", f"summary-{zhang.pk}": "已写的纪实"}
        response = login(officer_a).post(url, bad)
        assert response.status_code == 400
        assert "等次无效" in response.content.decode() and "已写的纪实" in response.content.decode()
        save(officer_a2, city.county_a_dept, [RoutineRow(zhang.pk, GOOD)])
        stale = login(officer_a).post(url, {f"grade-{zhang.pk}": POOR, f"version-{zhang.pk}": ""})
        assert stale.status_code == 409 and "甲县干部科李四" in stale.content.decode()

    def test_export_is_scoped(
        self, city, officer_a, officer_b, people, django_capture_on_commit_callbacks
    ):
        RoutineAssessmentFactory(cadre=people["zhang"], year=2026, period=1)
        RoutineAssessmentFactory(cadre=people["b"], year=2026, period=1)

        def export(user, query):
            client = login(user)
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    reverse("jobs:list_export", args=["assessment-routine"]) + query
                )
            job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
            sheet = load_workbook(BytesIO(job.result_file.read())).active
            return [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]

        assert export(officer_a, "?year=2026") == ["张伟"]
        assert export(officer_b, "?year=2026") == ["孙乙"]
        assert export(officer_b, f"?unit={city.county_a_dept.pk}") == []
