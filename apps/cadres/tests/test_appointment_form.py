"""干部任免审批表: data assembly (ages on the form's date, resume, education, family), the section
hook, the HTML page, the PDF (text via pypdf, long resumes continued), the .docx, scope, audit and
the batch job."""

import time
import zipfile
from datetime import date
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document
from PIL import Image
from pypdf import PdfReader

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.appointment_form import build, build_many, sections
from apps.cadres.appointment_form.data import ResumeLine
from apps.cadres.appointment_form.layout import (
    RESUME_LINES_FIRST,
    RESUME_LINES_NEXT,
    fit,
    split_resume,
    visual_lines,
)
from apps.cadres.appointment_form.pdf import render_pdf
from apps.cadres.appointment_form.word import render_docx
from apps.cadres.constants import Degree, EducationLevel, EducationMode, PoliticalStatus
from apps.cadres.models import Education, FamilyMember, ResumeEntry
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus

pytestmark = pytest.mark.django_db

ON = date(2026, 1, 15)


@pytest.fixture(autouse=True)
def no_providers(monkeypatch):
    """Each test starts with no section providers (other apps may have registered theirs)."""
    monkeypatch.setattr(sections, "_PROVIDERS", {})


@pytest.fixture
def zhang(city):
    """A county-A cadre with a full record."""
    cadre = CadreFactory(
        name="张建国",
        unit=city.county_a_dept,
        managed_by=ManagedBy.COUNTY,
        birth_date=date(1975, 3, 20),
        work_start_date=date(1997, 7, 1),
        party_join_date=date(1998, 7, 1),
        native_place="云南昆明",
        birthplace="云南宜良",
        professional_title="高级经济师",
        expertise="财政管理",
        current_post_title="甲县财政局党组书记、局长",
        proposed_post="甲县人民政府副县长",
        proposed_removal="甲县财政局局长职务",
    )
    Education.objects.create(
        cadre=cadre,
        mode=EducationMode.FULL_TIME,
        level=EducationLevel.ASSOCIATE,
        school="昆明师专",
        major="数学",
        end_date=date(1995, 7, 1),
    )
    Education.objects.create(
        cadre=cadre,
        mode=EducationMode.FULL_TIME,
        level=EducationLevel.BACHELOR,
        degree=Degree.BACHELOR,
        school="云南大学",
        major="经济学",
        end_date=date(1997, 7, 1),
    )
    Education.objects.create(
        cadre=cadre,
        mode=EducationMode.IN_SERVICE,
        level=EducationLevel.MASTER,
        degree=Degree.MASTER,
        school="中央党校",
        major="政治经济学专业",
        end_date=date(2005, 7, 1),
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(1998, 7, 1), end_date=date(2003, 6, 1), text="甲县财政局科员"
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2003, 6, 1), end_date=None, text="甲县财政局副局长"
    )
    FamilyMember.objects.create(
        cadre=cadre,
        relation="妻子",
        name="李秀英",
        birth_date=date(1977, 1, 16),
        political_status=PoliticalStatus.CPC,
        work_unit_and_post="甲县第一中学教师",
        sort_order=1,
    )
    FamilyMember.objects.create(cadre=cadre, relation="父亲", name="张老汉", sort_order=2)
    return cadre


@pytest.fixture
def other_county(city):
    return CadreFactory(name="赵乙县", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)


