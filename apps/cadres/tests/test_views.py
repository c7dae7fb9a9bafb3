"""Cadre pages: scope on every path (list, filters, detail, edit, export, trash, units), the
conflict on stale saves, undo of deletes, and query budgets."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.models import Appointment, Cadre
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.models import AuditEvent, Job, JobStatus
from apps.units.constants import Tier
from apps.units.models import PostQuota

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city):
    return {
        "a1": CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY),
        "a2": CadreFactory(
            name="李娜",
            unit=city.county_a_town,
            managed_by=ManagedBy.COUNTY,
            gender="female",
            birth_date=date(1990, 3, 1),
            work_start_date=date(2012, 7, 1),
        ),
        "a_city": CadreFactory(name="王强", unit=city.county_a, managed_by=ManagedBy.CITY),
        "b1": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def names(response) -> set[str]:
    return {c.name for c in response.context["page"].object_list}


class TestCadreList:
    def test_lists_only_scope(self, client, officer_a, people):
        response = login(client, officer_a).get(reverse("cadres:cadre_list"))
        assert response.status_code == 200
        assert names(response) == {"张伟", "李娜"}
        body = response.content.decode()
        assert reverse("cadres:cadre_count") in body  # the total follows by htmx
        count = client.get(reverse("cadres:cadre_count"))
        assert "共 <strong>2</strong> 人" in count.content.decode()

    def test_city_officer_sees_city_managed_everywhere(self, client, officer_city, people):
        response = login(client, officer_city).get(reverse("cadres:cadre_list"))
        assert names(response) == {"王强"}

    def test_other_unit_filter_reveals_nothing(self, client, officer_a, city, people):
        response = login(client, officer_a).get(
            reverse("cadres:cadre_list"), {"unit": city.county_b.pk}
        )
        assert response.status_code == 200
        assert names(response) == set()

    def test_search_sort_and_pages_stay_in_scope(self, client, officer_a, people):
        c = login(client, officer_a)
        assert names(c.get(reverse("cadres:cadre_list"), {"q": "张"})) == {"张伟"}
        assert names(c.get(reverse("cadres:cadre_list"), {"q": "zm"})) == set()  # 张敏 is in B
        for sort in ("name", "-name", "birth_date", "-unit", "bogus"):
            response = c.get(reverse("cadres:cadre_list"), {"sort": sort, "page": "99"})
            assert names(response) <= {"张伟", "李娜"}

    def test_filters(self, client, officer_a, people):
        c = login(client, officer_a)
        assert names(c.get(reverse("cadres:cadre_list"), {"gender": "female"})) == {"李娜"}
        assert names(c.get(reverse("cadres:cadre_list"), {"age_max": "40"})) == {"李娜"}

    def test_invalid_filter_shows_chinese_error(self, client, officer_a, people):
        response = login(client, officer_a).get(reverse("cadres:cadre_list"), {"gender": "x"})
        assert response.status_code == 200
        assert names(response) == set()
        assert "性别" in response.content.decode() or "选择" in response.content.decode()

    def test_htmx_returns_partial(self, client, officer_a, people):
        response = login(client, officer_a).get(
            reverse("cadres:cadre_list"), HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert "cadre-table" in body and "<html" not in body

    def test_row_cells_are_escaped_and_labelled(self, client, officer_a, city, people):
        """The rows are built by the cadre_rows tag: every value escaped, codes shown as their
        labels, blanks as —, ages in 周岁 on today's date."""
        CadreFactory(
            name="<b>赵</b>",
            unit=city.county_a_dept,
            managed_by=ManagedBy.COUNTY,
            current_post_title='局长"<i>',
            tier="",
            highest_education="",
        )
        body = login(client, officer_a).get(reverse("cadres:cadre_list"), {"q": "赵"})
        row = body.content.decode().split("<tbody>")[1].split("</tbody>")[0]
        assert "<b>" not in row and "&lt;b&gt;赵&lt;/b&gt;" in row
        assert 'title="局长&quot;&lt;i&gt;"' in row
        assert '<td data-col="tier">—</td>' in row and '<td data-col="education">—</td>' in row
        assert '<td data-col="managed_by">县管</td>' in row
        li_na = login(client, officer_a).get(reverse("cadres:cadre_list"), {"q": "李娜"})
        today = timezone.localdate()
        years = today.year - 1990 - ((today.month, today.day) < (3, 1))
        assert f"1990.03（{years}岁）" in li_na.content.decode()
        assert '<td data-col="gender">女</td>' in li_na.content.decode()

    def test_trash_rows_offer_restore(self, client, officer_a, people):
        c = login(client, officer_a)
        c.post(reverse("cadres:cadre_delete", args=[people["a2"].pk]))
        body = c.get(reverse("cadres:cadre_trash")).content.decode()
        row = body.split("<tbody>")[1].split("</tbody>")[0]
        assert reverse("cadres:cadre_restore", args=[people["a2"].pk]) in row
        assert 'name="csrfmiddlewaretoken"' in row and "李娜" in row
        assert "dd-select" not in row  # no tick boxes in the trash

    def test_query_count_does_not_grow_with_page_size(
        self, client, officer_a, city, django_assert_max_num_queries
    ):
        for _ in range(60):
            CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, id_number="")
        c = login(client, officer_a)
        c.get(reverse("cadres:cadre_list"))  # warm the session
        with django_assert_max_num_queries(12):
            c.get(reverse("cadres:cadre_list"), {"page_size": 20})
        with django_assert_max_num_queries(12):
            c.get(reverse("cadres:cadre_list"), {"page_size": 100})

    def test_admin_roles_cannot_list(self, client, city, people):
        for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
            response = login(Client(), UserFactory(role=role)).get(reverse("cadres:cadre_list"))
            assert response.status_code == 403


