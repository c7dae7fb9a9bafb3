"""Writes of 澄清正名 (clarifying cadres falsely accused), for officers holding the tolerance
pillar with CHANGE scope over the cadre."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action, assert_in_scope
from apps.tolerance.constants import PublicationScope
from apps.tolerance.models import Clarification
from apps.tolerance.selectors_cases import pillar_cadres

FIELDS = ("accusation", "finding", "scope", "clarified_on", "authority")
LABELS = {
    "accusation": "被反映问题",
    "finding": "核查结论",
    "authority": "澄清单位",
}


def _apply(row: Clarification, data: Mapping[str, Any], today: date) -> None:
    errors: dict[str, str] = {}
    for key, label in LABELS.items():
        value = str(data.get(key) or "").strip()
        setattr(row, key, value)
        if not value:
            errors[key] = f"请填写{label}"
    scope = data.get("scope")
    if scope not in PublicationScope.values:
        errors["scope"] = "请选择澄清范围"
    else:
        row.scope = scope
    on = data.get("clarified_on")
    if not isinstance(on, date):
        errors["clarified_on"] = "请填写澄清日期"
    elif on > today:
        errors["clarified_on"] = "澄清日期不能晚于今天"
    else:
        row.clarified_on = on
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_clarification", fields=errors)


@transaction.atomic
def clarification_add(
    *, actor: Any, cadre_id: int, data: Mapping[str, Any], today: date | None = None
) -> Clarification:
    """Record a 澄清正名 for a cadre in the actor's pillar scope."""
    today = today or timezone.localdate()
    cadre = pillar_cadres(actor, Action.CHANGE).filter(pk=cadre_id).first()
    if cadre is None:
        raise OutOfScopeError()
    row = Clarification(cadre=cadre, created_by=actor)
    _apply(row, data, today)
    row.save()
    assert_in_scope(Clarification.objects.all(), row.pk, actor, Action.CHANGE)
    audit.record(
        action="tolerance.clarification.add",
        actor=actor,
        target=row,
        after=audit.snapshot(row, fields=[*FIELDS]),
        detail={"cadre": cadre.pk},
    )
    return row


@transaction.atomic
def clarification_update(
    *, actor: Any, clarification_id: int, data: Mapping[str, Any], today: date | None = None
) -> Clarification:
    """Edit a 澄清正名 (audited with the changed fields)."""
    today = today or timezone.localdate()
    row = (
        Clarification.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=clarification_id)
        .first()
    )
    if row is None:
        raise OutOfScopeError()
    before = audit.snapshot(row, fields=[*FIELDS])
    _apply(row, data, today)
    row.save()
    old, new = audit.diff(before, audit.snapshot(row, fields=[*FIELDS]))
    audit.record(
        action="tolerance.clarification.update",
        actor=actor,
        target=row,
        before=old,
        after=new,
        detail={"cadre": row.cadre_id},
    )
    return row
