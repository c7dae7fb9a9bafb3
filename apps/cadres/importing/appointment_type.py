"""The 任职经历 record type: a cadre holding a post over a period, upserted by (cadre, post,
任职时间).

The post is named by 单位代码 + 职务名称 and must already exist in that unit (posts are the
units' 职数 set-up, not something an import invents: a typo would otherwise create a post).
Rows follow the rules of services.appointment_add: the term ends after it starts and does not
start before the cadre's 参加工作时间, and terms of one cadre in one post do not overlap
(rules.find_overlap) — against the records already stored and against the other rows of the
file. After writing, the cadres' derived fields (现任职务, 职务层次) are recomputed in bulk.
"""

from collections import defaultdict
from datetime import date
from itertools import batched
from typing import Any

from apps.cadres import rules
from apps.cadres.models import Appointment, Post
from apps.units.models import Unit

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
from .spec import Field, Kind, ParsedRow, register
from .values import compact

COMPARED = ("end_date", "appoint_doc_no", "removal_doc_no")
Key = tuple[int, int, date]  # cadre, post, start


class PostFinder:
    """Units by code and their posts by title, loaded for the whole file in a few queries."""

    def __init__(self, rows: list[ParsedRow]) -> None:
        codes = sorted({r.values["unit_code"] for r in rows if r.values.get("unit_code")})
        self.units: dict[str, Unit] = {}
        for chunk in batched(codes, 500):
            self.units.update((u.code, u) for u in Unit.objects.filter(code__in=chunk))
        self.posts: dict[tuple[int, str], int] = {}
        ids = sorted(u.pk for u in self.units.values())
        for chunk_ids in batched(ids, 500):
            for pk, unit_id, title in Post.objects.filter(unit_id__in=chunk_ids).values_list(
                "pk", "unit_id", "title"
            ):
                self.posts[(unit_id, title)] = pk
                self.posts.setdefault((unit_id, compact(title)), pk)

    def find(self, row: ParsedRow) -> int | None:
        """The post id of a row; problems naming the unit or the post otherwise."""
        code, title = row.values.get("unit_code"), row.values.get("post_title")
        if not code:
            return None
        unit = self.units.get(code)
        if unit is None:
            row.add("unit_code", f"单位代码“{code}”不存在")
            return None
        name = row.values.get("unit_name")
        if name and name not in (unit.name, unit.short_name):
            row.add("unit_name", f"单位名称与单位代码“{code}”（{unit.name}）不一致")
            return None
        if not title:
            return None
        post = self.posts.get((unit.pk, title)) or self.posts.get((unit.pk, compact(title)))
        if post is None:
            row.add(
                "post_title",
                f"单位“{unit.name}”没有名为“{title}”的职务，请核对职务名称（须与单位的职务设置一致）",
            )
        return post


