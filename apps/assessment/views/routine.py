"""平时考核 pages: the overview (units × periods of a year, entered/total) and a unit's grid for
one period (one row per cadre; officers save it at once, leaders read)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.assessment import rules
from apps.assessment import selectors_annual as selectors
from apps.assessment.forms_annual import ROUTINE_CHOICES, OverviewFilterForm, routine_rows
from apps.assessment.services.routine import periods_per_year, routine_save_grid
from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.paging import PAGE_SIZES, page_size_of, query_without


def routine_overview_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = OverviewFilterForm(request.GET)
    year = form.chosen_year()
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    rows, per_year = selectors.routine_overview(actor=actor, year=year, q=q)
    page = Paginator(rows, page_size_of(request)).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "year": year,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "export_query": f"year={year}",
        "periods": [(p, rules.period_label(p, per_year)) for p in range(1, per_year + 1)],
        "breadcrumbs": [("考核评价", None), ("平时考核", None)],
    }
    template = "_routine_overview_results" if is_htmx_partial(request) else "routine_overview"
    return render(request, f"assessment/{template}.html", context)


def _grid_context(
    request: HttpRequest,
    unit_id: int,
    year: int,
    period: int,
    posted: Any = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    actor: Any = request.user
    try:
        unit = selectors.unit_get(actor=actor, unit_id=unit_id)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    per_year = periods_per_year(year)
    if not rules.period_valid(period, per_year) or not 2000 <= year <= timezone.localdate().year:
        raise Http404("期次不存在")
    grid = selectors.routine_grid(actor=actor, unit=unit, year=year, period=period)
    rows = []
    for r in grid:
        e = r.entry
        pk = r.cadre.pk
        values = {
            "grade": e.grade if e else "",
            "summary": e.work_summary if e else "",
            "comment": e.comment if e else "",
        }
        if posted is not None and r.can_change and f"grade-{pk}" in posted:
            values = {k: posted.get(f"{k}-{pk}", "") for k in ("grade", "summary", "comment")}
        error = (errors or {}).get(f"row-{pk}", "")
        rows.append({"row": r, "values": values, "version": e.version if e else "", "error": error})
    label = rules.period_label(period, per_year)
    entered = sum(1 for r in grid if r.entry)
    return {
        "unit": unit,
        "year": year,
        "period": period,
        "period_label": label,
        "periods": [(p, rules.period_label(p, per_year)) for p in range(1, per_year + 1)],
        "rows": rows,
        "entered": entered,
        "total": len(grid),
        "can_save": is_officer(actor) and any(r.can_change for r in grid),
        "choices": ROUTINE_CHOICES,
        "export_query": f"unit={unit.pk}&year={year}&period={period}",
        "breadcrumbs": [
            ("考核评价", None),
            ("平时考核", reverse("assessment:routine_overview") + f"?year={year}"),
            (f"{unit.name} {year}年{label}", None),
        ],
    }


def routine_grid_view(request: HttpRequest, unit_id: int, year: int, period: int) -> HttpResponse:
    actor = require_cadre_user(request, change=request.method == "POST")
    if request.method != "POST":
        return render(
            request, "assessment/routine_grid.html", _grid_context(request, unit_id, year, period)
        )
    ids = [r["row"].cadre.pk for r in _grid_context(request, unit_id, year, period)["rows"]]
    try:
        result = routine_save_grid(
            actor=actor,
            unit_id=unit_id,
            year=year,
            period=period,
            rows=routine_rows(request.POST, ids),
        )
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    except StaleVersionError as exc:
        messages.error(request, exc.message)
        context = _grid_context(request, unit_id, year, period)
        return render(request, "assessment/routine_grid.html", context, status=409)
    except DomainError as exc:
        context = _grid_context(
            request, unit_id, year, period, posted=request.POST, errors=exc.fields
        )
        context["error"] = exc.message
        return render(request, "assessment/routine_grid.html", context, status=400)
    messages.success(
        request,
        f"已保存：新增 {result.created} 条，修改 {result.updated} 条，未变化 {result.unchanged} 条",
    )
    return redirect(reverse("assessment:routine_grid", args=[unit_id, year, period]))
