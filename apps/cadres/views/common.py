"""Helpers shared by the cadre views."""

from typing import Any

from django.http import Http404, HttpRequest

from apps.accounts.models import Role
from apps.cadres.models import Cadre
from apps.cadres.selectors import cadre_get
from apps.core.exceptions import OutOfScopeError
from apps.core.roles import RoleRefused
from apps.core.scope import Action


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