class TestCadreCount:
    """The list's total, fetched after the rows: same scope and filters as the list."""

    def count(self, client, **params) -> tuple[int, int]:
        response = client.get(reverse("cadres:cadre_count"), params)
        assert response.status_code == 200
        return response.context["count"], response.context["num_pages"]

    def test_counts_only_the_scope_and_the_filters(self, client, officer_a, city, people):
        c = login(client, officer_a)
        assert self.count(c) == (2, 1)
        assert self.count(c, gender="female") == (1, 1)
        assert self.count(c, unit=city.county_b.pk) == (0, 1)  # another county: nothing
        assert self.count(c, q="zm") == (0, 1)  # 张敏 serves in county B

    def test_pages_and_last_page_link(self, client, officer_a, city):
        for _ in range(45):
            CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, id_number="")
        c = login(client, officer_a)
        response = c.get(reverse("cadres:cadre_count"), {"page": "2", "sort": "name"})
        body = response.content.decode()
        assert (response.context["count"], response.context["num_pages"]) == (45, 3)
        assert 'id="cadre-page-total" hx-swap-oob="true"> / 3' in body
        assert "sort=name&page=3" in body and "末页" in body
        on_last = c.get(reverse("cadres:cadre_count"), {"page": "3"}).content.decode()
        assert "末页" not in on_last
        assert self.count(c, page_size="100") == (45, 1)

    def test_trash_count_needs_the_change_right(self, client, officer_a, leader_a, people):
        people["a1"].deleted_at = people["a1"].updated_at
        people["a1"].save()
        assert self.count(login(client, officer_a), trash="1") == (1, 1)
        assert self.count(client) == (1, 1)  # the live list no longer counts it
        refused = login(Client(), leader_a).get(reverse("cadres:cadre_count"), {"trash": "1"})
        assert refused.status_code in (403, 404)

    def test_admin_roles_cannot_count(self, client, city, people):
        response = login(client, UserFactory(role=Role.AUDITOR)).get(reverse("cadres:cadre_count"))
        assert response.status_code == 403


