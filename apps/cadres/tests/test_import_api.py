"""Import through the API: upload → validation job → status with paged problems → marked file →
commit, owner-only jobs (another county's officer gets 404), roles; and the LRMX import with a
dry run first. Same service, scope and audit as the pages."""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from apps.accounts.api_auth import token_create
from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.models import Cadre, FamilyMember
from apps.cadres.tests.factories import CadreFactory, make_id_number
from apps.cadres.tests.test_import_support import xlsx
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cadres/imports/"
NUMBER = make_id_number(date(1980, 5, 17), "male", 1)
FAM = ["公民身份号码", "称谓", "姓名", "出生年月", "政治面貌", "工作单位及职务"]
SAMPLES = Path(__file__).parent / "lrmx_samples"


@pytest.fixture
def cadre(city):
    return CadreFactory(name="张伟", unit=city.county_a_dept, id_number=NUMBER)


@pytest.fixture
def api(officer_a) -> Client:
    """A client authenticated by a Bearer token, as a script would be."""
    _, key = token_create(actor=None, user=officer_a, name="test", expires_at=None)
    return Client(headers={"Authorization": f"Bearer {key}"})


def family_file(*rows: tuple[str, str]) -> bytes:
    return xlsx(
        [{"公民身份号码": NUMBER, "称谓": r, "姓名": n, "政治面貌": "群众"} for r, n in rows],
        FAM,
        sheet="家庭成员",
    )


def start(client: Client, data: bytes, capture, kind: str = "family", name: str = "家庭.xlsx"):
    with capture(execute=True):
        return client.post(BASE, {"type": kind, "file": SimpleUploadedFile(name, data)})


