"""The cadre list (filters, sort, pages; htmx partial updates), the trash and their totals.

The rows come without a COUNT(*); the total arrives through `cadre_count_view`, which the results
header loads by htmx (at 100k cadres in scope the count costs more than the page).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.cadres.filters import SORTS
from apps.cadres.selectors import cadre_list
from apps.core.htmx import is_htmx_partial
from apps.core.paging import PAGE_SIZES, count_of, page_number_of, paginate_uncounted, query_without

from .common import require_cadre_user
from .filter_form import filter_options

COLUMN_CHOICES = (
    ("gender", "性别"),
    ("birth_date", "出生年月"),
    ("ethnicity", "民族"),
    ("work_start_date", "参加工作"),
    ("unit", "单位"),
    ("post", "现任职务"),
    ("tier", "职务层次"),
    ("rank", "职级"),
    ("education", "学历"),
    ("managed_by", "管理权限"),
)


def _list_context(request: HttpRequest, *, trash: bool) -> dict[str, object]:
    actor = require_cadre_user(request, change=trash)
    queryset, flt = cadre_list(actor=actor, params=request.GET, include_deleted=trash)
    page = paginate_uncounted(request, queryset)
    sort = request.GET.get("sort", "unit")
    return {
        # The filter form is not part of htmx partials: build its unit list only for full pages.
        "options": {} if is_htmx_partial(request) else filter_options(actor, request.GET),
        "filter": flt,
        "page": page,
        "sort": sort if sort in SORTS else "unit",
        "column_choices": COLUMN_CHOICES,
        "page_sizes": PAGE_SIZES,
        "base_query": query_without(request, "page", "sort"),
        "page_query": query_without(request, "page"),
        "export_query": query_without(request, "page", "page_size"),
        "count_query": _count_query(request, page.number),
        "trash": trash,
        "more_filters_open": any(
            request.GET.get(k)
            for k in ("ethnicity", "education", "party_member", "age_min", "age_max", "rank_grade")
        ),
    }


def _count_query(request: HttpRequest, number: int) -> str:
    """The list's query for its count request, with the page actually shown (a page past the
    end shows the last), so the pager knows whether to offer 末页."""
    params = request.GET.copy()
    params["page"] = str(number)
    return params.urlencode()


def cadre_list_view(request: HttpRequest) -> HttpResponse:
    context = _list_context(request, trash=False)
    context["breadcrumbs"] = [("干部名册", None)]
    template = (
        "cadres/_cadre_results.html" if is_htmx_partial(request) else "cadres/cadre_list.html"
    )
    return render(request, template, context)


def cadre_trash_view(request: HttpRequest) -> HttpResponse:
    context = _list_context(request, trash=True)
    context["breadcrumbs"] = [("回收站", None)]
    template = (
        "cadres/_cadre_results.html" if is_htmx_partial(request) else "cadres/cadre_trash.html"
    )
    return render(request, template, context)


def cadre_count_view(request: HttpRequest) -> HttpResponse:
    """The total of the list (or the trash, `?trash=1`) for the same filters, with the pager's
    page total and 末页 link swapped in out of band."""
    trash = request.GET.get("trash") == "1"
    actor = require_cadre_user(request, change=trash)
    queryset, _ = cadre_list(actor=actor, params=request.GET, include_deleted=trash, for_count=True)
    totals = count_of(request, queryset)
    context = {
        **totals,
        "number": min(page_number_of(request), totals["num_pages"]),
        "page_query": query_without(request, "page", "trash"),
    }
    return render(request, "cadres/_cadre_count.html", context)
