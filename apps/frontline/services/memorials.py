"""Memorial records of cadres who died on duty (牺牲 / 因公殉职) and the family-care visits that
follow them.

The record is a part of the cadre's record (the cadre's scope), one per cadre and versioned; the
visits carry the next due date of the follow-up. The follow-up interval defaults to the rule
parameter `frontline.care_visit_interval_days` (LOCAL policy) in force on the day of entry.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.frontline.models import CentralTask, FamilyCareVisit, Sacrifice
from apps.frontline.params import CARE_VISIT_INTERVAL_DAYS

SACRIFICE_FIELDS = (
    "died_on",
    "task",
    "place",
    "circumstances",
    "honours",
    "family_contact",
    "care_interval_days",
)


def care_due_date(died_on: date, last_visit_next_due: date | None, interval_days: int) -> date:
    """When the family should next be visited (LOCAL policy, param care_visit_interval_days):
    the next due date set at the latest visit; before any visit, `interval_days` after the death.
    """
    if last_visit_next_due is not None:
        return last_visit_next_due
    return died_on + timedelta(days=interval_days)


def is_overdue(due_on: date, today: date) -> bool:
    """A follow-up is overdue from the day after its due date (due today is not yet overdue)."""
    return due_on < today


def _check_interval(days: int | None) -> None:
    spec = CARE_VISIT_INTERVAL_DAYS
    low, high = spec.minimum or 1, spec.maximum or 3650
    if days is None or not low <= days <= high:
        message = f"走访间隔须在{low}至{high}天之间"
        raise DomainError(message, fields={"care_interval_days": message})


def _visible_task(actor: Any, task: CentralTask | int | None) -> CentralTask | None:
    if task is None:
        return None
    task_id = task.pk if isinstance(task, CentralTask) else task
    found = CentralTask.objects.visible_to(actor).filter(pk=task_id).first()
    if found is None:
        message = "所选中心任务不存在或不在您的范围内"
        raise DomainError(message, fields={"task": message})
    return found


def _apply(actor: Any, record: Sacrifice, data: Mapping[str, Any], today: date) -> None:
    """Copy form data onto the record and check it against the cadre and today."""
    for key in SACRIFICE_FIELDS:
        if key in data and key != "task":
            setattr(record, key, data[key])
    if "task" in data:
        record.task = _visible_task(actor, data["task"])
    errors: dict[str, str] = {}
    if record.died_on > today:
        errors["died_on"] = "牺牲日期不能晚于今天"
    elif record.died_on < record.cadre.birth_date:
        errors["died_on"] = "牺牲日期不能早于出生日期"
    for key, label in (("place", "地点"), ("circumstances", "事迹与经过")):
        value = (getattr(record, key) or "").strip()
        setattr(record, key, value)
        if not value:
            errors[key] = f"请填写{label}"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_sacrifice", fields=errors)
    _check_interval(record.care_interval_days)


@transaction.atomic
def sacrifice_create(
    *, actor: Any, cadre_id: int, data: Mapping[str, Any], today: date | None = None
) -> Sacrifice:
    """Record that a cadre died on duty; one memorial record per cadre."""
    today = today or timezone.localdate()
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    # The cadre is in scope, so its memorial (a part of the same record) is too.
    if Sacrifice.objects.filter(cadre=cadre).exists():
        raise DomainError(f"{cadre.name}已有纪念记录，请在原记录上修改", code="sacrifice_exists")
    values = dict(data)
    if values.get("care_interval_days") is None:
        values["care_interval_days"] = int(param(CARE_VISIT_INTERVAL_DAYS.key, today))
    record = Sacrifice(cadre=cadre, created_by=actor)
    _apply(actor, record, values, today)
    record.save()
    audit.record(
        action="frontline.sacrifice.create",
        actor=actor,
        target=record,
        after=audit.snapshot(record),
    )
    return record


def _last_editor(sacrifice_id: int, version: int) -> str:
    """Who saved the record after `version` (from the audit log), for the conflict message."""
    events = AuditEvent.objects.filter(
        target_type="frontline.sacrifice",
        target_id=str(sacrifice_id),
        action="frontline.sacrifice.update",
    ).order_by("-id")
    for event in events.select_related("actor"):
        if (event.detail or {}).get("version", 0) > version:
            actor: Any = event.actor
            return actor.display_name if actor is not None else (event.actor_name or "他人")
    return "他人"


def _changes_since(sacrifice_id: int, version: int) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    events = AuditEvent.objects.filter(
        target_type="frontline.sacrifice",
        target_id=str(sacrifice_id),
        action="frontline.sacrifice.update",
    ).order_by("id")
    for event in events:
        if (event.detail or {}).get("version", 0) <= version:
            continue
        for key, new in (event.after or {}).items():
            old = changes[key][0] if key in changes else (event.before or {}).get(key)
            changes[key] = (old, new)
    return changes


def _sacrifice_for_change(actor: Any, sacrifice_id: int) -> Sacrifice:
    record = (
        Sacrifice.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .select_related("cadre")
        .filter(pk=sacrifice_id)
        .first()
    )
    if record is None:
        raise OutOfScopeError()
    return record


@transaction.atomic
def sacrifice_update(
    *,
    actor: Any,
    sacrifice_id: int,
    expected_version: int,
    data: Mapping[str, Any],
    today: date | None = None,
) -> Sacrifice:
    """Edit a memorial record; a save based on a stale version is refused, naming who changed
    it and what."""
    record = _sacrifice_for_change(actor, sacrifice_id)
    if record.version != expected_version:
        editor = _last_editor(record.pk, expected_version)
        raise StaleVersionError(
            f"保存失败：该纪念记录已被{editor}修改，请查看变化后重新编辑",
            changes=_changes_since(record.pk, expected_version),
        )
    before = audit.snapshot(record, fields=[*SACRIFICE_FIELDS])
    _apply(actor, record, data, today or timezone.localdate())
    record.version += 1
    record.save()
    old, new = audit.diff(before, audit.snapshot(record, fields=[*SACRIFICE_FIELDS]))
    audit.record(
        action="frontline.sacrifice.update",
        actor=actor,
        target=record,
        before=old,
        after=new,
        detail={"version": record.version},
    )
    return record


@transaction.atomic
def visit_add(
    *, actor: Any, sacrifice_id: int, data: Mapping[str, Any], today: date | None = None
) -> FamilyCareVisit:
    """Record a family-care visit; the next due date defaults to the record's interval later."""
    today = today or timezone.localdate()
    record = _sacrifice_for_change(actor, sacrifice_id)
    visited_on: date = data["visited_on"]
    next_due: date | None = data.get("next_due") or (
        visited_on + timedelta(days=record.care_interval_days)
    )
    errors: dict[str, str] = {}
    if visited_on > today:
        errors["visited_on"] = "走访日期不能晚于今天"
    elif visited_on < record.died_on:
        errors["visited_on"] = "走访日期不能早于牺牲日期"
    if next_due is not None and next_due <= visited_on:
        errors["next_due"] = "下次走访日期须晚于本次走访日期"
    visitors, actions = (data.get("visitors") or "").strip(), (data.get("actions") or "").strip()
    if not visitors:
        errors["visitors"] = "请填写走访人"
    if not actions:
        errors["actions"] = "请填写帮扶内容"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_visit", fields=errors)
    visit = FamilyCareVisit.objects.create(
        sacrifice=record,
        visited_on=visited_on,
        visitors=visitors,
        actions=actions,
        next_due=next_due,
        created_by=actor,
    )
    audit.record(
        action="frontline.care_visit.add",
        actor=actor,
        target=record,
        after=audit.snapshot(visit),
    )
    return visit
