"""Excel export of the promotion list (apps.core.exports): the page's selector, the job owner's
scope and the page's filters and sort, so the file never holds a row the page would not show."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict

from apps.accounts.models import Role
from apps.core.exports import ExportTable, ListExport, register
from apps.selection.selectors_promotions import promotion_list


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _promotions(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = promotion_list(actor=actor, params=query)

    def lines() -> Iterator[list[Any]]:
        for p in rows.iterator(chunk_size=500):
            yield [
                p.cadre.name,
                p.cadre.unit.name,
                p.get_kind_display(),
                p.get_from_tier_display() or p.get_from_rank_display(),
                f"{p.unit.name}{p.post.title}" if p.post else p.get_target_rank_display(),
                _d(p.decision_date),
                p.doc_no,
                "是" if p.frontline else "否",
                p.frontline_months,
                "是" if p.exceptional_id else "否",
                p.get_status_display(),
                _d(p.confirmed_on),
            ]

    headers = [
        "姓名",
        "单位",
        "类别",
        "原职务/职级",
        "拟任（晋升）",
        "研究决定日期",
        "文号",
        "一线经历",
        "一线经历（月）",
        "破格",
        "状态",
        "任职日期",
    ]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


register(
    ListExport(
        name="selection-promotions",
        title="干部任用记录",
        target_type="selection.promotion",
        build=_promotions,
        may_export=lambda actor: getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER),
    )
)
