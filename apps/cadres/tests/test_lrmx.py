"""LRMX files: the round trip, every variant and attack on import, and the import rules
(create / update / merge, scope, one transaction)."""

import base64
import codecs
import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from apps.accounts.models import ManagedBy
from apps.cadres import identity, lrmx
from apps.cadres.constants import Degree, EducationLevel, EducationMode, PoliticalStatus
from apps.cadres.lrmx.schema import ELEMENTS, FAMILY_ELEMENTS, MAX_FILE_BYTES
from apps.cadres.models import Appointment, Cadre, Education, FamilyMember, ResumeEntry
from apps.cadres.services import refresh_derived
from apps.cadres.tests.factories import CadreFactory, PostFactory, make_id_number
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "lrmx_samples"
BIRTH = date(1980, 5, 17)
ID_NUMBER = make_id_number(BIRTH, "male", 7)


def jpeg(color=(120, 90, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 40), color).save(out, format="JPEG")
    return out.getvalue()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def import_as(actor, parsed, unit, *, update=False, managed_by=ManagedBy.COUNTY) -> Cadre:
    return lrmx.import_person(
        parsed, actor=actor, unit_id=unit.pk, managed_by=managed_by, update_existing=update
    )


@pytest.fixture
def full_cadre(city):
    """A complete record: both kinds of education, a current appointment, 简历, family, photo."""
    cadre = CadreFactory(
        name="张伟",
        unit=city.county_a_dept,
        managed_by=ManagedBy.COUNTY,
        gender="male",
        birth_date=BIRTH,
        id_number=ID_NUMBER,
        ethnicity="彝族",
        native_place="云南昆明",
        birthplace="云南宜良",
        political_status=PoliticalStatus.CPC,
        party_join_date=date(2001, 6, 1),
        work_start_date=date(2002, 7, 1),
        health="健康",
        professional_title="经济师",
        expertise="财政预算管理",
        proposed_post="甲县财政局局长",
        proposed_removal="甲县财政局副局长",
    )
    cadre.photo.save("zw.jpg", ContentFile(jpeg()), save=True)
    Education.objects.create(
        cadre=cadre,
        mode=EducationMode.FULL_TIME,
        level=EducationLevel.BACHELOR,
        degree=Degree.BACHELOR,
        school="云南大学",
        major="经济学",
    )
    Education.objects.create(
        cadre=cadre,
        mode=EducationMode.IN_SERVICE,
        level=EducationLevel.MASTER,
        degree=Degree.MASTER,
        school="中央党校",
        major="经济管理",
    )
    post = PostFactory(unit=city.county_a_dept, title="副局长")
    Appointment.objects.create(cadre=cadre, post=post, start_date=date(2015, 3, 1))
    for start, end, text in [
        (date(1998, 9, 1), date(2002, 7, 1), "云南大学经济学专业学习"),
        (date(2002, 7, 1), date(2015, 3, 1), "甲县财政局科员、副主任科员"),
        (
            date(2015, 3, 1),
            None,
            "甲县财政局副局长\n（其间：2016.09--2019.07在中央党校在职研究生班学习）",
        ),
    ]:
        ResumeEntry.objects.create(cadre=cadre, start_date=start, end_date=end, text=text)
    for n, (relation, name, birth, status, work) in enumerate(
        [
            ("妻子", "李芳", date(1982, 3, 1), PoliticalStatus.CPC, "甲县第一中学教师"),
            ("父亲", "张建国", date(1955, 1, 1), PoliticalStatus.NONE, "已退休"),
            ("儿子", "张小明", date(2010, 9, 1), "", "甲县实验小学学生"),
        ],
        start=1,
    ):
        FamilyMember.objects.create(
            cadre=cadre,
            relation=relation,
            name=name,
            birth_date=birth,
            political_status=status,
            work_unit_and_post=work,
            sort_order=n,
        )
    refresh_derived(cadre, today=date(2026, 1, 1))
    return Cadre.objects.get(pk=cadre.pk)


