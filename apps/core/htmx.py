"""htmx helpers: full page or partial (NetBox's htmx_partial)."""

from django.http import HttpRequest


def is_htmx_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page (history restores want the full page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)
