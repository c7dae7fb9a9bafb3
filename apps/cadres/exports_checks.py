"""Excel export of 三龄两历核查 ("cadre-checks"): the report's selector with the page's filters,
scoped to the exporting user exactly like the page; one row per finding."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres.checks import Code
from apps.cadres.selectors_checks import ChecksReport, checks_report
from apps.cadres.views.checks import FIELD_LABELS
from apps.core.exports import ExportTable, ListExport, register

HEADERS = [
    "姓名",
    "工作单位",
    "出生年月",
    "参加工作时间",
    "入党时间",
    "核查项",
    "问题说明",
    "涉及字段",
]


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _rows(report: ChecksReport) -> Iterator[list[Any]]:
    for row in report.rows:
        for issue in row.issues:
            yield [
                row.name,
                row.unit_name,
                _d(row.birth_date),
                _d(row.work_start_date),
                _d(row.party_join_date),
                Code(issue.code).label,
                issue.message,
                "、".join(FIELD_LABELS.get(f, f) for f in issue.fields),
            ]


def build(actor: Any, query: QueryDict) -> ExportTable:
    """The report's findings for `actor` with the page's filters and sort."""
    report = checks_report(actor=actor, params=query, today=timezone.localdate())
    return ExportTable(headers=HEADERS, rows=_rows(report), total=report.issue_total)


def _may_export(actor: Any) -> bool:
    """Cadre users only, as on the page (the 三员 see no cadre data)."""
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


CHECKS_EXPORT = register(
    ListExport(
        name="cadre-checks",
        title="三龄两历核查",
        target_type="cadres.cadre",
        build=build,
        may_export=_may_export,
    )
)
