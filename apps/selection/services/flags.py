"""Writes of negative flags (负面情形): facts the organization department records by hand that
block a promotion — ELG-24-1 (《党政领导干部选拔任用工作条例》第二十四条) items (1)(2)(4)(5)(7)
and ELG-24-2 (《公务员职务与职级并行规定》第二十一条) item (3).

A flag is in force from its start date until its end date (open = still in force); ending it
keeps the record. Delete is soft and `flag_restore` undoes it. Only officers write (leaders'
grants never open CHANGE); the flag follows the cadre's scope.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action, assert_in_scope
from apps.selection.constants import NegativeFlagKind
from apps.selection.models import NegativeFlag

FIELDS = ["cadre", "kind", "note", "start_date", "end_date", "special_post_exempt"]


@dataclass(frozen=True)
class FlagInput:
    kind: str
    note: str
    start_date: date
    end_date: date | None = None
    special_post_exempt: bool = False


def _validate(data: FlagInput, today: date) -> None:
    errors: dict[str, str] = {}
    if data.kind not in NegativeFlagKind.values:
        errors["kind"] = "请选择情形"
    if not data.note.strip():
        errors["note"] = "请填写情况说明"
    if data.start_date > today:
        errors["start_date"] = "起始日期不能晚于今天"
    if data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = "解除日期不能早于起始日期"
    if data.special_post_exempt and data.kind != NegativeFlagKind.NAKED_OFFICIAL:
        errors["special_post_exempt"] = (
            "“特殊岗位需要”仅适用于配偶（或子女均）已移居国（境）外的情形（ELG-24-1(5)）"
        )
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_flag", fields=errors)


def flag_for_change(actor: Any, flag_id: int, *, include_deleted: bool = False) -> NegativeFlag:
    """The flag locked for a change, if its cadre is in the actor's CHANGE scope."""
    rows = NegativeFlag.objects.visible_to(actor, Action.CHANGE).filter(pk=flag_id)
    if not include_deleted:
        rows = rows.filter(deleted_at__isnull=True)
    flag = rows.select_for_update(of=("self",)).select_related("cadre").first()
    if flag is None:
        raise OutOfScopeError()
    return flag


@transaction.atomic
def flag_add(
    *, actor: Any, cadre_id: int, data: FlagInput, today: date | None = None
) -> NegativeFlag:
    """Record a negative flag for a cadre in the actor's CHANGE scope (audited)."""
    cadre = cadre_for_change(actor, cadre_id)
    _validate(data, today or timezone.localdate())
    flag = NegativeFlag(
        cadre=cadre,
        kind=data.kind,
        note=data.note.strip(),
        start_date=data.start_date,
        end_date=data.end_date,
        special_post_exempt=data.special_post_exempt,
        created_by=actor,
    )
    flag.save()
    assert_in_scope(NegativeFlag.objects.all(), flag.pk, actor, Action.CHANGE)
    audit.record(
        action="selection.flag.add",
        actor=actor,
        target=flag,
        after=audit.snapshot(flag, FIELDS),
        detail={"cadre": cadre.pk},
    )
    return flag


@transaction.atomic
def flag_end(
    *, actor: Any, flag_id: int, end_date: date, today: date | None = None
) -> NegativeFlag:
    """Lift a flag from a day on: it blocks up to `end_date` and no longer after it."""
    flag = flag_for_change(actor, flag_id)
    if flag.end_date is not None:
        raise DomainError(f"该情形已于{flag.end_date:%Y-%m-%d}解除", code="already_ended")
    message = ""
    if end_date < flag.start_date:
        message = f"解除日期不能早于起始日期（{flag.start_date:%Y-%m-%d}）"
    elif end_date > (today or timezone.localdate()):
        message = "解除日期不能晚于今天"
    if message:
        raise DomainError(message, code="invalid_end", fields={"end_date": message})
    flag.end_date = end_date
    flag.save(update_fields=["end_date", "updated_at"])
    audit.record(
        action="selection.flag.end",
        actor=actor,
        target=flag,
        before={"end_date": None},
        after={"end_date": end_date.isoformat()},
        detail={"cadre": flag.cadre_id},
    )
    return flag


@transaction.atomic
def flag_delete(*, actor: Any, flag_id: int) -> NegativeFlag:
    """Soft delete a flag recorded by mistake; `flag_restore` undoes it."""
    flag = flag_for_change(actor, flag_id)
    flag.deleted_at = timezone.now()
    flag.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        action="selection.flag.delete",
        actor=actor,
        target=flag,
        before=audit.snapshot(flag, FIELDS),
        detail={"cadre": flag.cadre_id},
    )
    return flag


@transaction.atomic
def flag_restore(*, actor: Any, flag_id: int) -> NegativeFlag:
    """Undo a soft delete."""
    flag = flag_for_change(actor, flag_id, include_deleted=True)
    if flag.deleted_at is None:
        raise DomainError("没有可恢复的记录", code="not_deleted")
    flag.deleted_at = None
    flag.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        action="selection.flag.restore",
        actor=actor,
        target=flag,
        detail={"cadre": flag.cadre_id},
    )
    return flag