def login(client, user):
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def long_resume(cadre, lines=40):
    for i in range(lines):
        ResumeEntry.objects.create(
            cadre=cadre,
            start_date=date(1980 + i, 1, 1),
            end_date=date(1981 + i, 1, 1),
            text=f"某县某局第{i + 1:02d}号岗位",
        )


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (90, 120), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class TestData:
    def test_fields_in_the_forms_style(self, zhang, officer_a):
        form = build(zhang, actor=officer_a, on=ON)
        assert (form.name, form.gender, form.birth, form.age) == ("张建国", "男", "1975.03", 50)
        assert form.birth_and_age == "1975.03\n（50岁）"
        assert (form.party_join, form.work_start) == ("1998.07", "1997.07")
        assert (form.native_place, form.birthplace, form.health) == ("云南昆明", "云南宜良", "健康")
        assert form.current_post == "甲县财政局党组书记、局长"
        assert (form.proposed_post, form.proposed_removal) == (
            "甲县人民政府副县长",
            "甲县财政局局长职务",
        )
        assert form.filled_by == officer_a.display_name
        assert form.on_text == "2026年1月15日"

    @pytest.mark.parametrize(
        ("on", "age"),
        [(date(2026, 3, 19), 50), (date(2026, 3, 20), 51), (date(2026, 3, 21), 51)],
    )
    def test_age_on_the_form_date_around_the_birthday(self, zhang, officer_a, on, age):
        assert build(zhang, actor=officer_a, on=on).age == age

    def test_resume_one_line_per_period(self, zhang, officer_a):
        form = build(zhang, actor=officer_a, on=ON)
        assert [str(line) for line in form.resume] == [
            "1998.07--2003.06  甲县财政局科员",
            "2003.06--  甲县财政局副局长",
        ]

    def test_education_split_full_time_and_in_service(self, zhang, officer_a):
        form = build(zhang, actor=officer_a, on=ON)
        # The highest full-time education (本科 over 专科), the in-service one apart.
        assert form.full_time.degree == "大学本科\n学士学位"
        assert form.full_time.school_major == "云南大学经济学专业"
        assert form.in_service.degree == "硕士研究生\n硕士学位"
        assert form.in_service.school_major == "中央党校政治经济学专业"

    def test_no_education_of_a_mode_leaves_it_blank(self, city, officer_a):
        cadre = CadreFactory(unit=city.county_a_dept)
        form = build(cadre, actor=officer_a, on=ON)
        assert form.full_time.degree == form.in_service.school_major == ""

    def test_family_ages_on_the_form_date(self, zhang, officer_a):
        form = build(zhang, actor=officer_a, on=date(2026, 1, 15))
        wife, father = form.family
        assert (wife.relation, wife.name, wife.age) == ("妻子", "李秀英", 48)
        assert (wife.political_status, wife.work) == ("中共党员", "甲县第一中学教师")
        assert father.age is None and father.political_status == ""
        assert build(zhang, actor=officer_a, on=date(2026, 1, 16)).family[0].age == 49

    def test_non_party_member_has_no_party_date(self, city, officer_a):
        cadre = CadreFactory(unit=city.county_a_dept, political_status=PoliticalStatus.NONE)
        assert build(cadre, actor=officer_a, on=ON).party_join == ""

    def test_read_is_scoped_and_audited(self, zhang, other_county, officer_a):
        build(zhang.pk, actor=officer_a, on=ON)
        assert AuditEvent.objects.filter(action="cadre.view", target_id=str(zhang.pk)).exists()
        with pytest.raises(OutOfScopeError):
            build(other_county, actor=officer_a, on=ON)
        denied = AuditEvent.objects.get(action="cadre.view", target_id=str(other_county.pk))
        assert denied.outcome == AuditOutcome.DENIED

    def test_build_many_keeps_order_and_excludes_out_of_scope(
        self, zhang, other_county, city, officer_a
    ):
        second = CadreFactory(name="王二", unit=city.county_a_town)
        forms, excluded = build_many(
            [second.pk, other_county.pk, zhang.pk, 999999], actor=officer_a, on=ON
        )
        assert [f.name for f in forms] == ["王二", "张建国"]
        assert excluded == [other_county.pk, 999999]
        assert forms[1].full_time.school_major == "云南大学经济学专业"  # parts prefetched
        assert [line.text for line in forms[1].resume] == ["甲县财政局科员", "甲县财政局副局长"]


class TestSectionHook:
    def test_no_provider_leaves_the_sections_blank(self, zhang, officer_a):
        form = build(zhang, actor=officer_a, on=ON)
        assert form.awards == form.assessments == form.reason == ""

    def test_provider_fills_its_section_with_actor_cadre_and_date(self, zhang, officer_a):
        calls = []

        def annual(actor, cadre, on):
            calls.append((actor, cadre.pk, on))
            return "2023年度称职，2024年度优秀，2025年度称职"

        sections.register_form_section("年度考核结果", annual)
        form = build(zhang, actor=officer_a, on=ON)
        assert form.assessments == "2023年度称职，2024年度优秀，2025年度称职"
        assert calls == [(officer_a, zhang.pk, ON)]

    def test_registered_providers_with_nothing_to_say_print_none(self, zhang, officer_a):
        sections.register_form_section("奖惩情况", lambda a, c, on: None, name="t.awards")
        sections.register_form_section("任免理由", lambda a, c, on: "", name="t.reason")
        form = build(zhang, actor=officer_a, on=ON)
        assert form.awards == "（无）"
        assert form.reason == ""  # written by hand: stays blank

    def test_several_providers_contribute_and_reregistering_replaces(self, zhang, officer_a):
        sections.register_form_section("奖惩情况", lambda a, c, on: "2019年记三等功", name="t.a")
        sections.register_form_section("奖惩情况", lambda a, c, on: "2020年嘉奖", name="t.b")
        sections.register_form_section("奖惩情况", lambda a, c, on: "2021年嘉奖", name="t.b")
        assert build(zhang, actor=officer_a, on=ON).awards == "2019年记三等功\n2021年嘉奖"
        sections.unregister_form_section("奖惩情况", "t.a")
        assert build(zhang, actor=officer_a, on=ON).awards == "2021年嘉奖"

    def test_unknown_section_is_refused(self):
        with pytest.raises(ValueError, match="没有"):
            sections.register_form_section("政治表现", lambda a, c, on: "x")


