"""Jobs API: list exports started like the page's button, owner-only status and audited download."""

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from apps.accounts.api_auth import token_create
from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core import exports
from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/jobs"


@pytest.fixture
def numbers_export():
    def build(actor, query):
        upto = int(query.get("upto", "3"))
        kinds = ",".join(query.getlist("kind"))
        return exports.ExportTable(
            headers=["序号", "操作人", "类别"],
            rows=([i, actor.username, kinds] for i in range(upto)),
            total=upto,
        )

    export = exports.register(
        exports.ListExport(
            name="test-numbers",
            title="测试列表",
            target_type="x.y",
            build=build,
            may_export=lambda actor: actor.role == Role.OFFICER,
        )
    )
    yield export
    exports.REGISTRY.pop(export.name)


def rows_of(response):
    content = b"".join(response.streaming_content)
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_lists_the_exports_the_role_may_run(client, officer_a, leader_a, numbers_export):
    client.force_login(officer_a)
    names = {e["name"]: e["title"] for e in client.get(f"{URL}/exports").json()}
    assert names["test-numbers"] == "测试列表" and names["cadre-roster"] == "干部名册"
    assert "cadre-checks" in names
    client.force_login(leader_a)
    names = {e["name"] for e in client.get(f"{URL}/exports").json()}
    assert "test-numbers" not in names and "cadre-roster" in names


def test_export_status_and_download_like_the_page(
    client, officer_a, numbers_export, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{URL}/exports/test-numbers",
            {"query": "upto=5&page=2&kind=a&kind=b"},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert response.json()["job_id"] == job.pk and response.json()["kind"] == "list_export"
    # the same job as the page's button: paging dropped, repeated keys kept
    assert job.params == {"list": "test-numbers", "filter": {"upto": ["5"], "kind": ["a", "b"]}}
    status = client.get(f"{URL}/{job.pk}").json()
    assert status["status"] == JobStatus.DONE and status["rows"] == 5
    assert status["download_url"] == f"/api/v1/jobs/{job.pk}/download"
    assert status["file_name"].startswith("测试列表_") and status["percent"] == 100
    assert AuditEvent.objects.get(action="list.export").detail["rows"] == 5
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert "attachment" in download["Content-Disposition"]
    rows = rows_of(download)
    assert rows[0] == ("序号", "操作人", "类别") and len(rows) == 6
    assert rows[-1] == (4, "officer_a", "a,b")
    event = AuditEvent.objects.get(action="job.download")
    assert event.target_id == str(job.pk) and event.detail["kind"] == "list_export"
    assert [j["job_id"] for j in client.get(f"{URL}/").json()] == [job.pk]


def test_query_as_an_object_or_absent(
    client, officer_a, numbers_export, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        body = {"query": {"upto": 2, "kind": ["x", "y"], "page_size": 10}}
        first = client.post(f"{URL}/exports/test-numbers", body, content_type="application/json")
        second = client.generic("POST", f"{URL}/exports/test-numbers")
    assert first.status_code == second.status_code == 202
    one, two = Job.objects.order_by("id")
    assert one.params["filter"] == {"upto": ["2"], "kind": ["x", "y"]}
    assert two.params["filter"] == {} and two.total == 3


def test_unknown_list_role_and_bad_query_are_refused(client, officer_a, leader_a, numbers_export):
    client.force_login(officer_a)
    unknown = client.generic("POST", f"{URL}/exports/nope")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    bad = client.post(f"{URL}/exports/test-numbers", {"query": 5}, content_type="application/json")
    assert bad.status_code == 400
    long = client.post(
        f"{URL}/exports/test-numbers", {"query": "a=" + "x" * 5000}, content_type="application/json"
    )
    assert long.status_code == 400 and "筛选条件：过长" in long.json()["message"]
    client.force_login(leader_a)
    refused = client.generic("POST", f"{URL}/exports/test-numbers")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert not Job.objects.exists()


def test_only_cadre_roles_and_authenticated_users(client, city, numbers_export):
    assert client.get(f"{URL}/exports").status_code == 401
    assert client.generic("POST", f"{URL}/exports/test-numbers").status_code == 401
    admin = UserFactory(username="sysadmin", role=Role.SYSADMIN)
    client.force_login(admin)
    assert client.generic("POST", f"{URL}/exports/test-numbers").status_code == 403
    assert not Job.objects.exists()


def test_another_users_job_is_404_and_not_downloaded(
    client, officer_a, city, numbers_export, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.generic("POST", f"{URL}/exports/test-numbers")
    job = Job.objects.get()
    other = UserFactory(username="officer_b")
    grant(other, city.county_b, levels=[ManagedBy.COUNTY])
    client.force_login(other)
    for path in (f"{URL}/{job.pk}", f"{URL}/{job.pk}/download", f"{URL}/999999"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{URL}/").json() == []
    assert not AuditEvent.objects.filter(action="job.download").exists()


def test_download_before_the_job_is_done_is_409(client, officer_a, numbers_export):
    client.force_login(officer_a)
    response = client.generic(
        "POST", f"{URL}/exports/test-numbers"
    )  # on_commit not run: still queued
    job_id = response.json()["job_id"]
    assert response.json()["status"] == JobStatus.QUEUED
    assert response.json()["download_url"] is None and response.json()["rows"] is None
    early = client.get(f"{URL}/{job_id}/download")
    assert early.status_code == 409 and early.json()["code"] == "job_not_ready"
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error="任务失败：x")
    assert client.get(f"{URL}/{job_id}").json()["error"] == "任务失败：x"
    assert client.get(f"{URL}/{job_id}/download").status_code == 404
    assert not AuditEvent.objects.filter(action="job.download").exists()


def test_roster_export_is_scoped_to_the_owner(
    client, officer_a, city, django_capture_on_commit_callbacks
):
    CadreFactory(name="甲县干部", unit=city.county_a_dept)
    CadreFactory(name="甲县镇干部", unit=city.county_a_town)
    CadreFactory(name="乙县干部", unit=city.county_b_dept)
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        everything = client.generic("POST", f"{URL}/exports/cadre-roster")
        one_unit = client.post(
            f"{URL}/exports/cadre-roster",
            {"query": f"unit={city.county_a_town.pk}&sort=name"},
            content_type="application/json",
        )
        foreign = client.post(
            f"{URL}/exports/cadre-roster",
            {"query": {"unit": city.county_b_dept.pk}},
            content_type="application/json",
        )
    names = []
    for response in (everything, one_unit, foreign):
        assert response.status_code == 202
        job_id = response.json()["job_id"]
        rows = rows_of(client.get(f"{URL}/{job_id}/download"))
        assert rows[0][:2] == ("序号", "姓名")
        names.append(sorted(r[1] for r in rows[1:]))
    assert names == [["甲县干部", "甲县镇干部"], ["甲县镇干部"], []]
    events = AuditEvent.objects.filter(action="list.export").order_by("id")
    assert [e.detail["rows"] for e in events] == [2, 1, 0]
    assert all(e.detail["list"] == "cadre-roster" for e in events)


def test_a_script_with_a_token_and_a_session_without_csrf(
    officer_a, numbers_export, django_capture_on_commit_callbacks
):
    _, key = token_create(actor=None, user=officer_a, name="脚本", expires_at=None)
    script = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = script.generic("POST", f"{URL}/exports/test-numbers")
    assert response.status_code == 202
    assert script.get(f"{URL}/{response.json()['job_id']}/download").status_code == 200
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_a)
    refused = browser.generic("POST", f"{URL}/exports/test-numbers")
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    assert Job.objects.count() == 1
