"""Frontline service: the services (scope, dates, dispatch lock, soft delete, evidence) and the
pages (一线干部 list filters, scope 404s, delete with undo, evidence download, export)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.frontline.constants import TaskKind
from apps.frontline.models import FrontlineEvidence, FrontlineService
from apps.frontline.services.records import (
    DISPATCH_OWNED,
    ServiceInput,
    evidence_add,
    evidence_open,
    service_add,
    service_delete,
    service_restore,
    service_update,
)
from apps.frontline.tests.factories import (
    CentralTaskFactory,
    DispatchFactory,
    FrontlineServiceFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def people(city):
    return {
        "a1": CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY),
        "a2": CadreFactory(name="李娜", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "b1": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


@pytest.fixture
def task(city):
    return CentralTaskFactory(name="疫情防控阻击战", kind=TaskKind.EPIDEMIC, lead_unit=city.root)


def data(**changes) -> ServiceInput:
    values = {
        "place": "甲县城关镇新民村",
        "role": "驻村工作队员",
        "start_date": date(2021, 3, 1),
        "end_date": date(2022, 2, 28),
    }
    values.update(changes)
    return ServiceInput(**values)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestServiceAdd:
    def test_officer_adds_for_cadre_in_scope_kind_from_task(self, officer_a, people, task):
        service = service_add(
            actor=officer_a, cadre_id=people["a1"].pk, data=data(task_id=task.pk, border=True)
        )
        assert service.kind == TaskKind.EPIDEMIC and service.border
        assert service.created_by == officer_a
        event = AuditEvent.objects.get(action="frontline.service.add")
        assert event.target_id == str(service.pk) and event.after["place"] == "甲县城关镇新民村"

    def test_other_county_is_out_of_scope(self, officer_a, people):
        with pytest.raises(OutOfScopeError):
            service_add(actor=officer_a, cadre_id=people["b1"].pk, data=data(kind="poverty"))
        assert not FrontlineService.objects.exists()

    def test_leader_cannot_write(self, leader_a, people):
        with pytest.raises(OutOfScopeError):
            service_add(actor=leader_a, cadre_id=people["a1"].pk, data=data(kind="poverty"))

    def test_kind_required_without_task(self, officer_a, people):
        with pytest.raises(DomainError) as exc:
            service_add(actor=officer_a, cadre_id=people["a1"].pk, data=data())
        assert "kind" in exc.value.fields

    def test_task_out_of_scope_refused(self, officer_a, people, city):
        other = CentralTaskFactory(lead_unit=city.county_b)
        with pytest.raises(DomainError) as exc:
            service_add(actor=officer_a, cadre_id=people["a1"].pk, data=data(task_id=other.pk))
        assert exc.value.fields["task"] == "中心任务不存在或不在您的数据范围内"

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"start_date": date(2026, 7, 2)}, "start_date", "开始日期不能晚于今天"),
            ({"start_date": date(2002, 6, 30)}, "start_date", "参加工作时间（2002-07-01）"),
            ({"end_date": date(2021, 2, 28)}, "end_date", "结束日期不能早于开始日期"),
            ({"place": " "}, "place", "请填写工作地点"),
        ],
    )
    def test_dates_and_required(self, officer_a, people, changes, field, message):
        with pytest.raises(DomainError) as exc:
            service_add(
                actor=officer_a,
                cadre_id=people["a1"].pk,
                data=data(kind="poverty", **changes),
                today=date(2026, 7, 1),
            )
        assert message in exc.value.fields[field]

    def test_boundaries_accepted(self, officer_a, people):
        # starts on the work start date, a single day ending the day it starts, starts today
        service_add(
            actor=officer_a,
            cadre_id=people["a1"].pk,
            data=data(kind="poverty", start_date=date(2002, 7, 1), end_date=date(2002, 7, 1)),
        )
        today = timezone.localdate()
        service_add(
            actor=officer_a,
            cadre_id=people["a1"].pk,
            data=data(kind="poverty", start_date=today, end_date=None),
        )
        assert people["a1"].frontline_services.count() == 2


class TestServiceChange:
    def test_update_audits_changed_fields(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        service_update(
            actor=officer_a, service_id=service.pk, data=data(kind="poverty", role="第一书记")
        )
        event = AuditEvent.objects.get(action="frontline.service.update")
        assert event.after == {"task": None, "role": "第一书记", "place": "甲县城关镇新民村"}
        assert event.before["role"] == "驻村工作队员"

    def test_other_county_cannot_update(self, officer_b, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        with pytest.raises(OutOfScopeError):
            service_update(actor=officer_b, service_id=service.pk, data=data(kind="poverty"))

    def test_dispatch_made_services_are_locked(self, officer_a, people, city):
        dispatch = DispatchFactory(cadre=people["a1"], target_unit=city.county_a_town)
        service = FrontlineServiceFactory(cadre=people["a1"], dispatch=dispatch)
        with pytest.raises(DomainError, match=DISPATCH_OWNED):
            service_update(actor=officer_a, service_id=service.pk, data=data(kind="poverty"))
        with pytest.raises(DomainError, match=DISPATCH_OWNED):
            service_delete(actor=officer_a, service_id=service.pk)
        service.refresh_from_db()
        assert service.deleted_at is None

    def test_soft_delete_and_restore(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        service_delete(actor=officer_a, service_id=service.pk)
        assert not FrontlineService.objects.visible_to(officer_a).filter(pk=service.pk).exists()
        assert FrontlineService.objects.visible_to(officer_a, include_deleted=True).count() == 1
        with pytest.raises(OutOfScopeError):  # already deleted
            service_delete(actor=officer_a, service_id=service.pk)
        service_restore(actor=officer_a, service_id=service.pk)
        assert FrontlineService.objects.visible_to(officer_a).filter(pk=service.pk).exists()
        actions = list(
            AuditEvent.objects.filter(action__startswith="frontline.service.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["frontline.service.delete", "frontline.service.restore"]

    def test_restore_of_live_service_refused(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        with pytest.raises(OutOfScopeError):
            service_restore(actor=officer_a, service_id=service.pk)


class TestEvidence:
    def test_upload_and_audited_download(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        upload = SimpleUploadedFile("驻村证明.pdf", PDF, "application/pdf")
        evidence = evidence_add(actor=officer_a, service_id=service.pk, upload=upload)
        assert evidence.name == "驻村证明.pdf" and evidence.file.name.endswith(".pdf")
        assert "驻村证明" not in evidence.file.name  # stored under a random name
        opened = evidence_open(actor=officer_a, evidence_id=evidence.pk)
        assert opened.file.read() == PDF
        assert AuditEvent.objects.filter(
            action="frontline.evidence.download", target_id=str(evidence.pk), outcome="ok"
        ).exists()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("run.exe", b"MZ\x90\x00", "不支持的文件类型"),
            ("note.txt", b"hello", "不支持的文件类型"),
            ("fake.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名"),
            ("photo.png", PDF, "文件内容与扩展名"),
        ],
    )
    def test_type_refused(self, officer_a, people, name, content, message):
        service = FrontlineServiceFactory(cadre=people["a1"])
        with pytest.raises(DomainError) as exc:
            evidence_add(
                actor=officer_a, service_id=service.pk, upload=SimpleUploadedFile(name, content)
            )
        assert message in exc.value.fields["file"]
        assert not FrontlineEvidence.objects.exists()

    def test_size_limit(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        limit = 20 * 1024 * 1024
        at_limit = SimpleUploadedFile("a.png", PNG + b"\x00" * (limit - len(PNG)))
        evidence_add(actor=officer_a, service_id=service.pk, upload=at_limit)
        too_big = SimpleUploadedFile("b.png", PNG + b"\x00" * (limit + 1 - len(PNG)))
        with pytest.raises(DomainError, match="20MB"):
            evidence_add(actor=officer_a, service_id=service.pk, upload=too_big)
        assert FrontlineEvidence.objects.count() == 1

    def test_out_of_scope_upload_and_download(self, officer_a, officer_b, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        with pytest.raises(OutOfScopeError):
            evidence_add(
                actor=officer_b, service_id=service.pk, upload=SimpleUploadedFile("a.pdf", PDF)
            )
        evidence = evidence_add(
            actor=officer_a, service_id=service.pk, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        with pytest.raises(OutOfScopeError):
            evidence_open(actor=officer_b, evidence_id=evidence.pk)
        assert AuditEvent.objects.filter(
            action="frontline.evidence.download", outcome="denied"
        ).exists()

    def test_evidence_of_deleted_service_is_gone(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        evidence = evidence_add(
            actor=officer_a, service_id=service.pk, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        service_delete(actor=officer_a, service_id=service.pk)
        with pytest.raises(OutOfScopeError):
            evidence_open(actor=officer_a, evidence_id=evidence.pk)


@pytest.fixture
def listing(people, task, city):
    today = timezone.localdate()
    return {
        "a1": FrontlineServiceFactory(
            cadre=people["a1"], task=task, high_altitude=True, end_date=None
        ),
        "a2": FrontlineServiceFactory(
            cadre=people["a2"],
            task=None,
            kind=TaskKind.DISASTER,
            place="城关镇",
            start_date=date(2020, 7, 1),
            end_date=date(2020, 9, 30),
        ),
        "a2_future_end": FrontlineServiceFactory(
            cadre=people["a2"],
            task=task,
            poverty_county=True,
            start_date=today - timedelta(days=10),
            end_date=today + timedelta(days=10),
        ),
        "b1": FrontlineServiceFactory(cadre=people["b1"], task=task, high_altitude=True),
    }


def shown(response) -> set[int]:
    return {row.service.pk for row in response.context["rows"]}


class TestServiceListPage:
    url = reverse("frontline:service_list")

    def test_lists_only_scope(self, officer_a, listing):
        response = login(officer_a).get(self.url)
        assert response.status_code == 200
        assert shown(response) == {listing[k].pk for k in ("a1", "a2", "a2_future_end")}
        assert "共 <strong>3</strong> 条一线经历" in response.content.decode()

    def test_filters(self, officer_a, listing, task, city):
        c = login(officer_a)
        ids = {k: v.pk for k, v in listing.items()}
        assert shown(c.get(self.url, {"hardship": "any"})) == {ids["a1"], ids["a2_future_end"]}
        assert shown(c.get(self.url, {"hardship": "high_altitude"})) == {ids["a1"]}
        assert shown(c.get(self.url, {"serving": "1"})) == {ids["a1"], ids["a2_future_end"]}
        assert shown(c.get(self.url, {"kind": "disaster"})) == {ids["a2"]}
        assert shown(c.get(self.url, {"task": task.pk})) == {ids["a1"], ids["a2_future_end"]}
        assert shown(c.get(self.url, {"unit": city.county_a_town.pk})) == {
            ids["a2"],
            ids["a2_future_end"],
        }
        assert shown(c.get(self.url, {"unit": city.county_b.pk})) == set()

    def test_search_by_name_pinyin_and_initials(self, officer_a, listing):
        c = login(officer_a)
        assert shown(c.get(self.url, {"q": "zw"})) == {listing["a1"].pk}
        assert shown(c.get(self.url, {"q": "ZhangWei"})) == {listing["a1"].pk}
        assert shown(c.get(self.url, {"q": "ＺＷ"})) == {listing["a1"].pk}  # full-width input
        assert shown(c.get(self.url, {"q": "张"})) == {listing["a1"].pk}  # 张敏 is county B's
        assert shown(c.get(self.url, {"q": "zm"})) == set()

    def test_sort_paging_and_bad_filters(self, officer_a, listing):
        c = login(officer_a)
        for sort in ("cadre", "-unit", "task", "-start_date", "end_date", "bogus"):
            response = c.get(self.url, {"sort": sort, "page": "9", "page_size": "50"})
            assert response.status_code == 200 and len(shown(response)) == 3
        response = c.get(self.url, {"hardship": "lava"})
        assert response.status_code == 200 and shown(response) == set()
        assert "筛选条件有误" in response.content.decode()

    def test_htmx_partial(self, officer_a, listing):
        response = login(officer_a).get(self.url, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "service-table" in body and "<html" not in body

    def test_leader_reads(self, leader_a, listing):
        response = login(leader_a).get(self.url)
        assert response.status_code == 200 and len(shown(response)) == 3
        assert "编辑</a>" not in response.content.decode()


class TestServicePages:
    def test_add_via_page(self, officer_a, people, task):
        url = reverse("frontline:service_add", args=[people["a1"].pk])
        c = login(officer_a)
        assert c.get(url).status_code == 200
        response = c.post(
            url,
            {
                "task": task.pk,
                "place": "甲县某村",
                "role": "队员",
                "start_date": "2021-01-01",
                "remote": "on",
            },
        )
        assert response.status_code == 302 and response.url.endswith("#tab-frontline")
        service = people["a1"].frontline_services.get()
        assert service.remote and service.kind == TaskKind.EPIDEMIC

    def test_add_shows_chinese_errors(self, officer_a, people):
        url = reverse("frontline:service_add", args=[people["a1"].pk])
        response = login(officer_a).post(
            url, {"place": "某村", "role": "队员", "start_date": "2001-01-01"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "一线类别：" in body and "开始日期：" in body

    def test_scope_404s(self, officer_b, leader_a, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        evidence = evidence_add(
            actor=officer_a, service_id=service.pk, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        c = login(officer_b)
        assert c.get(reverse("frontline:service_edit", args=[service.pk])).status_code == 404
        assert c.post(reverse("frontline:service_edit", args=[service.pk])).status_code == 404
        assert c.post(reverse("frontline:service_delete", args=[service.pk])).status_code == 404
        assert c.get(reverse("frontline:evidence_download", args=[evidence.pk])).status_code == 404
        assert c.get(reverse("frontline:service_add", args=[people["a1"].pk])).status_code == 404
        upload = reverse("frontline:evidence_upload", args=[service.pk])
        assert c.post(upload, {"file": SimpleUploadedFile("b.pdf", PDF)}).status_code == 404
        leader = login(leader_a)
        assert leader.get(reverse("frontline:service_edit", args=[service.pk])).status_code == 403
        download = leader.get(reverse("frontline:evidence_download", args=[evidence.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    def test_delete_with_undo(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        c = login(officer_a)
        response = c.post(reverse("frontline:service_delete", args=[service.pk]), follow=True)
        body = response.content.decode()
        assert "撤销" in body and reverse("frontline:service_restore", args=[service.pk]) in body
        assert c.get(reverse("frontline:service_edit", args=[service.pk])).status_code == 404
        c.post(reverse("frontline:service_restore", args=[service.pk]))
        assert c.get(reverse("frontline:service_edit", args=[service.pk])).status_code == 200

    def test_dispatch_owned_page_is_read_only(self, officer_a, people, city):
        dispatch = DispatchFactory(cadre=people["a1"], target_unit=city.county_a_town)
        service = FrontlineServiceFactory(cadre=people["a1"], dispatch=dispatch)
        c = login(officer_a)
        page = c.get(reverse("frontline:service_edit", args=[service.pk])).content.decode()
        assert DISPATCH_OWNED in page and 'data-testid="save"' not in page
        response = c.post(reverse("frontline:service_delete", args=[service.pk]), follow=True)
        assert DISPATCH_OWNED in response.content.decode()
        assert FrontlineService.objects.get(pk=service.pk).deleted_at is None

    def test_evidence_upload_page(self, officer_a, people):
        service = FrontlineServiceFactory(cadre=people["a1"])
        c = login(officer_a)
        url = reverse("frontline:evidence_upload", args=[service.pk])
        response = c.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
        assert "不支持的文件类型" in response.content.decode()
        response = c.post(url, {"file": SimpleUploadedFile("证明.pdf", PDF)}, follow=True)
        assert "证明.pdf" in response.content.decode()
        evidence = FrontlineEvidence.objects.get()
        download = c.get(reverse("frontline:evidence_download", args=[evidence.pk]))
        assert download.status_code == 200
        assert "attachment" in download["Content-Disposition"]


class TestServiceExport:
    def test_export_only_scoped_filtered_rows(
        self, officer_a, listing, django_capture_on_commit_callbacks
    ):
        c = login(officer_a)
        url = reverse("jobs:list_export", args=["frontline-services"]) + "?hardship=any&page=2"
        with django_capture_on_commit_callbacks(execute=True):
            response = c.post(url)
        assert response.status_code == 302
        job = Job.objects.latest("id")
        assert job.status == JobStatus.DONE and job.total == 2
        with job.result_file.open("rb") as fh:
            rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
        assert rows[0][0] == "姓名"
        assert sorted(r[0] for r in rows[1:]) == ["张伟", "李娜"]  # 张敏 (county B) is absent
        event = AuditEvent.objects.get(action="list.export")
        assert event.detail["rows"] == 2 and event.detail["list"] == "frontline-services"


class TestQueryBudget:
    def test_lists_do_not_grow_with_page_size(
        self, officer_a, people, task, django_assert_max_num_queries
    ):
        for i in range(60):
            FrontlineServiceFactory(cadre=people["a1" if i % 2 else "a2"], task=task)
        c = login(officer_a)
        c.get(reverse("frontline:service_list"))  # warm the session
        for size in (20, 100):
            with django_assert_max_num_queries(14):
                c.get(reverse("frontline:service_list"), {"page_size": size})
            with django_assert_max_num_queries(14):
                c.get(reverse("frontline:task_detail", args=[task.pk]), {"page_size": size})
            with django_assert_max_num_queries(12):
                c.get(reverse("frontline:task_list"), {"page_size": size})
