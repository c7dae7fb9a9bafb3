"""Special assessment (专项考核): the service, the list (scope, filters), the create page, the
export and the fact selection reads (`special_results`)."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.constants import AnnualGrade
from apps.assessment.models import SpecialAssessment
from apps.assessment.selectors_research import special_results
from apps.assessment.services.special import special_add
from apps.assessment.tests.factories import SpecialAssessmentFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.frontline.tests.factories import CentralTaskFactory

pytestmark = pytest.mark.django_db


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
def world(city):
    return {
        "a": CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY),
        "b": CadreFactory(name="李娜", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
        "task": CentralTaskFactory(name="脱贫攻坚", lead_unit=city.root),
        "b_task": CentralTaskFactory(name="乙县招商", lead_unit=city.county_b),
    }


class TestService:
    def test_add_audited(self, officer_a, world):
        special = special_add(
            actor=officer_a,
            cadre_id=world["a"].pk,
            central_task_id=world["task"].pk,
            assessed_on=date(2026, 6, 30),
            result=AnnualGrade.EXCELLENT,
            remarks=" 成效显著 ",
            today=date(2026, 6, 30),
        )
        assert special.remarks == "成效显著" and special.entered_by == officer_a
        assert AuditEvent.objects.get(action="assessment.special.add").detail == {
            "cadre": world["a"].pk
        }

    def test_scope_task_result_date_and_duplicate(self, officer_a, leader_a, world):
        def add(actor=officer_a, cadre=None, task=None, **kw):
            values = {
                "assessed_on": date(2026, 6, 30),
                "result": AnnualGrade.COMPETENT,
                "today": date(2026, 6, 30),
            }
            values.update(kw)
            return special_add(
                actor=actor,
                cadre_id=(cadre or world["a"]).pk,
                central_task_id=(task or world["task"]).pk,
                **values,
            )

        for actor, cadre in ((officer_a, world["b"]), (leader_a, world["a"])):
            with pytest.raises(OutOfScopeError):
                add(actor=actor, cadre=cadre)
        with pytest.raises(DomainError) as exc:
            add(task=world["b_task"], result=AnnualGrade.NOT_GRADED, assessed_on=date(2026, 7, 1))
        assert set(exc.value.fields) == {"central_task", "result", "assessed_on"}
        add()
        with pytest.raises(DomainError) as exc:
            add()
        assert "已有“脱贫攻坚”的专项考核记录" in exc.value.fields["assessed_on"]
        add(assessed_on=date(2026, 6, 29))  # another day is another assessment


class TestFact:
    def test_special_results_plain_values_newest_first(self, world):
        SpecialAssessmentFactory(
            cadre=world["a"], central_task=world["task"], assessed_on=date(2025, 12, 1)
        )
        SpecialAssessmentFactory(
            cadre=world["a"],
            central_task=world["b_task"],
            assessed_on=date(2026, 6, 30),
            result=AnnualGrade.COMPETENT,
        )
        SpecialAssessmentFactory(cadre=world["b"], central_task=world["task"])
        assert special_results(world["a"].pk) == [
            (world["b_task"].pk, "乙县招商", date(2026, 6, 30), "competent"),
            (world["task"].pk, "脱贫攻坚", date(2025, 12, 1), "excellent"),
        ]
        assert special_results(999_999) == []


@pytest.fixture
def specials(world):
    return {
        "a": SpecialAssessmentFactory(
            cadre=world["a"], central_task=world["task"], result=AnnualGrade.EXCELLENT
        ),
        "a2": SpecialAssessmentFactory(
            cadre=world["a"],
            central_task=world["task"],
            assessed_on=date(2025, 6, 30),
            result=AnnualGrade.BASICALLY_COMPETENT,
        ),
        "b": SpecialAssessmentFactory(cadre=world["b"], central_task=world["task"]),
    }


class TestPages:
    url = reverse("assessment:special_list")

    def ids(self, response) -> set[int]:
        return {s.pk for s in response.context["page"].object_list}

    def test_list_scope_and_filters(self, officer_a, officer_b, specials, world, city):
        c = login(officer_a)
        assert self.ids(c.get(self.url)) == {specials["a"].pk, specials["a2"].pk}
        assert self.ids(c.get(self.url, {"result": "excellent"})) == {specials["a"].pk}
        assert self.ids(c.get(self.url, {"task": world["b_task"].pk})) == set()
        assert self.ids(c.get(self.url, {"unit": city.county_a_town.pk})) == set()
        assert self.ids(c.get(self.url, {"q": "张"})) == {specials["a"].pk, specials["a2"].pk}
        assert self.ids(login(officer_b).get(self.url)) == {specials["b"].pk}
        assert "筛选条件有误" in c.get(self.url, {"result": "not_graded"}).content.decode()

    def test_create_page(self, officer_a, world):
        c = login(officer_a)
        url = reverse("assessment:special_create")
        assert c.get(url).status_code == 200
        assert c.get(url, {"cadre": world["b"].pk}).status_code == 404
        post = f"{url}?cadre={world['a'].pk}"
        data = {
            "central_task": world["task"].pk,
            "assessed_on": "2026-06-30",
            "result": "excellent",
        }
        assert c.post(post, data).status_code == 302
        again = c.post(post, data)
        assert again.status_code == 200 and "专项考核记录" in again.content.decode()
        foreign_task = c.post(post, {**data, "central_task": world["b_task"].pk})
        assert "中心任务不存在或不在您的数据范围内" in foreign_task.content.decode()
        assert SpecialAssessment.objects.count() == 1

    def test_leader_and_three_roles(self, leader_a, specials):
        c = login(leader_a)
        assert c.get(self.url).status_code == 200
        assert c.get(reverse("assessment:special_create")).status_code == 403
        assert login(UserFactory(role=Role.SECADMIN)).get(self.url).status_code == 403


def test_export_scoped(officer_a, specials, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(officer_a).post(
            reverse("jobs:list_export", args=["assessment-special"]) + "?result=excellent"
        )
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE
    with job.result_file.open("rb") as fh:
        rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "单位", "中心任务", "考核日期", "考核结果", "评价意见")
    assert [r[:5] for r in rows[1:]] == [("张伟", "甲县财政局", "脱贫攻坚", "2026-06-30", "优秀")]
