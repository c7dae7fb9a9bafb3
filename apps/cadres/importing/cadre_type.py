"""The cadre record type: 任免审批表 basic fields, upserted by 公民身份号码.

Rows are checked with the same rules as the cadre services (GB 11643 check digit, identity
consistency rules.check_identity, system-wide unique id number, unit and management level inside
the actor's change scope) and written in bulk with the services' derived fields: the id number
encrypted (identity.protect), the pinyin of the name, `version` bumped on updates. Per-row
service calls would cost ~10 queries and one chained audit row per cadre — minutes for 100,000
rows — so the commit writes in batches and audits each batch (`cadre.import.rows`: ids created,
before/after of each update) under one summary event (`cadre.import`), written by the caller.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import batched
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres import identity, rules
from apps.cadres.models import Cadre
from apps.cadres.pinyin import pinyin_of
from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action

from . import bulk
from .cadre_fields import CADRE_FIELDS, COMPARED
from .cadre_units import UnitResolver
from .spec import ParsedRow, RecordType, Status, register

CHUNK = 1000  # rows per query / bulk write / audit batch
IN_OTHER_RECORD = "该公民身份号码已登记在另一干部名下"


@dataclass
class Existing:
    pk: int
    unit_id: int
    managed_by: str
    deleted: bool
    values: dict[str, Any]


@dataclass
class CadrePlan:
    """What the commit writes: new records and changed fields of existing ones."""

    creates: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (values, number)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (pk, values)
    unchanged: int = 0


def _chunks[T](items: Iterable[T]) -> Iterator[tuple[T, ...]]:
    return batched(items, CHUNK)


def _reconcile_identity(row: ParsedRow, id_birth: date, id_gender: str) -> None:
    """Gender and birth date default to the id number's and must agree with it; a birth month
    (1980.05) agrees when the number's date is in that month, and the number's day is kept."""
    values = row.values
    if not values.get("gender"):
        values["gender"] = id_gender
    elif values["gender"] != id_gender:
        row.add("gender", "性别与公民身份号码不一致")
    birth = values.get("birth_date")
    if birth is None and "birth_date" not in {name for name, _ in row.problems}:
        values["birth_date"] = id_birth
    elif birth is not None:
        same_month = (birth.year, birth.month) == (id_birth.year, id_birth.month)
        if birth == id_birth or ("birth_date" in row.month_only and same_month):
            values["birth_date"] = id_birth
        else:
            row.add("birth_date", f"出生年月与公民身份号码不一致（号码中为{id_birth:%Y.%m.%d}）")


def _hash_in(hashes: tuple[str, ...]) -> Any:
    """id_number_hash IN hashes; on PostgreSQL as = ANY(one array parameter), which spares
    building and sending a thousand placeholders per query (the plan is the same index scan)."""
    if connection.vendor != "postgresql":
        return Q(id_number_hash__in=hashes)
    quote = connection.ops.quote_name
    column = f"{quote(Cadre._meta.db_table)}.{quote('id_number_hash')}"
    # Names from the model; the hashes go as one bound parameter.
    return RawSQL(f"{column} = ANY(%s)", [list(hashes)], output_field=BooleanField())  # noqa: S611


class CadreRecordType(RecordType):
    key = "cadres"
    label = "干部基本信息"
    sheet_title = "干部信息"
    audit_action = "cadre.import"
    key_field = "id_number"
    fields = CADRE_FIELDS
    roles = frozenset({Role.OFFICER})
    notes = (
        "每行一名干部；以公民身份号码识别干部：系统中已有的干部按本表更新，没有的新增。",
        "重复导入同一文件不会产生重复记录，也不会改动数据（全部计为“未变化”）。",
        "模板中的列可以删去不需要的可选列：删去的列对应的信息保持不变；"
        "保留的列若单元格为空，将清空该项。",
        "“现任职务”“职务层次”“职级”“最高学历”是名册的摘要信息；此后在干部页面录入任职、"
        "职级或学历记录时，系统会按这些记录重新计算。",
    )

    def header_errors(self, present: set[str]) -> list[str]:
        errors = super().header_errors(present)
        if not present & {"unit_code", "unit_name"}:
            errors.append("缺少单位列：须有“单位代码”或“单位名称”列")
        return errors

    def key_of(self, row: ParsedRow) -> str | None:
        value = row.values.get("id_number")
        return str(value).upper() if value else None

    def check_rows(self, rows: list[ParsedRow], *, actor: Any, today: date, lock: bool) -> Any:
        numbers: dict[int, tuple[str, str]] = {}  # line -> (number, search hash)
        for row in rows:
            number = self._check_identity(row, today)
            if number:
                numbers[row.line] = (number, identity.search_hash(number))
        units = UnitResolver(actor, rows)
        for row in rows:
            units.resolve(row)
        existing = self._existing([h for _, h in numbers.values()], lock=lock)
        plan = CadrePlan()
        for row in rows:
            if row.line in numbers:
                number, digest = numbers[row.line]
                self._plan_row(row, number, existing.get(digest, []), units, plan)
        return plan

    @staticmethod
    def _check_identity(row: ParsedRow, today: date) -> str | None:
        raw = row.values.get("id_number")
        if not raw:
            return None
        try:
            number, id_birth, id_gender = rules.parse_id_number(raw)
        except ValueError as exc:
            row.add("id_number", str(exc))
            return None
        row.values["id_number"] = number
        _reconcile_identity(row, id_birth, id_gender)
        values = row.values
        failed = {name for name, _ in row.problems}
        if (
            values.get("birth_date")
            and values.get("work_start_date")
            and not failed & {"birth_date", "work_start_date", "party_join_date"}
        ):
            for problem in rules.check_identity(
                birth_date=values["birth_date"],
                gender=values["gender"],
                work_start_date=values["work_start_date"],
                party_join_date=values.get("party_join_date"),
                id_birth=None,
                id_gender=None,
                today=today,
            ):
                row.add(problem.field, problem.message)
        return number

    @staticmethod
    def _existing(hashes: list[str], *, lock: bool) -> dict[str, list[Existing]]:
        """Records already holding these numbers (by search hash), system-wide (trash included)
        like the services' uniqueness check; the scope is judged per row."""
        found: dict[str, list[Existing]] = {}
        fields = [f for f in COMPARED if f != "unit_id"]
        for chunk in _chunks(hashes):
            qs = Cadre.objects.unscoped_for_jobs_and_migrations().filter(_hash_in(chunk))
            if lock:
                qs = qs.select_for_update()
            for row in qs.values("pk", "id_number_hash", "unit_id", "deleted_at", *fields):
                values = {f: row[f] for f in fields}
                values["unit_id"] = row["unit_id"]
                found.setdefault(row["id_number_hash"], []).append(
                    Existing(
                        row["pk"], row["unit_id"], row["managed_by"], row["deleted_at"] is not None,
                        values,
                    )
                )  # fmt: skip
        return found

    @staticmethod
    def _plan_row(
        row: ParsedRow, number: str, match: list[Existing], units: UnitResolver, plan: CadrePlan
    ) -> None:
        if len(match) > 1:
            row.add("id_number", "系统中已有多名干部登记了该公民身份号码，请先核实处理")
            return
        current = match[0] if match else None
        if current is not None:
            if not units.writable(current.unit_id, current.managed_by):
                row.add("id_number", IN_OTHER_RECORD)
            elif current.deleted:
                row.add("id_number", "该干部已被移入回收站，请先在回收站恢复后再导入")
        if not row.ok:
            return
        values = {name: row.values[name] for name in COMPARED if name in row.values}
        values["unit_id"] = units.unit_of(row)
        if current is None:
            row.status = Status.NEW
            plan.creates.append((values, number))
            return
        changed = {k: v for k, v in values.items() if current.values.get(k) != v}
        if changed:
            row.status = Status.UPDATED
            plan.updates.append((current.pk, values))
        else:
            row.status = Status.UNCHANGED
            plan.unchanged += 1

    def commit(
        self,
        plan: Any,
        *,
        actor: Any,
        today: date,
        report: Callable[[int], None],
        source: Mapping[str, Any],
    ) -> dict[str, int]:
        done = created = updated = 0
        touched: dict[tuple[int, str], int] = {}  # (unit, 干部管理权限) -> one record written
        batches: list[list[dict[str, Any]]] = []

        def new_rows() -> Iterator[dict[str, Any]]:
            for chunk in _chunks(plan.creates):
                batches.append(created_rows(chunk))
                yield from batches[-1]

        # One COPY for all new records: the rows of a batch are built while the database
        # stores the previous ones. The audit rows follow, in the same transaction.
        ids = iter(bulk.insert(Cadre, new_rows(), len(plan.creates)))
        for rows in batches:
            records = [_created(next(ids), row) for row in rows]
            touched.update(((c.unit_id, c.managed_by), c.pk) for c in records)
            _audit_batch(actor, source, created=records)
            created += len(records)
            done += len(rows)
            report(done)
        for chunk in _chunks(plan.updates):
            changes = write_updated(chunk)
            touched.update(((values["unit_id"], values["managed_by"]), pk) for pk, values in chunk)
            _audit_batch(actor, source, updated=changes)
            updated += len(changes)
            done += len(chunk)
            report(done)
        _recheck_scope(actor, touched)
        return {"created": created, "updated": updated, "unchanged": plan.unchanged}


