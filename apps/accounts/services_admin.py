"""Account administration under 三员分立.

- sysadmin (系统管理员) runs accounts: create (always with the default role), edit name/unit,
  (de)activate, unlock, reset passwords. He may not reset the password of, or deactivate, a
  secadmin or auditor: that would let him act as the people who check him.
- secadmin (安全管理员) assigns roles and scope grants; he may also unlock accounts (the lockout
  message tells users to ask him).
- Nobody acts on their own account here (own password: `password_change`), and every change is
  audited with before/after in the same transaction.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError
from apps.core.scope import Pillar
from apps.units.models import Unit

from .models import CADRE_ROLES, ManagedBy, Role, ScopeGrant, User

PROTECTED_FROM_SYSADMIN = frozenset({Role.SECADMIN, Role.AUDITOR})
USER_FIELDS = [
    "username", "full_name", "email", "unit", "role", "is_active",
    "failed_logins", "locked_until", "password_changed_at", "must_change_password",
]  # fmt: skip


def _require(actor: Any, *roles: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise DomainError("您的角色无权执行此操作", code="forbidden")


def _not_self(actor: Any, user: User, message: str) -> None:
    if actor.pk == user.pk:
        raise DomainError(message, code="self_action")


def _snapshot(user: User) -> dict[str, Any]:
    return audit.snapshot(user, USER_FIELDS)


def _lock(user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise DomainError("用户不存在", code="not_found")
    return user


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        text = "".join(exc.messages)
        raise DomainError(text, code="weak_password", fields={"password1": text}) from None


def _record(action: str, actor: Any, user: User, before: dict[str, Any], **extra: Any) -> None:
    old, new = audit.diff(before, _snapshot(user))
    audit.record(action=action, actor=actor, target=user, before=old, after=new, **extra)


@transaction.atomic
def user_create(
    *, actor: Any, username: str, full_name: str, password: str, unit: Unit | None, email: str = ""
) -> User:
    """A new account with the default role and no scope; secadmin assigns role and grants."""
    _require(actor, Role.SYSADMIN)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已被使用", fields={"username": "用户名已被使用"})
    user = User(
        username=username, full_name=full_name, email=email, unit=unit, must_change_password=True
    )
    _validate_password(password, user)
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        fields = {k: "".join(v) for k, v in exc.message_dict.items()}
        raise DomainError("；".join(fields.values()), fields=fields) from None
    user.save()
    audit.record(action="user.create", actor=actor, target=user, after=_snapshot(user))
    return user


@transaction.atomic
def user_update(
    *, actor: Any, user_id: int, full_name: str, unit: Unit | None, email: str = ""
) -> User:
    """Change a user's name, unit and e-mail."""
    _require(actor, Role.SYSADMIN)
    user = _lock(user_id)
    before = _snapshot(user)
    user.full_name, user.unit, user.email = full_name, unit, email
    user.save(update_fields=["full_name", "unit", "email"])
    _record("user.update", actor, user, before)
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user_id: int, active: bool) -> User:
    """Deactivate (the account can no longer log in; sessions end) or reactivate a user."""
    _require(actor, Role.SYSADMIN)
    user = _lock(user_id)
    _not_self(actor, user, "不能停用或启用自己的账号")
    if not active and user.role in PROTECTED_FROM_SYSADMIN:
        raise DomainError("系统管理员不能停用安全管理员或安全审计员的账号")
    before = _snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    _record("user.activate" if active else "user.deactivate", actor, user, before)
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user_id: int) -> User:
    """Lift a lockout after repeated login failures."""
    _require(actor, Role.SYSADMIN, Role.SECADMIN)
    user = _lock(user_id)
    before = _snapshot(user)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    _record("user.unlock", actor, user, before)
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user_id: int, password: str) -> User:
    """Set a new initial password; `password_changed_at` is cleared (not chosen by the user)."""
    _require(actor, Role.SYSADMIN)
    user = _lock(user_id)
    _not_self(actor, user, "不能在此重置自己的密码，请使用“修改密码”")
    if user.role in PROTECTED_FROM_SYSADMIN:
        raise DomainError("系统管理员不能重置安全管理员或安全审计员的密码")
    _validate_password(password, user)
    before = _snapshot(user)
    user.set_password(password)
    user.password_changed_at, user.must_change_password = None, True
    user.failed_logins, user.locked_until = 0, None
    user.save(
        update_fields=[
            "password", "password_changed_at", "must_change_password", "failed_logins",
            "locked_until",
        ]
    )  # fmt: skip
    _record("user.password_reset", actor, user, before)
    return user


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """A user changes their own password (old one required, validators applied)."""
    user = _lock(actor.pk)
    if not user.check_password(old_password):
        raise DomainError("原密码不正确", fields={"old_password": "原密码不正确"})
    if old_password == new_password:
        raise DomainError(
            "新密码不能与原密码相同", fields={"new_password1": "新密码不能与原密码相同"}
        )
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        text = "".join(exc.messages)
        raise DomainError(text, code="weak_password", fields={"new_password1": text}) from None
    before = _snapshot(user)
    user.set_password(new_password)
    user.password_changed_at, user.must_change_password = timezone.now(), False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _record("user.password_change", user, user, before)
    return user


