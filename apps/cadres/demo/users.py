"""Demo logins: officers scoped to the city or one county, a leader and the 三员."""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from apps.accounts.models import ManagedBy, Role, ScopeGrant, User
from apps.core.scope import Pillar
from apps.units.models import Unit

DEMO_PASSWORD = "Dandang@2026"  # noqa: S105 (published demo password)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str
    scope: str  # "root", "county0", "county1" or "" (no grant)
    levels: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser(
        "city_officer",
        Role.OFFICER,
        "市委组织部干部一科",
        "root",
        (ManagedBy.CITY,),
        tuple(Pillar.values),
    ),
    DemoUser(
        "county_officer",
        Role.OFFICER,
        "干部股",
        "county0",
        (ManagedBy.COUNTY,),
        tuple(Pillar.values),
    ),
    DemoUser("county_officer2", Role.OFFICER, "干部股", "county1", (ManagedBy.COUNTY,)),
    DemoUser(
        "leader", Role.LEADER, "市委组织部分管领导", "root", (ManagedBy.CITY, ManagedBy.COUNTY)
    ),
    DemoUser("sysadmin", Role.SYSADMIN, "系统管理员", ""),
    DemoUser("secadmin", Role.SECADMIN, "安全管理员", ""),
    DemoUser("auditor", Role.AUDITOR, "安全审计员", ""),
)


def ensure_users(root: Unit, counties: list[Unit]) -> list[User]:
    """Create or refresh the demo users and their grants (existing users are kept: their
    audit trail refers to them)."""
    scopes = {"root": root, **{f"county{i}": c for i, c in enumerate(counties[:2])}}
    users = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        unit = scopes.get(spec.scope)
        user.role = spec.role
        prefix = unit.name if unit is not None and unit != root else ""
        user.full_name = (
            f"{prefix.removesuffix('委')}委组织部{spec.full_name}" if prefix else (spec.full_name)
        )
        user.unit = unit
        user.is_active = True
        user.failed_logins = 0
        user.locked_until = None
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        user.password_changed_at, user.must_change_password = timezone.now(), False
        user.save()
        user.grants.all().delete()
        if unit is not None:
            ScopeGrant.objects.create(
                user=user,
                unit=unit,
                managed_levels=list(spec.levels),
                pillars=list(spec.pillars),
                note="示范数据",
            )
        users.append(user)
    return users


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(users: list[User]) -> str:
    """账号 / 密码 / 角色 / 数据范围, aligned for a terminal."""
    rows = [("账号", "密码", "角色", "数据范围")]
    for user in users:
        scopes = []
        for g in user.grants.select_related("unit"):
            text = f"{g.unit.name}（{g.managed_levels_display()}）"
            if g.pillars:
                text += f"，敏感模块：{g.pillars_display()}"
            scopes.append(text)
        rows.append(
            (user.username, DEMO_PASSWORD, user.get_role_display(), "；".join(scopes) or "无")
        )
    widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
    return "\n".join(
        "".join(_pad(cell, widths[i]) for i, cell in enumerate(r[:3])) + r[3] for r in rows
    )
