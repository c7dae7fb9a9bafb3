"""Excel exports of the case, overdue-correction and clarification lists (apps.core.exports).

Each build calls the same selector as its page with the job owner's scope (which needs the
tolerance pillar) and the page's filters and sort, so a file never holds a row its page would
not show: a user without the pillar gets an empty sheet.
"""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exports import ExportTable, ListExport, register
from apps.tolerance import selectors_cases as selectors


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _cases(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = selectors.case_list(actor=actor, params=query)

    def lines() -> Iterator[list[Any]]:
        for c in rows.iterator(chunk_size=500):
            yield [
                c.cadre.name,
                c.cadre.unit.name,
                c.unit.name,
                c.get_area_display(),
                c.get_applicant_display(),
                c.applicant_name,
                _d(c.applied_on),
                _d(c.notified_on),
                c.matter,
                c.get_stage_display(),
                c.get_outcome_display() if c.outcome else "",
                _d(c.concluded_on),
                _d(c.closed_on),
            ]

    headers = [
        "姓名",
        "现单位",
        "申请时所在单位",
        "领域",
        "申请人",
        "申请人姓名/单位",
        "申请日期",
        "问责（调查）告知日期",
        "失误错误情况",
        "办理阶段",
        "结论",
        "结论日期",
        "办结日期",
    ]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


def _overdue(actor: Any, query: QueryDict) -> ExportTable:
    today = timezone.localdate()
    rows, _ = selectors.overdue_corrections(actor=actor, params=query, today=today)

    def lines() -> Iterator[list[Any]]:
        for c in rows.iterator(chunk_size=500):
            yield [
                c.case.cadre.name,
                c.case.cadre.unit.name,
                c.measure,
                c.owner,
                _d(c.due_on),
                (today - c.due_on).days,
                _d(c.case.concluded_on),
            ]

    headers = ["姓名", "单位", "纠错措施", "责任人/责任单位", "完成时限", "逾期天数", "结论日期"]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


def _clarifications(actor: Any, query: QueryDict) -> ExportTable:
    rows, _ = selectors.clarification_list(actor=actor, params=query)

    def lines() -> Iterator[list[Any]]:
        for r in rows.iterator(chunk_size=500):
            yield [
                r.cadre.name,
                r.cadre.unit.name,
                r.accusation,
                r.finding,
                r.get_scope_display(),
                _d(r.clarified_on),
                r.authority,
            ]

    headers = ["姓名", "单位", "被反映问题", "核查结论", "澄清范围", "澄清日期", "澄清单位"]
    return ExportTable(headers=headers, rows=lines(), total=rows.count())


register(
    ListExport(
        name="tolerance-cases",
        title="容错纠错案件",
        target_type="tolerance.tolerancecase",
        build=_cases,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="tolerance-corrections-overdue",
        title="逾期未完成的纠错措施",
        target_type="tolerance.correction",
        build=_overdue,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="tolerance-clarifications",
        title="澄清正名",
        target_type="tolerance.clarification",
        build=_clarifications,
        may_export=_may_export,
    )
)
