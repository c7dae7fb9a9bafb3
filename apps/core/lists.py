"""Helpers shared by the list pages: sortable column headers, paging context, the `next`
address of a form and the 撤销 (undo) message shown after a delete or deactivation."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString

from apps.core.paging import PAGE_SIZES, paginate, query_without

type Columns = Mapping[str, str] | Iterable[tuple[str, str]]

__all__ = [
    "Columns",
    "list_context",
    "safe_next",
    "sort_header",
    "sort_header_rows",
    "sort_headers",
    "undo_message",
]


def _pairs(columns: Columns) -> Iterable[tuple[str, str]]:
    return columns.items() if isinstance(columns, Mapping) else columns


def _sort_state(key: str, current: str) -> tuple[str, str, str]:
    """(the sort a click asks for, the arrow after the label, the aria-sort value)."""
    if current == key:
        return f"-{key}", " ▲", "ascending"
    if current == f"-{key}":
        return key, " ▼", "descending"
    return key, "", "none"


def sort_header(key: str, label: str, current: str, base_query: str, target: str) -> SafeString:
    """A column header that toggles ascending/descending, keeps the filters (`base_query`) and
    refreshes `target` through htmx."""
    to, arrow, state = _sort_state(key, current)
    href = f"?{base_query}{'&' if base_query else ''}sort={to}"
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="{}" hx-push-url="true" aria-sort="{}">{}{}</a>',
        href,
        href,
        target,
        state,
        label,
        arrow,
    )


def sort_headers(
    request: HttpRequest, columns: Columns, current: str, target: str
) -> dict[str, SafeString]:
    """Sortable headers of a list: column key → link. `columns` maps key → label, or is a
    sequence of (key, label) pairs."""
    base = query_without(request, "page", "sort")
    return {key: sort_header(key, label, current, base, target) for key, label in _pairs(columns)}


def sort_header_rows(request: HttpRequest, columns: Columns, current: str) -> list[dict[str, str]]:
    """Headers for templates that draw the links themselves: one {label, href, aria} per column,
    in order; a column with an empty key is not sortable (empty href and aria)."""
    base = query_without(request, "page", "sort")
    sep = "&" if base else ""
    headers = []
    for key, label in _pairs(columns):
        if not key:
            headers.append({"label": label, "href": "", "aria": ""})
            continue
        to, arrow, state = _sort_state(key, current)
        headers.append({"label": label + arrow, "href": f"?{base}{sep}sort={to}", "aria": state})
    return headers


def list_context(request: HttpRequest, rows: QuerySet[Any] | Page[Any]) -> dict[str, Any]:
    """Paging and the query strings a list page's links and export button need. `rows` is a
    queryset (paginated here) or a page the caller already cut (e.g. to annotate its rows)."""
    return {
        "page": rows if isinstance(rows, Page) else paginate(request, rows),
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "export_query": query_without(request, "page", "page_size"),
    }


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address (POST, then GET) if it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def undo_message(
    request: HttpRequest,
    text: str,
    undo_url: str,
    next_url: str | None = None,
    *,
    testid: str = "undo-delete",
) -> SafeString:
    """A success message with an inline 撤销 button posting to `undo_url`; with `next_url`, the
    undo returns there. `testid` is the button's data-testid, which tests look for."""
    next_input = (
        SafeString("")
        if next_url is None
        else format_html('<input type="hidden" name="next" value="{}">', next_url)
    )
    return format_html(
        '{}<form method="post" action="{}" class="d-inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '{}<button class="btn btn-sm btn-link" type="submit" data-testid="{}">撤销'
        "</button></form>",
        text,
        undo_url,
        get_token(request),
        next_input,
        testid,
    )
