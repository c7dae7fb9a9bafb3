"""Interchange API, batches and checks: 任免审批表 of a selection (a job), LRMX of a selection (a
zip), the 三龄两历 check of a cadre and over the scope. Any id outside the scope is a 404 for the
whole request (audited denied, nothing generated); every export and read audited."""

import zipfile
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from pypdf import PdfReader

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres import lrmx
from apps.cadres.lrmx.schema import MAX_BATCH
from apps.cadres.models import ResumeEntry
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus

pytestmark = pytest.mark.django_db
FORMS = "/api/v1/cadres/appointment-forms/batch"
LRMX = "/api/v1/cadres/lrmx/export"
JSON = "application/json"


@pytest.fixture
def mine(city):
    return [
        CadreFactory(name="王建设", unit=city.county_a_dept),
        CadreFactory(name="李和平", unit=city.county_a_town),
    ]


@pytest.fixture
def foreign(city):
    return CadreFactory(name="赵乙县", unit=city.county_b_dept)


def pdf_text(content: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages).replace(" ", "")


class TestAppointmentFormsBatch:
    def test_pdf_job_status_and_download(
        self, client, officer_a, mine, django_capture_on_commit_callbacks
    ):
        client.force_login(officer_a)
        ids = [mine[0].pk, mine[1].pk, mine[0].pk]  # repeats are dropped
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(FORMS, {"ids": ids, "on": "2026-11-25"}, content_type=JSON)
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["kind"] == "appointment_forms" and body["status"] == JobStatus.QUEUED
        job = Job.objects.get(pk=body["job_id"])
        assert job.params["ids"] == [mine[0].pk, mine[1].pk] and job.params["on"] == "2026-11-25"
        status = client.get(f"/api/v1/jobs/{job.pk}").json()
        assert status["status"] == JobStatus.DONE and status["rows"] == 2
        assert status["excluded"] == [] and status["file_name"].endswith(".pdf")
        download = client.get(status["download_url"])
        assert download.status_code == 200
        text = pdf_text(b"".join(download.streaming_content))
        assert "王建设" in text and "李和平" in text
        event = AuditEvent.objects.get(action="cadre.appointment_form")
        assert event.detail["cadre_ids"] == [mine[0].pk, mine[1].pk]
        assert event.detail["format"] == "pdf" and event.detail["job"] == job.pk
        assert AuditEvent.objects.filter(action="job.download", target_id=str(job.pk)).exists()

    def test_zip_of_docx_for_a_leader(
        self, client, leader_a, mine, django_capture_on_commit_callbacks
    ):
        client.force_login(leader_a)  # printing is a read: leaders may
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                FORMS, {"ids": [m.pk for m in mine], "format": "zip"}, content_type=JSON
            )
        assert response.status_code == 202
        job = Job.objects.get()
        assert job.params["format"] == "docx" and job.status == JobStatus.DONE
        content = b"".join(client.get(f"/api/v1/jobs/{job.pk}/download").streaming_content)
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = archive.namelist()
            assert len(names) == 2 and all(n.endswith(".docx") for n in names)
            document = Document(BytesIO(archive.read(names[0])))
        cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
        assert {"王建设", "李和平"} & cells

    def test_an_id_outside_the_scope_refuses_the_whole_batch(
        self, client, officer_a, mine, foreign, django_capture_on_commit_callbacks
    ):
        client.force_login(officer_a)
        with django_capture_on_commit_callbacks(execute=True):
            for extra in (foreign.pk, 999999):
                response = client.post(FORMS, {"ids": [mine[0].pk, extra]}, content_type=JSON)
                assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert not Job.objects.exists()
        denied = AuditEvent.objects.filter(action="cadre.appointment_form").order_by("id")
        assert [e.outcome for e in denied] == [AuditOutcome.DENIED] * 2
        assert denied[0].detail["missing"] == [foreign.pk] and denied[0].detail["via"] == "api"

    def test_bad_input(self, client, officer_a, leader_a, mine):
        client.force_login(officer_a)
        empty = client.post(FORMS, {"ids": []}, content_type=JSON)
        assert empty.status_code == 400 and "请至少选择一名干部" in empty.json()["message"]
        many = client.post(FORMS, {"ids": list(range(1, MAX_BATCH + 2))}, content_type=JSON)
        assert many.status_code == 400 and f"一次最多{MAX_BATCH}人" in many.json()["message"]
        fmt = client.post(FORMS, {"ids": [mine[0].pk], "format": "odt"}, content_type=JSON)
        assert fmt.status_code == 400 and "格式" in fmt.json()["message"]
        day = client.post(FORMS, {"ids": [mine[0].pk], "on": "1900-01-01"}, content_type=JSON)
        assert day.status_code == 400 and "填表日期" in day.json()["message"]
        assert not Job.objects.exists()

    def test_another_user_cannot_see_the_job(
        self, client, officer_a, city, mine, django_capture_on_commit_callbacks
    ):
        client.force_login(officer_a)
        with django_capture_on_commit_callbacks(execute=True):
            job_id = client.post(FORMS, {"ids": [mine[0].pk]}, content_type=JSON).json()["job_id"]
        other = UserFactory(username="officer_b")
        grant(other, city.county_b, levels=[ManagedBy.COUNTY])
        client.force_login(other)
        assert client.get(f"/api/v1/jobs/{job_id}").status_code == 404
        assert client.get(f"/api/v1/jobs/{job_id}/download").status_code == 404