class TestUncountedPages:
    def test_next_page_known_without_a_count(
        self, client, officer_a, city, django_assert_max_num_queries
    ):
        for _ in range(21):
            CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, id_number="")
        c = login(client, officer_a)
        first = c.get(reverse("cadres:cadre_list"), {"sort": "name"}).context["page"]
        second = c.get(reverse("cadres:cadre_list"), {"sort": "name", "page": "2"}).context["page"]
        assert (len(first), first.has_next, first.has_previous()) == (20, True, False)
        assert (len(second), second.has_next, second.has_previous()) == (1, False, True)
        assert {x.pk for x in first}.isdisjoint({x.pk for x in second})

    def test_the_count_request_carries_the_page_shown(self, client, officer_a, city):
        for _ in range(45):
            CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, id_number="")
        c = login(client, officer_a)
        for asked, shown in (("2", "2"), ("9", "3")):
            body = c.get(reverse("cadres:cadre_list"), {"sort": "name", "page": asked})
            assert f'{reverse("cadres:cadre_count")}?sort=name&amp;page={shown}"' in (
                body.content.decode()
            )

    def test_a_page_past_the_end_gives_the_last(self, client, officer_a, people):
        page = login(client, officer_a).get(reverse("cadres:cadre_list"), {"page": "7"})
        assert page.context["page"].number == 1 and names(page) == {"张伟", "李娜"}

    @pytest.mark.parametrize("number", ["0", "-3", "x", ""])
    def test_invalid_page_numbers_give_the_first(self, client, officer_a, people, number):
        page = login(client, officer_a).get(reverse("cadres:cadre_list"), {"page": number})
        assert page.context["page"].number == 1 and len(names(page)) == 2


class TestCadreDetail:
    def test_detail_audited(self, client, officer_a, people):
        cadre = people["a1"]
        response = login(client, officer_a).get(reverse("cadres:cadre_detail", args=[cadre.pk]))
        assert response.status_code == 200
        assert AuditEvent.objects.filter(
            action="cadre.view", target_id=str(cadre.pk), outcome="ok"
        ).exists()

    def test_out_of_scope_is_404_and_audited(self, client, officer_a, people):
        for key in ("b1", "a_city"):
            pk = people[key].pk
            response = login(client, officer_a).get(reverse("cadres:cadre_detail", args=[pk]))
            assert response.status_code == 404
            assert AuditEvent.objects.filter(
                action="cadre.view", target_id=str(pk), outcome="denied"
            ).exists()

    def test_id_number_masked_for_leader_full_for_officer(
        self, client, officer_a, leader_a, people
    ):
        cadre = people["a1"]
        url = reverse("cadres:cadre_detail", args=[cadre.pk])
        officer_page = login(Client(), officer_a).get(url).content.decode()
        leader_page = login(Client(), leader_a).get(url).content.decode()
        assert cadre.id_number_masked in leader_page
        assert "*" not in officer_page.split('data-testid="id-number">')[1][:30]


def form_data(cadre: Cadre, **changes) -> dict:
    data = {
        "name": cadre.name,
        "gender": cadre.gender,
        "ethnicity": cadre.ethnicity,
        "birth_date": cadre.birth_date.isoformat(),
        "political_status": cadre.political_status,
        "work_start_date": cadre.work_start_date.isoformat(),
        "unit": cadre.unit_id,
        "managed_by": cadre.managed_by,
        "health": "健康",
        "version": cadre.version,
    }
    data.update(changes)
    return data


