"""Excel exports of the 职级晋升 pages: the year's list ("selection_rank_due", the same scoped
selector and filters as the page) and the rank headcount caps in force with their use
("selection_rank_quota")."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.core.exports import ExportTable, ListExport, register
from apps.selection.selectors_rank import (
    DueRow,
    QuotaUsage,
    rank_due_list,
    rank_quota_usage,
    ranks_text,
)

DUE_HEADERS = [
    "姓名",
    "单位",
    "现任职务",
    "现职级",
    "职务层次",
    "拟晋升职级",
    "晋升来源",
    "任现职级（职务）时间",
    "须任职年限",
    "优秀年度",
    "不计算年限的年度",
    "满足资格时间",
    "不得晋升情形",
    "期内解除的情形",
    "职数余量",
]
QUOTA_HEADERS = [
    "适用范围",
    "名称",
    "限额职级",
    "基数职级",
    "最高占比（%）",
    "生效日期",
    "基数（人）",
    "最多（人）",
    "已有（人）",
    "占比（%）",
    "余量（人）",
    "是否超出",
    "依据",
]


def _d(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _due_rows(rows: list[DueRow]) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r.name,
            r.unit_name,
            r.post_title,
            r.rank_label,
            r.tier_label,
            r.target_label,
            r.source_label,
            _d(r.tenure.start),
            r.wait_text,
            r.excellent_text,
            r.uncounted_text,
            "已满足" if r.already else _d(r.eligible_from),
            "；".join(r.blockers),
            "；".join(r.notes),
            r.quota_text,
        ]


def build_due(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = rank_due_list(actor=actor, params=query, today=timezone.localdate())
    return ExportTable(headers=DUE_HEADERS, rows=_due_rows(rows), total=len(rows))


def _quota_rows(usage: list[QuotaUsage]) -> Iterator[list[Any]]:
    for u in usage:
        q = u.quota
        yield [
            q.unit.name,
            q.label,
            ranks_text(q.ranks),
            ranks_text(q.base_ranks),
            float(q.max_percent),
            _d(q.effective_from),
            u.base,
            u.allowed,
            u.used,
            float(u.share),
            u.headroom,
            "是" if u.over else "否",
            q.source,
        ]


def build_quota(actor: Any, query: QueryDict) -> ExportTable:
    """The caps in force on `on` (default today) visible to the actor, with today's headcount."""
    try:
        on = date.fromisoformat(query.get("on") or "")
    except ValueError:
        on = timezone.localdate()
    usage = rank_quota_usage(actor=actor, on=on)
    return ExportTable(headers=QUOTA_HEADERS, rows=_quota_rows(usage), total=len(usage))


RANK_DUE_EXPORT = register(
    ListExport(
        name="selection_rank_due",
        title="职级晋升人选名单",
        target_type="cadres.cadre",
        build=build_due,
    )
)
RANK_QUOTA_EXPORT = register(
    ListExport(
        name="selection_rank_quota",
        title="职级职数比例使用情况",
        target_type="selection.rankquota",
        build=build_quota,
    )
)
