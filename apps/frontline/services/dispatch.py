"""Writes of the dispatch (点将) workflow: create, then one audited service per transition.

Every transition locks the row (select_for_update), compares the version the user saw
(StaleVersionError naming who changed it and to what state), checks the state machine
(rules_dispatch.ALLOWED) and records the audit event in the same transaction. Only the sending
side changes a dispatch: `Dispatch.objects.visible_to(actor, Action.CHANGE)`.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.rulesets import param
from apps.core.scope import Action, assert_in_scope, paths_cover, rules_for
from apps.frontline import rules_dispatch as rules
from apps.frontline.constants import DispatchKind, DispatchState, TaskKind
from apps.frontline.models import CentralTask, Dispatch, FrontlineService
from apps.frontline.params import FIRST_SECRETARY_TERM_MONTHS
from apps.units.models import Unit

AUDIT_TYPE = "frontline.dispatch"
AUDIT_PREFIX = "frontline.dispatch."
VERBS = {"create": "新增", **rules.ACTION_LABELS}
_NOT_AUDITED = ("created_at", "updated_at")


def _raise(problems: Iterable[rules.Problem]) -> None:
    found = list(problems)
    if found:
        raise DomainError(
            "；".join(p.message for p in found),
            code="invalid_dispatch",
            fields={p.field: p.message for p in found},
        )


def _required(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请填写{label}", code="required", fields={field: f"请填写{label}"})
    return text


def _snapshot(dispatch: Dispatch) -> dict[str, Any]:
    data = audit.snapshot(dispatch)
    for key in _NOT_AUDITED:
        data.pop(key, None)
    return data


def _locked(actor: Any, dispatch_id: int) -> Dispatch:
    """The dispatch locked for a transition, if the actor is on its sending side."""
    dispatch = (
        Dispatch.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=dispatch_id)
        .first()
    )
    if dispatch is None:
        raise OutOfScopeError()
    return dispatch


def _changes_since(dispatch_id: int, version: int) -> dict[str, tuple[Any, Any]]:
    """Field → (old, new) over the audited changes made after `version`."""
    changes: dict[str, tuple[Any, Any]] = {}
    events = AuditEvent.objects.filter(
        target_type=AUDIT_TYPE, target_id=str(dispatch_id), action__startswith=AUDIT_PREFIX
    ).order_by("id")
    for event in events:
        if (event.detail or {}).get("version", 0) <= version:
            continue
        for key, new in (event.after or {}).items():
            old = changes[key][0] if key in changes else (event.before or {}).get(key)
            changes[key] = (old, new)
    changes.pop("version", None)
    return changes


def _check_version(dispatch: Dispatch, expected_version: int) -> None:
    """Refuse a transition based on a page the user loaded before someone else acted."""
    if dispatch.version == expected_version:
        return
    event = (
        AuditEvent.objects.filter(
            target_type=AUDIT_TYPE, target_id=str(dispatch.pk), action__startswith=AUDIT_PREFIX
        )
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    state = dispatch.get_state_display()
    if event is None:
        message = f"该选派已被他人修改，当前状态：{state}"
    else:
        who = getattr(event.actor, "display_name", "") or event.actor_name or "他人"
        verb = VERBS.get(event.action.removeprefix(AUDIT_PREFIX), "修改")
        at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        message = f"该选派已由 {who} 于 {at} {verb}，当前状态：{state}"
    raise StaleVersionError(message, changes=_changes_since(dispatch.pk, expected_version))


def _begin(
    actor: Any, dispatch_id: int, expected_version: int, action: str
) -> tuple[Dispatch, dict[str, Any], str]:
    """Lock, check the version and the state machine: (dispatch, snapshot before, new state)."""
    dispatch = _locked(actor, dispatch_id)
    _check_version(dispatch, expected_version)
    new_state = rules.next_state(dispatch.state, action)
    return dispatch, _snapshot(dispatch), new_state


def _finish(
    actor: Any,
    dispatch: Dispatch,
    before: dict[str, Any],
    action: str,
    detail: dict[str, Any] | None = None,
) -> Dispatch:
    """Bump the version, save, re-check the scope and audit the change."""
    dispatch.version += 1
    dispatch.full_clean()
    dispatch.save()
    assert_in_scope(Dispatch.objects.all(), dispatch.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, _snapshot(dispatch))
    audit.record(
        action=AUDIT_PREFIX + action,
        actor=actor,
        target=dispatch,
        before=old,
        after=new,
        detail={"version": dispatch.version, **(detail or {})},
    )
    return dispatch


def _dispatch_label(dispatch: Dispatch) -> str:
    return f"{dispatch.get_kind_display()}·{dispatch.target_unit.name}{dispatch.village}"


def _check_overlap(
    *, cadre_id: int, start: date, end: date, full_time: bool, exclude_pk: int | None = None
) -> None:
    """One full-time dispatch at a time (rules_dispatch.find_overlap).

    Deliberately unscoped: the rule concerns every dispatch of the cadre, also those another
    sending side recorded; the cadre is in the actor's scope, so naming the clash reveals
    nothing about anyone else."""
    if not full_time:
        return
    others = (
        Dispatch.objects.filter(cadre_id=cadre_id, full_time=True)
        .exclude(state=DispatchState.CANCELLED)
        .select_related("target_unit")
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    held = [
        rules.HeldDispatch(
            pk=o.pk,
            state=o.state,
            full_time=o.full_time,
            planned_start=o.planned_start,
            planned_end=o.planned_end,
            actual_start=o.actual_start,
            actual_end=o.actual_end,
            label=_dispatch_label(o),
        )
        for o in others
    ]
    clash = rules.find_overlap(start=start, end=end, full_time=full_time, others=held)
    if clash is not None:
        message = (
            f"该干部已有全职选派：{clash.label}（{clash.start:%Y-%m-%d}至{clash.end:%Y-%m-%d}），"
            "不能同时选派"
        )
        raise DomainError(message, code="dispatch_overlap", fields={"planned_start": message})


def _target_unit(actor: Any, target_unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=target_unit_id, is_active=True).first()
    paths = [r.path for r in rules_for(actor, Action.CHANGE)]
    if unit is None or not paths_cover(paths, unit.path):
        message = "接收单位不在您的管理范围内"
        raise DomainError(message, code="target_out_of_scope", fields={"target_unit": message})
    return unit


def _task(actor: Any, task_id: int | None) -> CentralTask | None:
    if task_id is None:
        return None
    task = CentralTask.objects.visible_to(actor).filter(pk=task_id).first()
    if task is None:
        raise DomainError("中心任务不存在", code="unknown_task", fields={"task": "中心任务不存在"})
    return task


@transaction.atomic
def dispatch_create(
    *,
    actor: Any,
    cadre_id: int,
    kind: str,
    target_unit_id: int,
    target_post: str,
    village: str,
    task_id: int | None,
    planned_start: date,
    planned_end: date,
    full_time: bool,
    counts_as_grassroots: bool,
    reason: str,
) -> Dispatch:
    """拟选派: name a cadre of the actor's scope for a post in a unit of the actor's scope."""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))  # serialises two dispatches of one cadre (overlap rule)
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    if kind not in DispatchKind.values:
        raise DomainError("请选择选派类型", code="invalid_kind", fields={"kind": "请选择选派类型"})
    unit = _target_unit(actor, target_unit_id)
    task = _task(actor, task_id)
    post = _required(target_post, "target_post", "拟任职务")
    months = int(param(FIRST_SECRETARY_TERM_MONTHS.key, planned_start))
    _raise(rules.check_term(kind=kind, start=planned_start, end=planned_end, minimum_months=months))
    _check_overlap(cadre_id=cadre.pk, start=planned_start, end=planned_end, full_time=full_time)
    dispatch = Dispatch(
        cadre=cadre,
        kind=kind,
        task=task,
        sending_unit=cadre.unit,
        target_unit=unit,
        target_post=post,
        village=(village or "").strip(),
        full_time=full_time,
        counts_as_grassroots=counts_as_grassroots,
        planned_start=planned_start,
        planned_end=planned_end,
        reason=(reason or "").strip(),
        created_by=actor,
    )
    dispatch.full_clean()
    dispatch.save()
    assert_in_scope(Dispatch.objects.all(), dispatch.pk, actor, Action.CHANGE)
    audit.record(
        action=AUDIT_PREFIX + "create",
        actor=actor,
        target=dispatch,
        after=_snapshot(dispatch),
        detail={"version": dispatch.version, "term_months": months},
    )
    return dispatch


@transaction.atomic
def dispatch_approve(
    *, actor: Any, dispatch_id: int, expected_version: int, document_number: str
) -> Dispatch:
    """审批: the organization department approves the dispatch under a document number."""
    dispatch, before, new_state = _begin(actor, dispatch_id, expected_version, "approve")
    dispatch.document_number = _required(document_number, "document_number", "批准文号")
    dispatch.state = new_state
    dispatch.approved_by = actor
    dispatch.approved_at = timezone.now()
    return _finish(actor, dispatch, before, "approve")


def _service_kind(dispatch: Dispatch) -> str:
    """The frontline category of the service a dispatch starts: the task's kind when there is a
    task; else 驻村 (first secretary, work team) is 脱贫攻坚/乡村振兴 work, and 挂职/任职 without a
    task defaults to 重点项目建设 — the officer corrects it on the service if it was otherwise."""
    if dispatch.task is not None:
        return dispatch.task.kind
    if dispatch.kind in rules.MINIMUM_TERM_KINDS:
        return TaskKind.POVERTY
    return TaskKind.KEY_PROJECT


@transaction.atomic
def dispatch_start(
    *,
    actor: Any,
    dispatch_id: int,
    expected_version: int,
    actual_start: date,
    today: date | None = None,
) -> Dispatch:
    """到岗: the cadre takes up the post; their 一线经历 record starts with it."""
    dispatch, before, new_state = _begin(actor, dispatch_id, expected_version, "start")
    _raise(
        rules.check_actual_start(
            actual_start=actual_start,
            planned_start=dispatch.planned_start,
            today=today or timezone.localdate(),
        )
    )
    _check_overlap(
        cadre_id=dispatch.cadre_id,
        start=actual_start,
        end=dispatch.planned_end,
        full_time=dispatch.full_time,
        exclude_pk=dispatch.pk,
    )
    dispatch.actual_start = actual_start
    dispatch.state = new_state
    target = dispatch.target_unit
    service = FrontlineService.objects.create(
        cadre_id=dispatch.cadre_id,
        task=dispatch.task,
        kind=_service_kind(dispatch),
        place=f"{target.name}{dispatch.village}"[:100],
        place_unit=target,
        role=dispatch.target_post,
        start_date=actual_start,
        counts_as_grassroots=dispatch.counts_as_grassroots,
        dispatch=dispatch,
        created_by=actor,
    )
    audit.record(
        action="frontline.service.create",
        actor=actor,
        target=service,
        after=audit.snapshot(service),
        detail={"dispatch": dispatch.pk},
    )
    return _finish(actor, dispatch, before, "start", {"frontline_service": service.pk})


@transaction.atomic
def dispatch_extend(
    *,
    actor: Any,
    dispatch_id: int,
    expected_version: int,
    new_planned_end: date,
    reason: str,
) -> Dispatch:
    """延期: the term is prolonged (again, if need be)."""
    dispatch, before, new_state = _begin(actor, dispatch_id, expected_version, "extend")
    why = _required(reason, "reason", "延期理由")
    _raise(rules.check_extension(new_planned_end=new_planned_end, planned_end=dispatch.planned_end))
    _check_overlap(
        cadre_id=dispatch.cadre_id,
        start=dispatch.actual_start or dispatch.planned_start,
        end=new_planned_end,
        full_time=dispatch.full_time,
        exclude_pk=dispatch.pk,
    )
    dispatch.planned_end = new_planned_end
    dispatch.extension_reason = why
    dispatch.state = new_state
    return _finish(actor, dispatch, before, "extend", {"reason": why})


def _close(
    actor: Any,
    dispatch_id: int,
    expected_version: int,
    action: str,
    actual_end: date,
    note: str,
    today: date | None,
) -> Dispatch:
    """Return or recall: the cadre leaves the post; the 一线经历 record ends the same day."""
    dispatch, before, new_state = _begin(actor, dispatch_id, expected_version, action)
    note = (note or "").strip()
    if action == "recall":
        note = _required(note, "reason", "召回理由")
    _raise(
        rules.check_actual_end(
            actual_end=actual_end,
            actual_start=dispatch.actual_start,
            today=today or timezone.localdate(),
        )
    )
    dispatch.actual_end = actual_end
    dispatch.end_note = note
    dispatch.state = new_state
    # By the dispatch, not the cadre's scope: the cadre may have moved since the dispatch began.
    service = FrontlineService.objects.filter(dispatch=dispatch).first()
    if service is not None:
        service_before = audit.snapshot(service, ["end_date"])
        service.end_date = actual_end
        service.save(update_fields=["end_date", "updated_at"])
        audit.record(
            action="frontline.service.update",
            actor=actor,
            target=service,
            before=service_before,
            after=audit.snapshot(service, ["end_date"]),
            detail={"dispatch": dispatch.pk},
        )
    return _finish(actor, dispatch, before, action, {"reason": note} if note else None)


@transaction.atomic
def dispatch_return(
    *,
    actor: Any,
    dispatch_id: int,
    expected_version: int,
    actual_end: date,
    note: str = "",
    today: date | None = None,
) -> Dispatch:
    """期满返回: the term ends and the cadre returns to the sending unit."""
    return _close(actor, dispatch_id, expected_version, "return", actual_end, note, today)


@transaction.atomic
def dispatch_recall(
    *,
    actor: Any,
    dispatch_id: int,
    expected_version: int,
    actual_end: date,
    reason: str,
    today: date | None = None,
) -> Dispatch:
    """召回: the organization department calls the cadre back before the term ends."""
    return _close(actor, dispatch_id, expected_version, "recall", actual_end, reason, today)


@transaction.atomic
def dispatch_cancel(
    *, actor: Any, dispatch_id: int, expected_version: int, reason: str
) -> Dispatch:
    """撤销: a planned or approved dispatch does not go ahead (the reason is audited)."""
    dispatch, before, new_state = _begin(actor, dispatch_id, expected_version, "cancel")
    why = _required(reason, "reason", "撤销理由")
    dispatch.state = new_state
    return _finish(actor, dispatch, before, "cancel", {"reason": why})


@transaction.atomic
def dispatch_assess(
    *,
    actor: Any,
    dispatch_id: int,
    expected_version: int,
    grade: str,
    comment: str,
    assessed_on: date,
    today: date | None = None,
) -> Dispatch:
    """期满考核: the term-end assessment (in post, extended, or after returning)."""
    dispatch, before, new_state = _begin(actor, dispatch_id, expected_version, "assess")
    _raise(
        rules.check_assessment(
            grade=grade,
            assessed_on=assessed_on,
            actual_start=dispatch.actual_start,
            today=today or timezone.localdate(),
        )
    )
    dispatch.term_grade = grade
    dispatch.term_comment = (comment or "").strip()
    dispatch.term_assessed_on = assessed_on
    dispatch.state = new_state
    return _finish(actor, dispatch, before, "assess")
