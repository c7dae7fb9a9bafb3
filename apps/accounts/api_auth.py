"""Authentication of the REST API: personal access tokens (Bearer) or the browser session (CSRF).

A token is shown once when created; only its SHA-256 is stored, with a short prefix to identify
it. Both auth classes end with the same role gate: officers (and leaders for reads) work with
cadre data; 三员 (sysadmin/secadmin/auditor) get a clear 403 — the role is not secret, unlike
data scope, where rows outside the scope are 404. Refusals are audited like the pages' 403s.
"""

import hashlib
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from apps.core import audit
from apps.core.exceptions import DomainError
from apps.core.models import AuditOutcome
from apps.core.roles import role_labels

from .models import CADRE_ROLES, ApiToken, Role, User

TOKEN_PREFIX = "ddg_"  # noqa: S105 - a marker, not a secret
PREFIX_LENGTH = 12  # "ddg_" + 8 random characters: enough to tell tokens apart, useless alone
LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write last_used_at on every request
READ_ROLES: tuple[str, ...] = tuple(sorted(CADRE_ROLES))
WRITE_ROLES: tuple[str, ...] = (Role.OFFICER,)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
INVALID_TOKEN = "访问令牌无效、已吊销或已过期"  # noqa: S105 - a message


def hash_key(key: str) -> str:
    """The stored digest of a token (tokens are 256-bit random, so no salt or stretching)."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Any, user: User, name: str, expires_at: datetime | None
) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the row and the clear key (shown once, never stored)."""
    if user.role not in CADRE_ROLES:
        raise ValueError("只有组织部门干部管理员和领导可以使用接口访问令牌")
    if not user.is_active:
        raise ValueError("用户已停用")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        expires_at=expires_at,
    )
    audit.record(
        action="auth.token.create",
        actor=actor,
        actor_name="" if actor is not None else "manage.py create_api_token",
        target=token,
        detail={"user": user.get_username(), "prefix": token.prefix, "expires_at": expires_at},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke a token at once; requests using it get 401 from then on. The security
    administrator revokes any token, a holder their own."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token_id)
    if getattr(actor, "role", None) != Role.SECADMIN and token.user_id != getattr(actor, "pk", 0):
        raise DomainError("只有安全管理员或令牌持有人可以吊销访问令牌", code="forbidden")
    if token.revoked:
        raise DomainError(f"访问令牌“{token}”已吊销")
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(action="auth.token.revoke", actor=actor, target=token)
    return token


def token_user(key: str) -> User | None:
    """The active user owning a valid (not revoked, not expired) token, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def check_role(request: HttpRequest, user: Any, roles: Collection[str]) -> Any:
    """Let `user` through if their role is one of `roles`; else audit and answer 403."""
    if getattr(user, "role", None) in roles:
        return user
    audit.record(
        action="access.denied",
        actor=user,
        outcome=AuditOutcome.DENIED,
        detail={"path": request.path, "method": request.method, "required": list(roles)},
    )
    needed = "、".join(role_labels(tuple(roles)))
    if getattr(user, "role", None) == Role.LEADER:
        raise AuthorizationError(message=f"领导角色只能查阅，不能修改（需要：{needed}）")
    raise AuthorizationError(message=f"您的角色无权通过接口访问干部信息（需要：{needed}）")


def failed_token(request: HttpRequest, key: str) -> None:
    """A refused token is a failed login: audited with the token's public prefix (only when it
    has our format: a mistyped key must not land in the log), the path and the client's IP."""
    prefix = key[:PREFIX_LENGTH] if key.startswith(TOKEN_PREFIX) else ""
    audit.record(
        action="auth.token.failed",
        outcome=AuditOutcome.FAILED,
        actor_name=prefix,
        detail={"prefix": prefix, "path": request.path, "method": request.method},
    )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ddg_…`. A bad token is 401 at once (no fallback to the session)."""

    def __init__(self, roles: Collection[str] = READ_ROLES) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = token.strip()
        user = token_user(key)
        if user is None:
            failed_token(request, key)
            raise AuthenticationError(message=INVALID_TOKEN)
        request.user = user
        return check_role(request, user, self.roles)


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods need the CSRF token (X-CSRFToken header).

    Unlike ninja's own SessionAuth, an anonymous request is 401 (not a CSRF 403), and the CSRF
    check runs only once the session is known to be a logged-in user.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, roles: Collection[str] = READ_ROLES) -> None:
        super().__init__(csrf=True)  # csrf=True also makes the docs page send the token
        self.roles = roles

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF校验失败：请在请求头 X-CSRFToken 中提交 csrftoken")
        return check_role(request, user, self.roles)


def api_auth(roles: Collection[str]) -> list[Any]:
    """The auth list for operations open to `roles`: token first, then the session."""
    return [TokenAuth(roles), SessionAuth(roles)]


READ_AUTH = api_auth(READ_ROLES)
WRITE_AUTH = api_auth(WRITE_ROLES)


def request_user(request: HttpRequest) -> Any:
    """The authenticated user of a request (session or Bearer token), or None. No role check."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() == "bearer":
        return token_user(key.strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def api_actor(request: HttpRequest) -> Any:
    """The user ninja's auth put on the request (after the role gate)."""
    return request.auth  # type: ignore[attr-defined]
