"""Idle timeout (等保 2.0 session handling) without a session write on every request, and the
forced change of a password an administrator chose."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SEEN_KEY = "_dd_seen"


class IdleTimeoutMiddleware:
    """Renew a signed-in session at most once a minute.

    The session expires `SESSION_COOKIE_AGE` seconds after its last save. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) costs every page a database write; touching it once per
    `SESSION_TOUCH_SECONDS` keeps the idle limit within that margin (30 min, minus at most 1).
    Anonymous sessions are left alone, so the login page creates no session rows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= settings.SESSION_TOUCH_SECONDS:
                session[SEEN_KEY] = now  # marks the session modified: saved, cookie renewed
        return response


MUST_CHANGE_MESSAGE = "您的密码由管理员设置（新账号或重置密码），请先修改为只有您本人知道的密码。"


class PasswordChangeRequiredMiddleware:
    """Until a user whose password an administrator chose has changed it, every page leads to
    修改密码 (htmx requests by HX-Redirect); logging out, static files and the API (tokens are
    separate credentials, issued by command) stay reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "must_change_password", False):
            target = reverse("accounts:password_change")
            allowed = (target, reverse("accounts:logout"), settings.STATIC_URL, "/api/")
            if not request.path.startswith(allowed):
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                messages.warning(request, MUST_CHANGE_MESSAGE)
                return redirect(target)
        return self.get_response(request)
