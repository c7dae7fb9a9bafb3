"""Write and verify audit events (explicit, in the same transaction as the change).

The hash chain: hash = sha256(prev_hash + canonical JSON of the event). Writers serialise on a
PostgreSQL advisory lock (SQLite serialises writers itself), so ids follow the chain order.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import current_request
from .models import AuditEvent, AuditOutcome

GENESIS = "0" * 64
_LOCK_KEY = 7_420_611  # arbitrary constant naming the audit chain's advisory lock


def _normalise(value: Any) -> Any:
    """JSON-roundtrip so the hashed form equals what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _payload(event: AuditEvent) -> str:
    fields = {
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "outcome": event.outcome,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "detail": event.detail,
        "ip": event.ip,
        "request_id": event.request_id,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """The chained hash of an event."""
    return hashlib.sha256((prev_hash + _payload(event)).encode()).hexdigest()


def record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    target_repr: str = "",
    before: Any = None,
    after: Any = None,
    detail: Any = None,
    outcome: str = AuditOutcome.OK,
    actor_name: str = "",
) -> AuditEvent:
    """Append one audit event; call inside the service's transaction so both commit together."""
    info = current_request.get()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        target_repr = target_repr or str(target)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=actor_name or (actor.get_username() if authenticated else ""),
        action=action,
        outcome=outcome,
        target_type=target_type,
        target_id=str(target_id or ""),
        target_repr=target_repr[:200],
        before=_normalise(before),
        after=_normalise(after),
        detail=_normalise(detail),
        # Hash the IP as it will be stored: saving normalises IPv6 (2001:DB8:0::1 → 2001:db8::1).
        ip=AuditEvent._meta.get_field("ip").get_prep_value(info.ip),
        request_id=info.request_id,
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = compute_hash(event.prev_hash, event)
        event.save()
    return event


@dataclass(frozen=True)
class ChainProblem:
    """A break in the chain: the event id and what is wrong."""

    event_id: int
    reason: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the chain in id order and yield every event whose links or hash do not match."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            yield ChainProblem(event.pk, "前一条哈希不匹配（记录被删除或插入）")
        if compute_hash(event.prev_hash, event) != event.hash:
            yield ChainProblem(event.pk, "内容哈希不匹配（记录被篡改）")
        prev = event.hash


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Plain-value copy of a model's concrete fields for before/after diffs."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.name] = _normalise(field.value_from_object(instance))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
