"""What the record types of a cadre's parts (任职经历, 学历学位, 家庭成员) share.

Each row names its cadre by 公民身份号码, found by the keyed search hash like the cadre import
does. The cadre must already be in the system and inside the importer's CHANGE scope; a number
that is unknown and one held by a cadre outside the scope get the same message (the import does
not confirm that a record exists outside the scope, like the 404 of the pages), and neither is
ever skipped silently. Writes are batched (bulk_create / bulk_update, ~3 queries per 1,000 rows)
with one audit row per batch, then the scope is re-checked through the scope layer itself.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import batched
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres import identity, rules
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action

from .derived import refresh_derived_bulk
from .spec import Field, Kind, ParsedRow, RecordType, Status

CHUNK = 1000
NOT_FOUND = "系统中没有该公民身份号码的干部，或该干部不在您的数据范围内（请先导入干部基本信息）"
IN_TRASH = "该干部已被移入回收站，请先在回收站恢复后再导入"
SEVERAL = "系统中有多名干部登记了该公民身份号码，请先核实处理"
DATE_GUIDE = "填到月份即可，如 2015.03；也可写 2015-03-01、2015/3/1、2015年3月、201503"

ID_FIELD = Field(
    "id_number", "公民身份号码", Kind.ID_NUMBER, required=True,
    header_aliases=("身份证号", "身份证号码", "身份证", "公民身份证号码", "干部身份证号"),
    guide="干部的18位公民身份号码，用于找到干部：干部须已在系统中（先导入干部基本信息）且在"
    "您的数据范围内。请将该列设为文本格式，否则Excel会丢失末几位",
    example="530602198005170016", width=22,
)  # fmt: skip
CADRE_NAME_FIELD = Field(
    "cadre_name", "干部姓名", max_length=50,
    guide="可不填；填写时须与公民身份号码对应的干部姓名一致，用于核对号码是否填错",
    example="张伟", width=10,
)  # fmt: skip


@dataclass(frozen=True)
class Holder:
    """The cadre a row belongs to."""

    pk: int
    name: str
    birth_date: date
    work_start_date: date


def _chunks[T](items: Iterable[T]) -> Iterator[tuple[T, ...]]:
    return batched(items, CHUNK)


def _numbers(rows: list[ParsedRow]) -> dict[int, str]:
    """line -> search hash of the row's (valid) 公民身份号码; bad numbers become problems."""
    hashes: dict[int, str] = {}
    for row in rows:
        raw = row.values.get("id_number")
        if not raw:
            continue
        try:
            number, _, _ = rules.parse_id_number(raw)
        except ValueError as exc:
            row.add("id_number", str(exc))
            continue
        row.values["id_number"] = number
        hashes[row.line] = identity.search_hash(number)
    return hashes


def find_holders(rows: list[ParsedRow], *, actor: Any, lock: bool) -> dict[int, Holder]:
    """line -> the cadre of each row the actor may change; problems on the other rows. With
    `lock`, the cadres are locked (pk order) like the services' cadre_for_change does."""
    hashes = _numbers(rows)
    by_hash: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(sorted(set(hashes.values()))):
        qs = Cadre.objects.unscoped_for_jobs_and_migrations().filter(id_number_hash__in=chunk)
        if lock:
            qs = qs.order_by("pk").select_for_update()
        fields = ("pk", "id_number_hash", "name", "birth_date", "work_start_date", "deleted_at")
        for found in qs.values(*fields):
            by_hash.setdefault(found["id_number_hash"], []).append(found)
    writable: set[int] = set()
    scoped = Cadre.objects.visible_to(actor, Action.CHANGE, include_deleted=True)
    for ids in _chunks(sorted(c["pk"] for found in by_hash.values() for c in found)):
        writable.update(scoped.filter(pk__in=ids).values_list("pk", flat=True))
    holders: dict[int, Holder] = {}
    for row in rows:
        digest = hashes.get(row.line)
        if digest is None:
            continue
        match = [c for c in by_hash.get(digest, []) if c["pk"] in writable]
        if not match:
            row.add("id_number", NOT_FOUND)
        elif len(match) > 1:
            row.add("id_number", SEVERAL)
        elif match[0]["deleted_at"] is not None:
            row.add("id_number", IN_TRASH)
        else:
            cadre = match[0]
            typed = row.values.get("cadre_name")
            if typed and typed != cadre["name"]:
                row.add(
                    "cadre_name",
                    f"干部姓名与公民身份号码不符（系统中该号码的干部为“{cadre['name']}”）",
                )
                continue
            holders[row.line] = Holder(
                cadre["pk"], cadre["name"], cadre["birth_date"], cadre["work_start_date"]
            )
    return holders


