"""年度考核 pages: the overview (units × year), a unit's grid with the live 优秀 counter, submit and
reopen, the consequence flags, the award proposals and the grade-distribution chart."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.assessment import rules
from apps.assessment import selectors_annual as selectors
from apps.assessment.constants import AnnualGrade, SheetStatus
from apps.assessment.forms_annual import (
    ANNUAL_CHOICES,
    ChartFilterForm,
    DecisionForm,
    FlagDoneForm,
    OverviewFilterForm,
    ReopenForm,
    annual_rows,
    default_year,
)
from apps.assessment.models import AnnualSheet
from apps.assessment.services import annual as services
from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context
from apps.core.paging import PAGE_SIZES, page_size_of, query_without

NOT_FOUND = "记录不存在或不在您的数据范围内"


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("考核评价", None), ("年度考核", reverse("assessment:annual_overview")), *extra]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- overview and opening a sheet -------------------------------------------------------------


def annual_overview_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = OverviewFilterForm(request.GET)
    year = form.chosen_year()
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    rows = selectors.annual_overview(actor=actor, year=year, q=q)
    context = {
        "form": form,
        "year": year,
        "page": Paginator(rows, page_size_of(request)).get_page(request.GET.get("page")),
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "export_query": f"year={year}",
        "is_officer": is_officer(actor),
        "breadcrumbs": [("考核评价", None), ("年度考核", None)],
    }
    template = "_annual_overview_results" if is_htmx_partial(request) else "annual_overview"
    return render(request, f"assessment/{template}.html", context)


@require_POST
def annual_open_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    unit_id, year = _int(request.POST.get("unit")), _int(request.POST.get("year"))
    if unit_id is None or year is None:
        raise Http404(NOT_FOUND)
    try:
        sheet = services.sheet_open(actor=actor, unit_id=unit_id, year=year)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("assessment:annual_overview") + f"?year={year}")
    return redirect("assessment:annual_grid", sheet_id=sheet.pk)


# --- the grid ----------------------------------------------------------------------------------


def _sheet_or_404(request: HttpRequest, sheet_id: int) -> AnnualSheet:
    try:
        return selectors.sheet_get(actor=request.user, sheet_id=sheet_id)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


def _grid_context(
    request: HttpRequest,
    sheet: AnnualSheet,
    posted: Any = None,
    grade: str = "",
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    actor: Any = request.user
    grid = selectors.annual_grid(actor=actor, sheet=sheet, grade=grade)
    rows = []
    for r in grid.rows:
        a = r.assessment
        values = {"grade": a.grade, "comment": a.comment}
        if posted is not None and f"grade-{a.pk}" in posted:
            values = {k: posted.get(f"{k}-{a.pk}", "") for k in ("grade", "comment")}
        rows.append({"row": r, "values": values, "error": (errors or {}).get(f"row-{a.pk}", "")})
    editable = grid.editable and is_officer(actor)
    return {
        "sheet": sheet,
        "grid": grid,
        "rows": rows,
        "editable": editable,
        "grade_filter": AnnualGrade(grade).label if grade in AnnualGrade.values else "",
        "can_reopen": is_officer(actor)
        and grid.can_change
        and sheet.status == SheetStatus.SUBMITTED,
        "choices": ANNUAL_CHOICES,
        "counter": {
            "quota": grid.quota,
            "hidden": grid.hidden_excellent,
            "excellent": rules.EXCELLENT,
        },
        "problems": services.submit_problems(sheet, check_caps=False) if editable else [],
        "reopen_form": ReopenForm(initial={"version": sheet.version}),
        "export_query": f"sheet={sheet.pk}",
        "breadcrumbs": _crumbs((f"{sheet.unit.name} {sheet.year}年度", None)),
    }


def annual_grid_view(request: HttpRequest, sheet_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=request.method == "POST")
    sheet = _sheet_or_404(request, sheet_id)
    grade = request.GET.get("grade", "")
    if request.method != "POST":
        context = _grid_context(request, sheet, grade=grade)
        return render(request, "assessment/annual_grid.html", context)
    ids = selectors.grid_row_ids(actor=actor, sheet=sheet)
    try:
        services.annual_save_grid(
            actor=actor,
            sheet_id=sheet.pk,
            expected_version=_int(request.POST.get("version")) or 0,
            rows=annual_rows(request.POST, ids),
        )
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except StaleVersionError as exc:
        messages.error(request, exc.message)
        sheet.refresh_from_db()
        return render(
            request, "assessment/annual_grid.html", _grid_context(request, sheet), status=409
        )
    except DomainError as exc:
        context = _grid_context(request, sheet, posted=request.POST, errors=exc.fields)
        context["error"] = exc.message
        return render(request, "assessment/annual_grid.html", context, status=400)
    messages.success(request, "已保存")
    return redirect("assessment:annual_grid", sheet_id=sheet.pk)


@require_POST
def annual_submit_view(request: HttpRequest, sheet_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        services.sheet_submit(
            actor=actor,
            sheet_id=sheet_id,
            expected_version=_int(request.POST.get("version")) or 0,
        )
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已提交。考核结果运用事项和奖励建议已生成，请在相应页面办理")
    return redirect("assessment:annual_grid", sheet_id=sheet_id)


@require_POST
def annual_reopen_view(request: HttpRequest, sheet_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回理由")
        return redirect("assessment:annual_grid", sheet_id=sheet_id)
    try:
        services.sheet_reopen(
            actor=actor,
            sheet_id=sheet_id,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已退回修改，修改后请重新提交")
    return redirect("assessment:annual_grid", sheet_id=sheet_id)


# --- flags and proposals -----------------------------------------------------------------------


def annual_flags_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    queryset, form = selectors.flag_list(actor=actor, params=request.GET)
    context = list_context(request, queryset)
    context.update(
        form=form,
        done_form=FlagDoneForm(),
        is_officer=is_officer(actor),
        breadcrumbs=_crumbs(("考核结果运用", None)),
    )
    template = "_annual_flags_results" if is_htmx_partial(request) else "annual_flags"
    return render(request, f"assessment/{template}.html", context)


@require_POST
def annual_flag_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = FlagDoneForm(request.POST)
    back = request.POST.get("next") or reverse("assessment:annual_flags")
    if not back.startswith("/"):
        back = reverse("assessment:annual_flags")
    if not form.is_valid():
        messages.error(request, "请填写办理日期（如 2026-11-25）和办理情况")
        return redirect(back)
    try:
        services.flag_done(
            actor=actor,
            flag_id=pk,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["done_note"],
        )
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记办理情况")
    return redirect(back)


def annual_proposals_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    queryset, form = selectors.proposal_list(actor=actor, params=request.GET)
    context = list_context(request, queryset)
    context.update(
        form=form,
        is_officer=is_officer(actor),
        breadcrumbs=_crumbs(("考核奖励建议", None)),
    )
    template = "_annual_proposals_results" if is_htmx_partial(request) else "annual_proposals"
    return render(request, f"assessment/{template}.html", context)


@require_POST
def annual_proposal_decide_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "confirm":
            services.proposal_confirm(actor=actor, proposal_id=pk, note=note)
        else:
            services.proposal_decline(actor=actor, proposal_id=pk, note=note)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认奖励" if decision == "confirm" else "已登记不予奖励")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") else reverse("assessment:annual_proposals"))


# --- chart -------------------------------------------------------------------------------------


def _link(dist: selectors.Distribution, key: int, grade: str) -> str:
    """Drill-down: the category's sheet filtered to `grade` ("" without a visible sheet)."""
    sheet = dist.sheets.get(key)
    if sheet is None:
        return ""
    return reverse("assessment:annual_grid", args=[sheet]) + f"?grade={grade}"


