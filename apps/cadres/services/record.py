"""Create, edit (optimistic concurrency), soft-delete and restore a cadre record."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.cadres import identity, rules
from apps.cadres.models import Cadre
from apps.cadres.pinyin import pinyin_of
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.scope import Action, assert_in_scope
from apps.units.models import Unit

from .common import cadre_for_change, raise_problems

CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "birthplace",
    "political_status",
    "party_join_date",
    "work_start_date",
    "health",
    "professional_title",
    "expertise",
    "unit",
    "managed_by",
    "proposed_post",
    "proposed_removal",
    "photo",
)
AUDIT_EXCLUDE = {"id_number_encrypted", "updated_at", "created_at"}
ID_NUMBER_TAKEN = "该公民身份号码已登记在另一干部名下"


def _cadre_snapshot(cadre: Cadre) -> dict[str, Any]:
    data = audit.snapshot(cadre)
    for key in AUDIT_EXCLUDE:
        data.pop(key, None)
    return data


def _apply(cadre: Cadre, data: Mapping[str, Any], *, today: date) -> None:
    """Copy form data onto the cadre and run the record's consistency rules."""
    for field in CADRE_FIELDS:
        if field in data:
            setattr(cadre, field, data[field])
    cadre.name_pinyin, cadre.name_initials = pinyin_of(cadre.name)
    id_birth = id_gender = None
    raw_id = data.get("id_number")
    if raw_id:
        try:
            number, id_birth, id_gender = rules.parse_id_number(raw_id)
        except ValueError as exc:
            raise DomainError(str(exc), fields={"id_number": str(exc)}) from None
        cadre.id_number_encrypted, cadre.id_number_hash, cadre.id_number_masked = identity.protect(
            number
        )
    elif cadre.id_number_encrypted:
        # An edit that keeps the stored number must still agree with it (birth date, gender).
        _, id_birth, id_gender = rules.parse_id_number(identity.decrypt(cadre.id_number_encrypted))
    raise_problems(
        rules.check_identity(
            birth_date=cadre.birth_date,
            gender=cadre.gender,
            work_start_date=cadre.work_start_date,
            party_join_date=cadre.party_join_date,
            id_birth=id_birth,
            id_gender=id_gender,
            today=today,
        )
    )
    if cadre.id_number_hash:
        # Deliberately unscoped: an id number is unique across the whole system (trash included);
        # the message names no one, so it reveals no record outside the actor's scope.
        clash = Cadre.objects.unscoped_for_jobs_and_migrations().filter(
            id_number_hash=cadre.id_number_hash
        )
        clash = clash.exclude(pk=cadre.pk)
        if clash.exists():
            raise _id_number_taken()


def _id_number_taken() -> DomainError:
    return DomainError(ID_NUMBER_TAKEN, fields={"id_number": ID_NUMBER_TAKEN})


def _save(cadre: Cadre) -> None:
    """Save; a concurrent save of the same id number (cadre_id_number_unique) reads as the
    service's own check would have."""
    try:
        with transaction.atomic():
            cadre.save()
    except IntegrityError as exc:
        if "cadre_id_number_unique" in str(exc) or "id_number_hash" in str(exc):
            raise _id_number_taken() from None
        raise


def _check_unit_writable(actor: Any, unit: Unit, managed_by: str) -> None:
    """The target unit and management level must lie within the actor's change scope."""
    if not any(
        unit.path.startswith(r.path) and managed_by in r.managed_levels
        for r in actor.scope_rules()
        if r.can_change
    ):
        raise DomainError(
            "所选单位或干部管理权限不在您的数据范围内",
            fields={"unit": "所选单位或干部管理权限不在您的数据范围内"},
        )


@transaction.atomic
def cadre_create(*, actor: Any, data: Mapping[str, Any], today: date | None = None) -> Cadre:
    """Register a cadre (新增干部)."""
    cadre = Cadre()
    _apply(cadre, data, today=today or timezone.localdate())
    _check_unit_writable(actor, cadre.unit, cadre.managed_by)
    _save(cadre)
    assert_in_scope(Cadre.objects.all(), cadre.pk, actor, Action.CHANGE)
    audit.record(action="cadre.create", actor=actor, target=cadre, after=_cadre_snapshot(cadre))
    return cadre


def _changes_since(cadre_id: int, version: int) -> dict[str, tuple[Any, Any]]:
    """What others changed after `version`, from the audit log: field → (old, new)."""
    changes: dict[str, tuple[Any, Any]] = {}
    events = AuditEvent.objects.filter(
        target_type="cadres.cadre", target_id=str(cadre_id), action="cadre.update"
    ).order_by("id")
    for event in events:
        if (event.detail or {}).get("version", 0) <= version:
            continue
        for key, new in (event.after or {}).items():
            old = changes[key][0] if key in changes else (event.before or {}).get(key)
            changes[key] = (old, new)
    changes.pop("version", None)
    return changes


@transaction.atomic
def cadre_update(
    *,
    actor: Any,
    cadre_id: int,
    expected_version: int,
    data: Mapping[str, Any],
    today: date | None = None,
) -> Cadre:
    """Edit a cadre; refuse a save based on a stale version and report what changed meanwhile."""
    cadre = cadre_for_change(actor, cadre_id)
    if cadre.version != expected_version:
        raise StaleVersionError(
            "保存失败：该干部信息已被他人修改，请查看变化后重新编辑",
            changes=_changes_since(cadre.pk, expected_version),
        )
    before = _cadre_snapshot(cadre)
    _apply(cadre, data, today=today or timezone.localdate())
    _check_unit_writable(actor, cadre.unit, cadre.managed_by)
    cadre.version += 1
    _save(cadre)
    assert_in_scope(Cadre.objects.all(), cadre.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, _cadre_snapshot(cadre))
    audit.record(
        action="cadre.update",
        actor=actor,
        target=cadre,
        before=old,
        after=new,
        detail={"version": cadre.version},
    )
    return cadre


@transaction.atomic
def cadre_delete(*, actor: Any, cadre_id: int) -> Cadre:
    """Soft delete (移入回收站); `cadre_restore` undoes it."""
    cadre = cadre_for_change(actor, cadre_id)
    cadre.deleted_at = timezone.now()
    cadre.deleted_by = actor
    cadre.version += 1
    cadre.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    audit.record(action="cadre.delete", actor=actor, target=cadre)
    return cadre


@transaction.atomic
def cadre_restore(*, actor: Any, cadre_id: int) -> Cadre:
    """Undo a soft delete."""
    cadre = cadre_for_change(actor, cadre_id, include_deleted=True)
    if cadre.deleted_at is None:
        raise OutOfScopeError("回收站中没有该记录")  # nothing to restore: absent from the trash
    cadre.deleted_at = None
    cadre.deleted_by = None
    cadre.version += 1
    cadre.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    audit.record(action="cadre.restore", actor=actor, target=cadre)
    return cadre
