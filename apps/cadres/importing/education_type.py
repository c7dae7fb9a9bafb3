"""The 学历学位 record type: one education of a cadre, upserted by (cadre, 教育类别, 学历,
毕业院校).

Rows follow services.education_add (毕业时间 after the birth date) plus the obvious order of
入学 and 毕业. After writing, the cadres' 最高学历 is recomputed in bulk.
"""

from collections import defaultdict
from datetime import date
from itertools import batched
from typing import Any

from apps.cadres.constants import Degree, EducationLevel, EducationMode
from apps.cadres.models import Education

from .cadre_fields import EDUCATION_ALIASES
from .cadre_parts import (
    CADRE_NAME_FIELD,
    DATE_GUIDE,
    ID_FIELD,
    Holder,
    PartPlan,
    PartRecordType,
    find_holders,
    mark_duplicate_keys,
)
from .spec import Field, Kind, ParsedRow, choices_of, register

COMPARED = ("degree", "major", "start_date", "end_date")
Key = tuple[int, str, str, str]  # cadre, mode, level, school

MODE_ALIASES = {
    "全日制": EducationMode.FULL_TIME, "全日制学历": EducationMode.FULL_TIME,
    "在职": EducationMode.IN_SERVICE, "在职学历": EducationMode.IN_SERVICE,
    "非全日制": EducationMode.IN_SERVICE,
}  # fmt: skip
DEGREE_ALIASES = {
    "博士学位": Degree.DOCTOR, "硕士学位": Degree.MASTER, "学士学位": Degree.BACHELOR,
    "法学学士": Degree.BACHELOR, "工学学士": Degree.BACHELOR, "经济学学士": Degree.BACHELOR,
    "管理学学士": Degree.BACHELOR, "文学学士": Degree.BACHELOR, "理学学士": Degree.BACHELOR,
    "法学硕士": Degree.MASTER, "工学硕士": Degree.MASTER, "经济学硕士": Degree.MASTER,
    "管理学硕士": Degree.MASTER, "公共管理硕士": Degree.MASTER, "工商管理硕士": Degree.MASTER,
}  # fmt: skip


def _existing(cadre_ids: set[int], *, lock: bool) -> dict[Key, list[dict[str, Any]]]:
    found: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for chunk in batched(sorted(cadre_ids), 1000):
        qs = Education.objects.unscoped_for_jobs_and_migrations().filter(cadre_id__in=chunk)
        if lock:
            qs = qs.order_by("pk").select_for_update()
        for e in qs.values("pk", "cadre_id", "mode", "level", "school", *COMPARED):
            found[(e["cadre_id"], e["mode"], e["level"], e["school"])].append(e)
    return found


class EducationRecordType(PartRecordType):
    key = "educations"
    label = "学历学位"
    part_label = "学历学位"
    sheet_title = "学历学位"
    audit_action = "cadre.education.import"
    model = Education
    refresh = True
    fields = (
        ID_FIELD,
        CADRE_NAME_FIELD,
        Field("mode", "教育类别", Kind.CHOICE, required=True,
              choices=choices_of(EducationMode.choices), value_aliases=MODE_ALIASES,
              header_aliases=("教育形式", "类别"), example="全日制教育"),
        Field("level", "学历", Kind.CHOICE, required=True,
              choices=choices_of(EducationLevel.choices), value_aliases=EDUCATION_ALIASES,
              example="大学本科"),
        Field("degree", "学位", Kind.CHOICE, choices=choices_of(Degree.choices),
              value_aliases=DEGREE_ALIASES, guide="没有学位的填“无”或不填", example="学士"),
        Field("school", "毕业院校", required=True, max_length=100,
              header_aliases=("院校", "学校", "毕业学校"), example="云南大学", width=20),
        Field("major", "系及专业", max_length=100, header_aliases=("专业", "所学专业"),
              example="经济系经济学专业", width=20),
        Field("start_date", "入学时间", Kind.DATE, guide=DATE_GUIDE, example="1998.09"),
        Field("end_date", "毕业时间", Kind.DATE, header_aliases=("毕业日期",),
              guide=DATE_GUIDE, example="2002.07"),
    )  # fmt: skip
    notes = (
        "每行一条学历学位；以“公民身份号码 + 教育类别 + 学历 + 毕业院校”识别：系统中已有的"
        "按本表更新学位、专业和起止时间，没有的新增。干部须已在系统中且在您的数据范围内。",
        "导入后系统按学历记录重新计算干部的“最高学历”。",
    )

    def check_rows(self, rows: list[ParsedRow], *, actor: Any, today: date, lock: bool) -> Any:
        holders = find_holders(rows, actor=actor, lock=lock)
        keys: dict[int, Key] = {}
        for row in rows:
            holder = holders.get(row.line)
            values = row.values
            if values.get("degree") == "":
                values["degree"] = Degree.NONE  # a blank cell: the model's default
            if holder is None or not all(values.get(n) for n in ("mode", "level", "school")):
                continue
            self._check_dates(row, holder)
            keys[row.line] = (holder.pk, values["mode"], values["level"], values["school"])
        mark_duplicate_keys(rows, keys, field_name="school", what="教育类别、学历和毕业院校")
        existing = _existing({k[0] for k in keys.values()}, lock=lock)
        plan = PartPlan()
        for row in rows:
            if not row.ok or row.line not in keys:
                continue
            key = keys[row.line]
            stored = existing.get(key, [])
            if len(stored) > 1:
                row.add(
                    "school",
                    f"该干部已有{len(stored)}条相同的学历记录（教育类别、学历和毕业院校均相同），"
                    "请先在干部页面删除多余的记录",
                )
                continue
            cadre, mode, level, school = key
            values = {"cadre_id": cadre, "mode": mode, "level": level, "school": school}
            values.update((name, row.values[name]) for name in COMPARED if name in row.values)
            plan.add(row, values, stored[0] if stored else None)
        return plan

    @staticmethod
    def _check_dates(row: ParsedRow, holder: Holder) -> None:
        start, end = row.values.get("start_date"), row.values.get("end_date")
        if start is not None and start <= holder.birth_date:
            row.add("start_date", "入学时间须晚于出生日期")
        if end is not None and end <= holder.birth_date:
            row.add("end_date", "毕业时间须晚于出生日期")
        elif start is not None and end is not None and end < start:
            row.add("end_date", "毕业时间早于入学时间")


EDUCATIONS = register(EducationRecordType())