@transaction.atomic
def user_set_role(*, actor: Any, user_id: int, role: str) -> User:
    """Give a user their one role. Leaving the cadre roles revokes the user's scope grants."""
    _require(actor, Role.SECADMIN)
    if role not in Role.values:
        raise DomainError("角色无效", fields={"role": "角色无效"})
    user = _lock(user_id)
    _not_self(actor, user, "不能修改自己的角色")
    if user.role == role:
        return user
    if user.role not in CADRE_ROLES and user.is_active:
        others = User.objects.filter(role=user.role, is_active=True).exclude(pk=user.pk)
        if not others.exists():
            message = f"系统至少需保留一名有效的{user.get_role_display()}，不能修改其角色"
            raise DomainError(message, fields={"role": message})
    before = _snapshot(user)
    revoked: list[dict[str, Any]] = []
    if role not in CADRE_ROLES:
        grants = list(user.grants.select_related("unit"))
        revoked = [_grant_snapshot(g) for g in grants]
        ScopeGrant.objects.filter(pk__in=[g.pk for g in grants]).delete()
    user.role = role
    user.save(update_fields=["role"])
    _record(
        "user.role", actor, user, before, detail={"revoked_grants": revoked} if revoked else None
    )
    return user


def _grant_snapshot(grant: ScopeGrant) -> dict[str, Any]:
    return {
        "user": grant.user_id,
        "unit": grant.unit_id,
        "unit_name": grant.unit.name,
        "managed_levels": list(grant.managed_levels),
        "pillars": list(grant.pillars),
        "note": grant.note,
    }


@transaction.atomic
def grant_create(
    *,
    actor: Any,
    user_id: int,
    unit: Unit,
    managed_levels: Iterable[str],
    pillars: Iterable[str] = (),
    note: str = "",
) -> ScopeGrant:
    """Open a unit subtree (for the given management levels and sensitive pillars) to a user."""
    _require(actor, Role.SECADMIN)
    user = _lock(user_id)
    _not_self(actor, user, "不能为自己授权")
    if user.role not in CADRE_ROLES:
        raise DomainError("只能为组织部门干部管理员或领导授予数据范围", code="wrong_role")
    levels = [v for v in ManagedBy.values if v in set(managed_levels)]
    chosen = [v for v in Pillar.values if v in set(pillars)]
    if not levels:
        raise DomainError("请至少选择一种干部管理权限", fields={"managed_levels": "请至少选择一项"})
    if not unit.is_active:
        raise DomainError("该单位已撤并，不能作为数据范围", fields={"unit": "单位已撤并"})
    if user.grants.filter(unit=unit).exists():
        raise DomainError(
            f"该用户已有以“{unit.name}”为根的授权，请先撤销原授权",
            fields={"unit": "已有该单位的授权"},
        )
    grant = ScopeGrant.objects.create(
        user=user, unit=unit, managed_levels=levels, pillars=chosen, granted_by=actor, note=note
    )
    audit.record(action="grant.create", actor=actor, target=user, after=_grant_snapshot(grant),
                 detail={"grant": grant.pk})  # fmt: skip
    return grant


@transaction.atomic
def grant_delete(*, actor: Any, grant_id: int) -> User:
    """Revoke one scope grant."""
    _require(actor, Role.SECADMIN)
    grant = (
        ScopeGrant.objects.select_for_update()
        .select_related("user", "unit")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise DomainError("授权不存在或已撤销", code="not_found")
    _not_self(actor, grant.user, "不能修改自己的授权")
    before = _grant_snapshot(grant)
    user = grant.user
    grant.delete()
    audit.record(action="grant.delete", actor=actor, target=user, before=before,
                 detail={"grant": grant_id})  # fmt: skip
    return user
