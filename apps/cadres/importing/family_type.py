"""The 家庭成员 record type: 家庭主要成员及重要社会关系 of a cadre, upserted by (cadre, 称谓,
姓名). New members are listed after the cadre's existing ones, in the order of the file."""

from collections import defaultdict
from dataclasses import replace
from datetime import date
from itertools import batched
from typing import Any

from apps.cadres.models import FamilyMember

from .cadre_fields import CADRE_FIELDS
from .cadre_parts import (
    CADRE_NAME_FIELD,
    ID_FIELD,
    PartPlan,
    PartRecordType,
    find_holders,
    mark_duplicate_keys,
)
from .spec import Field, Kind, ParsedRow, register

COMPARED = ("birth_date", "political_status", "work_unit_and_post")
Key = tuple[int, str, str]  # cadre, 称谓, 姓名
RELATIONS = "妻子、丈夫、儿子、女儿、父亲、母亲、岳父、岳母、公公、婆婆、哥哥、姐姐、弟弟、妹妹"
POLITICAL = next(f for f in CADRE_FIELDS if f.name == "political_status")


def _existing(
    cadre_ids: set[int], *, lock: bool
) -> tuple[dict[Key, list[dict[str, Any]]], dict[int, int]]:
    """The stored members by key, and each cadre's last sort position."""
    found: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    last: dict[int, int] = defaultdict(int)
    for chunk in batched(sorted(cadre_ids), 1000):
        qs = FamilyMember.objects.unscoped_for_jobs_and_migrations().filter(cadre_id__in=chunk)
        if lock:
            qs = qs.order_by("pk").select_for_update()
        for m in qs.values("pk", "cadre_id", "relation", "name", "sort_order", *COMPARED):
            found[(m["cadre_id"], m["relation"], m["name"])].append(m)
            last[m["cadre_id"]] = max(last[m["cadre_id"]], m["sort_order"])
    return found, last


class FamilyRecordType(PartRecordType):
    key = "family"
    label = "家庭成员"
    part_label = "家庭成员"
    sheet_title = "家庭成员"
    audit_action = "cadre.family.import"
    model = FamilyMember
    fields = (
        ID_FIELD,
        CADRE_NAME_FIELD,
        Field("relation", "称谓", required=True, max_length=20, guide=f"如{RELATIONS}",
              example="妻子", width=10),
        Field("name", "姓名", required=True, max_length=50, header_aliases=("成员姓名",),
              example="李丽", width=10),
        Field("birth_date", "出生年月", Kind.DATE, header_aliases=("出生日期",),
              guide="填到月份即可，如 1982.03；也可写 1982-03-01、1982年3月", example="1982.03"),
        replace(POLITICAL, required=False, example="群众"),
        Field("work_unit_and_post", "工作单位及职务", max_length=200,
              header_aliases=("工作单位", "工作单位和职务"), example="甲县第一中学教师", width=28),
    )  # fmt: skip
    notes = (
        "每行一名家庭成员或重要社会关系；以“公民身份号码 + 称谓 + 姓名”识别：系统中已有的按本表"
        "更新出生年月、政治面貌和工作单位及职务，没有的新增（排在该干部已有成员之后）。"
        "干部须已在系统中且在您的数据范围内。",
        "已去世的成员可在“工作单位及职务”中注明“已去世”。",
    )

    def check_rows(self, rows: list[ParsedRow], *, actor: Any, today: date, lock: bool) -> Any:
        holders = find_holders(rows, actor=actor, lock=lock)
        keys: dict[int, Key] = {}
        for row in rows:
            holder = holders.get(row.line)
            relation, name = row.values.get("relation"), row.values.get("name")
            if holder is not None and relation and name:
                keys[row.line] = (holder.pk, relation, name)
        mark_duplicate_keys(rows, keys, field_name="name", what="称谓和姓名")
        existing, last = _existing({k[0] for k in keys.values()}, lock=lock)
        plan = PartPlan()
        for row in rows:
            if not row.ok or row.line not in keys:
                continue
            key = keys[row.line]
            stored = existing.get(key, [])
            if len(stored) > 1:
                row.add(
                    "name", f"该干部已有{len(stored)}条称谓和姓名相同的家庭成员，请先在干部页面核实"
                )
                continue
            cadre, relation, name = key
            values: dict[str, Any] = {"cadre_id": cadre, "relation": relation, "name": name}
            values.update((n, row.values[n]) for n in COMPARED if n in row.values)
            if not stored:
                last[cadre] += 1
                values["sort_order"] = last[cadre]
            plan.add(row, values, stored[0] if stored else None)
        return plan


FAMILY = register(FamilyRecordType())
