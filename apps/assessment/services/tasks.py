"""Writes of 知事识人: a unit's key work items (重点工作) and task records — a cadre's part in a
事 (a CentralTask or a KeyWork) rated on 谋事 / 干事 / 成事, each rating with its evidence, and
linked to research observations of the same cadre as further evidence.

Task records follow the cadre's scope (CHANGE to write) and are versioned: a save names the
version the user saw and a stale one is refused, naming who changed the record meanwhile.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from apps.assessment.constants import TaskRating
from apps.assessment.models import KeyWork, TaskRecord, VisitObservation
from apps.cadres.models import Cadre
from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.scope import Action, assert_in_scope
from apps.frontline.models import CentralTask
from apps.units.models import Unit

RECORD_TYPE = "assessment.taskrecord"
ASPECTS = {"planning": "谋事", "execution": "干事", "result": "成事"}
RECORD_FIELDS = [
    "central_task",
    "key_work",
    "role",
    "start_date",
    "end_date",
    *(name for aspect in ASPECTS for name in (aspect, f"{aspect}_evidence")),
]


def stale_version_error(
    *, target_type: str, target_id: int, version: int, actions: Sequence[str], noun: str
) -> StaleVersionError:
    """The refusal of a save based on `version`: who saved since, and what they changed
    (field → (old, new)), read from the audit events of `actions` on the target."""
    events = (
        AuditEvent.objects.filter(
            target_type=target_type, target_id=str(target_id), action__in=list(actions)
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
    names = "、".join(who) or "他人"
    return StaleVersionError(
        f"保存失败：该{noun}已被{names}修改，请查看变化后重新编辑", changes=changes
    )


# --- key work ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyWorkInput:
    """What the key work form submits."""

    unit_id: int
    year: int
    title: str
    description: str = ""


@transaction.atomic
def keywork_create(*, actor: Any, data: KeyWorkInput) -> KeyWork:
    """Register a key work item of a unit inside the actor's CHANGE scope (audited)."""
    errors: dict[str, str] = {}
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=data.unit_id).first()
    if unit is None:
        errors["unit"] = "单位不存在或不在您的数据范围内"
    if not 2000 <= data.year <= 2100:
        errors["year"] = "请填写正确的年度，如 2026"
    if not data.title.strip():
        errors["title"] = "请填写重点工作名称"
    if errors or unit is None:
        raise DomainError("；".join(errors.values()), code="invalid_key_work", fields=errors)
    item = KeyWork.objects.create(
        unit=unit, year=data.year, title=data.title.strip(), description=data.description.strip()
    )
    assert_in_scope(KeyWork.objects.all(), item.pk, actor, Action.CHANGE)
    audit.record(
        action="assessment.keywork.create",
        actor=actor,
        target=item,
        after=audit.snapshot(item, ["unit", "year", "title", "description"]),
    )
    return item


# --- task records --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRecordInput:
    """What the task record form submits: exactly one of `central_task_id` / `key_work_id`."""

    role: str
    start_date: date
    central_task_id: int | None = None
    key_work_id: int | None = None
    end_date: date | None = None
    planning: str = ""
    planning_evidence: str = ""
    execution: str = ""
    execution_evidence: str = ""
    result: str = ""
    result_evidence: str = ""
    observation_ids: Sequence[int] = field(default_factory=tuple)


def _check_ratings(data: TaskRecordInput, errors: dict[str, str]) -> None:
    """Each rating is optional, but one given needs its evidence (知事识人: judge by the 事)."""
    for aspect, label in ASPECTS.items():
        rating = getattr(data, aspect)
        if rating and rating not in TaskRating.values:
            errors[aspect] = f"请选择{label}评价"
        elif rating and not getattr(data, f"{aspect}_evidence").strip():
            errors[f"{aspect}_evidence"] = f"已评价{label}，请填写{label}依据"