RECORD_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "native_place",
    "birthplace",
    "political_status",
    "party_join_date",
    "work_start_date",
    "health",
    "professional_title",
    "expertise",
    "current_post_title",
    "proposed_post",
    "proposed_removal",
    "highest_education",
    "unit_id",
    "managed_by",
)


def record(cadre: Cadre) -> dict:
    """Everything an LRMX file carries, read back from the database."""
    cadre = Cadre.objects.get(pk=cadre.pk)
    with cadre.photo.open("rb") as handle:
        photo = handle.read()
    return {
        **{f: getattr(cadre, f) for f in RECORD_FIELDS},
        "id_number": identity.decrypt(cadre.id_number_encrypted),
        "photo": photo,
        # 入学/毕业时间 are not in the LRMX format (only 学历, 学位, 院校及专业).
        "educations": sorted(
            cadre.educations.values_list("mode", "level", "degree", "school", "major")
        ),
        "resume": list(cadre.resume_entries.values_list("start_date", "end_date", "text")),
        "family": list(
            cadre.family_members.values_list(
                "relation", "name", "birth_date", "political_status", "work_unit_and_post"
            )
        ),
    }


class TestRoundTrip:
    def test_export_then_import_into_empty_database_gives_the_same_record(
        self, full_cadre, officer_a, city
    ):
        before = record(full_cadre)
        content = lrmx.write(full_cadre, actor=officer_a)
        Cadre.objects.filter(pk=full_cadre.pk).delete()
        assert not Cadre.objects.exists()

        parsed = lrmx.parse(content)
        cadre = import_as(officer_a, parsed, city.county_a_dept)

        after = record(cadre)
        for key, value in before.items():
            assert after[key] == value, key
        assert parsed.warnings == []
        assert after["current_post_title"].startswith("甲县财政局副局长")

    def test_re_importing_the_same_file_changes_nothing(self, full_cadre, officer_a, city):
        content = lrmx.write(full_cadre, actor=officer_a)
        result = lrmx.import_person_result(
            lrmx.parse(content),
            actor=officer_a,
            unit_id=city.county_a_dept.pk,
            managed_by=ManagedBy.COUNTY,
            update_existing=True,
        )
        assert not result.created
        assert result.changed == []
        assert Cadre.objects.get(pk=full_cadre.pk).version == full_cadre.version


class TestWrite:
    def test_canonical_order_formats_and_family(self, full_cadre, officer_a):
        root = ET.fromstring(lrmx.write(full_cadre, actor=officer_a, on=date(2026, 11, 25)))
        assert root.tag == "Person"
        assert [child.tag for child in root] == [tag for tag, _ in ELEMENTS]
        text = {child.tag: (child.text or "") for child in root}
        assert text["XingBie"] == "男"
        assert text["ChuShengNianYue"] == "198005"
        assert text["RuDangShiJian"] == "200106"
        assert text["CanJiaGongZuoShiJian"] == "200207"
        assert text["QuanRiZhiJiaoYu_XueLi"] == "大学本科"
        assert text["QuanRiZhiJiaoYu_XueWei"] == "学士学位"
        assert text["QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi"] == "云南大学经济学专业"
        assert text["ZaiZhiJiaoYu_XueLi"] == "硕士研究生"
        assert text["JianLi"].splitlines()[0] == "1998.09--2002.07  云南大学经济学专业学习"
        assert text["JiSuanNianLingShiJian"] == "20261125"
        assert text["ShenFenZheng"] == ID_NUMBER
        assert base64.b64decode(text["ZhaoPian"]).startswith(b"\xff\xd8")
        assert text["JiangChengQingKuang"] == "" and text["ChengBaoDanWei"] == ""
        items = root.find("JiaTingChengYuan").findall("Item")
        assert [[c.tag for c in item] for item in items] == [[t for t, _ in FAMILY_ELEMENTS]] * 3
        assert [item.findtext("ChuShengRiQi") for item in items] == ["198203", "195501", "201009"]
        assert items[2].findtext("ZhengZhiMianMao") == ""

    def test_utf8_with_crlf_and_empty_elements_written_open(self, city, officer_a):
        cadre = CadreFactory(unit=city.county_a_dept, id_number="")
        content = lrmx.write(cadre, actor=officer_a)
        assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<Person>')
        assert b"<ZhaoPian></ZhaoPian>" in content and b"<ShenFenZheng></ShenFenZheng>" in content

    def test_outside_the_scope_is_refused(self, city, officer_a):
        cadre = CadreFactory(unit=city.county_b_dept)
        with pytest.raises(OutOfScopeError):
            lrmx.write(cadre, actor=officer_a)

    def test_unknown_elements_pass_through_within_one_parse(self, city, officer_a):
        parsed = lrmx.parse(sample("canonical.lrmx"))
        assert [e.tag for e in parsed.extras] == ["DaoLingNianYue"]
        cadre = import_as(officer_a, parsed, city.county_a_dept)
        again = lrmx.write(cadre, actor=officer_a, extras=parsed.extras)
        assert b"<DaoLingNianYue>203503</DaoLingNianYue>" in again
        assert b"DaoLingNianYue" not in lrmx.write(cadre, actor=officer_a)  # nothing stored