class TestLayout:
    def test_short_text_fits_at_full_size_long_text_shrinks(self):
        assert fit("张伟", 24, 13.5).css == ""
        assert fit("阿卜杜热合曼·买买提明", 24, 13.5).css in ("fs-s", "fs-xs")
        assert fit("很长的职务" * 40, 149, 12).extra_mm > 0

    def test_resume_split_never_drops_a_line(self):
        lines = [ResumeLine("2000.01--2001.01", f"第{i}行" * (i % 7 + 1)) for i in range(100)]
        pages = split_resume(lines, RESUME_LINES_FIRST, RESUME_LINES_NEXT)
        assert [line for page in pages for line in page] == lines
        assert sum(visual_lines(x.text, 24) for x in pages[0]) <= RESUME_LINES_FIRST
        assert all(sum(visual_lines(x.text, 24) for x in p) <= RESUME_LINES_NEXT for p in pages)


class TestPage:
    def test_page_shows_the_form_without_navigation(self, client, zhang, officer_a):
        url = reverse("cadres:appointment_form", args=[zhang.pk])
        response = login(client, officer_a).get(url, {"on": "2026-03-20"})
        assert response.status_code == 200
        html = response.content.decode()
        for text in (
            "干部任免审批表",
            "张建国",
            "1975.03<br>（51岁）",
            "1998.07--2003.06",
            "甲县财政局科员",
            "云南大学经济学专业",
            "李秀英",
            "家庭主要成员及重要社会关系",
            "呈<br>报<br>单<br>位",
            "填表时间：2026年3月20日",
            "cadres/appointment_form.css",
        ):
            assert text in html, text
        assert "dd-topbar" not in html and "breadcrumb" not in html  # no navigation chrome
        assert reverse("cadres:appointment_form_pdf", args=[zhang.pk]) + "?on=2026-03-20" in html
        assert "（续）" not in html
        event = AuditEvent.objects.get(action="cadre.appointment_form")
        assert event.detail == {"format": "html", "on": "2026-03-20"}
        assert event.target_id == str(zhang.pk) and event.actor == officer_a

    def test_bad_date_falls_back_to_today(self, client, zhang, officer_a):
        url = reverse("cadres:appointment_form", args=[zhang.pk])
        assert login(client, officer_a).get(url, {"on": "2026-13-45"}).status_code == 200

    def test_leader_may_print_the_admins_may_not(self, client, zhang, leader_a, city):
        url = reverse("cadres:appointment_form", args=[zhang.pk])
        assert login(client, leader_a).get(url).status_code == 200
        auditor = UserFactory(role=Role.AUDITOR)
        grant(auditor, city.root)
        assert login(client, auditor).get(url).status_code == 403

    def test_detail_page_links_to_the_form(self, client, zhang, officer_a):
        html = login(client, officer_a).get(reverse("cadres:cadre_detail", args=[zhang.pk]))
        assert reverse("cadres:appointment_form", args=[zhang.pk]) in html.content.decode()

    def test_photo_is_embedded(self, client, zhang, officer_a):
        zhang.photo.save("p.png", ContentFile(png_bytes()))
        response = login(client, officer_a).get(reverse("cadres:appointment_form", args=[zhang.pk]))
        assert 'src="data:image/png;base64,' in response.content.decode()