def _chart(dist: selectors.Distribution, year: int) -> dict[str, Any]:
    """The numbers for ECharts, with the drill-down URL of every bar segment."""
    return {
        "categories": [label for _, label in dist.categories],
        "series": [
            {"name": label, "data": [dist.counts.get((key, g), 0) for key, _ in dist.categories]}
            for g, label in dist.grades
        ],
        "links": [[_link(dist, key, g) for key, _ in dist.categories] for g, _ in dist.grades],
        "year": year,
    }


def _table(dist: selectors.Distribution, year: int) -> list[dict[str, Any]]:
    """The same numbers as table rows: counts with links, total, 优秀 share (3/20，15.0%)."""
    chart = reverse("assessment:annual_chart")
    rows = []
    for key, label, cells, total in dist.table():
        excellent = dict(cells).get(rules.EXCELLENT, 0)
        share = f"{excellent}/{total}，{excellent * 100 / total:.1f}%" if total else "—"
        rows.append(
            {
                "label": label,
                "link": f"{chart}?unit={key}&year={year}" if dist.by_unit else "",
                "cells": [(n, _link(dist, key, g)) for g, n in cells],
                "total": total,
                "share": share,
            }
        )
    return rows


def annual_chart_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = ChartFilterForm(request.GET)
    valid = form.is_valid()
    year = (form.cleaned_data.get("year") if valid else None) or default_year()
    unit_id = form.cleaned_data.get("unit") if valid else None
    unit = None
    if unit_id:
        try:
            unit = selectors.unit_get(actor=actor, unit_id=unit_id)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
    dist = selectors.grade_distribution(actor=actor, year=year, unit=unit)
    context = {
        "form": form,
        "year": year,
        "unit": unit,
        "dist": dist,
        "table": _table(dist, year),
        "totals": dist.totals(),
        "grand_total": sum(dist.totals()),
        "chart": _chart(dist, year),
        "breadcrumbs": _crumbs(("等次分布", None)),
    }
    return render(request, "assessment/annual_chart.html", context)