def _matter(
    actor: Any, data: TaskRecordInput, errors: dict[str, str]
) -> tuple[CentralTask | None, KeyWork | None]:
    """The 事: exactly one of a visible central task or a visible key work item."""
    if (data.central_task_id is None) == (data.key_work_id is None):
        message = "请在中心任务和重点工作中选择且只选择一项"
        errors["central_task"] = message
        return None, None
    if data.central_task_id is not None:
        visible = CentralTask.objects.visible_to(actor).values("pk")
        task = CentralTask.objects.filter(pk=data.central_task_id, pk__in=visible).first()
        if task is None:
            errors["central_task"] = "中心任务不存在或不在您的数据范围内"
        return task, None
    work = KeyWork.objects.visible_to(actor).filter(pk=int(data.key_work_id or 0)).first()
    if work is None:
        errors["key_work"] = "重点工作不存在或不在您的数据范围内"
    return None, work


def _observations(
    actor: Any, cadre: Cadre, ids: Sequence[int], errors: dict[str, str]
) -> list[VisitObservation]:
    """Research observations of the same cadre, visible to the actor, as evidence."""
    wanted = set(ids)
    found = list(
        VisitObservation.objects.visible_to(actor).filter(pk__in=wanted, cadre_id=cadre.pk)
    )
    if len(found) != len(wanted):
        errors["observations"] = "只能关联本人的、您有权查看的调研发现"
    return found


def _validate(
    actor: Any, cadre: Cadre, data: TaskRecordInput
) -> tuple[CentralTask | None, KeyWork | None, list[VisitObservation]]:
    errors: dict[str, str] = {}
    task, work = _matter(actor, data, errors)
    if not data.role.strip():
        errors["role"] = "请填写承担角色"
    if data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = "结束日期不能早于开始日期"
    _check_ratings(data, errors)
    observations = _observations(actor, cadre, data.observation_ids, errors)
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_task_record", fields=errors)
    return task, work, observations


def _apply(
    record: TaskRecord, data: TaskRecordInput, task: CentralTask | None, work: KeyWork | None
) -> None:
    record.central_task = task
    record.key_work = work
    record.role = data.role.strip()
    record.start_date = data.start_date
    record.end_date = data.end_date
    for aspect in ASPECTS:
        setattr(record, aspect, getattr(data, aspect))
        setattr(record, f"{aspect}_evidence", getattr(data, f"{aspect}_evidence").strip())


def _snapshot(record: TaskRecord) -> dict[str, Any]:
    data = audit.snapshot(record, RECORD_FIELDS)
    data["observations"] = sorted(record.observations.values_list("pk", flat=True))
    return data


@transaction.atomic
def taskrecord_add(*, actor: Any, cadre_id: int, data: TaskRecordInput) -> TaskRecord:
    """Record a cadre's part in a 事 (cadre in the actor's CHANGE scope; audited)."""
    cadre = cadre_for_change(actor, cadre_id)
    task, work, observations = _validate(actor, cadre, data)
    record = TaskRecord(cadre=cadre, created_by=actor)
    _apply(record, data, task, work)
    record.save()
    record.observations.set(observations)
    audit.record(
        action="assessment.taskrecord.add",
        actor=actor,
        target=record,
        after=_snapshot(record),
        detail={"cadre": cadre.pk, "version": record.version},
    )
    return record


def taskrecord_for_change(actor: Any, record_id: int) -> TaskRecord:
    """The record locked for a change, if its cadre lies in the actor's CHANGE scope."""
    record = (
        TaskRecord.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .select_related("cadre")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise OutOfScopeError()
    return record


@transaction.atomic
def taskrecord_update(
    *, actor: Any, record_id: int, expected_version: int, data: TaskRecordInput
) -> TaskRecord:
    """Edit a task record; a save based on a stale version is refused, naming who changed it.
    (Linked observations follow the record's cadre, so the editor sees every one of them.)"""
    record = taskrecord_for_change(actor, record_id)
    if record.version != expected_version:
        raise stale_version_error(
            target_type=RECORD_TYPE,
            target_id=record.pk,
            version=expected_version,
            actions=["assessment.taskrecord.update"],
            noun="知事识人记录",
        )
    before = _snapshot(record)
    task, work, observations = _validate(actor, record.cadre, data)
    _apply(record, data, task, work)
    record.version += 1
    record.save()
    record.observations.set(observations)
    old, new = audit.diff(before, _snapshot(record))
    audit.record(
        action="assessment.taskrecord.update",
        actor=actor,
        target=record,
        before=old,
        after=new,
        detail={"cadre": record.cadre_id, "version": record.version},
    )
    return record