class TestPdf:
    def test_pdf_has_the_form_text(self, client, zhang, officer_a):
        response = login(client, officer_a).get(
            reverse("cadres:appointment_form_pdf", args=[zhang.pk]), {"on": "2026-01-15"}
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "attachment;" in response["Content-Disposition"]
        assert response["Cache-Control"] == "no-store"
        text = pdf_text(response.content)
        for expected in ("干部任免审批表", "张建国", "甲县财政局科员", "李秀英", "第 1 页"):
            assert expected in text, expected
        assert len(PdfReader(BytesIO(response.content)).pages) == 2
        event = AuditEvent.objects.get(action="cadre.appointment_form")
        assert event.detail["format"] == "pdf"

    def test_forty_line_resume_continues_and_keeps_every_line(self, zhang, officer_a):
        long_resume(zhang, 40)
        pdf = render_pdf([build(zhang, actor=officer_a, on=ON)])
        text = pdf_text(pdf)
        for i in range(40):
            assert f"某县某局第{i + 1:02d}号岗位" in text, i
        assert "甲县财政局副局长" in text  # the record's own lines too (42 in all)
        assert "干部任免审批表（续）" in text
        pages = PdfReader(BytesIO(pdf)).pages
        assert len(pages) == 3  # page 1, one continuation, page 2
        assert "奖" in pages[2].extract_text() and "续" in pages[1].extract_text()

    def test_a_normal_record_renders_well_under_a_second(self, zhang, officer_a):
        form = build(zhang, actor=officer_a, on=ON)
        render_pdf([form])  # warm the fonts
        started = time.perf_counter()
        render_pdf([form])
        assert time.perf_counter() - started < 2.0  # ~0.35 s here; generous for slow CI


class TestDocx:
    def test_docx_opens_and_contains_the_form(self, client, zhang, officer_a):
        zhang.photo.save("p.png", ContentFile(png_bytes()))
        response = login(client, officer_a).get(
            reverse("cadres:appointment_form_docx", args=[zhang.pk])
        )
        assert response.status_code == 200
        assert response["Content-Type"].endswith("wordprocessingml.document")
        text = docx_text(response.content)
        for expected in ("干部任免审批表", "张建国", "1975.03", "甲县财政局科员", "李秀英", "简"):
            assert expected in text, expected
        assert len(Document(BytesIO(response.content)).inline_shapes) == 1  # the photo
        event = AuditEvent.objects.get(action="cadre.appointment_form")
        assert event.detail["format"] == "docx"

    def test_docx_long_resume_continues(self, zhang, officer_a):
        long_resume(zhang, 40)
        text = docx_text(render_docx(build(zhang, actor=officer_a, on=ON)))
        assert all(f"某县某局第{i + 1:02d}号岗位" in text for i in range(40))
        assert "干部任免审批表（续）" in text


class TestScope:
    @pytest.mark.parametrize(
        "name", ["appointment_form", "appointment_form_pdf", "appointment_form_docx"]
    )
    def test_other_county_officer_gets_404(self, client, zhang, city, name):
        officer_b = UserFactory(username="officer_b")
        grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
        response = login(client, officer_b).get(reverse(f"cadres:{name}", args=[zhang.pk]))
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="cadre.appointment_form").exists()
        assert AuditEvent.objects.get(action="cadre.view").outcome == AuditOutcome.DENIED

    def test_city_officer_does_not_see_county_managed(self, client, zhang, officer_city):
        url = reverse("cadres:appointment_form_pdf", args=[zhang.pk])
        assert login(client, officer_city).get(url).status_code == 404

    def test_deleted_cadre_is_gone(self, client, zhang, officer_a):
        zhang.deleted_at = zhang.updated_at
        zhang.save()
        url = reverse("cadres:appointment_form", args=[zhang.pk])
        assert login(client, officer_a).get(url).status_code == 404