class TestParseVariants:
    def test_canonical_sample(self):
        person = lrmx.parse(sample("canonical.lrmx"))
        assert (person.name, person.gender, person.birth_date) == (
            "王建华",
            "male",
            date(1975, 3, 12),
        )
        assert person.party_join_date == date(1998, 6, 1)
        assert person.resume[2].text.endswith(
            "（其间：2006.09--2008.07在中央党校在职研究生班学习）"
        )
        assert person.resume[-1].end is None
        assert [m.name for m in person.family] == ["李芳", "王德明"]
        assert person.photo_ext == "jpg"
        assert person.not_stored["年度考核结果"] == "2021-2023年度考核均为称职"

    def test_gbk_sample_with_date_variants_odd_entities_and_br(self):
        person = lrmx.parse(sample("variants_gbk.lrmx"))
        assert person.name == "李秀英"
        assert person.birth_date == date(1982, 4, 15)  # exact day from the id number
        assert person.work_start_date == date(2004, 7, 1)  # 2004年07月
        assert (person.political_status, person.other_party) == (PoliticalStatus.CPC, "民盟")
        assert any("民盟" in w for w in person.warnings)
        assert [(r.start, r.end) for r in person.resume] == [
            (date(2000, 9, 1), date(2004, 7, 1)),
            (date(2004, 7, 1), date(2011, 3, 1)),
            (date(2011, 3, 1), date(2016, 12, 1)),
            (date(2016, 12, 1), None),
        ]
        assert person.resume[2].text == "甲县城关镇党政办主任<兼>"
        assert {(e.mode, e.level) for e in person.educations} == {
            (EducationMode.FULL_TIME, EducationLevel.BACHELOR),
            (EducationMode.IN_SERVICE, EducationLevel.MASTER),
        }
        assert person.family[0].birth_date == date(1980, 11, 1)

    def test_legacy_lrm_sample(self):
        person = lrmx.parse(sample("legacy.lrm"))
        assert person.source == "lrm"
        assert (person.name, person.ethnicity, person.birth_date) == (
            "赵国强",
            "回族",
            date(1968, 9, 20),
        )
        assert person.work_start_date == date(1988, 7, 1)
        assert [(e.mode, e.level, e.school) for e in person.educations] == [
            (EducationMode.FULL_TIME, EducationLevel.SECONDARY, "云南省财经学校"),
            (EducationMode.IN_SERVICE, EducationLevel.BACHELOR, "中央党校函授学院"),
        ]
        assert len(person.resume) == 3
        assert [(m.relation, m.name, m.political_status) for m in person.family] == [
            ("妻子", "周敏", PoliticalStatus.NONE),
            ("儿子", "赵磊", PoliticalStatus.CYL),
        ]
        assert person.current_post == "甲县审计局副局长"

    @pytest.mark.parametrize(
        "encode",
        [
            lambda t: t.encode("utf-8"),
            lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
            lambda t: t.replace("UTF-8", "GBK").encode("gbk"),
            lambda t: t.replace("UTF-8", "gb18030").encode("gb18030"),
            lambda t: t.replace(' encoding="UTF-8"', "").encode("gbk"),  # GBK, undeclared
            lambda t: t.encode("utf-16"),  # with BOM
        ],
    )
    def test_encodings(self, encode, city, officer_a):
        text = (
            sample("canonical.lrmx").decode("utf-8").replace('encoding="utf-8"', 'encoding="UTF-8"')
        )
        assert lrmx.parse(encode(text)).name == "王建华"

    def test_mis_declared_encoding_is_read_and_reported(self):
        text = sample("canonical.lrmx").decode("utf-8")
        person = lrmx.parse(text.encode("gbk"))  # declares utf-8, is GBK
        assert person.name == "王建华"
        assert any("实际为GBK" in w for w in person.warnings)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                b'<?xml version="1.0"?><Person><XingMing>\xff\xfe\xfa</XingMing></Person>',
                "编码无法识别",
            ),
            (b'<?xml version="1.0" encoding="ISO-8859-1"?><Person/>', "不受支持"),
            ("<Person><XingMing>王</XingMing></Person>".encode("utf-16-le"), "编码"),
        ],
    )
    def test_wrong_encodings_are_refused(self, data, message):
        with pytest.raises(lrmx.LrmxError, match=message) as caught:
            lrmx.parse(data, legacy=False)
        assert caught.value.code == "lrmx_encoding"


