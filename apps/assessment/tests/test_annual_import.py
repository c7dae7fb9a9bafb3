"""Import of annual grades from Excel: upload → background check (preview with every problem) →
确认导入 (all or nothing, idempotent, audited with the file hash); scope and bad rows."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.constants import AnnualGrade, SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet
from apps.assessment.services.annual_import import annual_import_commit, file_hash
from apps.assessment.tests.factories import AnnualAssessmentFactory
from apps.cadres.constants import Gender
from apps.cadres.tests.factories import CadreFactory, make_id_number
from apps.core.exceptions import DomainError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "公民身份号码", "年度", "等次", "评语"]


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


def id_number(serial: int) -> str:
    return make_id_number(date(1985, 3, 9), Gender.MALE, serial)


@pytest.fixture
def people(city):
    return {
        "zhang": CadreFactory(name="张伟", unit=city.county_a_dept, id_number=id_number(1)),
        "li": CadreFactory(name="李娜", unit=city.county_a_dept, id_number=id_number(2)),
        "b": CadreFactory(name="孙乙", unit=city.county_b_dept, id_number=id_number(3)),
    }


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, content, capture, name="2026年度考核.xlsx"):
    with capture(execute=True):
        response = client.post(
            reverse("assessment:annual_import"),
            {"file": SimpleUploadedFile(name, content)},
        )
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert job.status == JobStatus.DONE, job.error
    return job


GOOD_ROWS = [
    ["张伟", id_number(1), 2026, "优秀", "表现突出"],
    ["李娜", id_number(2), 2026, "称职", ""],
]


class TestGoodFile:
    def test_preview_commit_and_idempotent_reimport(
        self, city, officer_a, people, django_capture_on_commit_callbacks
    ):
        AnnualAssessmentFactory(
            cadre=people["li"], year=2026, grade=AnnualGrade.BASICALLY_COMPETENT
        )
        client = login(officer_a)
        content = workbook(GOOD_ROWS)
        job = upload(client, content, django_capture_on_commit_callbacks)
        preview = job.params["preview"]
        assert "path" not in job.params and not default_storage.listdir("imports/assessment/")[1]
        assert preview["counts"] == {"new": 1, "updated": 1, "unchanged": 0, "invalid": 0}
        assert preview["problems"] == [] and preview["file_hash"] == file_hash(content)
        assert id_number(1) not in str(job.params)  # never stored in clear
        page = client.get(reverse("assessment:annual_import_preview", args=[job.pk]))
        assert 'data-testid="import-commit"' in page.content.decode()
        report = load_workbook(BytesIO(job.result_file.read()))
        assert [r[1] for r in report["待导入"].iter_rows(min_row=2, values_only=True)] == [
            "张伟",
            "李娜",
        ]

        response = client.post(
            reverse("assessment:annual_import_commit", args=[job.pk]), follow=True
        )
        assert "已导入：新增 1 条，修改 1 条" in response.content.decode()
        grades = dict(AnnualAssessment.objects.values_list("cadre__name", "grade"))
        assert grades == {"张伟": AnnualGrade.EXCELLENT, "李娜": AnnualGrade.COMPETENT}
        sheet = AnnualSheet.objects.get(unit=city.county_a_dept, year=2026)
        assert sheet.status == SheetStatus.DRAFT and sheet.participants == 2
        event = AuditEvent.objects.get(action="assessment.annual.import")
        assert event.detail["file_hash"] == file_hash(content)
        assert event.detail["counts"]["changed"] == 2
        with pytest.raises(DomainError, match="已确认导入"):
            annual_import_commit(actor=officer_a, job_id=job.pk)

        versions = dict(AnnualAssessment.objects.values_list("pk", "version"))
        sheet_version = AnnualSheet.objects.get(pk=sheet.pk).version
        again = upload(client, content, django_capture_on_commit_callbacks)
        assert again.params["preview"]["counts"] == {
            "new": 0,
            "updated": 0,
            "unchanged": 2,
            "invalid": 0,
        }
        counts = annual_import_commit(actor=officer_a, job_id=again.pk)
        assert counts["changed"] == 0
        assert dict(AnnualAssessment.objects.values_list("pk", "version")) == versions
        assert AnnualSheet.objects.get(pk=sheet.pk).version == sheet_version

    def test_a_submitted_sheet_refuses_changes_but_accepts_the_same(
        self, city, officer_a, people, django_capture_on_commit_callbacks
    ):
        sheet = AnnualSheet.objects.create(
            unit=city.county_a_dept, year=2026, status=SheetStatus.SUBMITTED
        )
        AnnualAssessmentFactory(
            cadre=people["zhang"], sheet=sheet, year=2026, grade="excellent", comment="表现突出"
        )
        job = upload(login(officer_a), workbook(GOOD_ROWS), django_capture_on_commit_callbacks)
        preview = job.params["preview"]
        assert preview["counts"] == {"new": 0, "updated": 0, "unchanged": 1, "invalid": 1}
        (problem,) = preview["problems"]
        assert problem["row"] == 3 and "已提交，不能导入新增" in problem["reason"]


class TestBadFiles:
    def test_out_of_scope_id_number_is_an_error(
        self, officer_a, people, django_capture_on_commit_callbacks
    ):
        rows = [*GOOD_ROWS, ["孙乙", id_number(3), 2026, "称职", ""]]
        client = login(officer_a)
        job = upload(client, workbook(rows), django_capture_on_commit_callbacks)
        preview = job.params["preview"]
        assert preview["counts"]["invalid"] == 1
        (problem,) = preview["problems"]
        assert (problem["row"], problem["column"]) == (4, "公民身份号码")
        assert "不在您的数据范围内" in problem["reason"]
        assert problem["value"] != id_number(3) and problem["value"].endswith(id_number(3)[-4:])
        page = client.get(reverse("assessment:annual_import_preview", args=[job.pk]))
        assert 'data-testid="import-blocked"' in page.content.decode()
        with pytest.raises(DomainError, match="存在问题"):
            annual_import_commit(actor=officer_a, job_id=job.pk)
        assert not AnnualAssessment.objects.exists()  # all or nothing

    def test_bad_grade_year_name_cap_and_duplicates(
        self, officer_a, people, django_capture_on_commit_callbacks
    ):
        SanctionFactory(
            cadre=people["li"],
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_WARNING,
            effective_date=date(2026, 4, 1),
        )
        rows = [
            ["张伟", id_number(1), 2026, "良好", ""],
            ["李娜", id_number(2), 2026, "优秀", ""],
            ["张三", id_number(1), 2025, "称职", ""],
            ["张伟", id_number(1), 2030, "称职", ""],
            ["张伟", "12345", 2026, "称职", ""],
            ["李娜", id_number(2), 2024, "不定等次", ""],
        ]
        job = upload(login(officer_a), workbook(rows), django_capture_on_commit_callbacks)
        problems = {(p["row"], p["column"]): p for p in job.params["preview"]["problems"]}
        assert (
            problems[(2, "等次")]["value"] == "良好"
            and "等次无效" in problems[(2, "等次")]["reason"]
        )
        assert problems[(3, "等次")]["reason"] == "受警告处分当年不得确定为优秀（ASM-DIS-1）"
        assert "姓名与公民身份号码不符" in problems[(4, "姓名")]["reason"]
        assert "年度应为" in problems[(5, "年度")]["reason"]
        assert (6, "公民身份号码") in problems
        assert problems[(7, "等次")]["reason"] == "不定等次须填写评语"
        assert job.params["preview"]["counts"]["invalid"] == 6

        dup = [GOOD_ROWS[0], ["张伟", id_number(1), 2026, "称职", ""]]
        job = upload(login(officer_a), workbook(dup), django_capture_on_commit_callbacks)
        (problem,) = job.params["preview"]["problems"]
        assert "与第 2 行重复" in problem["reason"]

    def test_missing_column_and_non_excel(
        self, officer_a, people, django_capture_on_commit_callbacks
    ):
        client = login(officer_a)
        job = upload(
            client, workbook([], header=["姓名", "年度"]), django_capture_on_commit_callbacks
        )
        assert "缺少列：公民身份号码、等次" in job.params["preview"]["error"]
        response = client.post(
            reverse("assessment:annual_import"),
            {"file": SimpleUploadedFile("grades.csv", b"a,b\n1,2\n")},
        )
        assert response.status_code == 200 and "请上传 Excel 文件" in response.content.decode()


class TestAccess:
    def test_roles_and_other_users_jobs(
        self, officer_a, officer_b, leader_a, people, django_capture_on_commit_callbacks
    ):
        assert login(leader_a).get(reverse("assessment:annual_import")).status_code == 403
        job = upload(login(officer_a), workbook(GOOD_ROWS), django_capture_on_commit_callbacks)
        preview = reverse("assessment:annual_import_preview", args=[job.pk])
        commit = reverse("assessment:annual_import_commit", args=[job.pk])
        assert login(officer_b).get(preview).status_code == 404
        assert login(officer_b).post(commit).status_code == 404
        assert not AnnualAssessment.objects.exists()
        template = login(officer_a).get(reverse("assessment:annual_import_template"))
        header = next(load_workbook(BytesIO(template.content)).active.iter_rows(values_only=True))
        assert list(header) == HEADER

    def test_officer_b_sees_county_a_numbers_as_not_found(
        self, officer_b, people, django_capture_on_commit_callbacks
    ):
        job = upload(login(officer_b), workbook(GOOD_ROWS), django_capture_on_commit_callbacks)
        reasons = {p["reason"] for p in job.params["preview"]["problems"]}
        assert reasons == {"未找到该公民身份号码对应的干部，或该干部不在您的数据范围内"}
