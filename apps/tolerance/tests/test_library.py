"""The typical-case library: the services (drafts, publication, withdrawal), who reads and writes
what (library, management list, detail pages, 三员), search on SQLite and PostgreSQL, the printed
compilation (PDF and print page) and the Excel export — drafts never leave the management list."""

import re
import zlib
from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus
from apps.tolerance.constants import Area, CaseStatus, Distinction
from apps.tolerance.exports_library import compilation_pdf
from apps.tolerance.models import TypicalCase
from apps.tolerance.search import build_search_text, search, terms_of, uses_trigrams
from apps.tolerance.selectors_library import LibraryFilters, typical_library, typical_manage_list
from apps.tolerance.services.library import (
    TypicalInput,
    input_of,
    parse_tags,
    typical_create,
    typical_delete,
    typical_publish,
    typical_update,
    typical_withdraw,
)
from apps.tolerance.tests.factories import TypicalCaseFactory

pytestmark = pytest.mark.django_db
THREE = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(unit, status=CaseStatus.PUBLISHED, days_ago=1, **kwargs) -> TypicalCase:
    """A typical case with its search text filled the way the services fill it."""
    typical = TypicalCaseFactory.build(unit=unit, status=status, **kwargs)
    if status != CaseStatus.DRAFT:
        typical.published_at = timezone.now() - timedelta(days=days_ago)
    typical.search_text = build_search_text(
        title=typical.title,
        situation=typical.situation,
        decision=typical.decision,
        lesson=typical.lesson,
        tags=typical.tags,
    )
    typical.save()
    return typical


def typical_input(unit, **changes) -> TypicalInput:
    values = {
        "unit_id": unit.pk,
        "title": "项目审批简化程序获容错",
        "area": Area.KEY_PROJECT,
        "situation": "某县在重点项目建设中为赶工期简化了审批程序。",
        "decision": "经认定，符合容错情形，予以免责。",
        "distinction": Distinction.INEXPERIENCE,
        "lesson": "大胆探索，守住底线。",
        "tags": ("项目建设", "审批"),
    }
    values.update(changes)
    return TypicalInput(**values)


@pytest.fixture
def cases(city):
    return {
        "a": make(city.county_a, title="甲县项目审批容错案例", tags=["审批"]),
        "a_draft": make(city.county_a, CaseStatus.DRAFT, title="甲县草稿案例"),
        "a_withdrawn": make(city.county_a, CaseStatus.WITHDRAWN, title="甲县撤回案例"),
        "city": make(city.root, title="全市城市管理容错案例", area=Area.URBAN, days_ago=2),
        "b": make(city.county_b, title="乙县招商引资容错案例", area=Area.INVESTMENT),
        "b_draft": make(city.county_b, CaseStatus.DRAFT, title="乙县草稿案例"),
    }


