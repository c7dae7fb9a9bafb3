"""Unit import: the sysadmin's job (三员分立), upserted by 单位代码 through the unit services."""

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.importing import UNITS, service
from apps.cadres.tests.test_import_support import TODAY, UNIT_HEADERS, check, reasons, xlsx
from apps.core.models import AuditEvent
from apps.core.roles import RoleRefused
from apps.units.models import Unit, UnitEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(db):
    return UserFactory(role=Role.SYSADMIN)


def units_file(*rows: list[str]) -> bytes:
    return xlsx(list(rows), headers=UNIT_HEADERS, sheet="单位信息")


def run(data: bytes, actor):
    result, plan = check(data, actor, name="单位.xlsx", record_type=UNITS)
    assert result.committable, result.problems
    counts = UNITS.commit(plan, actor=actor, today=TODAY, report=lambda n: None, source={})
    return result, counts


def test_only_the_sysadmin_imports_units(officer_a, sysadmin):
    with pytest.raises(RoleRefused):
        service.record_type_for(officer_a, "units")
    assert service.record_type_for(sysadmin, "units") is UNITS
    with pytest.raises(RoleRefused):
        service.record_type_for(sysadmin, "cadres")


def test_new_units_parents_first_whatever_the_order(city, sysadmin):
    data = units_file(
        ["T2", "乙县示范镇第一村", "", "T1", "乡镇级", "政府"],
        ["T1", "乙县示范镇", "示范镇", city.county_b.code, "乡镇级", "政府"],
    )
    result, counts = run(data, sysadmin)
    assert result.counts["new"] == 2 and counts == {"created": 2, "updated": 0, "unchanged": 0}
    town, village = Unit.objects.get(code="T1"), Unit.objects.get(code="T2")
    assert town.parent == city.county_b and village.parent == town
    assert village.path == f"{town.path}{village.pk}/"
    assert UnitEvent.objects.filter(unit=village, kind="created").exists()
    assert AuditEvent.objects.filter(action="unit.created", target_id=str(village.pk)).exists()


def test_rename_move_and_unchanged_then_idempotent(city, sysadmin):
    data = units_file(
        [city.county_a_dept.code, "甲县财政局（国资局）", "", city.county_a.code, "县级", "部门"],
        [city.county_b_dept.code, "乙县财政局", "", city.county_a.code, "县级", "部门"],
        [city.city_dept.code, "市财政局", "", city.root.code, "市级", "部门"],
    )
    result, counts = run(data, sysadmin)
    assert result.counts == {"new": 0, "updated": 2, "unchanged": 1, "invalid": 0}
    assert counts == {"created": 0, "updated": 2, "unchanged": 1}
    city.county_a_dept.refresh_from_db()
    city.county_b_dept.refresh_from_db()
    assert city.county_a_dept.name == "甲县财政局（国资局）"
    assert city.county_b_dept.parent == city.county_a
    assert city.county_b_dept.path.startswith(city.county_a.path)
    again, _ = check(data, sysadmin, name="单位.xlsx", record_type=UNITS)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "invalid": 0}


def test_problems(city, sysadmin):
    city.county_b_dept.is_active = False
    city.county_b_dept.save()
    data = units_file(
        [city.county_a_dept.code, "甲县财政局", "", city.county_a.code, "市级", "部门"],
        ["N1", "新单位", "", "NOPE", "县级", "部门"],
        ["N2", "新单位2", "", "N2", "县级", "部门"],
        ["N3", "新单位3", "", city.county_b_dept.code, "县级", "部门"],
        [city.county_a.code, "甲县", "", city.county_a_town.code, "县级", "党委"],
        [city.county_a_town.code, "甲县城关镇", "", city.county_a.code, "乡镇级", "政府"],
        [city.city_dept.code, "市财政局", "", "", "市级", "部门"],
        ["N4", "新单位4", "", "", "县级", "外星机构"],
    )
    result, _ = check(data, sysadmin, name="单位.xlsx", record_type=UNITS)
    assert reasons(result) == [
        "导入不能修改已有单位的层级（系统中为“县级”）",
        "上级单位代码“NOPE”不存在（系统和本表中均没有）",
        "上级单位不能是本单位",
        "上级单位“乙县财政局”已撤并",
        "上下级关系形成循环（单位成了自己的下级），请核对上级单位代码",
        "上下级关系形成循环（单位成了自己的下级），请核对上级单位代码",
        "上级单位代码为空：导入不能把已有单位调整为顶级单位",
        "“外星机构”不是有效的类别（可选：党委、政府、部门、事业单位、国有企业）",
    ]


def test_duplicate_codes(sysadmin):
    data = units_file(["X1", "甲", "", "", "县级", "部门"], ["X1", "乙", "", "", "县级", "部门"])
    result, _ = check(data, sysadmin, name="单位.xlsx", record_type=UNITS)
    assert reasons(result) == ["与第3行的单位代码重复", "与第2行的单位代码重复"]
