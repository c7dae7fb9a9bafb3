"""Cadre import: every row checked against the services' rules and the importer's scope; the
commit is one transaction (all rows or none), idempotent, audited."""

from datetime import date

import pytest
from django.utils import timezone

from apps.cadres import identity
from apps.cadres.importing import CADRES, Status, cadre_type
from apps.cadres.importing.jobs import run_commit
from apps.cadres.models import Cadre
from apps.cadres.tests.factories import CadreFactory, make_id_number
from apps.cadres.tests.test_import_support import TODAY, check, person, reasons, xlsx
from apps.core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def commit(data: bytes, actor, name: str = "干部.xlsx"):
    """Validate then commit like the two jobs, without the task queue; returns counts."""
    result, plan = check(data, actor, name=name)
    assert result.committable, result.problems
    return CADRES.commit(plan, actor=actor, today=TODAY, report=lambda n: None, source={"job": 0})


def codes(city):
    return {u: getattr(city, u).code for u in ("county_a_dept", "county_a_town", "county_b_dept")}


class TestValidation:
    def test_new_rows_counted_and_nothing_written(self, city, officer_a):
        rows = [
            person("张伟", unit_code=city.county_a_dept.code, serial=1),
            person("李娜", gender="女", unit_name="甲县城关镇", serial=2),
        ]
        result, plan = check(xlsx(rows), officer_a)
        assert result.problems == []
        assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "invalid": 0}
        assert len(plan.creates) == 2 and not Cadre.objects.exists()

    def test_gender_and_birth_come_from_the_id_number(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code, 性别="", 出生年月="")
        result, plan = check(xlsx([row]), officer_a)
        values, _ = plan.creates[0]
        assert result.committable
        assert values["gender"] == "male" and values["birth_date"] == date(1980, 5, 17)

    def test_birth_month_must_agree_with_the_id_number(self, city, officer_a):
        rows = [
            person(unit_code=city.county_a_dept.code, 出生年月="1980.06", serial=1),
            person(unit_code=city.county_a_dept.code, 性别="女", serial=2),
        ]
        result, _ = check(xlsx(rows), officer_a)
        assert "出生年月与公民身份号码不一致（号码中为1980.05.17）" in reasons(result)
        assert "性别与公民身份号码不一致" in reasons(result)
        assert result.counts["invalid"] == 2

    def test_invalid_check_digit(self, city, officer_a):
        number = make_id_number(date(1980, 5, 17), "male")
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        result, _ = check(
            xlsx([person(unit_code=city.county_a_dept.code, 公民身份号码=wrong)]), officer_a
        )
        problem = result.problems[0]
        assert problem.reason == "公民身份号码校验码错误，请核对"
        assert problem.header == "公民身份号码" and problem.cell == "G2"
        assert "*" in problem.value  # stored masked, not in clear

    def test_id_number_typed_as_a_number(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code, 公民身份号码=530602198005170016)
        result, _ = check(xlsx([row]), officer_a)
        assert "公民身份号码被Excel存成了数值" in reasons(result)[0]

    def test_duplicate_id_numbers_name_both_rows(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code)
        result, _ = check(xlsx([row, person("李四", serial=5), dict(row, 姓名="王五")]), officer_a)
        dup = [(p.line, p.reason) for p in result.problems if "重复" in p.reason]
        assert dup == [(2, "与第4行的公民身份号码重复"), (4, "与第2行的公民身份号码重复")]

    def test_unknown_unit_by_code_and_by_name(self, city, officer_a):
        rows = [
            person(unit_code="NOPE", serial=1),
            person(unit_name="不存在的局", serial=2),
            person(serial=3),
        ]
        result, _ = check(xlsx(rows), officer_a)
        assert reasons(result) == [
            "单位代码“NOPE”不存在",
            "单位“不存在的局”不存在，请核对单位全称或改填单位代码",
            "单位代码和单位名称均未填写",
        ]

    def test_unit_outside_the_scope_is_an_error_not_a_skip(self, city, officer_a):
        rows = [
            person(unit_code=city.county_b_dept.code, serial=1),
            person(unit_code=city.county_a_dept.code, 干部管理权限="市管", serial=2),
        ]
        result, plan = check(xlsx(rows), officer_a)
        assert result.counts["invalid"] == 2 and not plan.creates
        assert reasons(result) == [
            "单位“乙县财政局”不在您的数据范围内，不能导入该单位的干部",
            "您无权维护单位“甲县财政局”的市管干部",
        ]

    def test_code_and_name_must_agree(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code, unit_name="甲县城关镇")
        result, _ = check(xlsx([row]), officer_a)
        assert reasons(result) == [
            f"单位名称与单位代码“{city.county_a_dept.code}”（甲县财政局）不一致"
        ]

    def test_future_dates_and_identity_rules(self, city, officer_a):
        rows = [
            person(unit_code=city.county_a_dept.code, 参加工作时间="2027.01", serial=1),
            person(unit_code=city.county_a_dept.code, 入党时间="1990.01", serial=2),
        ]
        result, _ = check(xlsx(rows), officer_a)
        assert reasons(result) == [
            "日期晚于今天（2026-06-01），请核对",
            "入党时须年满十八周岁",
        ]

    def test_cells_over_the_length_limit(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code, 姓名="张" * 51, 现任职务="长" * 201)
        result, _ = check(xlsx([row]), officer_a)
        assert reasons(result) == [
            "超过长度限制（最多50个字，实有51个字）",
            "超过长度限制（最多200个字，实有201个字）",
        ]

    def test_coded_values_and_aliases(self, city, officer_a):
        row = person(
            unit_code=city.county_a_dept.code, 民族="汉", 政治面貌="党员", 职务层次="副科",
            最高学历="本科", 干部管理权限="县管",
        )  # fmt: skip
        bad = person(unit_code=city.county_a_dept.code, 民族="火星族", serial=3)
        result, plan = check(xlsx([row, bad]), officer_a)
        values, _ = plan.creates[0]
        assert values["ethnicity"] == "汉族" and values["political_status"] == "cpc"
        assert values["tier"] == "section_deputy" and values["highest_education"] == "bachelor"
        assert reasons(result) == ["“火星族”不是有效的民族（可选：请从下拉列表中选择）"]

    def test_required_cells(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code, 姓名="", 参加工作时间=None)
        result, _ = check(xlsx([row]), officer_a)
        assert [(p.header, p.reason) for p in result.problems] == [
            ("姓名", "必填项未填写"),
            ("参加工作时间", "必填项未填写"),
        ]

    def test_formula_cells_are_problems(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code, 籍贯='=CONCAT("云南","昭通")')
        result, _ = check(xlsx([row]), officer_a)
        assert [(p.cell, p.reason) for p in result.problems] == [("E2", "不支持公式，请粘贴为数值")]