class TestBatch:
    def post(self, client, data, capture):
        with capture(execute=True):
            return client.post(reverse("cadres:appointment_form_batch"), data)

    def test_combined_pdf_of_the_selection(
        self, client, zhang, other_county, city, officer_a, django_capture_on_commit_callbacks
    ):
        second = CadreFactory(name="王二", unit=city.county_a_town)
        response = self.post(
            login(client, officer_a),
            {"ids": [str(zhang.pk), str(other_county.pk), str(second.pk)], "on": "2026-01-15"},
            django_capture_on_commit_callbacks,
        )
        job = Job.objects.get(kind="appointment_forms")
        assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
        assert job.status == JobStatus.DONE and job.result_name.endswith(".pdf")
        assert job.progress == job.total == 2
        text = pdf_text(job.result_file.read())
        assert "张建国" in text and "王二" in text
        assert "赵乙县" not in text  # out of scope: excluded, never rendered
        # … and reported: a closing notice, the job's title and params, the audit row.
        assert "批次说明" in text and str(other_county.pk) in text
        assert "1个所选编号不在数据范围内" in job.title
        assert job.params["excluded"] == [other_county.pk]
        event = AuditEvent.objects.get(action="cadre.appointment_form")
        assert event.detail["count"] == 2 and event.detail["format"] == "pdf"
        assert event.detail["cadre_ids"] == [zhang.pk, second.pk]
        assert event.detail["excluded"] == [other_county.pk]

    def test_chunks_rendered_in_renderer_processes_keep_their_order(
        self,
        client,
        zhang,
        city,
        officer_a,
        settings,
        monkeypatch,
        django_capture_on_commit_callbacks,
    ):
        """A batch of several chunks is laid out by spawned renderer processes (the worker's
        cores) and merged in the selection's order, progress counted per chunk."""
        from apps.cadres import tasks_forms

        monkeypatch.setattr(tasks_forms, "CHUNK", 1)
        settings.APPOINTMENT_FORM_PROCESSES = 2
        second = CadreFactory(name="王二", unit=city.county_a_town)
        third = CadreFactory(name="李三", unit=city.county_a_town)
        ids = [second.pk, zhang.pk, third.pk]
        self.post(
            login(client, officer_a),
            {"ids": [str(i) for i in ids], "on": "2026-01-15"},
            django_capture_on_commit_callbacks,
        )
        job = Job.objects.get(kind="appointment_forms")
        assert job.status == JobStatus.DONE and job.progress == job.total == 3
        text = pdf_text(job.result_file.read())
        assert text.index("王二") < text.index("张建国") < text.index("李三")

    def test_zip_of_docx(self, client, zhang, city, officer_a, django_capture_on_commit_callbacks):
        second = CadreFactory(name="王二", unit=city.county_a_town)
        self.post(
            login(client, officer_a),
            {"ids": [str(second.pk), str(zhang.pk)], "format": "docx"},
            django_capture_on_commit_callbacks,
        )
        job = Job.objects.get(kind="appointment_forms")
        assert job.status == JobStatus.DONE and job.result_name.endswith(".zip")
        with zipfile.ZipFile(BytesIO(job.result_file.read())) as archive:
            names = archive.namelist()
            assert names == ["001_王二_干部任免审批表.docx", "002_张建国_干部任免审批表.docx"]
            assert "张建国" in docx_text(archive.read(names[1]))
        assert job.params["excluded"] == [] and "已排除" not in job.title
        assert AuditEvent.objects.get(action="cadre.appointment_form").detail["count"] == 2

    def test_zip_reports_excluded_ids(
        self, client, zhang, other_county, officer_a, django_capture_on_commit_callbacks
    ):
        self.post(
            login(client, officer_a),
            {"ids": [str(zhang.pk), str(other_county.pk)], "format": "docx"},
            django_capture_on_commit_callbacks,
        )
        job = Job.objects.get(kind="appointment_forms")
        with zipfile.ZipFile(BytesIO(job.result_file.read())) as archive:
            assert len(archive.namelist()) == 2
            notice = archive.read("说明.txt").decode("utf-8-sig")
        assert str(other_county.pk) in notice and "不在您的数据范围内" in notice

    def test_nothing_selected_or_nothing_in_scope_starts_no_job(
        self, client, other_county, officer_a, django_capture_on_commit_callbacks
    ):
        c = login(client, officer_a)
        response = self.post(c, {}, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        response = self.post(c, {"ids": [str(other_county.pk)]}, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        assert not Job.objects.exists()
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("不在您的数据范围内" in m for m in messages)

    def test_more_than_500_is_refused(self, client, officer_a, django_capture_on_commit_callbacks):
        ids = [str(i) for i in range(1, 502)]
        response = self.post(
            login(client, officer_a), {"ids": ids}, django_capture_on_commit_callbacks
        )
        assert response.status_code == 302 and not Job.objects.exists()

    def test_get_is_not_allowed(self, client, officer_a):
        url = reverse("cadres:appointment_form_batch")
        assert login(client, officer_a).get(url).status_code == 405