class TestLrmxBatch:
    def test_zip_of_the_selection_audited(self, client, officer_a, mine):
        client.force_login(officer_a)
        response = client.post(LRMX, {"ids": [m.pk for m in mine]}, content_type=JSON)
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        assert response["Cache-Control"] == "no-store"
        assert "LRMX" in response["Content-Disposition"]
        with zipfile.ZipFile(BytesIO(response.content)) as archive:
            names = sorted(archive.namelist())
            assert names == ["李和平.lrmx", "王建设.lrmx"]  # no 导出说明: nothing left out
            assert lrmx.parse(archive.read("王建设.lrmx")).name == "王建设"
        event = AuditEvent.objects.get(action="cadre.lrmx_export_batch")
        assert event.detail["count"] == 2 and event.outcome == AuditOutcome.OK

    def test_outside_the_scope_is_404_and_nothing_exported(self, client, officer_a, mine, foreign):
        client.force_login(officer_a)
        for extra in (foreign.pk, 999999):
            response = client.post(LRMX, {"ids": [mine[0].pk, extra]}, content_type=JSON)
            assert response.status_code == 404 and response.json()["code"] == "not_found"
        events = AuditEvent.objects.filter(action="cadre.lrmx_export_batch")
        assert {e.outcome for e in events} == {AuditOutcome.DENIED} and events.count() == 2

    def test_officers_only(self, client, leader_a, mine):
        client.force_login(leader_a)
        response = client.post(LRMX, {"ids": [mine[0].pk]}, content_type=JSON)
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="cadre.lrmx_export_batch").exists()

    def test_bad_ids(self, client, officer_a):
        client.force_login(officer_a)
        assert client.post(LRMX, {"ids": []}, content_type=JSON).status_code == 400
        assert client.post(LRMX, {"ids": ["x"]}, content_type=JSON).status_code == 400
        assert client.post(LRMX, {}, content_type=JSON).status_code == 400


@pytest.fixture
def young_member(city):
    """Joined the Party at 14 and has no 简历: two findings."""
    return CadreFactory(name="钱早党", unit=city.county_a_dept, party_join_date=date(1994, 6, 1))


