"""Pagination shared by list pages: page size 20/50/100, out-of-range pages clamp to the last."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZES = (20, 50, 100)


def page_size_of(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


class IdFirstPaginator(Paginator):
    """Deferred join: sort and skip over primary keys only, then fetch the page's full rows.

    Deep pages (OFFSET 10,000) then sort narrow tuples an index can serve instead of whole rows,
    which spill to disk at 1M cadres (docs/benchmarks.md).
    """

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        return Page([rows[i] for i in ids if i in rows], number, self)


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    """The requested page of `queryset` (invalid or too-large page numbers give the last page)."""
    paginator = IdFirstPaginator(queryset, page_size_of(request))
    return paginator.get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *keys: str) -> str:
    """The current query string minus `keys` (for sort and page links that keep the filters)."""
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
