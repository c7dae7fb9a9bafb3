"""Dispatch pages: scope on list, detail, actions and export; the board with its reminders and
chart table; the new-dispatch form with its scoped cadre search; a stale approval's message."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import Job, JobStatus
from apps.frontline.constants import DispatchKind, DispatchState
from apps.frontline.models import Dispatch, FrontlineService
from apps.frontline.services import dispatch as services
from apps.frontline.tests.factories import DispatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def rows(city):
    """inside: county A → A's town (planned); to_b: county A → county B (serving, ending soon);
    b_own: county B → B (serving)."""
    today = timezone.localdate()
    return {
        "inside": DispatchFactory(
            cadre=CadreFactory(name="张伟", unit=city.county_a_dept),
            target_unit=city.county_a_town,
        ),
        "to_b": DispatchFactory(
            cadre=CadreFactory(name="李娜", unit=city.county_a),
            target_unit=city.county_b_dept,
            state=DispatchState.IN_POST,
            actual_start=today - timedelta(days=700),
            planned_start=today - timedelta(days=700),
            planned_end=today + timedelta(days=20),
            village="",
            target_post="副局长（挂职）",
            kind=DispatchKind.SECONDMENT,
        ),
        "b_own": DispatchFactory(
            cadre=CadreFactory(name="王强", unit=city.county_b_dept),
            target_unit=city.county_b,
            state=DispatchState.IN_POST,
            planned_start=today - timedelta(days=100),
            planned_end=today + timedelta(days=600),
        ),
    }


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def names(response) -> set[str]:
    return {row["d"].cadre.name for row in response.context["rows"]}


class TestList:
    url = reverse("frontline:dispatch_list")

    def test_scope(self, client, officer_a, officer_b, leader_a, rows):
        assert names(login(client, officer_a).get(self.url)) == {"张伟", "李娜"}
        assert names(login(Client(), officer_b).get(self.url)) == {"李娜", "王强"}
        assert names(login(Client(), leader_a).get(self.url)) == {"张伟", "李娜"}

    def test_filters_and_partial(self, client, officer_a, city, rows):
        c = login(client, officer_a)
        assert names(c.get(self.url, {"state": "serving"})) == {"李娜"}
        assert names(c.get(self.url, {"state": "planned"})) == {"张伟"}
        assert names(c.get(self.url, {"kind": "secondment"})) == {"李娜"}
        assert names(c.get(self.url, {"county": city.county_b.pk})) == {"李娜"}
        assert names(c.get(self.url, {"ending": "on"})) == {"李娜"}
        assert names(c.get(self.url, {"q": "zw"})) == {"张伟"}
        assert names(c.get(self.url, {"q": "王强"})) == set()  # county B's own dispatch
        response = c.get(self.url, {"ending": "on"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert "<html" not in body and "即将期满（剩20天）" in body

    def test_invalid_filter_shows_chinese_error(self, client, officer_a, rows):
        response = login(client, officer_a).get(self.url, {"state": "bogus"})
        assert names(response) == set()
        assert "筛选条件有误：状态：" in response.content.decode()

    def test_sorts_and_pages_stay_in_scope(self, client, officer_a, rows):
        c = login(client, officer_a)
        for sort in ("cadre", "-planned_end", "target", "-state", "bogus"):
            response = c.get(self.url, {"sort": sort, "page": "9"})
            assert response.status_code == 200 and names(response) <= {"张伟", "李娜"}

    def test_empty_state_and_page_furniture(self, client, officer_a, rows):
        page = login(client, officer_a).get(self.url, {"kind": "work_team"}).content.decode()
        assert "暂无符合条件的选派记录" in page and "新增选派" in page
        assert reverse("jobs:list_export", args=["frontline-dispatches"]) in page

    def test_query_budget(self, client, officer_a, rows, django_assert_max_num_queries):
        c = login(client, officer_a)
        with django_assert_max_num_queries(14):
            c.get(self.url)


class TestDetailAndActions:
    def test_sending_officer_sees_actions(self, client, officer_a, rows):
        response = login(client, officer_a).get(
            reverse("frontline:dispatch_detail", args=[rows["inside"].pk])
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="action-approve"' in page and 'data-testid="action-cancel"' in page
        assert reverse("frontline:dispatch_approve", args=[rows["inside"].pk]) in page

    def test_receiving_officer_reads_without_actions(self, client, officer_b, rows):
        c = login(client, officer_b)
        pk = rows["to_b"].pk
        page = c.get(reverse("frontline:dispatch_detail", args=[pk])).content.decode()
        assert "李娜" in page and "只读" in page and "dispatch-actions" not in page
        response = c.post(
            reverse("frontline:dispatch_return", args=[pk]),
            {"version": 1, "actual_end": timezone.localdate().isoformat()},
        )
        assert response.status_code == 404
        assert Dispatch.objects.get(pk=pk).state == DispatchState.IN_POST

    def test_sibling_county_gets_404(self, client, officer_b, rows):
        c = login(client, officer_b)
        pk = rows["inside"].pk
        assert c.get(reverse("frontline:dispatch_detail", args=[pk])).status_code == 404
        response = c.post(
            reverse("frontline:dispatch_approve", args=[pk]),
            {"version": 1, "document_number": "1号"},
        )
        assert response.status_code == 404

    def test_leader_cannot_act(self, client, leader_a, rows):
        c = login(client, leader_a)
        pk = rows["inside"].pk
        page = c.get(reverse("frontline:dispatch_detail", args=[pk])).content.decode()
        assert "dispatch-actions" not in page
        response = c.post(
            reverse("frontline:dispatch_approve", args=[pk]),
            {"version": 1, "document_number": "1号"},
        )
        assert response.status_code == 403
        assert Dispatch.objects.get(pk=pk).state == DispatchState.PLANNED

    def test_actions_require_post(self, client, officer_a, rows):
        url = reverse("frontline:dispatch_approve", args=[rows["inside"].pk])
        assert login(client, officer_a).get(url).status_code == 405

    def test_approve_then_history(self, client, officer_a, rows):
        c = login(client, officer_a)
        pk = rows["inside"].pk
        response = c.post(
            reverse("frontline:dispatch_approve", args=[pk]),
            {"version": 1, "document_number": "甲组发〔2026〕3号"},
        )
        assert response.status_code == 302
        page = c.get(response.url).content.decode()
        assert "已批准" in page and "甲组发〔2026〕3号" in page
        assert "审批" in page and "甲县干部科" in page  # the history row
        assert 'data-testid="action-start"' in page

    def test_invalid_input_shows_inline_error(self, client, officer_a, rows):
        response = login(client, officer_a).post(
            reverse("frontline:dispatch_cancel", args=[rows["inside"].pk]), {"version": 1}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "撤销理由" in page and "invalid-feedback" in page
        assert Dispatch.objects.get(pk=rows["inside"].pk).state == DispatchState.PLANNED

    def test_stale_approval_shows_who_approved(self, client, officer_a, city, rows):
        colleague = UserFactory(username="zhangsan", full_name="张三")
        grant(colleague, city.county_a, levels=[ManagedBy.COUNTY])
        pk = rows["inside"].pk
        services.dispatch_approve(
            actor=colleague, dispatch_id=pk, expected_version=1, document_number="3号"
        )
        response = login(client, officer_a).post(
            reverse("frontline:dispatch_approve", args=[pk]),
            {"version": 1, "document_number": "4号"},
        )
        assert response.status_code == 409
        alert = response.context["alert"]
        assert alert.startswith("该选派已由 张三 于 ") and alert.endswith("当前状态：已批准")
        assert alert in response.content.decode()
        assert Dispatch.objects.get(pk=pk).document_number == "3号"

    def test_start_and_return_through_the_pages(self, client, officer_a, rows):
        c = login(client, officer_a)
        d = rows["inside"]
        d.state, d.planned_start = DispatchState.APPROVED, timezone.localdate()
        d.planned_end = d.planned_start + timedelta(days=800)
        d.save()
        today = timezone.localdate().isoformat()
        response = c.post(
            reverse("frontline:dispatch_start", args=[d.pk]), {"version": 1, "actual_start": today}
        )
        assert response.status_code == 302
        page = c.get(response.url).content.decode()
        assert "仍在一线" in page
        response = c.post(
            reverse("frontline:dispatch_return", args=[d.pk]),
            {"version": 2, "actual_end": today, "note": ""},
        )
        assert response.status_code == 302
        assert FrontlineService.objects.get(dispatch=d).end_date == timezone.localdate()


class TestCreatePage:
    url = reverse("frontline:dispatch_create")

    def test_prefilled_cadre_and_scoped_units(self, client, officer_a, city):
        cadre = CadreFactory(name="张伟", unit=city.county_a_dept)
        other = CadreFactory(name="张敏", unit=city.county_b_dept)
        c = login(client, officer_a)
        page = c.get(self.url, {"cadre": cadre.pk}).content.decode()
        assert f'value="{cadre.pk}" form="dispatch-form" checked' in page
        assert "甲县城关镇" in page and "乙县财政局" not in page
        page = c.get(self.url, {"cadre": other.pk}).content.decode()
        assert "张敏" not in page  # outside the scope: not prefilled, not named

    def test_cadre_search_is_scoped(self, client, officer_a, city):
        CadreFactory(name="张伟", unit=city.county_a_dept)
        CadreFactory(name="张敏", unit=city.county_b_dept)
        response = login(client, officer_a).get(
            reverse("frontline:dispatch_cadre_search"), {"q": "张"}
        )
        page = response.content.decode()
        assert "张伟" in page and "张敏" not in page

    def test_create(self, client, officer_a, city):
        cadre = CadreFactory(name="张伟", unit=city.county_a_dept)
        data = {
            "cadre": cadre.pk,
            "kind": "first_secretary",
            "target_unit": city.county_a_town.pk,
            "target_post": "驻村第一书记",
            "village": "新民村",
            "planned_start": "2026-03-01",
            "planned_end": "2028-02-28",
            "full_time": "on",
        }
        c = login(client, officer_a)
        response = c.post(self.url, data)
        assert response.status_code == 200
        assert "不少于24个月" in response.content.decode()
        assert f'value="{cadre.pk}" form="dispatch-form" checked' in response.content.decode()
        response = c.post(self.url, data | {"planned_end": "2028-02-29"})
        dispatch = Dispatch.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("frontline:dispatch_detail", args=[dispatch.pk])
        assert dispatch.full_time and not dispatch.counts_as_grassroots

    def test_cadre_outside_scope_is_refused(self, client, officer_a, city):
        other = CadreFactory(unit=city.county_b_dept)
        response = login(client, officer_a).post(
            self.url,
            {
                "cadre": other.pk,
                "kind": "secondment",
                "target_unit": city.county_a_town.pk,
                "target_post": "副镇长（挂职）",
                "planned_start": "2026-03-01",
                "planned_end": "2026-09-01",
            },
        )
        assert response.status_code == 200
        assert "所选干部不在您的管理范围内" in response.content.decode()
        assert not Dispatch.objects.exists()

    def test_leader_gets_403(self, client, leader_a):
        assert login(client, leader_a).get(self.url).status_code == 403


class TestBoard:
    url = reverse("frontline:dispatch_board")

    def test_serving_and_ending_soon(self, client, officer_a, city, rows):
        response = login(client, officer_a).get(self.url)
        page = response.content.decode()
        assert response.status_code == 200
        assert "李娜" in page and "即将期满（剩20天）" in page and "乙县" in page
        assert "张伟" not in page  # planned, not serving yet
        assert "王强" not in page  # county B's own dispatch: outside county A's scope
        assert 'id="dispatch-chart-data"' in page and "js/dd_charts.js" in page
        assert "vendor/echarts/echarts.min.js" in page
        chart = response.context["chart"]
        assert chart["categories"] == ["乙县"]
        series = {s["name"]: s["data"] for s in chart["series"]}
        assert series["挂职"] == [1] and series["驻村第一书记"] == [0]
        drill = f"?county={city.county_b.pk}&kind=secondment&state=serving"
        assert chart["links"][0][0].endswith(drill)
        assert json.loads(json.dumps(chart)) == chart

    def test_table_view_and_drill_down(self, client, officer_a, city, rows):
        c = login(client, officer_a)
        page = c.get(self.url).content.decode()
        assert 'data-testid="dispatch-chart-table"' in page
        drill = f"?county={city.county_b.pk}&amp;kind=secondment&amp;state=serving"
        assert drill in page
        listed = c.get(
            reverse("frontline:dispatch_list"),
            {"county": city.county_b.pk, "kind": "secondment", "state": "serving"},
        )
        assert names(listed) == {"李娜"}

    def test_receiving_side_board(self, client, officer_b, rows):
        page = login(client, officer_b).get(self.url).content.decode()
        assert "李娜" in page and "王强" in page

    def test_empty(self, client, officer_a):
        page = login(client, officer_a).get(self.url).content.decode()
        assert "暂无在岗的选派干部" in page


class TestExport:
    def export(self, client, query, capture):
        with capture(execute=True):
            response = client.post(
                reverse("jobs:list_export", args=["frontline-dispatches"]) + "?" + query
            )
        assert response.status_code == 302
        return Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))

    def sheet_rows(self, client, job):
        response = client.get(reverse("jobs:job_download", args=[job.pk]))
        sheet = load_workbook(filename=BytesIO(b"".join(response.streaming_content))).active
        return list(sheet.iter_rows(values_only=True))

    def test_export_is_scoped_and_filtered(
        self, client, officer_a, officer_b, rows, django_capture_on_commit_callbacks
    ):
        c = login(client, officer_a)
        job = self.export(c, "", django_capture_on_commit_callbacks)
        assert job.status == JobStatus.DONE and job.total == 2
        table = self.sheet_rows(c, job)
        assert table[0][0] == "姓名" and table[0][3] == "接收县（市、区）"
        assert {r[0] for r in table[1:]} == {"张伟", "李娜"}
        assert {r[3] for r in table[1:] if r[0] == "李娜"} == {"乙县"}
        job = self.export(c, "state=serving", django_capture_on_commit_callbacks)
        assert [r[0] for r in self.sheet_rows(c, job)[1:]] == ["李娜"]
        other = login(Client(), officer_b)
        job = self.export(other, "", django_capture_on_commit_callbacks)
        assert {r[0] for r in self.sheet_rows(other, job)[1:]} == {"李娜", "王强"}
