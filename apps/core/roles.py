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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import audit
from .models import AuditOutcome

type View = Callable[..., HttpResponse]


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
