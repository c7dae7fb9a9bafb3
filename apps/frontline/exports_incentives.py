"""Excel exports of the incentive and memorial lists, registered with apps.core.exports.

Each build calls the same selector as its page, with the job owner's scope and the page's
filters and sort, so a file never holds a row its page would not show.
"""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exports import ExportTable, ListExport, register
from apps.frontline import selectors_care as care


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _grants(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = care.grant_list(actor=actor, params=query)

    def lines() -> Iterator[list[Any]]:
        for g in rows.iterator(chunk_size=500):
            yield [
                g.cadre.name,
                g.cadre.unit.name,
                g.measure.get_category_display(),
                g.measure.item,
                g.measure.unit.name,
                _d(g.granted_on),
                g.reason,
                g.document_number,
                f"{g.service.place}（{_d(g.service.start_date)}起）" if g.service else "",
            ]

    headers = [
        "姓名",
        "单位",
        "类别",
        "激励措施",
        "制定单位",
        "落实日期",
        "事由",
        "文号",
        "相关一线经历",
    ]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


def _ungranted(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = care.ungranted_list(actor=actor, params=query, today=timezone.localdate())

    def lines() -> Iterator[list[Any]]:
        c: Any
        for c in rows.iterator(chunk_size=500):
            yield [
                c.name,
                c.unit.name,
                c.get_managed_by_display(),
                c.latest_task or "",
                c.latest_place,
                _d(c.latest_start),
                _d(c.latest_end) or "至今",
                c.service_count,
                care.service_months(c.service_days, c.service_count),
            ]

    headers = [
        "姓名",
        "单位",
        "管理权限",
        "最近中心任务",
        "最近工作地点",
        "开始日期",
        "结束日期",
        "一线经历段数",
        "累计月数",
    ]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


def _memorials(actor: Any, query: QueryDict, *, overdue: bool) -> ExportTable:
    rows, _ = care.memorial_list(
        actor=actor, params=query, today=timezone.localdate(), overdue_only=overdue
    )
    headers = [
        "姓名",
        "单位",
        "牺牲日期",
        "中心任务",
        "地点",
        "追授荣誉",
        "家属联系人",
        "最近走访",
        "下次走访",
        "逾期天数",
    ]
    lines = [
        [
            r.sacrifice.cadre.name,
            r.sacrifice.cadre.unit.name,
            _d(r.sacrifice.died_on),
            r.sacrifice.task.name if r.sacrifice.task else "",
            r.sacrifice.place,
            r.sacrifice.honours,
            r.sacrifice.family_contact,
            _d(r.last_visited_on) or "尚未走访",
            _d(r.due_on),
            r.days_overdue,
        ]
        for r in rows
    ]
    return ExportTable(headers=headers, rows=lines, total=len(lines))


register(
    ListExport(
        name="frontline-grants",
        title="激励措施落实情况",
        target_type="frontline.incentivegrant",
        build=_grants,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="frontline-ungranted",
        title="未落实激励的一线干部",
        target_type="cadres.cadre",
        build=_ungranted,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="frontline-memorials",
        title="牺牲干部纪念",
        target_type="frontline.sacrifice",
        build=lambda actor, query: _memorials(actor, query, overdue=False),
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="frontline-care-overdue",
        title="家属关怀逾期",
        target_type="frontline.sacrifice",
        build=lambda actor, query: _memorials(actor, query, overdue=True),
        may_export=_may_export,
    )
)
