"""Import of a cadre's parts (任职经历, 学历学位, 家庭成员): cadres found by 公民身份号码 inside the
importer's change scope (unknown or outside: an error naming the row), the services' rules,
idempotent upserts, one transaction for the whole file, derived fields refreshed in bulk."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from apps.cadres.importing import (
    APPOINTMENTS,
    EDUCATIONS,
    FAMILY,
    cadre_parts,
    importable_by,
    template,
)
from apps.cadres.importing.derived import DERIVED, refresh_derived_bulk
from apps.cadres.importing.jobs import run_commit
from apps.cadres.models import Appointment, Cadre, Education, FamilyMember, RankRecord
from apps.cadres.services import refresh_derived
from apps.cadres.tests.factories import CadreFactory, PostFactory, make_id_number
from apps.cadres.tests.test_import_cadres import upload_job
from apps.cadres.tests.test_import_support import TODAY, check, reasons, xlsx
from apps.core.models import AuditEvent, Job
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db

NUMBER = make_id_number(date(1980, 5, 17), "male", 1)
OTHER_NUMBER = make_id_number(date(1981, 2, 3), "male", 2)
UNKNOWN = make_id_number(date(1979, 1, 1), "male", 3)
APPT = ["公民身份号码", "干部姓名", "单位代码", "单位名称", "职务名称", "任职时间", "免职时间",
        "任职文号", "免职文号"]  # fmt: skip
EDU = ["公民身份号码", "干部姓名", "教育类别", "学历", "学位", "毕业院校", "系及专业", "入学时间",
       "毕业时间"]  # fmt: skip
FAM = ["公民身份号码", "干部姓名", "称谓", "姓名", "出生年月", "政治面貌", "工作单位及职务"]


@pytest.fixture
def cadre(city):
    return CadreFactory(name="张伟", unit=city.county_a_dept, id_number=NUMBER)


@pytest.fixture
def outsider(city):
    return CadreFactory(name="赵六", unit=city.county_b_dept, id_number=OTHER_NUMBER)


@pytest.fixture
def post(city):
    return PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.SECTION_DEPUTY)


def run(record_type, rows, headers, actor, **kwargs):
    data = xlsx(rows, headers, sheet=record_type.sheet_title)
    return check(data, actor, name="x.xlsx", record_type=record_type, **kwargs)


def commit(record_type, rows, headers, actor):
    result, plan = run(record_type, rows, headers, actor)
    assert result.committable, result.problems
    return record_type.commit(plan, actor=actor, today=TODAY, report=lambda n: None, source={})


def appt(code: str, **overrides):
    row = {"公民身份号码": NUMBER, "单位代码": code, "职务名称": "副局长", "任职时间": "2015.03"}
    return {**row, **overrides}


class TestRegistration:
    def test_officers_get_the_three_templates(self, officer_a):
        keys = [t.key for t in importable_by(officer_a)]
        assert keys == ["cadres", "appointments", "educations", "family"]

    @pytest.mark.parametrize(
        ("record_type", "headers", "coded"),
        [
            (APPOINTMENTS, APPT, 0),
            (EDUCATIONS, EDU, 3),  # 教育类别, 学历, 学位
            (FAMILY, FAM, 1),  # 政治面貌
        ],
    )
    def test_template(self, record_type, headers, coded):
        book = load_workbook(BytesIO(template(record_type)))
        sheet = book[record_type.sheet_title]
        assert [c.value for c in sheet[1]] == headers
        assert len(sheet.data_validations.dataValidation) == coded
        guide = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
        assert "公民身份号码" in guide and record_type.notes[0] in guide


class TestAppointments:
    def test_new_rows_in_every_date_notation(self, city, officer_a, cadre, post):
        code = city.county_a_dept.code
        serial = (date(2018, 4, 1) - date(1899, 12, 30)).days
        rows = [
            appt(code, 干部姓名="张伟", 任职时间="2010.03", 免职时间="2012-02-29"),
            appt(code, 任职时间="2012年3月", 免职时间="2014/2/1"),
            appt(code, 任职时间=serial, 任职文号="甲组任〔2018〕3号"),
        ]
        result, plan = run(APPOINTMENTS, rows, APPT, officer_a)
        assert result.problems == []
        assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 0}
        assert not Appointment.objects.exists()
        counts = APPOINTMENTS.commit(
            plan, actor=officer_a, today=TODAY, report=lambda n: None, source={}
        )
        assert counts == {"created": 3, "updated": 0, "unchanged": 0}
        starts = sorted(a.start_date for a in Appointment.objects.filter(cadre=cadre))
        assert starts == [date(2010, 3, 1), date(2012, 3, 1), date(2018, 4, 1)]
        cadre.refresh_from_db()
        assert cadre.current_post_title == "甲县财政局副局长"
        assert cadre.tier == Tier.SECTION_DEPUTY
        event = AuditEvent.objects.get(action="cadre.appointment.import.rows")
        assert len(event.detail["created"]) == 3 and event.actor == officer_a

    def test_bad_rows_name_the_row_and_reason(self, city, officer_a, cadre, outsider, post):
        code = city.county_a_dept.code
        wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
        rows = [
            appt(code, 公民身份号码=UNKNOWN),
            appt(code, 公民身份号码=OTHER_NUMBER),  # outside the scope: same message
            appt(code, 职务名称="局长"),
            appt("NOPE"),
            appt(code, 任职时间="2027.01"),
            appt(code, 任职时间="2001.01"),  # before 参加工作时间 2002-07-01
            appt(code, 任职时间="2016.01", 免职时间="2015.01"),
            appt(code, 公民身份号码=wrong),
            appt(code, 干部姓名="李四"),
            appt(code, 单位名称="乙县财政局"),
            appt(code, 任职时间="2026-07-01"),
        ]
        result, plan = run(APPOINTMENTS, rows, APPT, officer_a)
        assert result.counts["invalid"] == len(rows) and not plan.creates
        found = [(p.line, p.header, p.reason) for p in result.problems]
        assert found == [
            (2, "公民身份号码", cadre_parts.NOT_FOUND),
            (3, "公民身份号码", cadre_parts.NOT_FOUND),
            (
                4,
                "职务名称",
                "单位“甲县财政局”没有名为“局长”的职务，请核对职务名称（须与单位的职务设置一致）",
            ),
            (5, "单位代码", "单位代码“NOPE”不存在"),
            (6, "任职时间", "日期晚于今天（2026-06-01），请核对"),
            (7, "任职时间", "任职的起始时间早于参加工作时间（2002-07-01）"),
            (8, "免职时间", "任职的截止时间早于起始时间"),
            (9, "公民身份号码", "公民身份号码校验码错误，请核对"),
            (10, "干部姓名", "干部姓名与公民身份号码不符（系统中该号码的干部为“张伟”）"),
            (11, "单位名称", f"单位名称与单位代码“{code}”（甲县财政局）不一致"),
            (12, "任职时间", "日期晚于今天（2026-06-01），请核对"),
        ]
        assert result.problems[1].value.count("*") > 0  # id numbers are stored masked

    def test_overlaps_with_stored_terms_and_between_rows(self, city, officer_a, cadre, post):
        Appointment.objects.create(
            cadre=cadre, post=post, start_date=date(2010, 1, 1), end_date=date(2012, 12, 31)
        )
        code = city.county_a_dept.code
        rows = [
            appt(code, 任职时间="2012.06", 免职时间="2013.06"),
            appt(code, 任职时间="2014.01", 免职时间="2016.01"),
            appt(code, 任职时间="2015.01"),
            appt(code, 任职时间="2020.01"),  # duplicate key with the next row
            appt(code, 任职时间="2020-01-01"),
        ]
        result, _ = run(APPOINTMENTS, rows, APPT, officer_a)
        assert [(p.line, p.reason) for p in result.problems] == [
            (2, "与该职务已有任职期间（2010-01-01 起）重叠"),
            (3, "与第4行的任职期间重叠"),
            (4, "与第3行的任职期间重叠"),
            (5, "与第6行重复（同一干部的单位、职务和任职时间相同）"),
            (6, "与第5行重复（同一干部的单位、职务和任职时间相同）"),
        ]
        assert result.counts["invalid"] == 5

    def test_reimport_changes_nothing_and_updates_are_counted(self, city, officer_a, cadre, post):
        code = city.county_a_dept.code
        rows = [appt(code, 任职时间="2010.03", 免职时间="2012.02"), appt(code, 任职时间="2016.05")]
        assert commit(APPOINTMENTS, rows, APPT, officer_a)["created"] == 2
        before = list(Appointment.objects.order_by("pk").values())
        cadre_before = Cadre.objects.filter(pk=cadre.pk).values().get()
        result, _ = run(APPOINTMENTS, rows, APPT, officer_a)
        assert result.counts == {"new": 0, "updated": 0, "unchanged": 2, "invalid": 0}
        assert commit(APPOINTMENTS, rows, APPT, officer_a) == {
            "created": 0, "updated": 0, "unchanged": 2,
        }  # fmt: skip
        assert list(Appointment.objects.order_by("pk").values()) == before
        assert Cadre.objects.filter(pk=cadre.pk).values().get() == cadre_before
        ended = [
            rows[0],
            appt(code, 任职时间="2016.05", 免职时间="2020.01", 免职文号="免〔2020〕1号"),
        ]
        assert commit(APPOINTMENTS, ended, APPT, officer_a) == {
            "created": 0, "updated": 1, "unchanged": 1,
        }  # fmt: skip
        cadre.refresh_from_db()
        assert cadre.current_post_title == "" and cadre.tier == ""
        event = AuditEvent.objects.filter(action="cadre.appointment.import.rows").latest("pk")
        assert event.detail["updated"][0]["after"] == {
            "end_date": "2020-01-01", "removal_doc_no": "免〔2020〕1号",
        }  # fmt: skip

    def test_a_left_out_column_keeps_the_stored_value(self, city, officer_a, cadre, post):
        code = city.county_a_dept.code
        commit(APPOINTMENTS, [appt(code, 任职时间="2010.03", 免职时间="2012.02")], APPT, officer_a)
        headers = ["公民身份号码", "单位代码", "职务名称", "任职时间", "任职文号"]
        row = appt(code, 任职时间="2010.03", 任职文号="甲组任〔2010〕1号")
        assert commit(APPOINTMENTS, [row], headers, officer_a)["updated"] == 1
        stored = Appointment.objects.get()
        assert stored.end_date == date(2012, 2, 1) and stored.appoint_doc_no == "甲组任〔2010〕1号"

    def test_all_or_nothing(self, city, officer_a, cadre, post, monkeypatch):
        """A failure after the writes (here: in the derived-field refresh, as a killed worker
        would) leaves no appointment and no audit row: the commit is one transaction."""
        monkeypatch.setattr(cadre_parts, "CHUNK", 2)
        code = city.county_a_dept.code
        rows = [appt(code, 任职时间=f"20{y}.01", 免职时间=f"20{y}.12") for y in range(10, 15)]

        def killed(ids, *, today):
            assert Appointment.objects.count() == 5  # written in three batches
            raise RuntimeError("worker killed")

        monkeypatch.setattr(cadre_parts, "refresh_derived_bulk", killed)
        job = upload_job(officer_a, xlsx(rows, APPT, sheet="任职经历"), "任职.xlsx", "appointments")
        commit_job = Job.objects.create(
            actor=officer_a, kind="import_commit", title="t", params={"source": job.pk}
        )
        with pytest.raises(RuntimeError):
            run_commit(commit_job, lambda n: None)
        assert not Appointment.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="cadre.appointment").exists()

    def test_run_commit_audits_the_file(self, city, officer_a, cadre, post):
        rows = [appt(city.county_a_dept.code)]
        job = upload_job(officer_a, xlsx(rows, APPT, sheet="任职经历"), "任职.xlsx", "appointments")
        commit_job = Job.objects.create(
            actor=officer_a, kind="import_commit", title="t", params={"source": job.pk}
        )
        run_commit(commit_job, lambda n: None)
        event = AuditEvent.objects.get(action="cadre.appointment.import")
        assert event.target_type == "cadres.cadre" and event.detail["created"] == 1
        assert event.detail["file_sha256"] == job.params["sha256"]


class TestDerivedInBulk:
    def test_same_values_as_the_service(self, city, cadre, post):
        other = CadreFactory(unit=city.county_a_dept)
        head = PostFactory(unit=city.county_a_town, title="镇长", tier=Tier.SECTION_PRINCIPAL)
        Appointment.objects.create(cadre=cadre, post=post, start_date=date(2015, 1, 1))
        Appointment.objects.create(cadre=cadre, post=head, start_date=date(2018, 1, 1))
        Appointment.objects.create(
            cadre=other, post=post, start_date=date(2010, 1, 1), end_date=date(2011, 1, 1)
        )
        RankRecord.objects.create(cadre=cadre, rank_grade="principal_staff_1", start_date=TODAY)
        Education.objects.create(cadre=cadre, mode="full_time", level="bachelor", school="甲")
        Education.objects.create(cadre=cadre, mode="in_service", level="master", school="乙")
        assert refresh_derived_bulk([cadre.pk, other.pk], today=TODAY) == 1
        bulk = list(Cadre.objects.order_by("pk").values_list(*DERIVED))
        for record in Cadre.objects.all():
            refresh_derived(record, today=TODAY)
        assert list(Cadre.objects.order_by("pk").values_list(*DERIVED)) == bulk
        assert bulk[0] == ("甲县城关镇镇长、甲县财政局副局长", Tier.SECTION_PRINCIPAL,
                           "principal_staff_1", "master")  # fmt: skip
        assert refresh_derived_bulk([cadre.pk, other.pk], today=TODAY) == 0


def edu(**overrides):
    row = {"公民身份号码": NUMBER, "教育类别": "全日制教育", "学历": "大学本科", "学位": "学士",
           "毕业院校": "云南大学", "系及专业": "经济学", "入学时间": "1998.09",
           "毕业时间": "2002.07"}  # fmt: skip
    return {**row, **overrides}


class TestEducation:
    def test_new_rows_and_highest_education(self, officer_a, cadre):
        rows = [
            edu(),
            edu(教育类别="在职", 学历="硕士", 学位="", 毕业院校="中央党校", 入学时间="2008年9月",
                毕业时间="2011-07-01"),
        ]  # fmt: skip
        assert commit(EDUCATIONS, rows, EDU, officer_a) == {
            "created": 2, "updated": 0, "unchanged": 0,
        }  # fmt: skip
        stored = {e.school: e for e in Education.objects.filter(cadre=cadre)}
        assert stored["中央党校"].mode == "in_service" and stored["中央党校"].degree == "none"
        assert stored["云南大学"].end_date == date(2002, 7, 1)
        cadre.refresh_from_db()
        assert cadre.highest_education == "master"

    def test_bad_rows(self, officer_a, cadre, outsider):
        rows = [
            edu(公民身份号码=UNKNOWN),
            edu(公民身份号码=OTHER_NUMBER),
            edu(学历="博士后"),
            edu(教育类别="函授班"),
            edu(毕业时间="2030.07", 毕业院校="甲"),
            edu(入学时间="2003.09", 毕业时间="2002.07", 毕业院校="乙"),
            edu(入学时间="1975.09", 毕业院校="丙"),
            edu(毕业院校=""),
            edu(毕业院校="昆明理工大学", 系及专业="长" * 101),
        ]
        result, plan = run(EDUCATIONS, rows, EDU, officer_a)
        assert result.counts["invalid"] == len(rows) and not plan.creates
        assert reasons(result) == [
            cadre_parts.NOT_FOUND,
            cadre_parts.NOT_FOUND,
            "“博士后”不是有效的学历（可选：博士研究生、硕士研究生、大学本科、大学专科、中专、高中及以下）",
            "“函授班”不是有效的教育类别（可选：全日制教育、在职教育）",
            "日期晚于今天（2026-06-01），请核对",
            "毕业时间早于入学时间",
            "入学时间须晚于出生日期",
            "必填项未填写",
            "超过长度限制（最多100个字，实有101个字）",
        ]

    def test_duplicates_reimport_and_update(self, officer_a, cadre):
        result, _ = run(EDUCATIONS, [edu(), edu(系及专业="会计")], EDU, officer_a)
        same = "（同一干部的教育类别、学历和毕业院校相同）"
        assert reasons(result) == [f"与第3行重复{same}", f"与第2行重复{same}"]
        commit(EDUCATIONS, [edu()], EDU, officer_a)
        before = list(Education.objects.values())
        assert commit(EDUCATIONS, [edu()], EDU, officer_a)["unchanged"] == 1
        assert list(Education.objects.values()) == before
        assert commit(EDUCATIONS, [edu(系及专业="会计学")], EDU, officer_a)["updated"] == 1
        assert Education.objects.get().major == "会计学"


def fam(**overrides):
    row = {"公民身份号码": NUMBER, "称谓": "妻子", "姓名": "李丽", "出生年月": "1982.03",
           "政治面貌": "群众", "工作单位及职务": "甲县第一中学教师"}  # fmt: skip
    return {**row, **overrides}


class TestFamily:
    def test_new_members_follow_the_existing_ones(self, officer_a, cadre):
        FamilyMember.objects.create(cadre=cadre, relation="父亲", name="张大山", sort_order=1)
        rows = [fam(), fam(称谓="儿子", 姓名="张小明", 出生年月="2010-05-01", 政治面貌="共青团员",
                           工作单位及职务="学生")]  # fmt: skip
        assert commit(FAMILY, rows, FAM, officer_a)["created"] == 2
        members = list(FamilyMember.objects.filter(cadre=cadre).values_list("name", "sort_order"))
        assert members == [("张大山", 1), ("李丽", 2), ("张小明", 3)]
        son = FamilyMember.objects.get(name="张小明")
        assert son.political_status == "cyl" and son.birth_date == date(2010, 5, 1)

    def test_bad_rows(self, officer_a, cadre, outsider):
        rows = [
            fam(公民身份号码=UNKNOWN),
            fam(公民身份号码=OTHER_NUMBER),
            fam(政治面貌="无党派X"),
            fam(出生年月="2030.01", 姓名="李二"),
            fam(称谓=""),
            fam(姓名="王五"),
            fam(姓名="王五", 工作单位及职务="农民"),
        ]
        result, plan = run(FAMILY, rows, FAM, officer_a)
        assert result.counts["invalid"] == len(rows) and not plan.creates
        assert reasons(result)[:5] == [
            cadre_parts.NOT_FOUND,
            cadre_parts.NOT_FOUND,
            "“无党派X”不是有效的政治面貌（可选：中共党员、中共预备党员、共青团员、民主党派、群众）",
            "日期晚于今天（2026-06-01），请核对",
            "必填项未填写",
        ]
        assert reasons(result)[5:] == [
            "与第8行重复（同一干部的称谓和姓名相同）",
            "与第7行重复（同一干部的称谓和姓名相同）",
        ]

    def test_reimport_changes_nothing(self, officer_a, cadre):
        commit(FAMILY, [fam()], FAM, officer_a)
        before = list(FamilyMember.objects.values())
        result, _ = run(FAMILY, [fam()], FAM, officer_a)
        assert result.counts == {"new": 0, "updated": 0, "unchanged": 1, "invalid": 0}
        commit(FAMILY, [fam()], FAM, officer_a)
        assert list(FamilyMember.objects.values()) == before
        assert commit(FAMILY, [fam(政治面貌="中共党员")], FAM, officer_a)["updated"] == 1

    def test_cadre_in_the_trash(self, officer_a, cadre):
        Cadre.objects.filter(pk=cadre.pk).update(deleted_at=TODAY.isoformat() + "T00:00:00Z")
        result, _ = run(FAMILY, [fam()], FAM, officer_a)
        assert reasons(result) == [cadre_parts.IN_TRASH]


class TestThroughThePages:
    def test_family_upload_preview_commit(
        self, officer_a, cadre, django_capture_on_commit_callbacks
    ):
        from apps.cadres.tests.test_import_views import commit as page_commit
        from apps.cadres.tests.test_import_views import login, upload

        client = login(officer_a)
        page = client.get("/cadres/import/").content.decode()
        assert all(f'value="{k}"' in page for k in ("appointments", "educations", "family"))
        data = xlsx([fam(), fam(称谓="儿子", 姓名="张明")], FAM, sheet="家庭成员")
        response = upload(client, data, django_capture_on_commit_callbacks, "家.xlsx", "family")
        job = Job.objects.get(kind="import_validate")
        assert response.status_code == 302
        preview = client.get(response["Location"]).content.decode()
        assert "导入预览：家庭成员" in preview
        page_commit(client, job, django_capture_on_commit_callbacks)
        assert FamilyMember.objects.filter(cadre=cadre).count() == 2


@pytest.mark.parametrize("record_type", [APPOINTMENTS, EDUCATIONS, FAMILY])
def test_queries_do_not_grow_with_the_rows(
    record_type, city, officer_a, post, django_assert_max_num_queries
):
    """A few queries per 1,000 rows, whatever the number of cadres and rows."""
    headers = {APPOINTMENTS: APPT, EDUCATIONS: EDU, FAMILY: FAM}[record_type]
    rows = []
    for i in range(40):
        number = make_id_number(date(1980, 1, 1 + i % 28), "male", 10 + i)
        CadreFactory(unit=city.county_a_dept, id_number=number)
        year = 2003 + i % 20
        rows.append(
            {"公民身份号码": number, "单位代码": city.county_a_dept.code, "职务名称": "副局长",
             "任职时间": f"{year}.01", "免职时间": f"{year}.12", "教育类别": "在职",
             "学历": "大学本科", "毕业院校": f"学校{i}", "称谓": "妻子", "姓名": f"某{i}"}
        )  # fmt: skip
    data = xlsx(rows, headers, sheet=record_type.sheet_title)
    with django_assert_max_num_queries(12):
        result, plan = check(data, officer_a, name="x.xlsx", record_type=record_type)
    assert result.committable, result.problems
    with django_assert_max_num_queries(20):
        record_type.commit(plan, actor=officer_a, today=TODAY, report=lambda n: None, source={})
