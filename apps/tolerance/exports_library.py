"""Exports of the method pages and the typical-case library: the Excel lists (registered with
apps.core.exports, scoped to the actor exactly like their pages) and the printable compilation
of published typical cases (PDF through WeasyPrint)."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exports import ExportTable, ListExport, register
from apps.tolerance.forms_library import LibraryFilterForm, MethodFilterForm
from apps.tolerance.models import TypicalCase
from apps.tolerance.selectors_library import method_list, method_statuses, typical_library

BATCH = 500
TYPICAL_HEADERS = [
    "标题",
    "领域",
    "体现的“区分开来”",
    "标签",
    "编发单位",
    "发布日期",
    "基本情况",
    "容错认定",
    "启示",
]
METHOD_HEADERS = [
    "制定单位",
    "办法名称",
    "版本",
    "状态",
    "施行日期",
    "正面清单（条）",
    "负面清单（条）",
]


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _d(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return str(value.strftime("%Y-%m-%d"))


def _batches(queryset: Any) -> Iterator[list[Any]]:
    """The rows in pk batches of the queryset's order (constant memory for large lists)."""
    ids = list(queryset.values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        rows = {r.pk: r for r in queryset.model.objects.filter(pk__in=chunk).select_related("unit")}
        yield [rows[pk] for pk in chunk if pk in rows]


def typical_cells(t: TypicalCase) -> list[Any]:
    return [
        t.title,
        t.get_area_display(),
        t.get_distinction_display(),
        "、".join(t.tags or []),
        t.unit.name,
        _d(t.published_at),
        t.situation,
        t.decision,
        t.lesson,
    ]


def build_typical_cases(actor: Any, query: QueryDict) -> ExportTable:
    """The library with the page's filters: published cases only, whoever exports."""
    qs = typical_library(actor=actor, filters=LibraryFilterForm(query).filters())

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            yield from (typical_cells(t) for t in batch)

    return ExportTable(headers=TYPICAL_HEADERS, rows=rows(), total=qs.count())


def build_methods(actor: Any, query: QueryDict) -> ExportTable:
    """The method versions with the page's filters (drafts only for the pillar's holders)."""
    qs = method_list(actor=actor, filters=MethodFilterForm(query).filters())
    today = timezone.localdate()

    def rows() -> Iterator[list[Any]]:
        # Versions are few (a handful per unit): one list, statuses in one query.
        methods = list(qs)
        statuses = method_statuses(methods, today)
        for method in methods:
            yield [
                method.unit.name,
                method.title,
                method.version_label,
                statuses[method.pk],
                _d(method.effective_from),
                getattr(method, "positives", 0),
                getattr(method, "negatives", 0),
            ]

    return ExportTable(headers=METHOD_HEADERS, rows=rows(), total=qs.count())


def compilation_pdf(html: str, base_url: str | None = None) -> bytes:
    """The compilation page rendered to PDF (A4, page numbers from the page's @page CSS)."""
    # Imported here: a heavy import, needed only when a PDF is asked for.
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf


register(
    ListExport(
        name="tolerance-typical-cases",
        title="容错纠错典型案例",
        target_type="tolerance.typicalcase",
        build=build_typical_cases,
        may_export=_may_export,
    )
)
register(
    ListExport(
        name="tolerance-methods",
        title="容错纠错办法版本",
        target_type="tolerance.tolerancemethod",
        build=build_methods,
        may_export=_may_export,
    )
)
