"""Domain errors raised by services and mapped to form errors, htmx fragments or API 400s."""

from collections.abc import Mapping


class DomainError(Exception):
    """A business rule refused an operation; `message` is shown to the user in Chinese."""

    def __init__(
        self, message: str, *, code: str = "invalid", fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = dict(fields or {})


class StaleVersionError(DomainError):
    """Optimistic concurrency: the record changed since the user loaded it."""

    def __init__(self, message: str, *, changes: Mapping[str, tuple[object, object]]) -> None:
        super().__init__(message, code="stale_version")
        self.changes = dict(changes)


class OutOfScopeError(DomainError):
    """The actor's data scope does not cover the target; views answer 404, never 403."""

    def __init__(self, message: str = "记录不存在或不在您的数据范围内") -> None:
        super().__init__(message, code="out_of_scope")