class TestRefusals:
    def test_malformed_xml_names_the_line(self):
        with pytest.raises(lrmx.LrmxError) as caught:
            lrmx.parse(sample("malformed.lrmx"))
        assert caught.value.message == "文件不是有效的LRMX（XML格式错误，第6行）"

    def test_billion_laughs(self):
        with pytest.raises(lrmx.LrmxError, match="实体扩展攻击") as caught:
            lrmx.parse(sample("billion_laughs.lrmx"))
        assert caught.value.code == "lrmx_unsafe"

    def test_external_entity_is_never_resolved(self):
        with pytest.raises(lrmx.LrmxError, match="外部实体") as caught:
            lrmx.parse(sample("external_entity.lrmx"))
        assert "root:" not in caught.value.message

    def test_dtd(self):
        with pytest.raises(lrmx.LrmxError, match="DTD"):
            lrmx.parse(sample("dtd.lrmx"))

    def test_wrong_root(self):
        with pytest.raises(lrmx.LrmxError, match="根元素应为<Person>，实际为<Cadre>"):
            lrmx.parse(b"<Cadre><XingMing>a</XingMing></Cadre>")

    def test_missing_required_elements_are_all_named(self):
        with pytest.raises(lrmx.LrmxError) as caught:
            lrmx.parse("<Person><MinZu>汉族</MinZu></Person>".encode())
        assert caught.value.problems == [
            "缺少姓名（XingMing）",
            "缺少性别（XingBie）",
            "缺少出生年月（ChuShengNianYue）",
            "缺少参加工作时间（CanJiaGongZuoShiJian）",
        ]

    def test_missing_name_only(self):
        content = sample("canonical.lrmx").replace("<XingMing>王建华</XingMing>".encode(), b"")
        with pytest.raises(lrmx.LrmxError) as caught:
            lrmx.parse(content)
        assert caught.value.problems == ["缺少姓名（XingMing）"]

    def test_oversized_file(self):
        with pytest.raises(lrmx.LrmxError, match="超过10MB"):
            lrmx.parse(b"<Person>" + b" " * MAX_FILE_BYTES + b"</Person>")

    @pytest.mark.parametrize(
        ("photo", "message"),
        [
            (base64.b64encode(b"this is not an image").decode(), "不是有效的图片"),
            ("@@@not-base64@@@", "Base64"),
        ],
    )
    def test_photo_that_is_not_an_image(self, photo, message):
        content = re.sub(
            rb"<ZhaoPian>[^<]*</ZhaoPian>",
            f"<ZhaoPian>{photo}</ZhaoPian>".encode(),
            sample("canonical.lrmx"),
        )
        with pytest.raises(lrmx.LrmxError, match=message):
            lrmx.parse(content)

    def test_bad_values_are_listed_together(self):
        content = (
            sample("canonical.lrmx")
            .replace(b"<XingBie>\xe7\x94\xb7</XingBie>", "<XingBie>未知</XingBie>".encode())
            .replace(b"530602197503121236", b"530602197503121235")
        )
        with pytest.raises(lrmx.LrmxError) as caught:
            lrmx.parse(content)
        assert any("性别" in p for p in caught.value.problems)
        assert any("校验码" in p for p in caught.value.problems)


