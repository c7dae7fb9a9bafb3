"""Import pages: upload → background validation → preview → marked file → confirm; owner-only
jobs (404 for anyone else), roles (403), and the commit's all-or-nothing outcome."""

import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.importing import cadre_type, service
from apps.cadres.models import Cadre
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.test_import_support import person, xlsx
from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, data: bytes, capture, name: str = "干部.xlsx", kind: str = "cadres"):
    with capture(execute=True):
        return client.post(
            reverse("cadres:import_start"),
            {"record_type": kind, "file": SimpleUploadedFile(name, data)},
        )


def commit(client: Client, job: Job, capture):
    with capture(execute=True):
        return client.post(reverse("cadres:import_commit", args=[job.pk]))


@pytest.fixture
def good_file(city):
    return xlsx([person(unit_code=city.county_a_dept.code, serial=i) for i in range(3)])


class TestStartPage:
    def test_officer_sees_cadre_import(self, officer_a):
        response = login(officer_a).get(reverse("cadres:import_start"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "干部基本信息" in body and 'value="units"' not in body

    def test_sysadmin_sees_unit_import(self, db):
        response = login(UserFactory(role=Role.SYSADMIN)).get(reverse("cadres:import_start"))
        body = response.content.decode()
        assert 'value="units"' in body and 'value="cadres"' not in body

    def test_other_roles_refused(self, leader_a):
        assert login(leader_a).get(reverse("cadres:import_start")).status_code == 403
        for role in (Role.SECADMIN, Role.AUDITOR):
            client = login(UserFactory(role=role))
            assert client.get(reverse("cadres:import_start")).status_code == 403

    def test_templates(self, officer_a):
        client = login(officer_a)
        response = client.get(reverse("cadres:import_template", args=["cadres"]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[:2] == ["干部信息", "填写说明"]
        assert client.get(reverse("cadres:import_template", args=["units"])).status_code == 403
        assert client.get(reverse("cadres:import_template", args=["nope"])).status_code == 404

    def test_non_spreadsheet_refused_at_once(self, officer_a, django_capture_on_commit_callbacks):
        docx = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(docx, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        response = upload(login(officer_a), docx.getvalue(), django_capture_on_commit_callbacks)
        assert response.status_code == 200
        assert "这是Word文档（.docx）" in response.content.decode()
        assert not Job.objects.exists()

    def test_unit_import_needs_sysadmin(self, officer_a, django_capture_on_commit_callbacks):
        response = upload(login(officer_a), b"x", django_capture_on_commit_callbacks, kind="units")
        assert response.status_code == 200 and not Job.objects.exists()  # not a choice


class TestPreviewAndCommit:
    def test_full_flow(self, city, officer_a, good_file, django_capture_on_commit_callbacks):
        client = login(officer_a)
        response = upload(client, good_file, django_capture_on_commit_callbacks)
        job = Job.objects.get(kind="import_validate")
        assert response.url == reverse("cadres:import_preview", args=[job.pk])
        assert job.status == JobStatus.DONE and job.total == 3
        page = client.get(response.url).content.decode()
        assert 'data-testid="count-new">3<' in page and "确认导入" in page
        assert not Cadre.objects.exists()  # validation writes nothing

        commit(client, job, django_capture_on_commit_callbacks)
        assert Cadre.objects.count() == 3
        summary = AuditEvent.objects.get(action="cadre.import")
        assert summary.actor == officer_a and summary.detail["created"] == 3
        assert summary.detail["file_sha256"] == job.params["sha256"]
        assert summary.detail["file_name"] == "干部.xlsx" and summary.detail["rows"] == 3
        page = client.get(reverse("cadres:import_preview", args=[job.pk])).content.decode()
        assert "导入完成：新增 3 条" in page and "确认导入</button>" not in page

        again = commit(client, job, django_capture_on_commit_callbacks)
        assert again.status_code == 302
        assert Job.objects.filter(kind="import_commit").count() == 1

    def test_reimport_is_all_unchanged(
        self, city, officer_a, good_file, django_capture_on_commit_callbacks
    ):
        client = login(officer_a)
        upload(client, good_file, django_capture_on_commit_callbacks)
        commit(client, Job.objects.get(), django_capture_on_commit_callbacks)
        before = list(Cadre.objects.order_by("pk").values())
        response = upload(client, good_file, django_capture_on_commit_callbacks)
        page = client.get(response.url).content.decode()
        assert 'data-testid="count-unchanged">3<' in page
        second = Job.objects.filter(kind="import_validate").first()
        commit(client, second, django_capture_on_commit_callbacks)
        assert list(Cadre.objects.order_by("pk").values()) == before
        assert AuditEvent.objects.filter(action="cadre.import").first().detail["unchanged"] == 3

    def test_problems_block_the_commit(self, city, officer_a, django_capture_on_commit_callbacks):
        client = login(officer_a)
        rows = [person(unit_code=city.county_b_dept.code), person("李四", serial=3)]
        response = upload(client, xlsx(rows), django_capture_on_commit_callbacks)
        page = client.get(response.url).content.decode()
        assert "不在您的数据范围内" in page and "下载标注文件" in page
        assert "确认导入</button>" not in page
        job = Job.objects.get()
        response = commit(client, job, django_capture_on_commit_callbacks)
        assert response.status_code == 302 and not Cadre.objects.exists()
        assert not Job.objects.filter(kind="import_commit").exists()

    def test_marked_download(self, city, officer_a, django_capture_on_commit_callbacks):
        client = login(officer_a)
        rows = [person(unit_code="NOPE")]
        response = upload(client, xlsx(rows), django_capture_on_commit_callbacks)
        job = Job.objects.get()
        marked = client.get(reverse("cadres:import_marked", args=[job.pk]))
        assert marked.status_code == 200
        assert "问题标注" in unquote(marked["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(marked.content)).active
        assert sheet["T1"].value == "问题说明" and "NOPE" in sheet["T2"].value
        assert AuditEvent.objects.filter(action="import.marked_download").exists()
        assert response.status_code == 302

    def test_problem_pages_and_polling_partials(
        self, city, officer_a, django_capture_on_commit_callbacks
    ):
        client = login(officer_a)
        rows = [person(unit_code="NOPE", serial=i) for i in range(25)]
        upload(client, xlsx(rows), django_capture_on_commit_callbacks)
        url = reverse("cadres:import_preview", args=[Job.objects.get().pk])
        page = client.get(
            url, {"page": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-problems"
        )
        body = page.content.decode()
        assert "<html" not in body and 'data-testid="import-problems"' in body
        assert "第 2 / 2 页" in body
        status = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-status")
        assert 'id="import-status"' in status.content.decode()
        assert 'hx-trigger="every' not in status.content.decode()  # done: no more polling

    def test_running_job_polls(self, officer_a):
        job = Job.objects.create(
            actor=officer_a, kind="import_validate", title="t", status=JobStatus.RUNNING,
            total=10, progress=4, params={"type": "cadres", "name": "a.xlsx"},
        )  # fmt: skip
        body = login(officer_a).get(reverse("cadres:import_preview", args=[job.pk]))
        text = body.content.decode()
        assert 'hx-trigger="every 1s"' in text and "40%" in text

    def test_jobs_are_the_owners_only(
        self, city, officer_a, good_file, django_capture_on_commit_callbacks
    ):
        upload(login(officer_a), good_file, django_capture_on_commit_callbacks)
        job = Job.objects.get()
        colleague = UserFactory(username="colleague")
        from apps.accounts.tests.factories import grant

        grant(colleague, city.county_a, levels=["county"])
        other = login(colleague)
        assert other.get(reverse("cadres:import_preview", args=[job.pk])).status_code == 404
        assert other.get(reverse("cadres:import_marked", args=[job.pk])).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            response = other.post(reverse("cadres:import_commit", args=[job.pk]))
        assert response.status_code == 404 and not Cadre.objects.exists()
        assert (
            login(officer_a).get(reverse("cadres:import_commit", args=[job.pk])).status_code == 405
        )

    def test_failure_mid_commit_changes_nothing(
        self, city, officer_a, good_file, monkeypatch, django_capture_on_commit_callbacks
    ):
        client = login(officer_a)
        upload(client, good_file, django_capture_on_commit_callbacks)
        job = Job.objects.get()

        def killed(chunk):
            raise RuntimeError("worker killed")

        monkeypatch.setattr(cadre_type, "created_rows", killed)
        commit(client, job, django_capture_on_commit_callbacks)
        failed = Job.objects.get(kind="import_commit")
        assert failed.status == JobStatus.FAILED and not Cadre.objects.exists()
        page = client.get(reverse("cadres:import_preview", args=[job.pk])).content.decode()
        assert "导入未完成，数据库未作任何改动" in page and "确认导入</button>" in page
        monkeypatch.undo()
        commit(client, job, django_capture_on_commit_callbacks)  # retry after a failure
        assert Cadre.objects.count() == 3

    def test_data_changed_after_the_preview(
        self, city, officer_a, django_capture_on_commit_callbacks
    ):
        row = person(unit_code=city.county_a_dept.code)
        client = login(officer_a)
        upload(client, xlsx([row]), django_capture_on_commit_callbacks)
        CadreFactory(unit=city.county_b_dept, id_number=row["公民身份号码"])  # meanwhile
        commit(client, Job.objects.get(kind="import_validate"), django_capture_on_commit_callbacks)
        failed = Job.objects.get(kind="import_commit")
        assert failed.status == JobStatus.FAILED and "导入前复核发现1处问题" in failed.error
        assert Cadre.objects.count() == 1


def test_stale_commit_may_be_retried(officer_a):
    running = Job.objects.create(
        actor=officer_a, kind="import_commit", title="t", status=JobStatus.RUNNING
    )
    assert not service.may_retry(running)
    Job.objects.filter(pk=running.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    running.refresh_from_db()
    assert service.may_retry(running) and service.may_retry(None)


def test_row_limit_through_the_job(
    city, officer_a, monkeypatch, django_capture_on_commit_callbacks
):
    """The job applies the limit (100,000; lowered here to keep the test fast)."""
    from apps.cadres.importing import jobs

    monkeypatch.setitem(jobs.LIMITS, "max_rows", 2)
    client = login(officer_a)
    rows = [person(unit_code=city.county_a_dept.code, serial=i) for i in range(3)]
    response = upload(client, xlsx(rows), django_capture_on_commit_callbacks)
    page = client.get(response.url).content.decode()
    assert "数据行数为3行，超过单次导入上限2行，请拆分后分批导入" in page
    assert "确认导入</button>" not in page
    response = upload(client, xlsx(rows[:2]), django_capture_on_commit_callbacks)
    assert 'data-testid="count-new">2<' in client.get(response.url).content.decode()