class TestCadreEdit:
    def test_edit_saves_and_audits(self, client, officer_a, people):
        cadre = people["a1"]
        response = login(client, officer_a).post(
            reverse("cadres:cadre_edit", args=[cadre.pk]), form_data(cadre, native_place="云南昭通")
        )
        assert response.status_code == 302
        cadre.refresh_from_db()
        assert cadre.native_place == "云南昭通" and cadre.version == 2

    def test_stale_save_is_refused_with_changes(self, client, officer_a, people):
        cadre = people["a1"]
        url = reverse("cadres:cadre_edit", args=[cadre.pk])
        first = login(Client(), officer_a)
        second = login(Client(), officer_a)
        assert first.post(url, form_data(cadre, native_place="甲地")).status_code == 302
        response = second.post(url, form_data(cadre, native_place="乙地"))
        assert response.status_code == 409
        body = response.content.decode()
        assert "已被他人修改" in body and "甲地" in body
        cadre.refresh_from_db()
        assert cadre.native_place == "甲地"

    def test_bad_input_names_field_and_saves_nothing(self, client, officer_a, people):
        cadre = people["a1"]
        before = Cadre.objects.get(pk=cadre.pk)
        response = login(client, officer_a).post(
            reverse("cadres:cadre_edit", args=[cadre.pk]),
            form_data(
                cadre, birth_date="2023-02-30", id_number="11010519491231002X1", name="x" * 60
            ),
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "出生年月：" in body and "公民身份号码：" in body and "姓名：" in body
        assert Cadre.objects.get(pk=cadre.pk).version == before.version

    def test_move_to_other_county_refused(self, client, officer_a, city, people):
        cadre = people["a1"]
        response = login(client, officer_a).post(
            reverse("cadres:cadre_edit", args=[cadre.pk]), form_data(cadre, unit=city.county_b.pk)
        )
        assert response.status_code == 200
        assert "不在您的数据范围内" in response.content.decode()
        cadre.refresh_from_db()
        assert cadre.unit_id == city.county_a_dept.pk

    def test_edit_out_of_scope_is_404(self, client, officer_a, people):
        cadre = people["b1"]
        c = login(client, officer_a)
        assert c.get(reverse("cadres:cadre_edit", args=[cadre.pk])).status_code == 404
        assert (
            c.post(reverse("cadres:cadre_edit", args=[cadre.pk]), form_data(cadre)).status_code
            == 404
        )

    def test_leader_cannot_edit(self, client, leader_a, people):
        url = reverse("cadres:cadre_edit", args=[people["a1"].pk])
        assert login(client, leader_a).get(url).status_code == 403

    def test_create(self, client, officer_a, city):
        data = form_data(CadreFactory.build(unit=city.county_a_dept), version="")
        data.update(name="赵云", id_number="")
        response = login(client, officer_a).post(reverse("cadres:cadre_create"), data)
        assert response.status_code == 302
        assert Cadre.objects.get(name="赵云").name_initials == "zy"


class TestDeleteRestore:
    def test_delete_undo(self, client, officer_a, people):
        cadre = people["a1"]
        c = login(client, officer_a)
        response = c.post(reverse("cadres:cadre_delete", args=[cadre.pk]), follow=True)
        assert "撤销" in response.content.decode()
        assert c.get(reverse("cadres:cadre_detail", args=[cadre.pk])).status_code == 404
        assert "张伟" in c.get(reverse("cadres:cadre_trash")).content.decode()
        c.post(reverse("cadres:cadre_restore", args=[cadre.pk]))
        assert c.get(reverse("cadres:cadre_detail", args=[cadre.pk])).status_code == 200

    def test_delete_other_scope_is_404(self, client, officer_a, people):
        response = login(client, officer_a).post(
            reverse("cadres:cadre_delete", args=[people["b1"].pk])
        )
        assert response.status_code == 404
        assert Cadre.objects.get(pk=people["b1"].pk).deleted_at is None


class TestExport:
    def export(self, client, params, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cadres:cadre_export") + "?" + params)
        assert response.status_code == 302
        return Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))

    def test_export_is_scoped_audited_and_downloadable(
        self, client, officer_a, people, django_capture_on_commit_callbacks
    ):
        c = login(client, officer_a)
        job = self.export(c, "q=%E5%BC%A0&page=3", django_capture_on_commit_callbacks)
        assert job.status == JobStatus.DONE and job.total == 1
        page = c.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
        assert "已完成" in page and "下载" in page
        response = c.get(reverse("jobs:job_download", args=[job.pk]))
        sheet = load_workbook(filename=BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "姓名"
        assert [r[0] for r in rows[1:]] == ["张伟"]  # 张敏 of county B is not exported
        event = AuditEvent.objects.get(action="cadre.export")
        assert event.detail["rows"] == 1 and event.detail["filter"] == {"q": ["张"]}
        assert AuditEvent.objects.filter(action="job.download", target_id=str(job.pk)).exists()

    def test_hidden_columns_stay_out_of_the_file(
        self, client, officer_a, people, django_capture_on_commit_callbacks
    ):
        """The list exports what it shows: columns hidden with 显示列 (posted by dandang.js)
        are not written; unknown names are ignored."""
        c = login(client, officer_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = c.post(
                reverse("cadres:cadre_export") + "?q=%E5%BC%A0",
                {"hidden_cols": ["gender", "unit", "no_such_column"]},
            )
        job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        download = c.get(reverse("jobs:job_download", args=[job.pk]))
        sheet = load_workbook(filename=BytesIO(b"".join(download.streaming_content))).active
        headers = next(sheet.iter_rows(values_only=True))
        assert "性别" not in headers and "工作单位" not in headers
        assert "姓名" in headers and "出生年月" in headers
        event = AuditEvent.objects.get(action="cadre.export")
        assert event.detail["hidden_columns"] == ["gender", "unit"]

    def test_every_list_column_has_its_export_column(self):
        from apps.cadres.export_columns import HIDEABLE
        from apps.cadres.views.lists import COLUMN_CHOICES

        assert {key for key, _ in COLUMN_CHOICES} == HIDEABLE

    def test_someone_elses_job_is_404(
        self, client, officer_a, leader_a, people, django_capture_on_commit_callbacks
    ):
        job = self.export(login(client, officer_a), "", django_capture_on_commit_callbacks)
        other = login(Client(), leader_a)
        assert other.get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404
        assert other.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404

    def test_export_requires_post(self, client, officer_a):
        assert login(client, officer_a).get(reverse("cadres:cadre_export")).status_code == 405


class TestUnitPages:
    def test_tree_counts_and_foreign_unit_404(self, client, officer_a, city, people):
        c = login(client, officer_a)
        response = c.get(reverse("cadres:unit_tree"))
        assert response.status_code == 200 and "甲县" in response.content.decode()
        assert "乙县" not in response.content.decode()
        children = c.get(reverse("cadres:unit_children", args=[city.county_a.pk]))
        assert "甲县财政局" in children.content.decode()
        assert c.get(reverse("cadres:unit_detail", args=[city.county_b.pk])).status_code == 404
        assert c.get(reverse("cadres:unit_children", args=[city.county_b.pk])).status_code == 404

    def test_over_establishment_flagged(self, client, officer_a, city, people):
        post = PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.SECTION_DEPUTY)
        PostQuota.objects.create(unit=city.county_a_dept, tier=Tier.SECTION_DEPUTY, approved=1)
        for key in ("a1", "a2"):
            Appointment.objects.create(cadre=people[key], post=post, start_date=date(2020, 1, 1))
        c = login(client, officer_a)
        detail = c.get(reverse("cadres:unit_detail", args=[city.county_a_dept.pk])).content.decode()
        assert "超职数 +1" in detail
        listing = c.get(reverse("cadres:over_establishment")).content.decode()
        assert "甲县财政局" in listing


class TestPhoto:
    def png(self) -> bytes:
        from PIL import Image

        buffer = BytesIO()
        Image.new("RGB", (30, 40), "red").save(buffer, "PNG")
        return buffer.getvalue()

    def test_photo_upload_and_scoped_serving(self, client, officer_a, officer_city, people):
        from django.core.files.uploadedfile import SimpleUploadedFile

        cadre = people["a1"]
        c = login(client, officer_a)
        data = form_data(cadre, photo=SimpleUploadedFile("p.png", self.png(), "image/png"))
        assert c.post(reverse("cadres:cadre_edit", args=[cadre.pk]), data).status_code == 302
        assert c.get(reverse("cadres:cadre_photo", args=[cadre.pk])).status_code == 200
        other = login(Client(), officer_city)  # 市管 only: cannot see this 县管 cadre
        assert other.get(reverse("cadres:cadre_photo", args=[cadre.pk])).status_code == 404

    def test_not_an_image_is_refused(self, client, officer_a, people):
        from django.core.files.uploadedfile import SimpleUploadedFile

        cadre = people["a1"]
        data = form_data(cadre, photo=SimpleUploadedFile("p.png", b"not an image", "image/png"))
        response = login(client, officer_a).post(
            reverse("cadres:cadre_edit", args=[cadre.pk]), data
        )
        assert response.status_code == 200 and "照片：" in response.content.decode()


class TestExportSelected:
    def test_only_ticked_rows_in_scope_are_exported(
        self, client, officer_a, people, django_capture_on_commit_callbacks
    ):
        c = login(client, officer_a)
        ids = [str(people["a2"].pk), str(people["b1"].pk)]  # b1 belongs to county B
        with django_capture_on_commit_callbacks(execute=True):
            response = c.post(reverse("cadres:cadre_export"), {"ids": ids})
        job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        assert job.status == JobStatus.DONE and job.total == 1
        content = b"".join(c.get(reverse("jobs:job_download", args=[job.pk])).streaming_content)
        names = [r[0] for r in load_workbook(BytesIO(content)).active.iter_rows(values_only=True)]
        assert names == ["姓名", "李娜"]


class TestPartAdd:
    def test_add_resume_and_appointment(self, client, officer_a, city, people):
        cadre = people["a1"]
        c = login(client, officer_a)
        url = reverse("cadres:cadre_part_add", args=[cadre.pk, "resume"])
        data = {"start_date": "2002-07-01", "end_date": "2005-07-01", "text": "甲县财政局科员"}
        assert c.post(url, data).status_code == 302
        post = PostFactory(unit=city.county_a_dept, title="局长", tier=Tier.SECTION_PRINCIPAL)
        url = reverse("cadres:cadre_part_add", args=[cadre.pk, "appointment"])
        data = {"post": post.pk, "start_date": "2020-01-01", "appoint_doc_no": "甲组〔2020〕1号"}
        assert c.post(url, data).status_code == 302
        cadre.refresh_from_db()
        assert cadre.current_post_title == "甲县财政局局长"

    def test_overlapping_appointment_is_refused_in_chinese(self, client, officer_a, city, people):
        cadre = people["a1"]
        post = PostFactory(unit=city.county_a_dept, title="局长", tier=Tier.SECTION_PRINCIPAL)
        Appointment.objects.create(cadre=cadre, post=post, start_date=date(2019, 1, 1))
        url = reverse("cadres:cadre_part_add", args=[cadre.pk, "appointment"])
        response = login(client, officer_a).post(url, {"post": post.pk, "start_date": "2021-01-01"})
        assert response.status_code == 200 and "重叠" in response.content.decode()
        assert cadre.appointments.count() == 1

    def test_other_scope_and_unknown_part(self, client, officer_a, leader_a, people):
        c = login(client, officer_a)
        url = reverse("cadres:cadre_part_add", args=[people["b1"].pk, "resume"])
        assert c.get(url).status_code == 404
        assert c.post(url, {"start_date": "2002-07-01", "text": "x"}).status_code == 404
        assert people["b1"].resume_entries.count() == 0
        unknown = reverse("cadres:cadre_part_add", args=[people["a1"].pk, "sanction"])
        assert c.get(unknown).status_code == 404
        leader = login(Client(), leader_a)
        assert (
            leader.get(
                reverse("cadres:cadre_part_add", args=[people["a1"].pk, "resume"])
            ).status_code
            == 403
        )
