"""Role gate for views: 三员分立 pages open to one role each; the wrong role gets a Chinese 403.

Roles are not secret, so a refused user is told which role the page needs (unlike data scope,
where rows outside the scope 404). Anonymous users are sent to the login page. Refusals are
audited (等保: access-control failures are security events).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import audit
from .models import AuditOutcome

type View = Callable[..., HttpResponse]


class RoleRefused(PermissionDenied):
    """Raised deep in a view when the user's role does not open it; RoleRefusedMiddleware
    renders the audited Chinese 403 page naming `roles`."""

    def __init__(self, roles: tuple[str, ...]) -> None:
        super().__init__("您的角色无权访问此功能")
        self.roles = roles


class RoleRefusedMiddleware:
    """Turn RoleRefused into the same audited 403 page as role_required."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RoleRefused):
            return forbidden(request, exception.roles)
        return None


def role_labels(roles: tuple[str, ...]) -> list[str]:
    """Chinese names of roles from the user model's choices (core does not import accounts)."""
    choices = dict(get_user_model()._meta.get_field("role").choices or [])
    return [str(choices.get(role, role)) for role in roles]


def forbidden(request: HttpRequest, roles: tuple[str, ...]) -> HttpResponse:
    """Audit the refusal and render the 403 page naming the roles the page needs."""
    audit.record(
        action="access.denied",
        actor=request.user,
        outcome=AuditOutcome.DENIED,
        detail={"path": request.path, "method": request.method, "required": list(roles)},
    )
    context = {"required_roles": role_labels(roles), "breadcrumbs": [("无权访问", None)]}
    return render(request, "core/403.html", context, status=403)


def role_required(*roles: str) -> Callable[[View], View]:
    """Open the decorated view to users holding one of `roles` only."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(user, "role", None) not in roles:
                return forbidden(request, roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
