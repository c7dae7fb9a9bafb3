"""Idle timeout (等保 2.0 session handling) without a session write on every request."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