def mark_duplicate_keys(
    rows: list[ParsedRow], keys: Mapping[int, tuple[Any, ...]], *, field_name: str, what: str
) -> None:
    """Rows sharing an upsert key inside the file: both rows get a problem naming the other."""
    first: dict[tuple[Any, ...], ParsedRow] = {}
    for row in rows:
        key = keys.get(row.line)
        if key is None:
            continue
        other = first.setdefault(key, row)
        if other is not row:
            row.add(field_name, f"与第{other.line}行重复（同一干部的{what}相同）")
            other.add(field_name, f"与第{row.line}行重复（同一干部的{what}相同）")


@dataclass
class PartPlan:
    """What the commit writes: new part rows (model field values) and changed ones."""

    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)  # pk, cadre, vals
    unchanged: int = 0

    def add(self, row: ParsedRow, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        """Plan a valid row: new without a current record, else only the fields that differ."""
        if current is None:
            row.status = Status.NEW
            self.creates.append(values)
            return
        changed = {k: v for k, v in values.items() if k != "cadre_id" and current[k] != v}
        if changed:
            row.status = Status.UPDATED
            self.updates.append((current["pk"], current["cadre_id"], changed))
        else:
            row.status = Status.UNCHANGED
            self.unchanged += 1


class PartRecordType(RecordType):
    """Base of the part record types: officers import them for cadres in their change scope."""

    key_field = "id_number"
    roles = frozenset({Role.OFFICER})
    model: ClassVar[type[models.Model]]
    part_label: ClassVar[str]  # "任职经历": names the rows in the audit
    refresh: ClassVar[bool] = False  # recompute the cadres' derived fields after writing

    @property
    def _audited(self) -> list[str]:
        stamps = {"created_at", "updated_at"}
        return [f.name for f in self.model._meta.concrete_fields if f.name not in stamps]

    def key_of(self, row: ParsedRow) -> str | None:
        """None: one cadre has many rows; the composite key is checked in check_rows."""
        return None

    def commit(
        self,
        plan: Any,
        *,
        actor: Any,
        today: date,
        report: Callable[[int], None],
        source: Mapping[str, Any],
    ) -> dict[str, int]:
        manager: Any = self.model._default_manager
        done = 0
        for chunk in _chunks(plan.creates):
            records = manager.bulk_create([self.model(**values) for values in chunk])
            created = [audit.snapshot(r, self._audited) for r in records]
            self._audit(actor, source, created=created)
            done += len(chunk)
            report(done)
        now = timezone.now()
        for chunk in _chunks(plan.updates):
            wanted = {pk: values for pk, _, values in chunk}
            records = list(manager.unscoped_for_jobs_and_migrations().filter(pk__in=wanted))
            columns = {"updated_at"}
            changes = []
            for record in records:
                values = wanted[record.pk]
                before = audit.snapshot(record, list(values))
                for name, value in values.items():
                    setattr(record, name, value)
                    columns.add(name)
                record.updated_at = now
                changes.append({"id": record.pk, "cadre": record.cadre_id, "before": before,
                                "after": audit.snapshot(record, list(values))})  # fmt: skip
            manager.bulk_update(records, sorted(columns), batch_size=500)
            self._audit(actor, source, updated=changes)
            done += len(chunk)
            report(done)
        touched = {v["cadre_id"] for v in plan.creates} | {c for _, c, _ in plan.updates}
        recheck_scope(actor, touched)
        if self.refresh:
            refresh_derived_bulk(touched, today=today)
        return {
            "created": len(plan.creates),
            "updated": len(plan.updates),
            "unchanged": plan.unchanged,
        }

    def _audit(
        self,
        actor: Any,
        source: Mapping[str, Any],
        *,
        created: list[dict[str, Any]] | None = None,
        updated: list[dict[str, Any]] | None = None,
    ) -> None:
        detail: dict[str, Any] = {**source, "created": created or [], "updated": updated or []}
        count = len(created or []) + len(updated or [])
        audit.record(
            action=f"{self.audit_action}.rows",
            actor=actor,
            target_type="cadres.cadre",
            target_repr=f"导入{self.part_label}{count}条",
            detail=detail,
        )


def recheck_scope(actor: Any, cadre_ids: Iterable[int]) -> None:
    """NetBox-style re-check after writing: every cadre written to is still changeable."""
    scoped = Cadre.objects.visible_to(actor, Action.CHANGE)
    for chunk in _chunks(sorted(cadre_ids)):
        if scoped.filter(pk__in=chunk).count() != len(chunk):
            raise OutOfScopeError("导入后的记录超出了您的数据范围，导入已撤销")
