"""Excel exports of the sanctions area's lists, registered with apps.core.exports.

Each build calls the same selector as its page with the job owner's scope, so a file never holds
a row its page would not show: without the sanctions pillar the selectors open nothing, and the
workbook has its headers only.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exports import ExportTable, ListExport, register
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.rules_sanctions import STATUS_LABELS, sanction_status


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _d(value: date | None, empty: str = "") -> str:
    return value.strftime("%Y-%m-%d") if value else empty


def _sanctions(actor: Any, query: QueryDict) -> ExportTable:
    today = timezone.localdate()
    rows, _ = sel.sanction_list(actor=actor, params=query, today=today)

    def lines() -> Iterator[list[Any]]:
        for s in rows.iterator(chunk_size=500):
            yield [
                s.cadre.name,
                s.cadre.unit.name,
                s.get_kind_display(),
                s.get_type_display(),
                s.probation_months or "",
                _d(s.decision_date),
                _d(s.effective_date),
                s.authority,
                s.document_number,
                _d(s.influence_until, "长期"),
                STATUS_LABELS[sanction_status(s, today)],
                _d(s.revoked_on),
            ]

    headers = [
        "姓名",
        "单位",
        "类别",
        "种类",
        "留党察看期限（月）",
        "决定日期",
        "生效日期",
        "决定机关",
        "文号",
        "影响期至",
        "状态",
        "撤销/变更日期",
    ]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


def _mentor_missing(actor: Any, query: QueryDict) -> ExportTable:
    today = timezone.localdate()
    rows, _ = sel.mentor_missing(actor=actor, params=query, today=today)
    cadres = list(rows)
    periods = sel.influence_periods([c.pk for c in cadres], today)
    lines = []
    for c in cadres:
        period = periods.get(c.pk)
        start: Any = c.period_start  # type: ignore[attr-defined]
        until = _d(period.until, "长期") if period else ""
        lines.append([c.name, c.unit.name, c.current_post_title, _d(start), until])
    headers = ["姓名", "单位", "现任职务", "影响期起", "影响期至"]
    return ExportTable(headers=headers, rows=lines, total=len(lines))


def _overdue(actor: Any, query: QueryDict) -> ExportTable:
    today = timezone.localdate()
    rows, _ = sel.follow_ups_overdue(actor=actor, params=query, today=today)
    lines = [
        [
            r.cadre.name,
            r.cadre.unit.name,
            _d(r.period_start),
            r.mentor_name or "未落实",
            _d(r.last_visited_on, "尚未回访"),
            _d(r.due_on),
            r.days_overdue(today),
        ]
        for r in rows
    ]
    headers = ["姓名", "单位", "影响期起", "帮带责任人", "最近回访", "应回访日期", "逾期天数"]
    return ExportTable(headers=headers, rows=lines, total=len(lines))


def _reuse_due(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = sel.reuse_due(actor=actor, params=query, today=timezone.localdate())

    def lines() -> Iterator[list[Any]]:
        c: Any
        for c in rows.iterator(chunk_size=500):
            yield [c.name, c.unit.name, c.current_post_title, _d(c.ended_on)]

    headers = ["姓名", "单位", "现任职务", "影响期满日"]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


def _reuse(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = sel.reuse_list(actor=actor, params=query)

    def lines() -> Iterator[list[Any]]:
        for r in rows.iterator(chunk_size=500):
            appointment = r.new_appointment
            yield [
                r.cadre.name,
                r.cadre.unit.name,
                f"{_d(r.sanction.decision_date)} {r.sanction.get_type_display()}"
                if r.sanction
                else "",
                _d(r.assessed_on),
                r.assessors,
                r.get_recommendation_display(),
                f"{appointment.post.unit.name}{appointment.post.title}" if appointment else "",
                r.findings,
            ]

    headers = [
        "姓名",
        "单位",
        "相关处分",
        "考察日期",
        "考察人",
        "考察意见",
        "重新使用后任职",
        "考察情况",
    ]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


for name, title, target, build in (
    ("tolerance-sanctions", "处分与组织处理", "tolerance.sanction", _sanctions),
    ("tolerance-mentor-missing", "未落实帮带责任人", "cadres.cadre", _mentor_missing),
    ("tolerance-followups-overdue", "回访逾期", "tolerance.followup", _overdue),
    ("tolerance-reuse-due", "期满待考察评估", "cadres.cadre", _reuse_due),
    ("tolerance-reuse", "考察评估", "tolerance.reuseassessment", _reuse),
):
    register(
        ListExport(name=name, title=title, target_type=target, build=build, may_export=_may_export)
    )
