"""Template context: the user's role flags for the menu."""

from django.http import HttpRequest

from .models import Role


def user_role(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    scope_label = ""
    if role in (Role.OFFICER, Role.LEADER):
        names = [g.unit.name for g in user.active_grants()]  # type: ignore[union-attr]
        scope_label = "、".join(names[:2]) + ("等" if len(names) > 2 else "")
    return {
        "scope_label": scope_label,
        "role": role,
        "is_cadre_user": role in (Role.OFFICER, Role.LEADER),
        "is_officer": role == Role.OFFICER,
        "is_sysadmin": role == Role.SYSADMIN,
        "is_secadmin": role == Role.SECADMIN,
        "is_auditor": role == Role.AUDITOR,
    }
