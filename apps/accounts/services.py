"""Authentication with lockout after repeated failures; every attempt is audited."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.core import audit
from apps.core.models import AuditOutcome

from .models import User


class LoginRefused(Exception):
    """Login refused; `message` is shown on the login page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


GENERIC_FAILURE = "用户名或密码错误"


def login_attempt(*, request: HttpRequest, username: str, password: str) -> User:
    """Check credentials; lock the account for LOGIN_LOCKOUT_MINUTES after LOGIN_MAX_FAILURES.

    The refusal is raised only after the transaction commits: raising inside it would roll back
    the failure count, the lock and the audit row of the failed attempt.
    """
    with transaction.atomic():
        outcome = _check_credentials(request=request, username=username, password=password)
    if isinstance(outcome, str):
        raise LoginRefused(outcome)
    return outcome


def _check_credentials(*, request: HttpRequest, username: str, password: str) -> User | str:
    """The authenticated user, or the refusal message (state and audit already written)."""
    now = timezone.now()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and user.locked_until and user.locked_until > now:
        audit.record(
            action="auth.login",
            outcome=AuditOutcome.DENIED,
            actor_name=username,
            detail={"reason": "locked"},
        )
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return f"账号已锁定，请{minutes}分钟后再试，或联系系统管理员、安全管理员解锁"
    authenticated: Any = authenticate(request, username=username, password=password)
    if authenticated is None:
        detail: dict[str, Any] = {"reason": "bad_credentials"}
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
                user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                user.failed_logins = 0
                detail["locked"] = True
            user.save(update_fields=["failed_logins", "locked_until"])
        audit.record(
            action="auth.login", outcome=AuditOutcome.FAILED, actor_name=username, detail=detail
        )
        if detail.get("locked"):
            return (
                f"连续{settings.LOGIN_MAX_FAILURES}次登录失败，账号已锁定"
                f"{settings.LOGIN_LOCKOUT_MINUTES}分钟；如需提前解锁，请联系系统管理员或安全管理员"
            )
        return GENERIC_FAILURE
    authenticated.failed_logins = 0
    authenticated.locked_until = None
    authenticated.save(update_fields=["failed_logins", "locked_until"])
    audit.record(action="auth.login", actor=authenticated)
    return authenticated
