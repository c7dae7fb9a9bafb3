"""REST endpoints of the frontline pillar (/api/v1/frontline/): central tasks, frontline services
and dispatches (点将), under the same scope and audit rules as the pages.

Thin: parse → selector/service → schema. Out of scope is 404; leaders read, officers write (403
otherwise). Reads of one cadre's records (a service, a dispatch, a credit) are audited like the
cadre detail; writes are audited by the services.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from ninja import Path, Query, Router, Status

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, api_actor
from apps.cadres.schemas import MAX_ID
from apps.cadres.selectors import cadre_get
from apps.core import audit
from apps.core.api_errors import field_labels
from apps.core.exceptions import DomainError
from apps.frontline import selectors, selectors_dispatch
from apps.frontline.models import CentralTask, Dispatch, FrontlineService
from apps.frontline.services import dispatch as dispatch_services
from apps.frontline.services import records, tasks

from .schemas import (
    ApproveIn,
    AssessIn,
    CancelIn,
    CreditOut,
    DispatchIn,
    DispatchListOut,
    DispatchListParams,
    DispatchOut,
    ExtendIn,
    RecallIn,
    ReturnIn,
    ServiceIn,
    ServiceListOut,
    ServiceListParams,
    ServiceOut,
    StartIn,
    TaskIn,
    TaskListOut,
    TaskListParams,
    TaskOut,
    TaskUpdateIn,
)

router = Router(tags=["围绕中心任务"], auth=READ_AUTH)

Id = Annotated[int, Path(title="编号", ge=1, le=MAX_ID)]
LABELS: dict[str, str] = {
    **{f.name: str(f.verbose_name) for f in CentralTask._meta.fields},
    **{f.name: str(f.verbose_name) for f in FrontlineService._meta.fields},
    **{f.name: str(f.verbose_name) for f in Dispatch._meta.fields},
    "lead_unit_id": "牵头单位",
    "participating_units": "参与单位",
    "task_id": "中心任务",
    "target_unit_id": "接收单位",
    "new_planned_end": "延期后届满日期",
    "grade": "期满考核等次",
    "comment": "期满考核评语",
    "assessed_on": "期满考核日期",
    "note": "离岗说明",
    "version": "版本",
}


def _page[T](queryset: QuerySet[Any], page: int, page_size: int, row: Callable[[Any], T]) -> Any:
    start = (page - 1) * page_size
    return {
        "count": queryset.count(),
        "page": page,
        "page_size": page_size,
        "items": [row(x) for x in queryset[start : start + page_size]],
    }


def _unit(unit: Any) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name}


def _task_ref(task: CentralTask | None) -> dict[str, Any] | None:
    return None if task is None else {"id": task.pk, "name": task.name, "kind": task.kind}


# --- central tasks -------------------------------------------------------------------------


def _task_out(task: CentralTask, participants: int) -> dict[str, Any]:
    return {
        "id": task.pk,
        "name": task.name,
        "kind": task.kind,
        "kind_label": task.get_kind_display(),
        "lead_unit": _unit(task.lead_unit),
        "participating_units": [_unit(u) for u in task.participating_units.all()],
        "start_date": task.start_date,
        "end_date": task.end_date,
        "description": task.description,
        "participants": participants,
        "version": task.version,
    }


def _task_payload(actor: Any, task: CentralTask) -> dict[str, Any]:
    counts = selectors.task_participant_counts(actor=actor, task_ids=[task.pk])
    return _task_out(task, counts.get(task.pk, 0))


@router.get("/tasks", response=TaskListOut, summary="中心任务列表")
def task_list(request: HttpRequest, params: Query[TaskListParams]) -> Any:
    actor = api_actor(request)
    filters = selectors.TaskFilters(kind=params.kind or "", status=params.status, q=params.q)
    queryset = selectors.task_list(
        actor=actor, filters=filters, today=timezone.localdate()
    ).prefetch_related("participating_units")
    result = _page(queryset, params.page, params.page_size, lambda t: t)
    counts = selectors.task_participant_counts(
        actor=actor, task_ids=[t.pk for t in result["items"]]
    )
    result["items"] = [_task_out(t, counts.get(t.pk, 0)) for t in result["items"]]
    return result


@router.get("/tasks/{task_id}", response=TaskOut, summary="中心任务详情")
def task_detail(request: HttpRequest, task_id: Id) -> Any:
    actor = api_actor(request)
    return _task_payload(actor, selectors.task_get(actor=actor, task_id=task_id))


def _task_input(payload: TaskIn) -> tasks.TaskInput:
    return tasks.TaskInput(
        name=payload.name,
        kind=payload.kind,
        lead_unit_id=payload.lead_unit,
        start_date=payload.start_date,
        end_date=payload.end_date,
        description=payload.description,
        participating_unit_ids=tuple(payload.participating_units),
    )


@router.post("/tasks", response={201: TaskOut}, auth=WRITE_AUTH, summary="新增中心任务")
def task_create(request: HttpRequest, payload: TaskIn) -> Status:
    actor = api_actor(request)
    with field_labels(LABELS):
        task = tasks.task_create(actor=actor, data=_task_input(payload))
    return Status(201, _task_payload(actor, task))


@router.put("/tasks/{task_id}", response=TaskOut, auth=WRITE_AUTH, summary="修改中心任务")
def task_update(request: HttpRequest, task_id: Id, payload: TaskUpdateIn) -> Any:
    actor = api_actor(request)
    with field_labels(LABELS):
        task = tasks.task_update(
            actor=actor,
            task_id=task_id,
            expected_version=payload.version,
            data=_task_input(payload),
        )
    return _task_payload(actor, task)


# --- frontline services --------------------------------------------------------------------


def _service_out(service: FrontlineService) -> dict[str, Any]:
    return {
        "id": service.pk,
        "cadre": {"id": service.cadre_id, "name": service.cadre.name},
        "cadre_unit": _unit(service.cadre.unit),
        "task": _task_ref(service.task),
        "kind": service.kind,
        "place": service.place,
        "role": service.role,
        "start_date": service.start_date,
        "end_date": service.end_date,
        "hardships": service.hardships,
        "counts_as_grassroots": service.counts_as_grassroots,
        "from_dispatch": service.dispatch_id,
    }


def _audit_read(request: HttpRequest, action: str, target: Any, cadre_id: int) -> None:
    audit.record(action=action, actor=api_actor(request), target=target, detail={"cadre": cadre_id})


@router.get("/services", response=ServiceListOut, summary="一线经历列表（一线干部）")
def service_list(request: HttpRequest, params: Query[ServiceListParams]) -> Any:
    filters = selectors.ServiceFilters(
        task=params.task,
        kind=params.kind or "",
        hardship=params.hardship or "",
        unit=params.unit,
        serving=params.serving,
        q=params.q,
    )
    queryset = selectors.service_list(
        actor=api_actor(request), filters=filters, today=timezone.localdate()
    )
    return _page(queryset, params.page, params.page_size, _service_out)


@router.get("/services/{service_id}", response=ServiceOut, summary="一线经历详情")
def service_detail(request: HttpRequest, service_id: Id) -> Any:
    service = selectors.service_get(actor=api_actor(request), service_id=service_id)
    _audit_read(request, "frontline.service.view", service, service.cadre_id)
    return _service_out(service)


@router.post(
    "/cadres/{cadre_id}/services",
    response={201: ServiceOut},
    auth=WRITE_AUTH,
    summary="新增一线经历",
)
def service_add(request: HttpRequest, cadre_id: Id, payload: ServiceIn) -> Status:
    data = payload.model_dump()
    data["task_id"] = data.pop("task")
    data["kind"] = data["kind"] or ""
    with field_labels(LABELS):
        service = records.service_add(
            actor=api_actor(request), cadre_id=cadre_id, data=records.ServiceInput(**data)
        )
    return Status(201, _service_out(service))


@router.delete(
    "/services/{service_id}", response={204: None}, auth=WRITE_AUTH, summary="删除一线经历"
)
def service_delete(request: HttpRequest, service_id: Id) -> Status:
    """Soft delete; POST …/restore undoes it."""
    records.service_delete(actor=api_actor(request), service_id=service_id)
    return Status(204, None)


@router.post(
    "/services/{service_id}/restore",
    response=ServiceOut,
    auth=WRITE_AUTH,
    summary="恢复已删除的一线经历",
)
def service_restore(request: HttpRequest, service_id: Id) -> Any:
    return _service_out(records.service_restore(actor=api_actor(request), service_id=service_id))


@router.get("/cadres/{cadre_id}/credit", response=CreditOut, summary="干部一线经历累计")
def cadre_credit(request: HttpRequest, cadre_id: Id, on: date | None = None) -> Any:
    """Months on the frontline by `on` (default today) and whether they qualify as
    一线工作经历 under the local threshold in force that day."""
    cadre = cadre_get(actor=api_actor(request), cadre_id=cadre_id)  # scoped and audited
    day = on or timezone.localdate()
    credit = selectors.frontline_months(cadre.pk, day)
    return {
        "cadre_id": cadre.pk,
        "on": day,
        "total_days": credit.total_days,
        "total_months": credit.total_months,
        "by_kind": credit.by_kind,
        "hardship_months": credit.hardship_months,
        "grassroots_months": credit.grassroots_months,
        "threshold_months": credit.threshold,
        "qualifies": credit.qualifies,
        "qualifies_on": credit.qualifies_on,
    }


# --- dispatches ----------------------------------------------------------------------------


def _dispatch_out(d: Dispatch) -> dict[str, Any]:
    return {
        "id": d.pk,
        "cadre": {"id": d.cadre_id, "name": d.cadre.name},
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "state": d.state,
        "state_label": d.get_state_display(),
        "task": _task_ref(d.task),
        "sending_unit": _unit(d.sending_unit),
        "target_unit": _unit(d.target_unit),
        "target_post": d.target_post,
        "village": d.village,
        "full_time": d.full_time,
        "counts_as_grassroots": d.counts_as_grassroots,
        "planned_start": d.planned_start,
        "planned_end": d.planned_end,
        "actual_start": d.actual_start,
        "actual_end": d.actual_end,
        "document_number": d.document_number,
        "term_grade": d.term_grade,
        "version": d.version,
    }


@router.get("/dispatches", response=DispatchListOut, summary="选派（点将）列表")
def dispatch_list(request: HttpRequest, params: Query[DispatchListParams]) -> Any:
    """Dispatches of the actor's sending side and those received by units in their scope."""
    query = QueryDict(mutable=True)
    for key, value in params.model_dump(exclude={"page", "page_size"}).items():
        if value not in (None, "", False):
            query[key] = "1" if value is True else str(value)
    queryset, form = selectors_dispatch.dispatch_list(actor=api_actor(request), params=query)
    if form.errors:
        with field_labels({k: str(v.title) for k, v in DispatchListParams.model_fields.items()}):
            fields = {k: "；".join(str(m) for m in msgs) for k, msgs in form.errors.items()}
            raise DomainError("；".join(fields.values()), fields=fields)
    return _page(queryset, params.page, params.page_size, _dispatch_out)