class TestImport:
    def test_create_is_audited_in_the_chosen_unit(self, city, officer_a):
        cadre = import_as(officer_a, lrmx.parse(sample("canonical.lrmx")), city.county_a_town)
        assert (cadre.unit, cadre.managed_by) == (city.county_a_town, ManagedBy.COUNTY)
        assert cadre.current_post_title == "甲县财政局局长"
        assert cadre.highest_education == EducationLevel.BACHELOR
        actions = set(
            AuditEvent.objects.filter(target_id=str(cadre.pk)).values_list("action", flat=True)
        )
        assert {
            "cadre.create",
            "cadre.lrmx_import",
            "cadre.resume.add",
            "cadre.family.add",
        } <= actions

    def test_gbk_and_legacy_files_import(self, city, officer_a):
        a = import_as(officer_a, lrmx.parse(sample("variants_gbk.lrmx")), city.county_a_town)
        b = import_as(officer_a, lrmx.parse(sample("legacy.lrm")), city.county_a_dept)
        assert a.political_status == PoliticalStatus.CPC and a.gender == "female"
        assert b.resume_entries.count() == 3 and b.family_members.count() == 2

    def test_existing_cadre_is_refused_without_update(self, full_cadre, city, officer_a):
        content = lrmx.write(full_cadre, actor=officer_a)
        events = AuditEvent.objects.count()
        with pytest.raises(DomainError, match="已存在时更新"):
            import_as(officer_a, lrmx.parse(content), city.county_a_dept)
        assert AuditEvent.objects.count() == events
        assert Cadre.objects.count() == 1

    def test_update_replaces_resume_and_family_merges_education(self, full_cadre, city, officer_a):
        Education.objects.create(
            cadre=full_cadre,
            mode=EducationMode.FULL_TIME,
            level=EducationLevel.ASSOCIATE,
            school="昆明学院",
        )
        text = lrmx.write(full_cadre, actor=officer_a).decode()
        text = text.replace("<JiGuan>云南昆明</JiGuan>", "<JiGuan>云南玉溪</JiGuan>")
        text = text.replace(
            "云南大学经济学专业</QuanRiZhiJiaoYu_XueLi_",
            "云南大学金融学专业</QuanRiZhiJiaoYu_XueLi_",
        )
        text = re.sub(
            r"<JianLi>.*?</JianLi>",
            "<JianLi>1998.09--2002.07  某大学学习\r\n2002.07--  某局干部</JianLi>",
            text,
            flags=re.S,
        )
        text = re.sub(r"<Item>.*?</Item>", "", text, count=1, flags=re.S)  # drop the wife
        result = lrmx.import_person_result(
            lrmx.parse(text.encode()),
            actor=officer_a,
            unit_id=city.county_a_town.pk,  # ignored for an update: the unit stays
            managed_by=ManagedBy.COUNTY,
            update_existing=True,
        )
        cadre = result.cadre
        assert not result.created
        assert set(result.changed) == {"籍贯", "学历学位", "简历", "家庭成员"}
        assert cadre.native_place == "云南玉溪" and cadre.unit == city.county_a_dept
        assert list(cadre.resume_entries.values_list("text", flat=True)) == [
            "某大学学习",
            "某局干部",
        ]
        assert list(cadre.family_members.values_list("name", "sort_order")) == [
            ("张建国", 1),
            ("张小明", 2),
        ]
        full_time = cadre.educations.filter(mode=EducationMode.FULL_TIME)
        assert set(full_time.values_list("level", "major")) == {
            (EducationLevel.BACHELOR, "金融学"),
            (EducationLevel.ASSOCIATE, ""),  # kept: the file holds only the highest
        }
        assert AuditEvent.objects.filter(
            action="cadre.resume.replace", target_id=str(cadre.pk)
        ).exists()

    def test_blank_values_that_state_nothing_keep_the_record(self, full_cadre, city, officer_a):
        text = lrmx.write(full_cadre, actor=officer_a).decode()
        text = text.replace("<MinZu>彝族</MinZu>", "<MinZu></MinZu>")
        text = text.replace(
            "<RuDangShiJian>200106</RuDangShiJian>", "<RuDangShiJian></RuDangShiJian>"
        )
        parsed = lrmx.parse(text.encode())
        assert any("民族" in w for w in parsed.warnings)
        cadre = import_as(officer_a, parsed, city.county_a_dept, update=True)
        assert (cadre.ethnicity, cadre.political_status) == ("彝族", PoliticalStatus.CPC)
        assert cadre.party_join_date == date(2001, 6, 1)

    def test_cadre_in_trash_is_refused(self, full_cadre, city, officer_a):
        content = lrmx.write(full_cadre, actor=officer_a)
        Cadre.objects.filter(pk=full_cadre.pk).update(deleted_at=timezone.now())
        with pytest.raises(DomainError, match="回收站"):
            import_as(officer_a, lrmx.parse(content), city.county_a_dept, update=True)

    def test_out_of_scope_unit_or_level_is_refused_and_nothing_written(self, city, officer_a):
        parsed = lrmx.parse(sample("canonical.lrmx"))
        with pytest.raises(DomainError, match="不在您的数据范围内"):
            import_as(officer_a, parsed, city.county_b_dept)
        with pytest.raises(DomainError, match="不在您的数据范围内"):
            import_as(officer_a, parsed, city.county_a_dept, managed_by=ManagedBy.CITY)
        assert not Cadre.objects.exists()

    def test_number_registered_outside_the_scope_is_refused_naming_no_one(self, city, officer_a):
        CadreFactory(
            unit=city.county_b_dept, birth_date=date(1975, 3, 12), id_number="530602197503121236"
        )
        with pytest.raises(DomainError, match="已登记在另一干部名下"):
            import_as(
                officer_a, lrmx.parse(sample("canonical.lrmx")), city.county_a_dept, update=True
            )
        assert Cadre.objects.count() == 1

    def test_a_failing_part_rolls_back_the_whole_person(self, city, officer_a):
        content = sample("canonical.lrmx").replace(
            "1997.07--2003.05  甲县财政局科员".encode(), "1994.07--2003.05  甲县财政局科员".encode()
        )  # overlaps the line above
        events = AuditEvent.objects.count()
        with pytest.raises(DomainError, match="时间重叠"):
            import_as(officer_a, lrmx.parse(content), city.county_a_dept)
        assert not Cadre.objects.exists() and not ResumeEntry.objects.exists()
        assert AuditEvent.objects.count() == events

    def test_preview_writes_nothing(self, city, officer_a):
        result = lrmx.preview_import(
            lrmx.parse(sample("canonical.lrmx")),
            actor=officer_a,
            unit_id=city.county_a_dept.pk,
            managed_by=ManagedBy.COUNTY,
            update_existing=False,
        )
        assert result.created
        assert not Cadre.objects.exists() and not AuditEvent.objects.exists()

    def test_leader_cannot_import(self, city, leader_a):
        with pytest.raises(DomainError):
            import_as(leader_a, lrmx.parse(sample("canonical.lrmx")), city.county_a_dept)
        assert not Cadre.objects.exists()
