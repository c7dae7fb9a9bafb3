"""Middleware that records request facts used by the audit log."""

import ipaddress
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import RequestInfo, current_request


def client_ip(request: HttpRequest) -> str | None:
    """The client address: the reverse proxy's X-Real-IP when it is a valid address, else the
    socket peer. A malformed header must not break the audit insert (inet column on PG)."""
    for candidate in (request.META.get("HTTP_X_REAL_IP"), request.META.get("REMOTE_ADDR")):
        if candidate:
            try:
                return str(ipaddress.ip_address(candidate.strip()))
            except ValueError:
                continue
    return None


class RequestContextMiddleware:
    """Bind a request id and the client IP to the current context for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            request_id=uuid.uuid4().hex,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        )
        token = current_request.set(info)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = info.request_id
        return response
