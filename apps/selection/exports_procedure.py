"""Excel exports of the 任前公示 and 试用期 lists: the same scoped selectors and filters as the
pages, so a user exports exactly the rows they can see."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.core.exports import ExportTable, ListExport, register
from apps.selection import rules_procedure as rules
from apps.selection.models import Probation, Promotion, Publicity
from apps.selection.selectors_procedure import (
    probation_list,
    probation_reminder_days,
    publicity_list,
)

CHUNK = 500
PUBLICITY_HEADERS = [
    "姓名",
    "类别",
    "现任职务",
    "拟任职务",
    "破格提拔",
    "公示开始日期",
    "公示截止日期",
    "公示期（工作日）",
    "公示范围",
    "收到反映（件）",
    "公示结果",
    "办结日期",
    "任用状态",
]
PROBATION_HEADERS = [
    "姓名",
    "试任职务",
    "任职文号",
    "试用期开始",
    "试用期满",
    "状态",
    "考核日期",
    "考核结论",
]


def _d(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def proposed(promotion: Promotion) -> str:
    if promotion.post is not None:
        return f"{promotion.post.unit.name}{promotion.post.title}"
    if promotion.target_rank:
        return promotion.get_target_rank_display()
    return f"{promotion.unit.name}{promotion.get_target_tier_display()}"


def _chunked(queryset: QuerySet[Any], row: Any) -> Iterator[list[Any]]:
    for item in queryset.iterator(chunk_size=CHUNK):
        yield row(item)


def _publicity_row(p: Publicity) -> list[Any]:
    promotion = p.promotion
    return [
        promotion.cadre.name,
        promotion.get_kind_display(),
        promotion.cadre.current_post_title,
        proposed(promotion),
        "是" if promotion.exceptional_id else "否",
        _d(p.start_date),
        _d(p.end_date),
        p.working_days,
        p.scope_text,
        p.feedback_count,
        p.get_outcome_display(),
        _d(p.closed_on),
        promotion.get_status_display(),
    ]


def build_publicity(actor: Any, query: QueryDict) -> ExportTable:
    queryset, _ = publicity_list(actor=actor, params=query, today=timezone.localdate())
    return ExportTable(
        headers=PUBLICITY_HEADERS,
        rows=_chunked(queryset, _publicity_row),
        total=queryset.count(),
    )


def build_probation(actor: Any, query: QueryDict) -> ExportTable:
    today = timezone.localdate()
    days = probation_reminder_days(today)
    queryset, _ = probation_list(actor=actor, params=query, today=today)

    def row(p: Probation) -> list[Any]:
        state = rules.probation_due_state(
            end=p.end_date, outcome=p.outcome, today=today, reminder_days=days
        )
        return [
            p.promotion.cadre.name,
            proposed(p.promotion),
            p.promotion.doc_no,
            _d(p.start_date),
            _d(p.end_date),
            rules.DUE_LABELS[state],
            _d(p.assessed_on),
            p.get_outcome_display() if p.assessed_on else "",
        ]

    return ExportTable(
        headers=PROBATION_HEADERS, rows=_chunked(queryset, row), total=queryset.count()
    )


PUBLICITY_EXPORT = register(
    ListExport(
        name="selection_publicity",
        title="任前公示名单",
        target_type="selection.publicity",
        build=build_publicity,
    )
)
PROBATION_EXPORT = register(
    ListExport(
        name="selection_probation",
        title="任职试用期名单",
        target_type="selection.probation",
        build=build_probation,
    )
)
