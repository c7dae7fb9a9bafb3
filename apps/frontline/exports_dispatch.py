"""Excel export of the dispatch list ("frontline-dispatches"): the same scoped selector and
filters as the page, so a user exports exactly the rows they can see."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.core.exports import ExportTable, ListExport, register
from apps.frontline.models import Dispatch
from apps.frontline.selectors_dispatch import dispatch_list, group_units

HEADERS = [
    "姓名",
    "选派类型",
    "派出单位",
    "接收县（市、区）",
    "接收单位",
    "拟任职务",
    "驻村名称",
    "中心任务",
    "状态",
    "计划开始日期",
    "任期届满日期",
    "实际到岗日期",
    "实际离岗日期",
    "脱产",
    "计入基层工作经历",
    "文号",
    "期满考核等次",
]
CHUNK = 500


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _rows(dispatches: list[Dispatch]) -> Iterator[list[Any]]:
    groups = group_units({d.target_unit.pk: d.target_unit for d in dispatches}.values())
    for d in dispatches:
        yield [
            d.cadre.name,
            d.get_kind_display(),
            d.sending_unit.name,
            groups[d.target_unit.pk].name,
            d.target_unit.name,
            d.target_post,
            d.village,
            d.task.name if d.task else "",
            d.get_state_display(),
            _d(d.planned_start),
            _d(d.planned_end),
            _d(d.actual_start),
            _d(d.actual_end),
            "是" if d.full_time else "否",
            "是" if d.counts_as_grassroots else "否",
            d.document_number,
            d.get_term_grade_display() if d.term_grade else "",
        ]


def _chunks(actor: Any, query: QueryDict) -> Iterator[list[Any]]:
    queryset, _ = dispatch_list(actor=actor, params=query, today=timezone.localdate())
    batch: list[Dispatch] = []
    for dispatch in queryset.iterator(chunk_size=CHUNK):
        batch.append(dispatch)
        if len(batch) == CHUNK:
            yield from _rows(batch)
            batch = []
    yield from _rows(batch)


def build(actor: Any, query: QueryDict) -> ExportTable:
    """The list's rows for `actor` with the page's filters and sort."""
    queryset, _ = dispatch_list(actor=actor, params=query, today=timezone.localdate())
    return ExportTable(headers=HEADERS, rows=_chunks(actor, query), total=queryset.count())


DISPATCH_EXPORT = register(
    ListExport(
        name="frontline-dispatches",
        title="选派（点将）名单",
        target_type="frontline.dispatch",
        build=build,
    )
)