@router.get("/dispatches/{dispatch_id}", response=DispatchOut, summary="选派详情")
def dispatch_detail(request: HttpRequest, dispatch_id: Id) -> Any:
    dispatch = selectors_dispatch.dispatch_get(actor=api_actor(request), dispatch_id=dispatch_id)
    _audit_read(request, "frontline.dispatch.view", dispatch, dispatch.cadre_id)
    return _dispatch_out(dispatch)


@router.post("/dispatches", response={201: DispatchOut}, auth=WRITE_AUTH, summary="拟选派（点将）")
def dispatch_create(request: HttpRequest, payload: DispatchIn) -> Status:
    data = payload.model_dump()
    with field_labels(LABELS):
        dispatch = dispatch_services.dispatch_create(
            actor=api_actor(request),
            cadre_id=data.pop("cadre"),
            target_unit_id=data.pop("target_unit"),
            task_id=data.pop("task"),
            **data,
        )
    return Status(201, _dispatch_out(dispatch))


def _transition(
    request: HttpRequest, dispatch_id: int, service: Callable[..., Dispatch], payload: Any
) -> dict[str, Any]:
    data = payload.model_dump()
    version = data.pop("version")
    with field_labels(LABELS):
        dispatch = service(
            actor=api_actor(request), dispatch_id=dispatch_id, expected_version=version, **data
        )
    return _dispatch_out(dispatch)


