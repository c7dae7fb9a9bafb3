"""Per-request facts (actor, IP, request id) for audit rows written deep inside services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    """Where an action came from."""

    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


NO_REQUEST = RequestInfo()
current_request: ContextVar[RequestInfo] = ContextVar(
    "current_request",
    default=NO_REQUEST,
)
