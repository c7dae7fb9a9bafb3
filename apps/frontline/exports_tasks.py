"""Excel exports of the task list, a task's participants and the 一线干部 list, registered with
apps.core.exports; each scoped to the actor exactly like its page."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exceptions import OutOfScopeError
from apps.core.exports import ExportTable, ListExport, register
from apps.frontline.forms_tasks import ServiceFilterForm, TaskFilterForm
from apps.frontline.models import CentralTask, FrontlineService
from apps.frontline.selectors import (
    service_list,
    service_rows,
    task_get,
    task_list,
    task_participant_counts,
    task_participants,
    task_status,
)

BATCH = 500
SERVICE_HEADERS = [
    "姓名",
    "单位",
    "中心任务",
    "一线类别",
    "工作地点",
    "担任角色",
    "开始日期",
    "结束日期",
    "在一线（月）",
    "艰苦边远",
    "计入基层工作经历",
]


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _batches(queryset: Any) -> Iterator[list[Any]]:
    """The rows in pk batches of the queryset's order (constant memory for large lists)."""
    ids = list(queryset.values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        rows = {r.pk: r for r in queryset.order_by().filter(pk__in=chunk)}
        yield [rows[pk] for pk in chunk if pk in rows]


def _service_cells(services: list[FrontlineService]) -> Iterator[list[Any]]:
    today = timezone.localdate()
    for row in service_rows(services, today):
        s = row.service
        yield [
            s.cadre.name,
            s.cadre.unit.name,
            s.task.name if s.task else "",
            s.get_kind_display(),
            s.place,
            s.role,
            _d(s.start_date),
            _d(s.end_date) or "至今",
            float(row.months),
            "、".join(s.hardships),
            "是" if s.counts_as_grassroots else "否",
        ]


def build_tasks(actor: Any, query: QueryDict) -> ExportTable:
    """The task list with the page's filters and sort."""
    today = timezone.localdate()
    qs = task_list(actor=actor, filters=TaskFilterForm(query).filters(), today=today)

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            counts = task_participant_counts(actor=actor, task_ids=[t.pk for t in batch])
            for t in batch:
                yield [
                    t.name,
                    t.get_kind_display(),
                    t.lead_unit.name,
                    _d(t.start_date),
                    _d(t.end_date),
                    task_status(t, today),
                    counts.get(t.pk, 0),
                ]

    headers = ["任务名称", "任务类别", "牵头单位", "开始日期", "结束日期", "状态", "参与干部（人）"]
    return ExportTable(headers=headers, rows=rows(), total=qs.count())


def build_task_participants(actor: Any, query: QueryDict) -> ExportTable:
    """The participants of the task named by `task` in the query (scoped services only)."""
    raw = query.get("task", "")
    task: CentralTask | None = None
    if raw.isdigit():
        try:
            task = task_get(actor=actor, task_id=int(raw))
        except OutOfScopeError:
            task = None
    if task is None:
        return ExportTable(headers=SERVICE_HEADERS, rows=[], total=0)
    qs = task_participants(actor=actor, task_id=task.pk)

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            yield from _service_cells(batch)

    return ExportTable(headers=SERVICE_HEADERS, rows=rows(), total=qs.count())


def build_services(actor: Any, query: QueryDict) -> ExportTable:
    """The 一线干部 list with the page's filters and sort."""
    filters = ServiceFilterForm(query).filters()
    qs = service_list(actor=actor, filters=filters, today=timezone.localdate())

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            yield from _service_cells(batch)

    return ExportTable(headers=SERVICE_HEADERS, rows=rows(), total=qs.count())


register(
    ListExport(
        name="frontline-tasks",
        title="中心任务",
        target_type="frontline.centraltask",
        build=build_tasks,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="frontline-task-participants",
        title="中心任务参与干部",
        target_type="frontline.frontlineservice",
        build=build_task_participants,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="frontline-services",
        title="一线干部名单",
        target_type="frontline.frontlineservice",
        build=build_services,
        may_export=_may_export,
    )
)