@lru_cache(maxsize=50_000)
def _pinyin(name: str) -> tuple[str, str]:
    """pinyin_of, remembered: names repeat across 100,000 rows."""
    return pinyin_of(name)


@dataclass(frozen=True)
class Created:
    """A record written by the import: what the audit and the scope re-check need."""

    pk: int
    name: str
    id_number_masked: str
    unit_id: int
    managed_by: str


def created_rows(chunk: tuple[tuple[dict[str, Any], str], ...]) -> list[dict[str, Any]]:
    """The rows of one batch of new cadres, with the services' derived fields."""
    rows = []
    for values, number in chunk:
        row = dict(values)
        row["name_pinyin"], row["name_initials"] = _pinyin(values["name"])
        encrypted, digest, masked = identity.protect(number)
        row["id_number_encrypted"] = encrypted
        row["id_number_hash"] = digest
        row["id_number_masked"] = masked
        rows.append(row)
    return rows


def _created(pk: int, row: dict[str, Any]) -> Created:
    return Created(pk, row["name"], row["id_number_masked"], row["unit_id"], row["managed_by"])


def write_updated(
    chunk: tuple[tuple[int, dict[str, Any]], ...],
) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Update one batch of existing cadres (already locked); return (pk, before, after)."""
    wanted = dict(chunk)
    now = timezone.now()
    records = list(Cadre.objects.unscoped_for_jobs_and_migrations().filter(pk__in=wanted))
    changes = []
    columns: set[str] = {"version", "updated_at", "name_pinyin", "name_initials"}
    for cadre in records:
        before = {k: getattr(cadre, k) for k in wanted[cadre.pk]}
        for name, value in wanted[cadre.pk].items():
            setattr(cadre, name, value)
            columns.add(name)
        cadre.name_pinyin, cadre.name_initials = _pinyin(cadre.name)
        cadre.version += 1
        cadre.updated_at = now
        old, new = audit.diff(before, wanted[cadre.pk])
        changes.append((cadre.pk, old, new))
    bulk.update(Cadre, records, sorted(columns))
    return changes


def _audit_batch(
    actor: Any,
    source: Mapping[str, Any],
    *,
    created: list[Created] | None = None,
    updated: list[tuple[int, dict[str, Any], dict[str, Any]]] | None = None,
) -> None:
    detail: dict[str, Any] = dict(source)
    if created:
        detail["created"] = [
            {"id": c.pk, "name": c.name, "id_number_masked": c.id_number_masked} for c in created
        ]
    if updated:
        detail["updated"] = [{"id": pk, "before": b, "after": a} for pk, b, a in updated]
    count = len(created or []) + len(updated or [])
    audit.record(
        action="cadre.import.rows",
        actor=actor,
        target_type="cadres.cadre",
        target_repr=f"导入{count}人",
        detail=detail,
    )


def _recheck_scope(actor: Any, touched: dict[tuple[int, str], int]) -> None:
    """NetBox-style re-check after writing, through the scope layer itself. Visibility depends
    only on a record's (unit, 干部管理权限) and all written records are live, so one written
    record per pair stands for all records sharing it."""
    for pk in touched.values():
        if not Cadre.objects.visible_to(actor, Action.CHANGE).filter(pk=pk).exists():
            raise OutOfScopeError("导入后的记录超出了您的数据范围，导入已撤销")


CADRES = register(CadreRecordType())
