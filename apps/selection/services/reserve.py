"""Writes of reserve pools (后备干部库) and their entries (issue 8 item 7).

A pool belongs to a unit's organization department (registry scope: changed only inside a
subtree granted for change); an entry is part of a cadre's record (the cadre must be in the
actor's CHANGE scope and serve inside the pool's unit). One active entry per cadre and pool
(DB constraint `reserve_one_active_entry`); an exit keeps the entry with its date and reason.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.scope import Action, assert_in_scope
from apps.selection.constants import ReserveExitReason, ReserveSource
from apps.selection.models import ReserveEntry, ReservePool
from apps.units.constants import Tier
from apps.units.models import Unit

POOL_FIELDS = ["unit", "target_tier", "name"]
ENTRY_FIELDS = [
    "pool",
    "cadre",
    "entry_date",
    "source",
    "reason",
    "exit_date",
    "exit_reason",
    "exit_note",
    "version",
]
ENTRY_TYPE = "selection.reserveentry"
DUPLICATE_POOL = "该单位已建立同一职务层次的后备干部库"
DUPLICATE_ENTRY = "该干部已在本后备干部库中（未出库），不能重复入库"


@dataclass(frozen=True)
class PoolInput:
    unit_id: int
    target_tier: str
    name: str


@dataclass(frozen=True)
class EntryInput:
    entry_date: date
    source: str
    reason: str = ""


@dataclass(frozen=True)
class ExitInput:
    exit_date: date
    exit_reason: str
    exit_note: str = ""


# --- pools ----------------------------------------------------------------------------------------


def _pool_for_change(actor: Any, pool_id: int) -> ReservePool:
    pool = (
        ReservePool.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=pool_id)
        .first()
    )
    if pool is None:
        raise OutOfScopeError()
    return pool


def _validate_pool(actor: Any, data: PoolInput) -> Unit:
    errors: dict[str, str] = {}
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=data.unit_id).first()
    if unit is None:
        errors["unit"] = "管理单位不存在或不在您的数据范围内"
    if data.target_tier not in Tier.values:
        errors["target_tier"] = "请选择后备职务层次"
    if not data.name.strip():
        errors["name"] = "请填写名称"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_pool", fields=errors)
    assert unit is not None
    return unit


@transaction.atomic
def pool_create(*, actor: Any, data: PoolInput) -> ReservePool:
    """A pool for (unit, target tier), the unit inside the actor's CHANGE subtree (audited)."""
    unit = _validate_pool(actor, data)
    if ReservePool.objects.filter(unit=unit, target_tier=data.target_tier).exists():
        raise DomainError(
            DUPLICATE_POOL, code="duplicate_pool", fields={"target_tier": DUPLICATE_POOL}
        )
    pool = ReservePool(
        unit=unit, target_tier=data.target_tier, name=data.name.strip(), created_by=actor
    )
    try:
        with transaction.atomic():
            pool.save()
    except IntegrityError:
        raise DomainError(
            DUPLICATE_POOL, code="duplicate_pool", fields={"target_tier": DUPLICATE_POOL}
        ) from None
    audit.record(
        action="selection.reserve.pool.add",
        actor=actor,
        target=pool,
        after=audit.snapshot(pool, POOL_FIELDS),
    )
    return pool