class TestChecks:
    def test_a_cadres_findings_as_the_tab(self, client, leader_a, young_member):
        client.force_login(leader_a)
        response = client.get(f"/api/v1/cadres/{young_member.pk}/checks")
        assert response.status_code == 200
        body = response.json()
        codes = {i["code"] for i in body["issues"]}
        assert {"party_age", "resume_missing"} <= codes and body["count"] == len(body["issues"])
        party = next(i for i in body["issues"] if i["code"] == "party_age")
        assert party["label"] == "入党时未满18周岁" and "party_join_date" in party["fields"]
        assert "入党时间" in party["field_labels"]
        event = AuditEvent.objects.get(action="cadre.view")
        assert event.target_id == str(young_member.pk) and event.outcome == AuditOutcome.OK

    def test_another_countys_cadre_is_404_audited_denied(self, client, officer_a, foreign):
        client.force_login(officer_a)
        response = client.get(f"/api/v1/cadres/{foreign.pk}/checks")
        assert response.status_code == 404
        event = AuditEvent.objects.get(action="cadre.view")
        assert event.outcome == AuditOutcome.DENIED and event.target_id == str(foreign.pk)

    def test_report_scope_filters_and_pages(self, client, officer_a, city, young_member, foreign):
        fixed = CadreFactory(
            name="孙无误", unit=city.county_a_town, party_join_date=date(2001, 6, 1)
        )
        ResumeEntry.objects.create(cadre=fixed, start_date=date(2002, 7, 1), text="城关镇工作")
        client.force_login(officer_a)
        report = client.get("/api/v1/cadres/checks/").json()
        assert report["checked"] == 2  # county B's cadre is not checked at all
        names = [r["name"] for r in report["items"]]
        assert "钱早党" in names and "赵乙县" not in names
        counts = {c["code"]: c for c in report["counts"]}
        assert counts["party_age"]["cadres"] == 1
        only = client.get("/api/v1/cadres/checks/?code=party_age").json()
        assert [r["name"] for r in only["items"]] == ["钱早党"]
        assert {i["code"] for i in only["items"][0]["issues"]} == {"party_age"}
        town = client.get(f"/api/v1/cadres/checks/?unit={city.county_a_town.pk}").json()
        assert town["checked"] == 1 and "钱早党" not in [r["name"] for r in town["items"]]
        other = client.get(f"/api/v1/cadres/checks/?unit={city.county_b_dept.pk}").json()
        assert other["checked"] == 0 and other["items"] == []
        paged = client.get("/api/v1/cadres/checks/?page=2&page_size=1&sort=-count").json()
        assert paged["page"] == 2 and len(paged["items"]) == min(1, max(0, report["count"] - 1))
        bad = client.get("/api/v1/cadres/checks/?code=nope&page_size=500")
        assert bad.status_code == 400 and set(bad.json()["fields"]) == {"code", "page_size"}

    def test_report_for_cadre_roles_only(self, client, city):
        assert client.get("/api/v1/cadres/checks/").status_code == 401
        client.force_login(UserFactory(username="auditor", role="auditor"))
        assert client.get("/api/v1/cadres/checks/").status_code == 403


class TestCadreListExport:
    def test_filters_columns_and_scope_as_the_page(
        self, client, officer_a, mine, foreign, django_capture_on_commit_callbacks
    ):
        from openpyxl import load_workbook

        client.force_login(officer_a)
        payload = {"query": "sort=name&page=4", "hidden_columns": ["gender", "unit"]}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/cadres/export", payload, content_type=JSON)
        assert response.status_code == 202, response.content
        job = Job.objects.get(pk=response.json()["job_id"])
        assert job.params == {"filter": {"sort": ["name"]}, "hidden": ["gender", "unit"]}
        download = client.get(f"/api/v1/jobs/{job.pk}/download")
        sheet = load_workbook(filename=BytesIO(b"".join(download.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert "性别" not in rows[0] and "工作单位" not in rows[0]
        assert sorted(r[0] for r in rows[1:]) == sorted(c.name for c in mine)  # not 赵乙县
        assert AuditEvent.objects.filter(action="cadre.export").count() == 1

    def test_selected_ids_and_bad_columns(self, client, officer_a, mine, foreign):
        client.force_login(officer_a)
        bad = client.post(
            "/api/v1/cadres/export", {"hidden_columns": ["salary"]}, content_type=JSON
        )
        assert bad.status_code == 400
        response = client.post(
            "/api/v1/cadres/export", {"ids": [mine[0].pk, foreign.pk]}, content_type=JSON
        )
        job = Job.objects.get(pk=response.json()["job_id"])
        assert job.params["filter"] == {"ids": [f"{mine[0].pk},{foreign.pk}"]}
