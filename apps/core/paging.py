"""Pagination shared by list pages: page size 20/50/100, out-of-range pages clamp to the last."""

from collections.abc import Iterator
from dataclasses import dataclass
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
        return Page(_rows_by_ids(queryset, ids), number, self)


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


@dataclass(frozen=True)
class UncountedPage:
    """A page of a list whose total is not counted with it.

    At 100k cadres in scope the COUNT(*) costs more than the page itself (docs/benchmarks.md),
    so the cadre list shows its rows at once and fetches the total in a second, htmx request
    (`count_of`). Whether a next page exists is read from one id more than the page holds.
    """

    object_list: list[Any]
    number: int
    per_page: int
    has_next: bool

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_number_of(request: HttpRequest) -> int:
    """The requested page number; anything invalid reads as 1."""
    try:
        number = int(str(request.GET.get("page")))
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _rows_by_ids(queryset: QuerySet[Any], ids: list[Any]) -> list[Any]:
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)} if ids else {}
    return [rows[i] for i in ids if i in rows]


def paginate_uncounted(request: HttpRequest, queryset: QuerySet[Any]) -> UncountedPage:
    """The requested page without a COUNT(*), id-first like IdFirstPaginator.

    A page past the end (an old link after rows were deleted) counts once and gives the last
    page, as `paginate` does; invalid numbers give page 1."""
    per_page = page_size_of(request)
    number = page_number_of(request)
    bottom = (number - 1) * per_page
    ids = list(queryset.values_list("pk", flat=True)[bottom : bottom + per_page + 1])
    if not ids and number > 1:
        number = max(1, -(-queryset.count() // per_page))
        bottom = (number - 1) * per_page
        ids = list(queryset.values_list("pk", flat=True)[bottom : bottom + per_page + 1])
    has_next = len(ids) > per_page
    rows = _rows_by_ids(queryset, ids[:per_page])
    return UncountedPage(rows, number, per_page, has_next)


def count_of(request: HttpRequest, queryset: QuerySet[Any]) -> dict[str, int]:
    """The total and the number of pages for the page size of `request` (the count fragment)."""
    count = queryset.count()
    per_page = page_size_of(request)
    return {"count": count, "num_pages": max(1, -(-count // per_page)), "per_page": per_page}