class TestFlow:
    def test_upload_status_commit(self, api, cadre, django_capture_on_commit_callbacks):
        response = start(
            api, family_file(("妻子", "李丽"), ("儿子", "张明")), django_capture_on_commit_callbacks
        )
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["type"] == "family" and body["type_label"] == "家庭成员"
        job_id = body["job_id"]
        status = api.get(f"{BASE}{job_id}").json()
        assert status["status"] == "done" and status["committable"] is True
        assert status["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "invalid": 0}
        assert status["problems"] == {"count": 0, "page": 1, "page_size": 50, "items": []}
        assert status["commit"] is None
        assert not FamilyMember.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            committed = api.post(f"{BASE}{job_id}/commit")
        assert committed.status_code == 202
        assert committed.json()["commit"]["status"] == "queued"
        after = api.get(f"{BASE}{job_id}").json()["commit"]
        assert after["status"] == "done"
        assert after["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
        assert FamilyMember.objects.filter(cadre=cadre).count() == 2
        event = AuditEvent.objects.get(action="cadre.family.import")
        assert event.actor_name == "officer_a" and event.detail["rows"] == 2
        again = api.post(f"{BASE}{job_id}/commit")
        assert again.status_code == 400 and again.json()["code"] == "import_started"

    def test_problems_paged_and_marked_file(self, api, cadre, django_capture_on_commit_callbacks):
        other = make_id_number(date(1970, 1, 1), "male", 9)
        rows = [{"公民身份号码": other, "称谓": "妻子", "姓名": f"某{i}"} for i in range(3)]
        data = xlsx(rows, FAM, sheet="家庭成员")
        job_id = start(api, data, django_capture_on_commit_callbacks).json()["job_id"]
        status = api.get(f"{BASE}{job_id}?page=2&page_size=2").json()
        assert status["counts"]["invalid"] == 3 and status["committable"] is False
        assert status["problems"]["count"] == 3 and len(status["problems"]["items"]) == 1
        item = status["problems"]["items"][0]
        assert item["row"] == 4 and item["cell"] == "A4" and item["column"] == "公民身份号码"
        assert "*" in item["value"] and "不在您的数据范围内" in item["reason"]
        refused = api.post(f"{BASE}{job_id}/commit")
        assert refused.status_code == 400 and refused.json()["code"] == "import_not_ready"
        marked = api.get(f"{BASE}{job_id}/marked")
        assert marked.status_code == 200 and "attachment" in marked["Content-Disposition"]
        sheet = load_workbook(BytesIO(marked.content)).active
        assert sheet["A2"].fill.fgColor.rgb.endswith("FFC7CE")
        assert AuditEvent.objects.filter(action="import.marked_download").count() == 1

    def test_file_refused_at_once_and_header_problems(
        self, api, django_capture_on_commit_callbacks
    ):
        docx = start(
            api, b"%PDF-1.4 not a sheet", django_capture_on_commit_callbacks, name="a.xlsx"
        )
        assert docx.status_code == 400 and docx.json()["code"] == "import_file_refused"
        wrong = xlsx([["x"]], ["某列"], sheet="家庭成员")
        job_id = start(api, wrong, django_capture_on_commit_callbacks).json()["job_id"]
        status = api.get(f"{BASE}{job_id}").json()
        assert status["file_errors"] and status["committable"] is False

    def test_bad_type_and_params(self, api, django_capture_on_commit_callbacks):
        data = family_file(("妻子", "李丽"))
        unknown = start(api, data, django_capture_on_commit_callbacks, kind="nope")
        assert unknown.status_code == 400 and unknown.json()["code"] == "import_type"
        units = start(api, data, django_capture_on_commit_callbacks, kind="units")
        assert units.status_code == 403
        missing = api.post(BASE, {"type": "family"})
        assert missing.status_code == 400
        assert api.get(f"{BASE}0").status_code == 400
        assert api.get(f"{BASE}1?page_size=101").status_code == 400


class TestOwnership:
    def test_another_countys_officer_gets_404(
        self, city, api, cadre, django_capture_on_commit_callbacks
    ):
        job_id = start(
            api, family_file(("妻子", "李丽")), django_capture_on_commit_callbacks
        ).json()["job_id"]
        other = UserFactory(username="officer_b")
        grant(other, city.county_b, levels=[ManagedBy.COUNTY])
        client = Client()
        client.force_login(other)
        assert client.get(f"{BASE}{job_id}").status_code == 404
        assert client.get(f"{BASE}{job_id}/marked").status_code == 404
        response = client.post(f"{BASE}{job_id}/commit")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert client.get(f"{BASE}{job_id + 1000}").status_code == 404
        assert not FamilyMember.objects.exists()

    def test_leader_and_anonymous(self, leader_a, api, cadre, django_capture_on_commit_callbacks):
        job_id = start(
            api, family_file(("妻子", "李丽")), django_capture_on_commit_callbacks
        ).json()["job_id"]
        client = Client()
        assert client.get(f"{BASE}{job_id}").status_code == 401
        client.force_login(leader_a)
        assert client.get(f"{BASE}{job_id}").status_code == 403
        assert client.post(BASE, {"type": "family"}).status_code == 403


class TestLrmxImport:
    URL = "/api/v1/cadres/lrmx/import"

    def post(self, client, unit, **extra):
        content = (SAMPLES / "canonical.lrmx").read_bytes()
        data = {"file": SimpleUploadedFile("canonical.lrmx", content), "unit": unit.pk,
                "managed_by": ManagedBy.COUNTY, **extra}  # fmt: skip
        return client.post(self.URL, data)

    def test_dry_run_then_import(self, city, api):
        preview = self.post(api, city.county_a_dept)
        assert preview.status_code == 200, preview.content
        body = preview.json()
        assert body["dry_run"] is True and body["counts"]["created"] == 1
        assert body["files"][0]["cadre_id"] is None and body["files"][0]["person"]
        assert not Cadre.objects.exists()
        done = self.post(api, city.county_a_dept, dry_run="false").json()
        assert done["dry_run"] is False and done["counts"]["created"] == 1
        cadre = Cadre.objects.get()
        assert done["files"][0]["cadre_id"] == cadre.pk and cadre.unit == city.county_a_dept
        assert AuditEvent.objects.filter(action="cadre.lrmx_import_batch").count() == 1

    def test_target_outside_the_scope_and_bad_files(self, city, api, leader_a):
        outside = self.post(api, city.county_b_dept)
        assert outside.status_code == 400 and "unit" in outside.json()["fields"]
        bad = api.post(
            self.URL,
            {"file": SimpleUploadedFile("a.docx", b"x"), "unit": city.county_a_dept.pk,
             "managed_by": ManagedBy.COUNTY},
        )  # fmt: skip
        assert bad.status_code == 400 and bad.json()["code"] == "lrmx_type"
        client = Client()
        client.force_login(leader_a)
        assert self.post(client, city.county_a_dept).status_code == 403
        assert not Cadre.objects.exists()
