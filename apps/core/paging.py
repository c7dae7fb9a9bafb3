"""Pagination shared by list pages: page size 20/50/100, out-of-range pages clamp to the last."""

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
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
    which spill to disk at 1M cadres. The page of ids carries `COUNT(*) OVER ()`, so the total
    comes from the same scan and the paginator needs no separate COUNT (docs/benchmarks.md).
    """

    def get_page(self, number: Any) -> Page[Any]:
        """Like Django's: bad numbers give page 1, too large ones the last page."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number: Any) -> Page[Any]:
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        if "count" not in self.__dict__:
            wanted = self.validate_number_shape(number)
            rows = self._ids(queryset, wanted, with_total=True)
            if rows:
                self.__dict__["count"] = rows[0][1]  # cached_property slot of Paginator.count
                return self._rows(queryset, [pk for pk, _ in rows], wanted)
        number = self.validate_number(number)  # out of range: count, then clamp
        ids = [pk for pk, _ in self._ids(queryset, number, with_total=False)]
        return self._rows(queryset, ids, number)

    def validate_number_shape(self, number: Any) -> int:
        """Django's checks that need no COUNT: an integer, at least 1."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码须为整数") from None
        if wanted < 1:
            raise EmptyPage("页码须大于0")
        return wanted

    def _ids(self, queryset: QuerySet[Any], number: int, *, with_total: bool) -> list[Any]:
        bottom = (number - 1) * self.per_page
        if with_total:
            annotated = queryset.annotate(_total=Window(expression=Count("pk")))
            return list(annotated.values_list("pk", "_total")[bottom : bottom + self.per_page])
        ids = queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page]
        return [(pk, None) for pk in ids]

    def _rows(self, queryset: QuerySet[Any], ids: list[Any], number: int) -> Page[Any]:
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
