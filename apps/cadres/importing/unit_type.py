"""The unit record type: the org-unit tree, upserted by 单位代码.

Units are created, renamed and moved only by the 系统管理员 (三员分立: apps/units/views.py opens
those pages to the sysadmin role alone), so only that role may import them, over the whole tree.
Writes go through apps.units.services (unit_create / unit_rename / unit_move), which keep the
history (UnitEvent) and audit each change. A unit's 层级 and 类别 have no service that changes
them, so the import refuses a row that would change them rather than write around the services.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from apps.accounts.models import Role
from apps.units import services
from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit

from .spec import Field, Kind, ParsedRow, RecordType, Status, choices_of, register

MAX_DEPTH = 64


@dataclass
class Known:
    pk: int
    code: str
    name: str
    short_name: str
    parent_code: str
    level: str
    kind: str
    active: bool


@dataclass
class UnitPlan:
    creates: list[dict[str, Any]] = field(default_factory=list)  # parents first
    renames: list[tuple[int, str, str]] = field(default_factory=list)  # (pk, name, short)
    moves: list[tuple[int, str]] = field(default_factory=list)  # (pk, new parent code)
    unchanged: int = 0


class UnitRecordType(RecordType):
    key = "units"
    label = "单位"
    sheet_title = "单位信息"
    audit_action = "unit.import"
    key_field = "code"
    roles = frozenset({Role.SYSADMIN})
    fields = (
        Field("code", "单位代码", Kind.CODE, required=True, max_length=32,
              guide="单位的唯一标识：系统中已有该代码的单位将被更新，没有的新增",
              example="530602001"),
        Field("name", "单位名称", required=True, max_length=100, guide="单位全称",
              example="甲县财政局", width=24),
        Field("short_name", "简称", max_length=50, example="县财政局"),
        Field("parent_code", "上级单位代码", Kind.CODE, max_length=32,
              guide="上级单位须已在系统中或在本表中；不填表示顶级单位", example="530602"),
        Field("level", "层级", Kind.CHOICE, required=True, choices=choices_of(UnitLevel.choices),
              header_aliases=("单位层级",), example="县级"),
        Field("kind", "类别", Kind.CHOICE, required=True, choices=choices_of(UnitKind.choices),
              header_aliases=("单位类别",), example="部门"),
    )  # fmt: skip
    notes = (
        "每行一个单位；以单位代码识别单位：已有的单位按本表更名或调整上级单位，没有的新增。",
        "已有单位的层级和类别不能通过导入修改；单位的合并请在“单位管理”中办理。",
        "本表中的单位可以互为上下级，顺序不限。",
    )

    def check_rows(self, rows: list[ParsedRow], *, actor: Any, today: date, lock: bool) -> Any:
        known = _known_units(lock=lock)
        in_file = {r.values["code"]: r for r in rows if r.values.get("code")}
        parent_of = {code: k.parent_code for code, k in known.items()}
        parent_of.update({code: r.values.get("parent_code") or "" for code, r in in_file.items()})
        plan = UnitPlan()
        depth: dict[str, int] = {}
        for row in rows:
            code = row.values.get("code")
            if code:
                self._check_parent(row, code, known, in_file, parent_of)
            if code and row.ok:
                self._plan_row(row, code, known.get(code), plan, depth, parent_of)
        plan.creates.sort(key=lambda values: depth[values["code"]])
        return plan

    @staticmethod
    def _check_parent(
        row: ParsedRow,
        code: str,
        known: dict[str, Known],
        in_file: dict[str, ParsedRow],
        parent_of: dict[str, str],
    ) -> None:
        parent = row.values.get("parent_code") or ""
        current = known.get(code)
        if not parent:
            if current is not None and current.parent_code:
                row.add("parent_code", "上级单位代码为空：导入不能把已有单位调整为顶级单位")
            return
        if parent == code:
            row.add("parent_code", "上级单位不能是本单位")
        elif parent not in known and parent not in in_file:
            row.add("parent_code", f"上级单位代码“{parent}”不存在（系统和本表中均没有）")
        elif parent in known and not known[parent].active:
            row.add("parent_code", f"上级单位“{known[parent].name}”已撤并")
        elif _cycles(code, parent_of):
            row.add("parent_code", "上下级关系形成循环（单位成了自己的下级），请核对上级单位代码")

    @staticmethod
    def _plan_row(
        row: ParsedRow,
        code: str,
        current: Known | None,
        plan: UnitPlan,
        depth: dict[str, int],
        parent_of: dict[str, str],
    ) -> None:
        values = row.values
        if current is None:
            row.status = Status.NEW
            plan.creates.append(values)
            depth[code] = _depth(code, parent_of)
            return
        if not current.active:
            row.add("code", f"单位“{current.name}”已撤并，不能通过导入修改")
        for name, label, choices in (("level", "层级", UnitLevel), ("kind", "类别", UnitKind)):
            if values[name] != getattr(current, name):
                shown = choices(getattr(current, name)).label
                row.add(name, f"导入不能修改已有单位的{label}（系统中为“{shown}”）")
        if not row.ok:
            return
        renamed = (values["name"], values["short_name"]) != (current.name, current.short_name)
        moved = (values.get("parent_code") or "") != current.parent_code
        if renamed:
            plan.renames.append((current.pk, values["name"], values["short_name"]))
        if moved:
            plan.moves.append((current.pk, values["parent_code"]))
        row.status = Status.UPDATED if renamed or moved else Status.UNCHANGED
        plan.unchanged += 0 if renamed or moved else 1

    def commit(
        self,
        plan: Any,
        *,
        actor: Any,
        today: date,
        report: Callable[[int], None],
        source: Mapping[str, Any],
    ) -> dict[str, int]:
        ids = dict(Unit.objects.values_list("code", "pk"))
        done = 0
        created = []
        for values in plan.creates:
            parent_code = values.get("parent_code")
            unit = services.unit_create(
                actor=actor,
                name=values["name"],
                code=values["code"],
                level=values["level"],
                kind=values["kind"],
                short_name=values.get("short_name", ""),
                parent=Unit.objects.get(pk=ids[parent_code]) if parent_code else None,
            )
            ids[unit.code] = unit.pk
            created.append(unit.pk)
            done += 1
            report(done)
        for pk, parent_code in plan.moves:
            services.unit_move(actor=actor, unit_id=pk, new_parent_id=ids[parent_code])
        for pk, name, short_name in plan.renames:
            services.unit_rename(actor=actor, unit_id=pk, name=name, short_name=short_name)
        updated = sorted({pk for pk, _ in plan.moves} | {pk for pk, _, _ in plan.renames})
        report(done + len(updated))
        return {
            "created": len(created),
            "updated": len(updated),
            "unchanged": plan.unchanged,
        }


def _known_units(*, lock: bool) -> dict[str, Known]:
    qs = Unit.objects.all()
    if lock:
        qs = qs.select_for_update()
    rows = list(
        qs.values_list(
            "pk", "code", "name", "short_name", "parent_id", "level", "kind", "is_active"
        )
    )
    codes = {pk: code for pk, code, *_ in rows}
    return {
        code: Known(pk, code, name, short, codes.get(parent, "") if parent else "", lvl, kind, on)
        for pk, code, name, short, parent, lvl, kind, on in rows
    }


def _cycles(code: str, parent_of: dict[str, str]) -> bool:
    """Whether walking up from `code` comes back to it (a loop elsewhere up the chain is
    reported on the units that form it)."""
    seen = {code}
    current = parent_of.get(code, "")
    for _ in range(MAX_DEPTH):
        if not current or current in seen:
            return current == code
        seen.add(current)
        current = parent_of.get(current, "")
    return False


def _depth(code: str, parent_of: dict[str, str]) -> int:
    depth, current = 0, parent_of.get(code, "")
    while current and depth < MAX_DEPTH:
        depth, current = depth + 1, parent_of.get(current, "")
    return depth


UNITS = register(UnitRecordType())