class TestExistingRecords:
    def test_updated_and_unchanged(self, city, officer_a):
        stored = CadreFactory(
            name="张伟",
            unit=city.county_a_dept,
            id_number=make_id_number(date(1980, 5, 17), "male", 12),
        )
        commit(xlsx([person(unit_code=city.county_a_dept.code)]), officer_a)
        stored.refresh_from_db()
        assert stored.version == 2 and stored.native_place == "云南昭通"
        result, _ = check(xlsx([person(unit_code=city.county_a_dept.code)]), officer_a)
        assert result.counts["unchanged"] == 1

    def test_id_number_of_a_cadre_outside_the_scope(self, city, officer_a):
        number = make_id_number(date(1980, 5, 17), "male", 12)
        CadreFactory(unit=city.county_b_dept, id_number=number)
        result, _ = check(xlsx([person(unit_code=city.county_a_dept.code)]), officer_a)
        assert reasons(result) == ["该公民身份号码已登记在另一干部名下"]

    def test_cadre_in_the_trash(self, city, officer_a):
        number = make_id_number(date(1980, 5, 17), "male", 12)
        CadreFactory(unit=city.county_a_dept, id_number=number, deleted_at=timezone.now())
        result, _ = check(xlsx([person(unit_code=city.county_a_dept.code)]), officer_a)
        assert reasons(result) == ["该干部已被移入回收站，请先在回收站恢复后再导入"]


