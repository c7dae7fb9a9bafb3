"""The unit of each cadre row (by 单位代码 or full 单位名称), inside the importer's change scope.

A row for a unit outside the scope is an error naming the unit, never a silent skip. Units are
organisation facts, not personal data, so naming one outside the scope reveals nothing secret.
"""

from itertools import batched
from typing import Any

from apps.accounts.models import ManagedBy
from apps.units.models import Unit

from .spec import ParsedRow

_LEVELS = dict(ManagedBy.choices)


class UnitResolver:
    """Loads the units the rows name (a few queries for the whole file) and checks scope."""

    def __init__(self, actor: Any, rows: list[ParsedRow]) -> None:
        self.rules = [r for r in actor.scope_rules() if r.can_change]
        codes = {r.values["unit_code"] for r in rows if r.values.get("unit_code")}
        names = {r.values["unit_name"] for r in rows if r.values.get("unit_name")}
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        self.by_id: dict[int, Unit] = {}
        for chunk in batched(sorted(codes), 500):
            for unit in Unit.objects.filter(code__in=chunk):
                self.by_code[unit.code] = unit
                self.by_id[unit.pk] = unit
        for chunk in batched(sorted(names), 500):
            for unit in Unit.objects.filter(name__in=chunk).order_by("path"):
                self.by_name.setdefault(unit.name, []).append(unit)
                self.by_id[unit.pk] = unit
        self.chosen: dict[int, int] = {}  # row line -> unit id

    def _covering(self, unit: Unit) -> list[Any]:
        return [r for r in self.rules if unit.path.startswith(r.path)]

    def writable(self, unit_id: int, managed_by: str) -> bool:
        """Whether a (unit, 干部管理权限) pair lies in the change scope (visible_to CHANGE)."""
        unit = self.by_id.get(unit_id) or self._load(unit_id)
        return any(managed_by in r.managed_levels for r in self._covering(unit))

    def _load(self, unit_id: int) -> Unit:
        unit = Unit.objects.get(pk=unit_id)
        self.by_id[unit.pk] = unit
        return unit

    def _by_name(self, row: ParsedRow, name: str) -> Unit | None:
        candidates = self.by_name.get(name, [])
        if not candidates:
            row.add("unit_name", f"单位“{name}”不存在，请核对单位全称或改填单位代码")
            return None
        active = [u for u in candidates if u.is_active] or candidates
        in_scope = [u for u in active if self._covering(u)]
        if len(in_scope) > 1:
            row.add("unit_name", f"有{len(in_scope)}个单位名为“{name}”，请改填单位代码")
            return None
        return (in_scope or active)[0]

    def resolve(self, row: ParsedRow) -> None:
        """Find the row's unit and check it against the scope; problems go on the row."""
        code, name = row.values.get("unit_code"), row.values.get("unit_name")
        column = "unit_code" if code else "unit_name"
        if code:
            unit = self.by_code.get(code)
            if unit is None:
                row.add("unit_code", f"单位代码“{code}”不存在")
                return
            if name and name not in (unit.name, unit.short_name):
                row.add("unit_name", f"单位名称与单位代码“{code}”（{unit.name}）不一致")
        elif name:
            found = self._by_name(row, name)
            if found is None:
                return
            unit = found
        else:
            row.add("unit_name", "单位代码和单位名称均未填写")
            return
        if not unit.is_active:
            row.add(column, f"单位“{unit.name}”已撤并，请改为其现单位")
            return
        covering = self._covering(unit)
        managed_by = row.values.get("managed_by")
        if not covering:
            row.add(column, f"单位“{unit.name}”不在您的数据范围内，不能导入该单位的干部")
        elif managed_by and not any(managed_by in r.managed_levels for r in covering):
            level = _LEVELS.get(managed_by, managed_by)
            row.add("managed_by", f"您无权维护单位“{unit.name}”的{level}干部")
        else:
            self.chosen[row.line] = unit.pk

    def unit_of(self, row: ParsedRow) -> int:
        return self.chosen[row.line]
