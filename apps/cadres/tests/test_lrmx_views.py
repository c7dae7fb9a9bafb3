"""LRMX pages: export (scoped 404, officers only, audited), batch zip, and the import flow
upload → preview (nothing written) → confirm → result."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.accounts.models import ManagedBy
from apps.cadres import lrmx
from apps.cadres.models import Cadre
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "lrmx_samples"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, name, content, unit, *, update=False, managed_by=ManagedBy.COUNTY):
    data = {"file": SimpleUploadedFile(name, content), "unit": unit.pk, "managed_by": managed_by}
    if update:
        data["update_existing"] = "on"
    return client.post(reverse("cadres:lrmx_import"), data)


class TestExport:
    def test_download_is_audited(self, city, officer_a):
        cadre = CadreFactory(unit=city.county_a_dept, name="张伟")
        response = login(officer_a).get(reverse("cadres:lrmx_export", args=[cadre.pk]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "no-store"
        assert lrmx.parse(response.content).name == "张伟"
        assert AuditEvent.objects.filter(
            action="cadre.lrmx_export", target_id=str(cadre.pk)
        ).exists()

    def test_another_countys_officer_gets_404(self, city, officer_a):
        cadre = CadreFactory(unit=city.county_b_dept)
        response = login(officer_a).get(reverse("cadres:lrmx_export", args=[cadre.pk]))
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="cadre.lrmx_export").exists()

    def test_leader_cannot_export_the_full_id_number(self, city, leader_a):
        cadre = CadreFactory(unit=city.county_a_dept)
        response = login(leader_a).get(reverse("cadres:lrmx_export", args=[cadre.pk]))
        assert response.status_code == 403

    def test_batch_zip_of_the_selection(self, city, officer_a):
        mine = CadreFactory(unit=city.county_a_dept, name="张伟")
        other = CadreFactory(unit=city.county_b_dept)
        response = login(officer_a).post(
            reverse("cadres:lrmx_export_batch"), {"ids": [mine.pk, other.pk]}
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert sorted(archive.namelist()) == ["导出说明.txt", "张伟.lrmx"]
        assert AuditEvent.objects.get(action="cadre.lrmx_export_batch").detail["count"] == 1

    def test_batch_with_nothing_in_scope(self, city, officer_a):
        other = CadreFactory(unit=city.county_b_dept)
        client = login(officer_a)
        response = client.post(
            reverse("cadres:lrmx_export_batch"), {"ids": [other.pk]}, follow=True
        )
        assert "均不存在或不在您的数据范围内" in response.content.decode()
        response = client.post(reverse("cadres:lrmx_export_batch"), {}, follow=True)
        assert "请先在列表中勾选" in response.content.decode()


class TestImportPage:
    def test_form_offers_only_the_change_scope(self, city, officer_a):
        response = login(officer_a).get(reverse("cadres:lrmx_import"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "甲县财政局" in body and "乙县财政局" not in body
        assert 'value="county"' in body and 'value="city"' not in body
        assert "已存在时更新" in body

    def test_leader_is_refused(self, leader_a):
        assert login(leader_a).get(reverse("cadres:lrmx_import")).status_code == 403

    def test_preview_then_confirm(self, city, officer_a):
        client = login(officer_a)
        response = upload(
            client, "王建华.lrmx", (SAMPLES / "canonical.lrmx").read_bytes(), city.county_a_dept
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "王建华" in body and "将新建" in body and "530602********1236" in body
        assert "年度考核结果" in body and "DaoLingNianYue（到龄年月）" in body
        assert not Cadre.objects.exists()
        token = response.context["token"]
        response = client.post(reverse("cadres:lrmx_import_confirm"), {"token": token})
        cadre = Cadre.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "cadres:cadre_detail", args=[cadre.pk]
        )
        assert cadre.unit == city.county_a_dept
        again = client.post(reverse("cadres:lrmx_import_confirm"), {"token": token}, follow=True)
        assert "已过期或已经导入" in again.content.decode()
        assert Cadre.objects.count() == 1

    def test_legacy_lrm_upload(self, city, officer_a):
        client = login(officer_a)
        response = upload(
            client, "赵国强.lrm", (SAMPLES / "legacy.lrm").read_bytes(), city.county_a_dept
        )
        assert "赵国强" in response.content.decode() and "将新建" in response.content.decode()
        client.post(reverse("cadres:lrmx_import_confirm"), {"token": response.context["token"]})
        assert Cadre.objects.get().name == "赵国强"

    def test_another_sessions_token_is_useless(self, city, officer_a):
        response = upload(
            login(officer_a),
            "a.lrmx",
            (SAMPLES / "canonical.lrmx").read_bytes(),
            city.county_a_dept,
        )
        thief = login(officer_a)  # another session of the same user
        thief.post(reverse("cadres:lrmx_import_confirm"), {"token": response.context["token"]})
        assert not Cadre.objects.exists()

    def test_cancel_writes_nothing(self, city, officer_a):
        client = login(officer_a)
        response = upload(
            client, "a.lrmx", (SAMPLES / "canonical.lrmx").read_bytes(), city.county_a_dept
        )
        token = response.context["token"]
        client.post(reverse("cadres:lrmx_import_confirm"), {"token": token, "cancel": "1"})
        client.post(reverse("cadres:lrmx_import_confirm"), {"token": token})
        assert not Cadre.objects.exists()

    @pytest.mark.parametrize(
        ("sample", "message"),
        [
            ("malformed.lrmx", "文件不是有效的LRMX（XML格式错误，第6行）"),
            ("billion_laughs.lrmx", "实体扩展攻击"),
            ("external_entity.lrmx", "外部实体"),
            ("dtd.lrmx", "DTD"),
        ],
    )
    def test_bad_files_show_a_chinese_message_under_the_field(
        self, city, officer_a, sample, message
    ):
        response = upload(
            login(officer_a), sample, (SAMPLES / sample).read_bytes(), city.county_a_dept
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "Traceback" not in response.content.decode()
        assert not Cadre.objects.exists()

    def test_out_of_scope_unit_is_refused(self, city, officer_a):
        response = upload(
            login(officer_a),
            "a.lrmx",
            (SAMPLES / "canonical.lrmx").read_bytes(),
            city.county_b_dept,
        )
        assert "所选单位不存在或不在您的数据范围内" in response.content.decode()
        assert not Cadre.objects.exists()

    def test_existing_person_preview_says_why_and_offers_no_confirm(self, city, officer_a):
        client = login(officer_a)
        content = (SAMPLES / "canonical.lrmx").read_bytes()
        lrmx.import_person(
            lrmx.parse(content),
            actor=officer_a,
            unit_id=city.county_a_dept.pk,
            managed_by=ManagedBy.COUNTY,
            update_existing=False,
        )
        response = upload(client, "a.lrmx", content, city.county_a_dept)
        body = response.content.decode()
        assert "不能导入" in body and "已存在时更新" in body
        assert response.context["token"] == "" and 'data-testid="lrmx-confirm"' not in body
        response = upload(client, "a.lrmx", content, city.county_a_dept, update=True)
        assert "将更新" in response.content.decode()

    def test_zip_preview_and_result_lines(self, city, officer_a):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("王建华.lrmx", (SAMPLES / "canonical.lrmx").read_bytes())
            archive.writestr("赵国强.lrm", (SAMPLES / "legacy.lrm").read_bytes())
            archive.writestr("坏文件.lrmx", (SAMPLES / "malformed.lrmx").read_bytes())
        client = login(officer_a)
        response = upload(client, "批量.zip", buffer.getvalue(), city.county_a_town)
        body = response.content.decode()
        assert body.count('data-status="created"') == 2 and body.count('data-status="refused"') == 1
        assert "确认导入（2个文件）" in body
        assert not Cadre.objects.exists()
        response = client.post(
            reverse("cadres:lrmx_import_confirm"), {"token": response.context["token"]}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "新建 <strong>2</strong> 人" in body and "未导入 <strong>1</strong> 个" in body
        assert set(Cadre.objects.values_list("name", flat=True)) == {"王建华", "赵国强"}
        assert AuditEvent.objects.get(action="cadre.lrmx_import_batch").detail["file"] == "批量.zip"