class TestTypicalServices:
    def test_create_fills_search_text_and_audits(self, tol_officer_a, city):
        typical = typical_create(actor=tol_officer_a, data=typical_input(city.county_a))
        assert typical.status == CaseStatus.DRAFT and typical.tags == ["项目建设", "审批"]
        assert "项目审批简化程序" in typical.search_text and "项目建设 审批" in typical.search_text
        assert AuditEvent.objects.filter(action="tolerance.typical.create").count() == 1

    def test_validation(self, tol_officer_a, city):
        with pytest.raises(DomainError) as exc:
            typical_create(
                actor=tol_officer_a,
                data=typical_input(
                    city.county_a, title=" ", area="x", tags=tuple(f"t{i}" for i in range(11))
                ),
            )
        assert set(exc.value.fields) == {"title", "area", "tags"}
        with pytest.raises(DomainError) as exc:
            typical_create(
                actor=tol_officer_a, data=typical_input(city.county_a, tags=("很长" * 11,))
            )
        assert "tags" in exc.value.fields

    def test_parse_tags(self):
        assert parse_tags("项目建设，审批、 城市管理;审批") == ["项目建设", "审批", "城市管理"]

    def test_publish_withdraw_edit_again(self, tol_officer_a, city):
        typical = typical_create(actor=tol_officer_a, data=typical_input(city.county_a))
        typical = typical_publish(actor=tol_officer_a, typical_id=typical.pk)
        assert typical.status == CaseStatus.PUBLISHED
        assert typical.reviewed_by == tol_officer_a and typical.reviewed_at == typical.published_at
        with pytest.raises(DomainError, match="请先撤回"):
            typical_update(actor=tol_officer_a, typical_id=typical.pk, data=input_of(typical))
        with pytest.raises(DomainError, match="撤回原因"):
            typical_withdraw(actor=tol_officer_a, typical_id=typical.pk, reason=" ")
        typical = typical_withdraw(actor=tol_officer_a, typical_id=typical.pk, reason="内容需更新")
        assert typical.status == CaseStatus.WITHDRAWN
        with pytest.raises(DomainError, match="从未发布"):
            typical_delete(actor=tol_officer_a, typical_id=typical.pk)
        data = TypicalInput(**{**input_of(typical).__dict__, "title": "修订后的标题"})
        typical = typical_update(actor=tol_officer_a, typical_id=typical.pk, data=data)
        assert typical.status == CaseStatus.DRAFT and "修订后的标题" in typical.search_text
        event = AuditEvent.objects.get(action="tolerance.typical.withdraw")
        assert event.detail == {"reason": "内容需更新"}

    def test_delete_draft(self, tol_officer_a, city):
        typical = typical_create(actor=tol_officer_a, data=typical_input(city.county_a))
        typical_delete(actor=tol_officer_a, typical_id=typical.pk)
        assert not TypicalCase.objects.exists()

    def test_who_writes(self, tol_officer_a, officer_a, pillar_leader_a, pillar_officer_b, city):
        for actor in (officer_a, pillar_leader_a, pillar_officer_b):
            with pytest.raises(DomainError) as exc:
                typical_create(actor=actor, data=typical_input(city.county_a))
            assert "unit" in exc.value.fields
        with pytest.raises(DomainError):
            typical_create(actor=tol_officer_a, data=typical_input(city.root))
        typical = typical_create(actor=tol_officer_a, data=typical_input(city.county_a))
        for actor in (officer_a, pillar_leader_a, pillar_officer_b):
            with pytest.raises(OutOfScopeError):
                typical_publish(actor=actor, typical_id=typical.pk)
            with pytest.raises(OutOfScopeError):
                typical_update(actor=actor, typical_id=typical.pk, data=input_of(typical))
        # Nor may the officer move a draft out of their scope.
        data = TypicalInput(**{**input_of(typical).__dict__, "unit_id": city.county_b.pk})
        with pytest.raises(DomainError) as exc:
            typical_update(actor=tol_officer_a, typical_id=typical.pk, data=data)
        assert "unit" in exc.value.fields