def _existing(cadre_ids: set[int], *, lock: bool) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The stored appointments of these cadres, by (cadre, post)."""
    found: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for chunk in batched(sorted(cadre_ids), 1000):
        qs = Appointment.objects.unscoped_for_jobs_and_migrations().filter(cadre_id__in=chunk)
        if lock:
            qs = qs.order_by("pk").select_for_update()
        for a in qs.values("pk", "cadre_id", "post_id", "start_date", *COMPARED):
            found[(a["cadre_id"], a["post_id"])].append(a)
    return found


class AppointmentRecordType(PartRecordType):
    key = "appointments"
    label = "任职经历"
    part_label = "任职经历"
    sheet_title = "任职经历"
    audit_action = "cadre.appointment.import"
    model = Appointment
    refresh = True
    fields = (
        ID_FIELD,
        CADRE_NAME_FIELD,
        Field("unit_code", "单位代码", Kind.CODE, required=True, max_length=32,
              guide="任职单位的单位代码（见“单位管理”）", example="530602001"),
        Field("unit_name", "单位名称", max_length=100,
              guide="可不填；填写时须与单位代码一致（全称或简称）", example="甲县财政局",
              width=20),
        Field("post_title", "职务名称", required=True, max_length=100, header_aliases=("职务",),
              guide="须是该单位已设置的职务，名称一致（如“副局长”）", example="副局长"),
        Field("start_date", "任职时间", Kind.DATE, required=True, header_aliases=("任职日期",),
              guide="不能早于参加工作时间。" + DATE_GUIDE, example="2015.03"),
        Field("end_date", "免职时间", Kind.DATE, header_aliases=("免职日期",),
              guide="仍在任的不填。" + DATE_GUIDE, example=""),
        Field("appoint_doc_no", "任职文号", max_length=100, example="甲组任〔2015〕12号",
              width=18),
        Field("removal_doc_no", "免职文号", max_length=100, example="", width=18),
    )  # fmt: skip
    notes = (
        "每行一段任职经历；以“公民身份号码 + 单位代码 + 职务名称 + 任职时间”识别：系统中已有的"
        "任职按本表更新免职时间和文号，没有的新增。干部须已在系统中且在您的数据范围内。",
        "同一干部在同一职务的任职期间不能重叠（与系统中已有的任职、与本表其他行都不能重叠）。",
        "导入后系统按任职经历重新计算干部的“现任职务”和“职务层次”。",
    )

    def check_rows(self, rows: list[ParsedRow], *, actor: Any, today: date, lock: bool) -> Any:
        holders = find_holders(rows, actor=actor, lock=lock)
        finder = PostFinder(rows)
        keys: dict[int, Key] = {}
        for row in rows:
            post = finder.find(row)
            holder = holders.get(row.line)
            if holder is None or post is None or row.values.get("start_date") is None:
                continue
            self._check_period(row, holder)
            keys[row.line] = (holder.pk, post, row.values["start_date"])
        mark_duplicate_keys(rows, keys, field_name="start_date", what="单位、职务和任职时间")
        existing = _existing({k[0] for k in keys.values()}, lock=lock)
        current: dict[int, dict[str, Any] | None] = {}
        for row in rows:
            if row.ok and row.line in keys:
                cadre, post, start = keys[row.line]
                same = [a for a in existing[(cadre, post)] if a["start_date"] == start]
                current[row.line] = same[0] if same else None
        self._check_overlaps(rows, keys, existing, current)
        plan = PartPlan()
        for row in rows:
            if row.ok and row.line in current:
                cadre, post, start = keys[row.line]
                values = {"cadre_id": cadre, "post_id": post, "start_date": start}
                values.update((name, row.values[name]) for name in COMPARED if name in row.values)
                plan.add(row, values, current[row.line])
        return plan

    @staticmethod
    def _check_period(row: ParsedRow, holder: Holder) -> None:
        for problem in rules.check_period(
            start=row.values["start_date"],
            end=row.values.get("end_date"),
            not_before=holder.work_start_date,
            label="任职",
        ):
            row.add(problem.field, problem.message)

    @staticmethod
    def _check_overlaps(
        rows: list[ParsedRow],
        keys: dict[int, Key],
        existing: dict[tuple[int, int], list[dict[str, Any]]],
        current: dict[int, dict[str, Any] | None],
    ) -> None:
        """Each row's term against the terms the cadre will hold in that post after the import:
        the stored ones (a row's own record replaced by the row) and the file's other rows."""
        by_post: dict[tuple[int, int], list[ParsedRow]] = defaultdict(list)
        periods: dict[int, rules.Period] = {}
        replaced: set[int] = set()
        for row in rows:
            if row.line not in current:
                continue
            by_post[keys[row.line][:2]].append(row)
            stored = current[row.line]
            end = row.values.get("end_date")
            if stored is not None:
                replaced.add(stored["pk"])
                if "end_date" not in row.values:  # column left out: the stored end stays
                    end = stored["end_date"]
            periods[row.line] = rules.Period(row.values["start_date"], end)
        for pair, group in by_post.items():
            kept = [
                rules.Period(a["start_date"], a["end_date"])
                for a in existing[pair]
                if a["pk"] not in replaced
            ]
            for row in group:
                mine = periods[row.line]
                clash = rules.find_overlap(mine, kept)
                if clash is not None:
                    row.add("start_date", f"与该职务已有任职期间（{clash.start:%Y-%m-%d} 起）重叠")
                    continue
                for other in group:
                    if other is not row and mine.overlaps(periods[other.line]):
                        row.add("start_date", f"与第{other.line}行的任职期间重叠")
                        break


APPOINTMENTS = register(AppointmentRecordType())
