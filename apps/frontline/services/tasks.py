"""Writes of central tasks (中心任务): create, update with a version check, participating units.

A task belongs to its lead unit: an officer changes it when their CHANGE scope covers that unit.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.scope import Action, assert_in_scope
from apps.frontline.constants import TaskKind
from apps.frontline.models import CentralTask
from apps.units.models import Unit

TARGET_TYPE = "frontline.centraltask"
TASK_FIELDS = ["name", "kind", "lead_unit", "start_date", "end_date", "description"]


@dataclass(frozen=True)
class TaskInput:
    """What the task form submits."""

    name: str
    kind: str
    lead_unit_id: int
    start_date: date
    end_date: date | None = None
    description: str = ""
    participating_unit_ids: Sequence[int] = field(default_factory=tuple)


def _snapshot(task: CentralTask) -> dict[str, Any]:
    data = audit.snapshot(task, TASK_FIELDS)
    data["participating_units"] = sorted(task.participating_units.values_list("pk", flat=True))
    return data


def _validate(
    actor: Any, data: TaskInput, existing: frozenset[int] = frozenset()
) -> tuple[Unit, list[Unit]]:
    """Check the input; return the lead unit and the participating units.

    New participating units must lie in the actor's scope; units already taking part that the
    actor cannot see (added by a higher officer) are kept as they are, since the form could not
    show them."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "请填写任务名称"
    if data.kind not in TaskKind.values:
        errors["kind"] = "请选择任务类别"
    if data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = "结束日期不能早于开始日期"
    lead = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=data.lead_unit_id).first()
    if lead is None:
        errors["lead_unit"] = "牵头单位不存在或不在您的数据范围内"
    wanted = set(data.participating_unit_ids)
    visible = set(
        Unit.objects.visible_to(actor).filter(pk__in=wanted | existing).values_list("pk", flat=True)
    )
    if wanted - existing - visible:
        errors["participating_units"] = "所选参与单位不存在或不在您的数据范围内"
    hidden = existing - visible
    units = list(Unit.objects.filter(pk__in=wanted | hidden).order_by("path"))
    if errors or lead is None:
        raise DomainError("；".join(errors.values()), code="invalid_task", fields=errors)
    return lead, units


def _apply(task: CentralTask, data: TaskInput, lead: Unit) -> None:
    task.name = data.name.strip()
    task.kind = data.kind
    task.lead_unit = lead
    task.start_date = data.start_date
    task.end_date = data.end_date
    task.description = data.description.strip()


@transaction.atomic
def task_create(*, actor: Any, data: TaskInput) -> CentralTask:
    """Register a central task led by a unit inside the actor's CHANGE scope (audited)."""
    lead, units = _validate(actor, data)
    task = CentralTask(created_by=actor)
    _apply(task, data, lead)
    task.save()
    task.participating_units.set(units)
    assert_in_scope(CentralTask.objects.all(), task.pk, actor, Action.CHANGE)
    audit.record(action="frontline.task.create", actor=actor, target=task, after=_snapshot(task))
    return task


def _task_for_change(actor: Any, task_id: int) -> CentralTask:
    # The registry scope adds DISTINCT, which PostgreSQL refuses with FOR UPDATE: scope through
    # a pk subquery and lock the plain row.
    visible = CentralTask.objects.visible_to(actor, Action.CHANGE).values("pk")
    task = CentralTask.objects.select_for_update().filter(pk=task_id, pk__in=visible).first()
    if task is None:
        raise OutOfScopeError()
    return task


def _stale_changes(task_id: int, version: int) -> tuple[str, dict[str, tuple[Any, Any]]]:
    """Who saved after `version`, and what they changed (field → (old, new))."""
    events = (
        AuditEvent.objects.filter(
            target_type=TARGET_TYPE, target_id=str(task_id), action="frontline.task.update"
        )
        .select_related("actor")
        .order_by("id")
    )
    changes: dict[str, tuple[Any, Any]] = {}
    who: list[str] = []
    for event in events:
        if (event.detail or {}).get("version", 0) <= version:
            continue
        name = getattr(event.actor, "display_name", "") or event.actor_name
        if name and name not in who:
            who.append(name)
        for key, new in (event.after or {}).items():
            old = changes[key][0] if key in changes else (event.before or {}).get(key)
            changes[key] = (old, new)
    return "、".join(who) or "他人", changes


@transaction.atomic
def task_update(*, actor: Any, task_id: int, expected_version: int, data: TaskInput) -> CentralTask:
    """Edit a task; refuse a save based on a stale version, naming who changed it meanwhile."""
    task = _task_for_change(actor, task_id)
    if task.version != expected_version:
        who, changes = _stale_changes(task.pk, expected_version)
        raise StaleVersionError(
            f"保存失败：该任务已被{who}修改，请查看变化后重新编辑", changes=changes
        )
    before = _snapshot(task)
    lead, units = _validate(actor, data, frozenset(before["participating_units"]))
    _apply(task, data, lead)
    task.version += 1
    task.save()
    task.participating_units.set(units)
    assert_in_scope(CentralTask.objects.all(), task.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, _snapshot(task))
    audit.record(
        action="frontline.task.update",
        actor=actor,
        target=task,
        before=old,
        after=new,
        detail={"version": task.version},
    )
    return task


@transaction.atomic
def task_set_units(
    *, actor: Any, task_id: int, expected_version: int, unit_ids: Sequence[int]
) -> CentralTask:
    """Replace the participating units only (keeps the other fields as they are)."""
    task = _task_for_change(actor, task_id)
    data = TaskInput(
        name=task.name,
        kind=task.kind,
        lead_unit_id=task.lead_unit_id,
        start_date=task.start_date,
        end_date=task.end_date,
        description=task.description,
        participating_unit_ids=tuple(unit_ids),
    )
    return task_update(actor=actor, task_id=task.pk, expected_version=expected_version, data=data)