class TestReadScope:
    def test_library_has_published_cases_only(
        self, cases, tol_officer_a, officer_a, leader_a, pillar_officer_b
    ):
        def titles(actor):
            return {t.title for t in typical_library(actor=actor, filters=LibraryFilters())}

        a_view = {"甲县项目审批容错案例", "全市城市管理容错案例"}
        assert titles(officer_a) == a_view
        assert titles(leader_a) == a_view
        assert titles(tol_officer_a) == a_view  # the pillar adds nothing to the library
        assert titles(pillar_officer_b) == {"乙县招商引资容错案例", "全市城市管理容错案例"}
        for role in THREE:
            assert titles(UserFactory(role=role)) == set()

    def test_management_list(
        self, cases, tol_officer_a, officer_a, pillar_leader_a, pillar_officer_b
    ):
        def titles(actor, **filters):
            return {
                t.title for t in typical_manage_list(actor=actor, filters=LibraryFilters(**filters))
            }

        mine = {"甲县项目审批容错案例", "甲县草稿案例", "甲县撤回案例"}
        assert titles(tol_officer_a) == mine
        assert titles(pillar_leader_a) == mine
        assert titles(tol_officer_a, status=CaseStatus.DRAFT) == {"甲县草稿案例"}
        assert titles(officer_a) == set()
        assert titles(pillar_officer_b) == {"乙县招商引资容错案例", "乙县草稿案例"}

    def test_pages_by_role(self, cases, tol_officer_a, officer_a, leader_a, pillar_officer_b):
        library = reverse("tolerance:library")
        detail = lambda key: reverse("tolerance:typical_detail", args=[cases[key].pk])  # noqa: E731
        for user in (officer_a, leader_a, tol_officer_a):
            c = login(user)
            html = c.get(library).content.decode()
            assert "甲县项目审批容错案例" in html and "全市城市管理容错案例" in html
            assert "草稿案例" not in html and "撤回案例" not in html and "乙县" not in html
            assert c.get(detail("a")).status_code == 200
            assert c.get(detail("b")).status_code == 404
        # Drafts: the pillar officer reads them (audited), the plain officer gets 404 (audited).
        assert login(officer_a).get(detail("a_draft")).status_code == 404
        denied = AuditEvent.objects.filter(
            action="tolerance.typical.view", outcome=AuditOutcome.DENIED, actor=officer_a
        )
        assert set(denied.values_list("target_id", flat=True)) == {
            str(cases["b"].pk),
            str(cases["a_draft"].pk),
        }
        c = login(tol_officer_a)
        page = c.get(detail("a_draft"))
        assert page.status_code == 200 and 'data-testid="typical-edit"' in page.content.decode()
        assert AuditEvent.objects.filter(
            action="tolerance.typical.view", outcome=AuditOutcome.OK, actor=tol_officer_a
        ).exists()
        manage = c.get(reverse("tolerance:typical_manage")).content.decode()
        assert "甲县草稿案例" in manage and "乙县草稿案例" not in manage
        assert login(officer_a).get(reverse("tolerance:typical_manage")).status_code == 403
        b = login(pillar_officer_b)
        for key in ("a", "a_draft", "a_withdrawn"):
            assert b.get(detail(key)).status_code == 404
            assert (
                b.get(reverse("tolerance:typical_preview", args=[cases[key].pk])).status_code == 404
            )
        for role in THREE:
            c = login(UserFactory(role=role))
            assert c.get(library).status_code == 403
            assert c.get(detail("a")).status_code == 403

    def test_plain_officer_and_leader_cannot_write(self, cases, officer_a, leader_a, city):
        draft = cases["a_draft"]
        c = login(officer_a)
        assert c.get(reverse("tolerance:typical_create")).status_code == 403
        assert c.get(reverse("tolerance:typical_edit", args=[draft.pk])).status_code == 404
        assert c.post(reverse("tolerance:typical_publish", args=[draft.pk])).status_code == 404
        assert (
            c.post(reverse("tolerance:typical_withdraw", args=[cases["a"].pk]), {"reason": "x"})
        ).status_code == 404
        c = login(leader_a)
        assert c.get(reverse("tolerance:typical_create")).status_code == 403
        assert c.post(reverse("tolerance:typical_publish", args=[draft.pk])).status_code == 403
        draft.refresh_from_db()
        assert draft.status == CaseStatus.DRAFT

    def test_library_query_budget(self, cases, officer_a, city, django_assert_max_num_queries):
        for i in range(30):
            make(city.county_a, title=f"甲县案例{i}", tags=[f"标签{i}"])
        c = login(officer_a)
        c.get(reverse("tolerance:library"))  # warm the session and the user's grants
        with django_assert_max_num_queries(12):
            response = c.get(reverse("tolerance:library"), {"page_size": 50})
        assert response.status_code == 200

    def test_library_filters_and_htmx(self, cases, officer_a):
        c = login(officer_a)
        url = reverse("tolerance:library")
        html = c.get(url, {"area": Area.URBAN}).content.decode()
        assert "全市城市管理容错案例" in html and "甲县项目审批容错案例" not in html
        html = c.get(url, {"tag": "审批"}).content.decode()
        assert "甲县项目审批容错案例" in html and "全市城市管理容错案例" not in html
        partial = c.get(url, {"q": "城市管理"}, HTTP_HX_REQUEST="true")
        assert (
            b"<html" not in partial.content and "全市城市管理容错案例" in partial.content.decode()
        )
        empty = c.get(url, {"q": "不存在的关键词"}).content.decode()
        assert 'data-testid="empty-state"' in empty