@transaction.atomic
def pool_rename(*, actor: Any, pool_id: int, name: str) -> ReservePool:
    """Change a pool's name (unit and tier are its identity and stay)."""
    pool = _pool_for_change(actor, pool_id)
    if not name.strip():
        raise DomainError("请填写名称", code="invalid_pool", fields={"name": "请填写名称"})
    before = audit.snapshot(pool, POOL_FIELDS)
    pool.name = name.strip()
    pool.save(update_fields=["name", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(pool, POOL_FIELDS))
    audit.record(
        action="selection.reserve.pool.update", actor=actor, target=pool, before=old, after=new
    )
    return pool


@transaction.atomic
def pool_delete(*, actor: Any, pool_id: int) -> None:
    """Delete an empty pool (one with entries, even exited ones, keeps its history)."""
    pool = _pool_for_change(actor, pool_id)
    if ReserveEntry.objects.filter(pool=pool).exists():
        raise DomainError("库中已有后备干部记录（含已出库），不能删除", code="pool_not_empty")
    audit.record(
        action="selection.reserve.pool.delete",
        actor=actor,
        target=pool,
        before=audit.snapshot(pool, POOL_FIELDS),
    )
    pool.delete()


# --- entries --------------------------------------------------------------------------------------


def _entry_for_change(actor: Any, entry_id: int) -> ReserveEntry:
    """The entry locked for a change: its cadre in the actor's CHANGE scope and its pool owned
    inside a subtree granted for change."""
    pools = ReservePool.objects.visible_to(actor, Action.CHANGE).values("pk")
    entry = (
        ReserveEntry.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("pool", "cadre")
        .filter(pk=entry_id, pool_id__in=pools)
        .first()
    )
    if entry is None:
        raise OutOfScopeError()
    return entry


def _check_version(entry: ReserveEntry, expected: int) -> None:
    if entry.version == expected:
        return
    event = (
        AuditEvent.objects.filter(target_type=ENTRY_TYPE, target_id=str(entry.pk))
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    changes: dict[str, tuple[object, object]] = {}
    who = "他人"
    if event is not None:
        who = getattr(event.actor, "display_name", "") or event.actor_name or who
        changes = {
            k: ((event.before or {}).get(k), v)
            for k, v in (event.after or {}).items()
            if k != "version"
        }
    raise StaleVersionError(
        f"保存失败：该后备干部记录已被{who}修改，请刷新后重新操作", changes=changes
    )


def _validate_entry(data: EntryInput, today: date) -> None:
    errors: dict[str, str] = {}
    if data.source not in ReserveSource.values:
        errors["source"] = "请选择入库来源"
    if data.entry_date > today:
        errors["entry_date"] = "入库日期不能晚于今天"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_entry", fields=errors)


def _save_entry(entry: ReserveEntry) -> None:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise DomainError(DUPLICATE_ENTRY, code="duplicate_entry") from None


@transaction.atomic
def entry_add(
    *, actor: Any, pool_id: int, cadre_id: int, data: EntryInput, today: date | None = None
) -> ReserveEntry:
    """Put a cadre of the pool's unit (subtree) into the pool (audited)."""
    pool = _pool_for_change(actor, pool_id)
    cadre = cadre_for_change(actor, cadre_id)
    _validate_entry(data, today or timezone.localdate())
    if not cadre.unit.path.startswith(pool.unit.path):
        raise DomainError(
            f"该干部不在{pool.unit.name}及其下属单位，不能列入本后备干部库",
            code="entry_outside_pool",
        )
    if ReserveEntry.objects.filter(pool=pool, cadre=cadre, exit_date__isnull=True).exists():
        raise DomainError(DUPLICATE_ENTRY, code="duplicate_entry")
    entry = ReserveEntry(
        pool=pool,
        cadre=cadre,
        entry_date=data.entry_date,
        source=data.source,
        reason=data.reason.strip(),
        created_by=actor,
    )
    _save_entry(entry)
    assert_in_scope(ReserveEntry.objects.all(), entry.pk, actor, Action.CHANGE)
    audit.record(
        action="selection.reserve.entry.add",
        actor=actor,
        target=entry,
        after=audit.snapshot(entry, ENTRY_FIELDS),
        detail={"cadre": cadre.pk, "pool": pool.pk, "version": entry.version},
    )
    return entry


def _finish(actor: Any, entry: ReserveEntry, before: dict[str, Any], action: str) -> ReserveEntry:
    entry.version += 1
    _save_entry(entry)
    old, new = audit.diff(before, audit.snapshot(entry, ENTRY_FIELDS))
    audit.record(
        action=f"selection.reserve.entry.{action}",
        actor=actor,
        target=entry,
        before=old,
        after=new,
        detail={"cadre": entry.cadre_id, "pool": entry.pool_id, "version": entry.version},
    )
    return entry


@transaction.atomic
def entry_update(
    *,
    actor: Any,
    entry_id: int,
    expected_version: int,
    data: EntryInput,
    today: date | None = None,
) -> ReserveEntry:
    """Correct an entry's date, source or reason; a stale version is refused."""
    entry = _entry_for_change(actor, entry_id)
    _check_version(entry, expected_version)
    _validate_entry(data, today or timezone.localdate())
    if entry.exit_date is not None and data.entry_date > entry.exit_date:
        message = "入库日期不能晚于出库日期"
        raise DomainError(message, code="invalid_entry", fields={"entry_date": message})
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.entry_date = data.entry_date
    entry.source = data.source
    entry.reason = data.reason.strip()
    return _finish(actor, entry, before, "update")


@transaction.atomic
def entry_exit(
    *,
    actor: Any,
    entry_id: int,
    expected_version: int,
    data: ExitInput,
    today: date | None = None,
) -> ReserveEntry:
    """Take a cadre out of the pool with the date and reason (出库)."""
    entry = _entry_for_change(actor, entry_id)
    _check_version(entry, expected_version)
    if entry.exit_date is not None:
        raise DomainError(f"该干部已于{entry.exit_date:%Y-%m-%d}出库", code="already_exited")
    errors: dict[str, str] = {}
    if data.exit_reason not in ReserveExitReason.values:
        errors["exit_reason"] = "请选择出库原因"
    elif data.exit_reason == ReserveExitReason.OTHER and not data.exit_note.strip():
        errors["exit_note"] = "出库原因为“其他”时请填写出库说明"
    if data.exit_date < entry.entry_date:
        errors["exit_date"] = f"出库日期不能早于入库日期（{entry.entry_date:%Y-%m-%d}）"
    elif data.exit_date > (today or timezone.localdate()):
        errors["exit_date"] = "出库日期不能晚于今天"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_exit", fields=errors)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.exit_date = data.exit_date
    entry.exit_reason = data.exit_reason
    entry.exit_note = data.exit_note.strip()
    return _finish(actor, entry, before, "exit")


@transaction.atomic
def entry_exit_undo(*, actor: Any, entry_id: int, expected_version: int) -> ReserveEntry:
    """Undo an exit recorded by mistake (the cadre is back in the pool)."""
    entry = _entry_for_change(actor, entry_id)
    _check_version(entry, expected_version)
    if entry.exit_date is None:
        raise DomainError("该干部尚未出库", code="not_exited")
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.exit_date = None
    entry.exit_reason = ""
    entry.exit_note = ""
    return _finish(actor, entry, before, "exit_undo")
