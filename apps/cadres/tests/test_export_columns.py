"""The cadre list export's columns, read as values: the same text as the model instance shows."""

from datetime import date

import pytest

from apps.accounts.models import ManagedBy
from apps.cadres.export_columns import COLUMNS, export_rows, labels, shown_columns
from apps.cadres.models import Cadre
from apps.cadres.tests.factories import CadreFactory
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db

# The cells as the export wrote them from model instances before it read values.
FROM_INSTANCE = {
    "姓名": lambda c: c.name,
    "性别": lambda c: c.get_gender_display(),
    "民族": lambda c: c.ethnicity,
    "出生年月": lambda c: c.birth_date.strftime("%Y.%m"),
    "籍贯": lambda c: c.native_place,
    "政治面貌": lambda c: c.get_political_status_display(),
    "参加工作时间": lambda c: c.work_start_date.strftime("%Y.%m"),
    "工作单位": lambda c: c.unit.name,
    "现任职务": lambda c: c.current_post_title,
    "职务层次": lambda c: c.get_tier_display(),
    "职级": lambda c: c.get_rank_grade_display(),
    "最高学历": lambda c: c.get_highest_education_display(),
    "管理权限": lambda c: c.get_managed_by_display(),
    "公民身份号码（脱敏）": lambda c: c.id_number_masked,
}


def test_values_give_the_instance_text(city):
    CadreFactory(
        name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, gender="female",
        birth_date=date(1980, 5, 17), work_start_date=date(2002, 7, 1), native_place="=云南",
        political_status="cyl", current_post_title="甲县财政局副局长",
        tier=Tier.SECTION_DEPUTY, rank_grade="principal_staff_1", highest_education="master",
    )  # fmt: skip
    CadreFactory(name="李娜", unit=city.county_a_town, tier="", rank_grade="")
    assert [header for _, header, _, _ in COLUMNS] == list(FROM_INSTANCE)
    queryset = Cadre.objects.select_related("unit").order_by("name")
    columns = shown_columns([])
    expected = [[FROM_INSTANCE[h](c) or "" for h, _, _ in columns] for c in queryset]
    assert list(export_rows(queryset, columns)) == expected
    assert expected[0][1] == "女" and expected[1][9] == ""  # 李娜 has no 职务层次


def test_hidden_columns_are_left_out():
    headers = [header for header, _, _ in shown_columns(["gender", "unit", "tier"])]
    assert "性别" not in headers and "工作单位" not in headers and "职务层次" not in headers
    assert headers[0] == "姓名" and len(headers) == len(COLUMNS) - 3


def test_a_value_that_is_no_choice_shows_as_itself():
    gender = labels(Cadre, "gender")
    assert gender("male") == "男" and gender("unknown") == "unknown" and gender("") == ""
