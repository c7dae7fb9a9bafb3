"""Template context: the user's role flags for the menu."""

from django.http import HttpRequest

from apps.core.scope import Pillar

from .models import Role


def user_role(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    scope_label = ""
    pillars: set[str] = set()
    if role in (Role.OFFICER, Role.LEADER):
        grants = user.active_grants()  # type: ignore[union-attr]
        names = [g.unit.name for g in grants]
        scope_label = "、".join(names[:2]) + ("等" if len(names) > 2 else "")
        pillars = {p for g in grants for p in g.pillars}
    return {
        "scope_label": scope_label,
        "role": role,
        "is_cadre_user": role in (Role.OFFICER, Role.LEADER),
        "is_officer": role == Role.OFFICER,
        "is_sysadmin": role == Role.SYSADMIN,
        "is_secadmin": role == Role.SECADMIN,
        "is_auditor": role == Role.AUDITOR,
        # Menu entries of need-to-know pillars appear only for holders (the pages check again).
        "has_pillar": {p: p in pillars for p in Pillar.values},
        # The menu is the same for everyone with this role and these pillars: base.html caches
        # the rendered fragment under this key (≈ 60 URL reversals saved on every page).
        "menu_key": f"{role or '-'}:{','.join(sorted(pillars))}",
    }