class TestCommit:
    def test_creates_with_the_services_derived_fields(self, city, officer_a):
        rows = [person(unit_code=city.county_a_dept.code, serial=1)]
        counts = commit(xlsx(rows), officer_a)
        cadre = Cadre.objects.get()
        assert counts == {"created": 1, "updated": 0, "unchanged": 0}
        assert cadre.name_pinyin == "zhangwei" and cadre.name_initials == "zw"
        number = rows[0]["公民身份号码"]
        assert identity.decrypt(cadre.id_number_encrypted) == number
        assert cadre.id_number_hash == identity.search_hash(number)
        assert cadre.birth_date == date(1980, 5, 17) and cadre.work_start_date == date(2002, 7, 1)
        assert cadre.tier == "section_deputy" and cadre.rank_grade == "principal_staff_1"
        batch = AuditEvent.objects.get(action="cadre.import.rows")
        assert batch.detail["created"][0]["id"] == cadre.pk
        assert number not in str(batch.detail)

    def test_bulk_insert_writes_what_the_model_would(self, city, officer_a):
        """New records go in from plain dicts (COPY on PostgreSQL, no model instances): every
        column is what Cadre(**values).save() stores, model defaults included, and the
        keys returned are the rows' own, in order."""
        from apps.cadres.importing import bulk

        def values(serial: int, name: str) -> dict:
            number = make_id_number(date(1980, 5, 17), "male", serial)
            encrypted, digest, masked = identity.protect(number)
            return {
                "name": name, "name_pinyin": "x", "name_initials": "x", "gender": "male",
                "birth_date": date(1980, 5, 17), "work_start_date": date(2002, 7, 1),
                "party_join_date": None, "unit_id": city.county_a_dept.pk,
                "managed_by": "county", "id_number_encrypted": encrypted,
                "id_number_hash": digest, "id_number_masked": masked,
            }  # fmt: skip

        reference = Cadre(**values(1, "甲"))
        reference.save()
        ids = bulk.insert(Cadre, iter([values(2, "乙"), values(3, "丙")]), 2)
        assert [Cadre.objects.get(pk=pk).name for pk in ids] == ["乙", "丙"]
        skip = {"id", "name", "created_at", "updated_at", "id_number_encrypted"}
        skip |= {"id_number_hash", "id_number_masked"}
        rows = {r["id"]: r for r in Cadre.objects.values()}
        want = {k: v for k, v in rows[reference.pk].items() if k not in skip}
        for pk in ids:
            assert {k: v for k, v in rows[pk].items() if k not in skip} == want
            assert rows[pk]["created_at"] is not None and rows[pk]["updated_at"] is not None
        assert want["version"] == 1 and want["health"] == "健康" and want["photo"] == ""
        later = Cadre.objects.create(**values(4, "丁"))  # the sequence moved past the keys
        assert later.pk > max(ids)

    def test_reimport_changes_nothing(self, city, officer_a):
        data = xlsx([person(unit_code=city.county_a_dept.code, serial=i) for i in range(5)])
        commit(data, officer_a)
        before = list(Cadre.objects.order_by("pk").values())
        result, _ = check(data, officer_a)
        assert result.counts == {"new": 0, "updated": 0, "unchanged": 5, "invalid": 0}
        assert commit(data, officer_a) == {"created": 0, "updated": 0, "unchanged": 5}
        assert list(Cadre.objects.order_by("pk").values()) == before

    def test_failure_mid_commit_leaves_the_database_unchanged(
        self, city, officer_a, monkeypatch, django_capture_on_commit_callbacks
    ):
        """A worker dying in the commit loop (here: raising after the first batch) rolls the
        whole import back: the commit is one transaction."""
        existing = CadreFactory(
            name="旧名", unit=city.county_a_dept,
            id_number=make_id_number(date(1980, 5, 17), "male", 0),
        )  # fmt: skip
        rows = [person(unit_code=city.county_a_dept.code, serial=i) for i in range(25)]
        monkeypatch.setattr(cadre_type, "CHUNK", 10)
        real = cadre_type.created_rows
        calls = []

        def dying(chunk):
            calls.append(len(chunk))
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return real(chunk)

        monkeypatch.setattr(cadre_type, "created_rows", dying)
        job = upload_job(officer_a, xlsx(rows))
        commit_job = Job.objects.create(
            actor=officer_a, kind="import_commit", title="t", params={"source": job.pk}
        )
        with pytest.raises(RuntimeError):
            run_commit(commit_job, lambda n: None)
        assert calls == [10, 10]  # the first batch was sent to the database before the failure
        assert list(Cadre.objects.values_list("pk", flat=True)) == [existing.pk]
        existing.refresh_from_db()
        assert existing.name == "旧名" and existing.version == 1
        assert not AuditEvent.objects.filter(action__startswith="cadre.import").exists()


def upload_job(actor, data: bytes, name: str = "干部.xlsx", record_type: str = "cadres") -> Job:
    """A finished validation job holding `data`, without running the queue."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = default_storage.save("imports/test/upload.xlsx", ContentFile(data))
    return Job.objects.create(
        actor=actor,
        kind="import_validate",
        title="t",
        status="done",
        params={
            "type": record_type,
            "file": path,
            "name": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        },
    )


def test_status_enum_values():
    assert [s.value for s in Status] == ["new", "updated", "unchanged", "invalid"]