@router.post(
    "/dispatches/{dispatch_id}/approve", response=DispatchOut, auth=WRITE_AUTH, summary="审批"
)
def dispatch_approve(request: HttpRequest, dispatch_id: Id, payload: ApproveIn) -> Any:
    """`version` must be the one read; a concurrent approval answers 409 naming who won."""
    return _transition(request, dispatch_id, dispatch_services.dispatch_approve, payload)


@router.post(
    "/dispatches/{dispatch_id}/start", response=DispatchOut, auth=WRITE_AUTH, summary="到岗"
)
def dispatch_start(request: HttpRequest, dispatch_id: Id, payload: StartIn) -> Any:
    """In post; the cadre's frontline service starts automatically."""
    return _transition(request, dispatch_id, dispatch_services.dispatch_start, payload)


@router.post(
    "/dispatches/{dispatch_id}/extend", response=DispatchOut, auth=WRITE_AUTH, summary="延期"
)
def dispatch_extend(request: HttpRequest, dispatch_id: Id, payload: ExtendIn) -> Any:
    return _transition(request, dispatch_id, dispatch_services.dispatch_extend, payload)


@router.post(
    "/dispatches/{dispatch_id}/return", response=DispatchOut, auth=WRITE_AUTH, summary="期满返回"
)
def dispatch_return(request: HttpRequest, dispatch_id: Id, payload: ReturnIn) -> Any:
    return _transition(request, dispatch_id, dispatch_services.dispatch_return, payload)


@router.post(
    "/dispatches/{dispatch_id}/recall", response=DispatchOut, auth=WRITE_AUTH, summary="召回"
)
def dispatch_recall(request: HttpRequest, dispatch_id: Id, payload: RecallIn) -> Any:
    return _transition(request, dispatch_id, dispatch_services.dispatch_recall, payload)


@router.post(
    "/dispatches/{dispatch_id}/cancel", response=DispatchOut, auth=WRITE_AUTH, summary="撤销"
)
def dispatch_cancel(request: HttpRequest, dispatch_id: Id, payload: CancelIn) -> Any:
    return _transition(request, dispatch_id, dispatch_services.dispatch_cancel, payload)


@router.post(
    "/dispatches/{dispatch_id}/assess", response=DispatchOut, auth=WRITE_AUTH, summary="期满考核"
)
def dispatch_assess(request: HttpRequest, dispatch_id: Id, payload: AssessIn) -> Any:
    return _transition(request, dispatch_id, dispatch_services.dispatch_assess, payload)
