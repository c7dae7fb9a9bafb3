"""Rule parameters: national or local values from rules.md, overridable per locality over time.

Each app declares its parameters (`declare`) with the default, the rule id from rules.md and how
sure we are; a locality records its own value from a date on (`RuleParameter` rows). A rule reads
the value that applied on the date it judges (`param(key, on)`), never "now".
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from .audit import record
from .exceptions import DomainError
from .models import RuleParameter
from .scope import Action, path_depth, rules_for


@dataclass(frozen=True)
class ParamSpec:
    key: str
    label: str
    default: Any
    rule: str  # rules.md id, e.g. "FRONT-2", or "LOCAL" for a local policy
    status: str  # "VERIFIED" / "UNVERIFIED" / "LOCAL"
    unit: str = ""
    minimum: int | None = None
    maximum: int | None = None


REGISTRY: dict[str, ParamSpec] = {}


def declare(spec: ParamSpec) -> ParamSpec:
    """Register a parameter (called at import time by the app that owns it)."""
    REGISTRY[spec.key] = spec
    return spec


def param(key: str, on: date) -> Any:
    """The value of `key` in force on `on`: the latest local value effective by then, else the
    declared default."""
    row = (
        RuleParameter.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .values_list("value", flat=True)
        .first()
    )
    return REGISTRY[key].default if row is None else row


def params_on(prefix: str, on: date) -> dict[str, Any]:
    """Every declared parameter under `prefix` with its value in force on `on`, in one query
    (a screening judges thousands of cadres against the same values)."""
    values = {key: spec.default for key, spec in REGISTRY.items() if key.startswith(prefix)}
    rows = (
        RuleParameter.objects.filter(key__startswith=prefix, effective_from__lte=on)
        .order_by("key", "effective_from", "id")
        .values_list("key", "value")
    )
    for key, value in rows:  # ascending: the latest effective row wins
        if key in values:
            values[key] = value
    return values


def history(key: str) -> list[RuleParameter]:
    return list(RuleParameter.objects.filter(key=key).select_related("created_by"))


def param_set(
    *, actor: Any, key: str, value: int, effective_from: date, source: str
) -> RuleParameter:
    """Record a locality's value from `effective_from` on (audited)."""
    if not may_set(actor):
        raise DomainError(
            "只有管理全市（全域）的组织部门干部管理员可以设置规则参数", code="forbidden"
        )
    spec = REGISTRY.get(key)
    if spec is None:
        raise DomainError("未知的规则参数", code="unknown_param")
    if spec.minimum is not None and value < spec.minimum:
        message = f"{spec.label}不能小于{spec.minimum}{spec.unit}"
        raise DomainError(message, code="out_of_range", fields={"value": message})
    if spec.maximum is not None and value > spec.maximum:
        message = f"{spec.label}不能大于{spec.maximum}{spec.unit}"
        raise DomainError(message, code="out_of_range", fields={"value": message})
    with transaction.atomic():
        row = RuleParameter.objects.create(
            key=key, value=value, effective_from=effective_from, source=source, created_by=actor
        )
        record(
            action="rule_param.set",
            actor=actor,
            target_type="core.ruleparameter",
            target_id=str(row.pk),
            target_repr=spec.label,
            after={"key": key, "value": value, "effective_from": str(effective_from)},
        )
    return row


def may_set(actor: Any) -> bool:
    """Local rule parameters bind the whole locality: only an officer whose change grant covers a
    whole tree (a root unit: path "/<id>/") sets them."""
    return any(path_depth(rule.path) == 1 for rule in rules_for(actor, Action.CHANGE))


def overview(on: date) -> list[dict[str, Any]]:
    """Every declared parameter with the value in force on `on` and its local history."""
    rows: dict[str, list[RuleParameter]] = {}
    for row in RuleParameter.objects.select_related("created_by"):
        rows.setdefault(row.key, []).append(row)
    return [
        {"spec": spec, "value": param(key, on), "history": rows.get(key, [])}
        for key, spec in sorted(REGISTRY.items())
    ]
