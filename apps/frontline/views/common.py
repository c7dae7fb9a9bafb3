"""Helpers shared by the task and frontline-service pages."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.accounts.models import Role
from apps.cadres.views.common import require_cadre_user
from apps.core.paging import PAGE_SIZES, paginate, query_without

__all__ = [
    "dispatch_url",
    "is_officer",
    "list_context",
    "require_cadre_user",
    "sort_headers",
    "undo_message",
]


def is_officer(user: Any) -> bool:
    return getattr(user, "role", None) == Role.OFFICER


def sort_header(key: str, label: str, current: str, base_query: str, target: str) -> SafeString:
    """A column header that toggles ascending/descending, keeps the filters and refreshes
    `target` through htmx."""
    if current == key:
        to, arrow, state = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        to, arrow, state = key, " ▼", "descending"
    else:
        to, arrow, state = key, "", "none"
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
    request: HttpRequest, columns: dict[str, str], current: str, target: str
) -> dict[str, SafeString]:
    """Sortable headers of a list: column key → link."""
    base = query_without(request, "page", "sort")
    return {key: sort_header(key, label, current, base, target) for key, label in columns.items()}


def list_context(request: HttpRequest, queryset: QuerySet[Any]) -> dict[str, Any]:
    """Paging and the query strings a list page's links and export button need."""
    return {
        "page": paginate(request, queryset),
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "export_query": query_without(request, "page", "page_size"),
    }


def undo_message(request: HttpRequest, text: str, undo_url: str) -> SafeString:
    """A success message with a 撤销 button posting to `undo_url`."""
    return format_html(
        '{}<form method="post" action="{}" class="d-inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="btn btn-sm btn-link" type="submit" data-testid="undo-delete">撤销'
        "</button></form>",
        text,
        undo_url,
        get_token(request),
    )


def dispatch_url(pk: int) -> str:
    return reverse("frontline:dispatch_detail", args=[pk])
