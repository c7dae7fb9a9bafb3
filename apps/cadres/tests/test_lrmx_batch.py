"""LRMX batches: a zip of exports (scoped, audited with its count) and a zip import where each
file is its own transaction with its own result line."""

import io
import zipfile
from pathlib import Path

import pytest

from apps.accounts.models import ManagedBy
from apps.cadres import lrmx
from apps.cadres.lrmx import exchange
from apps.cadres.lrmx.schema import MAX_BATCH, MAX_FILE_BYTES
from apps.cadres.models import Cadre
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "lrmx_samples"


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as zips made on Chinese Windows are."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits


def run(actor, unit, data: bytes, *, dry_run=False, update=False, name="batch.zip"):
    return lrmx.run_import(
        lrmx.read_upload(name, data),
        actor=actor,
        unit_id=unit.pk,
        managed_by=ManagedBy.COUNTY,
        update_existing=update,
        dry_run=dry_run,
        upload_name=name,
    )


class TestExportZip:
    def test_only_scope_is_exported_and_audited_with_count(self, city, officer_a):
        mine = [CadreFactory(unit=city.county_a_dept, name="张伟") for _ in range(2)]
        other = CadreFactory(unit=city.county_b_dept)
        export = lrmx.export_zip([c.pk for c in mine] + [other.pk, 999999], actor=officer_a)
        assert (export.count, export.missing) == (2, 2)
        with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
            names = archive.namelist()
            assert sorted(names) == ["导出说明.txt", "张伟.lrmx", "张伟（2）.lrmx"]
            assert "另有2人" in archive.read("导出说明.txt").decode()
            assert lrmx.parse(archive.read("张伟.lrmx")).name == "张伟"
        event = AuditEvent.objects.get(action="cadre.lrmx_export_batch")
        assert event.detail["count"] == 2 and event.detail["missing"] == 2
        assert other.pk not in event.detail["ids"]

    def test_more_than_the_limit_is_refused(self, officer_a):
        with pytest.raises(DomainError, match=f"最多导出{MAX_BATCH}人"):
            lrmx.export_zip(list(range(1, MAX_BATCH + 2)), actor=officer_a)

    def test_zip_round_trip(self, city, officer_a):
        people = [
            CadreFactory(unit=city.county_a_dept, name=name) for name in ("张伟", "李娜", "王强")
        ]
        export = lrmx.export_zip([c.pk for c in people], actor=officer_a)
        Cadre.objects.all().delete()
        report = run(officer_a, city.county_a_dept, export.content)
        assert report.counts == {"created": 3, "updated": 0, "refused": 0, "skipped": 0}
        assert sorted(Cadre.objects.values_list("name", flat=True)) == ["张伟", "李娜", "王强"]


class TestImportZip:
    def test_each_file_is_its_own_transaction_with_a_result_line(self, city, officer_a):
        data = make_zip(
            {
                "a/王建华.lrmx": (SAMPLES / "canonical.lrmx").read_bytes(),
                "李秀英.lrmx": (SAMPLES / "variants_gbk.lrmx").read_bytes(),
                "坏文件.lrmx": (SAMPLES / "malformed.lrmx").read_bytes(),
                "攻击.lrmx": (SAMPLES / "billion_laughs.lrmx").read_bytes(),
                "说明.docx": b"PK...",
                "__MACOSX/._王建华.lrmx": b"junk",
            }
        )
        report = run(officer_a, city.county_a_dept, data)
        by_name = {r.name: r for r in report.results}
        assert by_name["a/王建华.lrmx"].status == "created"
        assert by_name["李秀英.lrmx"].status == "created"
        assert by_name["坏文件.lrmx"].message == "文件不是有效的LRMX（XML格式错误，第6行）"
        assert "实体扩展攻击" in by_name["攻击.lrmx"].message
        assert by_name["说明.docx"].status == "skipped"
        assert len(report.results) == 5
        assert Cadre.objects.count() == 2
        summary = AuditEvent.objects.get(action="cadre.lrmx_import_batch")
        assert summary.detail["created"] == 2 and summary.detail["refused"] == 2

    def test_existing_person_updated_or_refused(self, city, officer_a):
        data = make_zip({"王建华.lrmx": (SAMPLES / "canonical.lrmx").read_bytes()})
        run(officer_a, city.county_a_dept, data)
        refused = run(officer_a, city.county_a_dept, data)
        assert (
            refused.results[0].status == "refused" and "已存在时更新" in refused.results[0].message
        )
        updated = run(officer_a, city.county_a_dept, data, update=True)
        assert updated.results[0].status == "updated" and updated.results[0].changed == []

    def test_duplicate_person_inside_one_zip(self, city, officer_a):
        content = (SAMPLES / "canonical.lrmx").read_bytes()
        report = run(
            officer_a, city.county_a_dept, make_zip({"1.lrmx": content, "2.lrmx": content})
        )
        assert [r.status for r in report.results] == ["created", "refused"]
        assert "1.lrmx" in report.results[1].message

    def test_legacy_lrm_with_its_pic_photo(self, city, officer_a):
        photo = lrmx.parse((SAMPLES / "canonical.lrmx").read_bytes()).photo
        data = make_zip({"赵国强.lrm": (SAMPLES / "legacy.lrm").read_bytes(), "赵国强.PIC": photo})
        report = run(officer_a, city.county_a_dept, data)
        assert report.results[0].status == "created"
        cadre = Cadre.objects.get(name="赵国强")
        assert cadre.photo and cadre.photo.read() == photo

    def test_dry_run_writes_nothing(self, city, officer_a):
        data = make_zip({"王建华.lrmx": (SAMPLES / "canonical.lrmx").read_bytes()})
        report = run(officer_a, city.county_a_dept, data, dry_run=True)
        assert report.results[0].status == "created" and report.importable == 1
        assert not Cadre.objects.exists() and not AuditEvent.objects.exists()

    def test_oversized_member_and_gbk_names(self, city, officer_a):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("big.lrmx", b"<Person>" + b" " * MAX_FILE_BYTES + b"</Person>")
            archive.writestr(GbkName("王建华.lrmx"), (SAMPLES / "canonical.lrmx").read_bytes())
        report = run(officer_a, city.county_a_dept, buffer.getvalue())
        by_name = {r.name: r for r in report.results}
        assert "超过10MB" in by_name["big.lrmx"].message
        assert by_name["王建华.lrmx"].status == "created"

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("x.zip", b"not a zip", "压缩包已损坏"),
            ("x.zip", make_zip({"readme.txt": b"hi"}), "没有 .lrmx"),
            ("x.docx", b"PK", "只能导入"),
        ],
    )
    def test_unusable_uploads(self, name, data, message):
        with pytest.raises(lrmx.LrmxError, match=message):
            exchange.read_upload(name, data)

    def test_out_of_scope_target_refuses_the_whole_upload(self, city, officer_a):
        data = make_zip({"王建华.lrmx": (SAMPLES / "canonical.lrmx").read_bytes()})
        with pytest.raises(DomainError, match="不在您的数据范围内"):
            run(officer_a, city.county_b_dept, data)
        assert not Cadre.objects.exists()