class TestTypicalPages:
    def test_write_publish_withdraw_through_pages(self, tol_officer_a, officer_a, city):
        c = login(tol_officer_a)
        create = reverse("tolerance:typical_create")
        assert c.get(create).status_code == 200
        form = {
            "unit": city.county_a.pk,
            "title": "项目审批简化程序获容错",
            "area": Area.KEY_PROJECT,
            "distinction": Distinction.INEXPERIENCE,
            "situation": "某县在重点项目建设中为赶工期简化了审批程序。",
            "decision": "经认定，符合容错情形，予以免责。",
            "lesson": "大胆探索，守住底线。",
            "tags": "项目建设、审批",
        }
        invalid = c.post(create, {**form, "title": ""})
        assert invalid.status_code == 200 and "请修改以下问题" in invalid.content.decode()
        r = c.post(create, form)
        typical = TypicalCase.objects.get()
        assert r.url == reverse("tolerance:typical_preview", args=[typical.pk])
        edit = reverse("tolerance:typical_edit", args=[typical.pk])
        assert c.get(edit).status_code == 200
        assert c.post(edit, {**form, "title": "修订后的标题"}).status_code == 302
        preview = c.get(reverse("tolerance:typical_preview", args=[typical.pk]))
        assert 'data-testid="typical-no-warnings"' in preview.content.decode()
        typical.refresh_from_db()
        r = c.post(
            reverse("tolerance:typical_publish", args=[typical.pk]),
            {"digest": preview.context["form"].initial["digest"]},
        )
        assert r.status_code == 302
        assert "修订后的标题" in login(officer_a).get(reverse("tolerance:library")).content.decode()
        r = c.post(reverse("tolerance:typical_withdraw", args=[typical.pk]), {"reason": "过时"})
        assert r.status_code == 302
        typical.refresh_from_db()
        assert typical.status == CaseStatus.WITHDRAWN
        assert (
            "修订后的标题"
            not in login(officer_a).get(reverse("tolerance:library")).content.decode()
        )
        assert (
            login(officer_a).get(reverse("tolerance:typical_detail", args=[typical.pk])).status_code
            == 404
        )

    def test_empty_compilation(self, officer_a):
        html = login(officer_a).get(reverse("tolerance:library_print")).content.decode()
        assert "没有符合条件的已发布案例" in html


class TestSearch:
    @pytest.fixture
    def texts(self, city):
        return {
            "title": make(
                city.county_a,
                title="项目审批容错案例",
                situation="在重点项目建设中简化了审批程序",
                days_ago=5,
            ),
            "body": make(
                city.county_a,
                title="某镇干部先行先试获容错",
                situation="为推进项目，审批环节先行先试",
                days_ago=1,
            ),
            "other": make(
                city.county_a, title="城市管理执法容错", situation="占道经营整治中的失误"
            ),
        }

    def test_terms(self):
        assert terms_of(" 项目\u3000审批  项目 ") == ["项目", "审批"]
        assert terms_of("ＡＢＣ") == ["abc"]

    def test_every_term_must_match(self, texts):
        qs = TypicalCase.objects.all()
        assert set(search(qs, "项目 审批")) == {texts["title"], texts["body"]}
        assert set(search(qs, "审批")) == {texts["title"], texts["body"]}
        assert set(search(qs, "项目 执法")) == set()
        assert set(search(qs, "占道经营")) == {texts["other"]}
        assert set(search(qs, "  ")) == set(qs)

    def test_library_search_is_scoped(self, texts, officer_a, pillar_officer_b):
        filters = LibraryFilters(q="项目 审批")
        assert set(typical_library(actor=officer_a, filters=filters)) == {
            texts["title"],
            texts["body"],
        }
        assert not typical_library(actor=pillar_officer_b, filters=filters).exists()

    def test_sqlite_orders_newest_first(self, texts, officer_a):
        if connection.vendor != "sqlite":
            pytest.skip("SQLite fallback only")
        assert not uses_trigrams()
        found = list(typical_library(actor=officer_a, filters=LibraryFilters(q="项目 审批")))
        assert found == [texts["body"], texts["title"]]

    def test_postgres_trigram_rank(self, texts, officer_a):
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL pg_trgm only")
        assert uses_trigrams()
        found = list(typical_library(actor=officer_a, filters=LibraryFilters(q="项目审批")))
        # The title match ranks first although the other case is newer.
        assert found[0] == texts["title"]
        assert found[0].search_rank > 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'tol_typical_search_trgm'"
            )
            (indexdef,) = cursor.fetchone()
        assert "gin_trgm_ops" in indexdef
        # An explicit sort still wins over the rank.
        by_title = typical_library(
            actor=officer_a, filters=LibraryFilters(q="项目 审批", sort="title")
        )
        assert [t.title for t in by_title] == sorted(t.title for t in by_title)


