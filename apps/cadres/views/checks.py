"""三龄两历核查: the report over the user's scope (filters, sort, pages, htmx partial refresh) and
the presentation of findings shared with the record's tab (fields involved, where to fix)."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.cadres.checks import MAX_GAP_DAYS, Code, Inconsistency
from apps.cadres.selectors_checks import CheckedCadre, checks_report
from apps.core.htmx import is_htmx_partial
from apps.core.paging import PAGE_SIZES, page_size_of, query_without

from .common import require_cadre_user
from .filter_form import unit_choices

FIELD_LABELS = {
    "birth_date": "出生年月",
    "work_start_date": "参加工作时间",
    "party_join_date": "入党时间",
    "highest_education": "最高学历",
    "education": "学历学位",
    "resume": "简历",
    "appointment": "任职经历",
}
BASIC_FIELDS = ("birth_date", "work_start_date", "party_join_date")
PART_OF_FIELD = {
    "education": "education",
    "highest_education": "education",
    "resume": "resume",
    "appointment": "appointment",
}


@dataclass(frozen=True)
class Finding:
    """An inconsistency as shown: label, message, fields involved and where to fix it."""

    code: str
    label: str
    message: str
    fields: list[str]
    links: list[tuple[str, str]]  # (text, url) for officers: the edit form or the part's add form
    tabs: list[tuple[str, str]]  # (tab key, tab label) on the cadre page


def finding(issue: Inconsistency, cadre_pk: int, *, officer: bool) -> Finding:
    """Where an inconsistency is fixed: the basic-information form for the record's dates, the
    part's tab (and its add form: parts are corrected by adding the missing line) for parts."""
    links: list[tuple[str, str]] = []
    tabs: list[tuple[str, str]] = []
    for name in issue.fields:
        if name in BASIC_FIELDS:
            link = ("修改基本信息", reverse("cadres:cadre_edit", args=[cadre_pk]))
            tab = ("basic", "基本信息")
        else:
            part = PART_OF_FIELD[name]
            link = (
                f"新增{FIELD_LABELS[part]}",
                reverse("cadres:cadre_part_add", args=[cadre_pk, part]),
            )
            tab = (part, FIELD_LABELS[part])
        if officer and link not in links:
            links.append(link)
        if tab not in tabs:
            tabs.append(tab)
    return Finding(
        code=issue.code,
        label=Code(issue.code).label,
        message=issue.message,
        fields=[FIELD_LABELS.get(f, f) for f in issue.fields],
        links=links,
        tabs=tabs,
    )


def _row(row: CheckedCadre, *, officer: bool) -> dict[str, Any]:
    return {
        "cadre": row,
        "url": reverse("cadres:cadre_detail", args=[row.pk]),
        "findings": [finding(i, row.pk, officer=officer) for i in row.issues],
    }


def _options(actor: Any, params: Any) -> dict[str, list[tuple[str, str, bool]]]:
    """Selects of the filter form as (escaped value, escaped label, selected) tuples."""
    unit, code = params.get("unit", ""), params.get("code", "")
    return {
        "unit": [(pk, name, pk == unit) for pk, name in unit_choices(actor, unit)],
        "code": [(value, escape(label), value == code) for value, label in Code.choices],
    }


def checks_report_view(request: HttpRequest) -> HttpResponse:
    """三龄两历核查 over the user's scope: counts per rule, the cadres with findings, pages."""
    actor = require_cadre_user(request)
    report = checks_report(actor=actor, params=request.GET, today=timezone.localdate())
    page = Paginator(report.rows, page_size_of(request)).get_page(request.GET.get("page"))
    officer = actor.role == Role.OFFICER
    context = {
        "report": report,
        "page": page,
        "rows": [_row(r, officer=officer) for r in page.object_list],
        "options": {} if is_htmx_partial(request) else _options(actor, request.GET),
        "max_gap_days": MAX_GAP_DAYS,
        "sort": report.sort,
        "page_sizes": PAGE_SIZES,
        "base_query": query_without(request, "page", "sort"),
        "code_query": query_without(request, "page", "code"),
        "page_query": query_without(request, "page"),
        "export_query": query_without(request, "page", "page_size"),
        "breadcrumbs": [("干部名册", reverse("cadres:cadre_list")), ("三龄两历核查", None)],
    }
    partial = is_htmx_partial(request)
    template = "cadres/_checks_results.html" if partial else "cadres/checks_report.html"
    return render(request, template, context)
