"""Helpers shared by the cadre views."""

from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from apps.accounts.models import Role
from apps.cadres.models import Cadre
from apps.cadres.selectors import cadre_get
from apps.cadres.views.filter_form import Option, unit_choices
from apps.core.exceptions import OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context
from apps.core.roles import RoleRefused
from apps.core.scope import Action


def is_officer(user: Any) -> bool:
    return getattr(user, "role", None) == Role.OFFICER


def require_cadre_user(request: HttpRequest, *, change: bool = False) -> Any:
    """Only officers (and leaders for reads) work with cadre records; the role is not secret."""
    user: Any = request.user
    allowed = (Role.OFFICER,) if change else (Role.OFFICER, Role.LEADER)
    if user.role not in allowed:
        raise RoleRefused(tuple(allowed))
    return user


def cadre_or_404(
    request: HttpRequest, pk: int, action: Action = Action.VIEW, *, detail: Any = None
) -> Cadre:
    """The cadre if in the user's scope (read audited), else 404 — never confirm it exists."""
    try:
        return cadre_get(actor=request.user, cadre_id=pk, action=action, detail=detail)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def unit_filter_options(actor: Any, chosen: str) -> list[Option]:
    """(value, label, selected) of a list's unit filter select, `chosen` selected."""
    return [(v, label, v == chosen) for v, label in unit_choices(actor, chosen)]


def filtered_list_context(
    request: HttpRequest, rows: QuerySet[Any] | Page[Any], form: Any, **extra: Any
) -> dict[str, Any]:
    """`list_context` plus the filter form and its unit options (left empty for htmx partials,
    which do not redraw the filter form), and any `extra` entries."""
    units = (
        []
        if is_htmx_partial(request)
        else unit_filter_options(request.user, request.GET.get("unit") or "")
    )
    return {**list_context(request, rows), "filter_form": form, "unit_options": units, **extra}