def pdf_pages(data: bytes) -> int:
    """Page objects in a PDF, looking inside compressed object streams as well."""
    pattern = re.compile(rb"/Type\s*/Page(?![s\w])")
    count = len(pattern.findall(data))
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            count += len(pattern.findall(zlib.decompress(match.group(1))))
        except zlib.error:
            continue
    return count


class TestCompilation:
    def test_pdf_has_cover_contents_and_a_page_per_case(self, cases, officer_a, city):
        make(city.county_a, title="甲县第三个案例", area=Area.POVERTY)
        response = login(officer_a).get(reverse("tolerance:library_pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF")
        # Cover, contents and one page for each of the three published cases in scope.
        assert pdf_pages(response.content) >= 5
        event = AuditEvent.objects.get(action="tolerance.typical.compilation_pdf")
        assert event.actor == officer_a and event.detail["cases"] == 3

    def test_filters_and_drafts_never_printed(self, cases, tol_officer_a):
        c = login(tol_officer_a)
        html = c.get(reverse("tolerance:library_print")).content.decode()
        assert "甲县项目审批容错案例" in html and "全市城市管理容错案例" in html
        assert "草稿案例" not in html and "撤回案例" not in html and "乙县" not in html
        assert "target-counter" in html and "counter(page)" in html  # contents and page numbers
        html = c.get(reverse("tolerance:library_print"), {"area": Area.URBAN}).content.decode()
        assert "全市城市管理容错案例" in html and "甲县项目审批容错案例" not in html
        assert "领域：城市管理" in html
        c.get(reverse("tolerance:library_pdf"), {"status": CaseStatus.DRAFT})
        event = AuditEvent.objects.get(action="tolerance.typical.compilation_pdf")
        assert event.detail["cases"] == 2  # a status filter cannot bring drafts in

    def test_single_case_pdf_renders(self):
        html = "<html><body><p>封面</p><p style='page-break-before:always'>正文</p></body></html>"
        pdf = compilation_pdf(html)
        assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 2

    def test_three_officers_refused(self, cases):
        for role in THREE:
            c = login(UserFactory(role=role))
            assert c.get(reverse("tolerance:library_pdf")).status_code == 403


def export(client, query, capture) -> list[tuple]:
    with capture(execute=True):
        url = reverse("jobs:list_export", args=["tolerance-typical-cases"]) + "?" + query
        response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE
    with job.result_file.open("rb") as fh:
        return list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))


class TestExport:
    def test_published_and_scoped_only(
        self, cases, tol_officer_a, pillar_officer_b, django_capture_on_commit_callbacks
    ):
        rows = export(login(tol_officer_a), "", django_capture_on_commit_callbacks)
        assert rows[0][0] == "标题"
        assert {r[0] for r in rows[1:]} == {"甲县项目审批容错案例", "全市城市管理容错案例"}
        rows = export(login(tol_officer_a), "status=draft", django_capture_on_commit_callbacks)
        assert {r[0] for r in rows[1:]} == {"甲县项目审批容错案例", "全市城市管理容错案例"}
        rows = export(login(pillar_officer_b), "area=urban", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["全市城市管理容错案例"]
        assert AuditEvent.objects.filter(action="list.export").count() == 3

    def test_three_officers_cannot_export(self, cases):
        for role in THREE:
            c = login(UserFactory(role=role))
            url = reverse("jobs:list_export", args=["tolerance-typical-cases"])
            assert c.post(url).status_code == 403
