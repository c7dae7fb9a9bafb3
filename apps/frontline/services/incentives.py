"""Writes to the incentive catalogue (激励措施) and to the grants of measures to cadres.

A measure belongs to the unit that defined it and may be changed by officers holding CHANGE over
that unit. A grant is a part of a cadre's record: it follows the cadre's scope, is soft-deleted
(with undo) and may only use an active measure the actor can see that applies to the cadre's
unit (the defining unit's subtree).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action
from apps.frontline.models import FrontlineService, IncentiveGrant, IncentiveMeasure
from apps.units.models import Unit

MEASURE_FIELDS = ("category", "item", "description", "source", "sort_order")


def _unit_for_change(actor: Any, unit: Unit | int | None) -> Unit:
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    rows = Unit.objects.visible_to(actor, Action.CHANGE)
    found = rows.filter(pk=unit_id).first() if unit_id is not None else None
    if found is None:
        message = "制定单位不在您可维护的范围内"
        raise DomainError(message, code="unit_out_of_scope", fields={"unit": message})
    return found


def _check_unique(measure: IncentiveMeasure) -> None:
    clash = IncentiveMeasure.objects.filter(
        unit_id=measure.unit_id, category=measure.category, item=measure.item
    ).exclude(pk=measure.pk)
    if clash.exists():
        message = (
            f"本单位已有“{measure.get_category_display()}”类措施“{measure.item}”，请勿重复添加"
        )
        raise DomainError(message, code="duplicate_measure", fields={"item": message})


def _clean_measure(measure: IncentiveMeasure) -> None:
    measure.item = (measure.item or "").strip()
    if not measure.item:
        raise DomainError("请填写措施名称", fields={"item": "请填写措施名称"})
    _check_unique(measure)


def _measure_for_change(actor: Any, measure_id: int) -> IncentiveMeasure:
    measure = (
        IncentiveMeasure.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        raise OutOfScopeError()
    return measure


@transaction.atomic
def measure_create(*, actor: Any, data: Mapping[str, Any]) -> IncentiveMeasure:
    """Add a measure to a unit's catalogue; (unit, category, item) is unique."""
    unit = _unit_for_change(actor, data.get("unit"))
    measure = IncentiveMeasure(unit=unit, **{k: data[k] for k in MEASURE_FIELDS if k in data})
    _clean_measure(measure)
    measure.save()
    audit.record(
        action="frontline.incentive_measure.create",
        actor=actor,
        target=measure,
        after=audit.snapshot(measure),
    )
    return measure


@transaction.atomic
def measure_update(*, actor: Any, measure_id: int, data: Mapping[str, Any]) -> IncentiveMeasure:
    """Edit a measure's text, category or order (the defining unit does not change)."""
    measure = _measure_for_change(actor, measure_id)
    before = audit.snapshot(measure)
    for key in MEASURE_FIELDS:
        if key in data:
            setattr(measure, key, data[key])
    _clean_measure(measure)
    measure.save()
    old, new = audit.diff(before, audit.snapshot(measure))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    audit.record(
        action="frontline.incentive_measure.update",
        actor=actor,
        target=measure,
        before=old,
        after=new,
    )
    return measure


def _set_active(actor: Any, measure_id: int, *, active: bool) -> IncentiveMeasure:
    measure = _measure_for_change(actor, measure_id)
    if measure.is_active != active:
        measure.is_active = active
        measure.save(update_fields=["is_active", "updated_at"])
        audit.record(
            action="frontline.incentive_measure." + ("activate" if active else "deactivate"),
            actor=actor,
            target=measure,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return measure


@transaction.atomic
def measure_deactivate(*, actor: Any, measure_id: int) -> IncentiveMeasure:
    """Stop offering a measure for new grants (past grants keep it)."""
    return _set_active(actor, measure_id, active=False)


@transaction.atomic
def measure_activate(*, actor: Any, measure_id: int) -> IncentiveMeasure:
    """Offer a deactivated measure again (undo of measure_deactivate)."""
    return _set_active(actor, measure_id, active=True)


@dataclass(frozen=True)
class GrantInput:
    """What the grant form sends."""

    measure_id: int
    granted_on: date
    reason: str
    document_number: str = ""
    service_id: int | None = None


def measure_applies(measure_unit_path: str, cadre_unit_path: str) -> bool:
    """A locality's measure applies to cadres serving inside its own subtree (LOCAL)."""
    return cadre_unit_path.startswith(measure_unit_path)


def _grantable_measure(actor: Any, cadre: Cadre, measure_id: int) -> IncentiveMeasure:
    measure = (
        IncentiveMeasure.objects.visible_to(actor)
        .select_related("unit")
        .filter(pk=measure_id, is_active=True)
        .first()
    )
    if measure is None:
        message = "所选激励措施不存在、已停用或不在您的范围内"
        raise DomainError(message, code="measure_unavailable", fields={"measure": message})
    if not measure_applies(measure.unit.path, cadre.unit.path):
        message = f"该措施由{measure.unit.name}制定，仅适用于其所辖范围内的干部"
        raise DomainError(message, code="measure_not_applicable", fields={"measure": message})
    return measure


def _check_grant_input(cadre: Cadre, data: GrantInput, today: date) -> FrontlineService | None:
    errors: dict[str, str] = {}
    if data.granted_on > today:
        errors["granted_on"] = "落实日期不能晚于今天"
    if not data.reason.strip():
        errors["reason"] = "请填写事由"
    service = None
    if data.service_id is not None:
        service = cadre.frontline_services.filter(
            pk=data.service_id, deleted_at__isnull=True
        ).first()
        if service is None:
            errors["service"] = "所选一线经历不属于该干部"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_grant", fields=errors)
    return service


@transaction.atomic
def grant_add(
    *, actor: Any, cadre_id: int, data: GrantInput, today: date | None = None
) -> IncentiveGrant:
    """Record that a cadre received a measure (落实激励措施)."""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .select_related("unit")
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    measure = _grantable_measure(actor, cadre, data.measure_id)
    service = _check_grant_input(cadre, data, today or timezone.localdate())
    grant = IncentiveGrant.objects.create(
        cadre=cadre,
        measure=measure,
        granted_on=data.granted_on,
        reason=data.reason.strip(),
        document_number=data.document_number.strip(),
        service=service,
        created_by=actor,
    )
    audit.record(
        action="frontline.incentive_grant.add",
        actor=actor,
        target=grant,
        after=audit.snapshot(grant),
    )
    return grant


def _grant_for_change(actor: Any, grant_id: int, *, deleted: bool) -> IncentiveGrant:
    rows = IncentiveGrant.objects.visible_to(actor, Action.CHANGE, include_deleted=True)
    # include_deleted also opens deleted cadres; only the grant's own deletion is wanted here.
    grant = (
        rows.filter(cadre__deleted_at__isnull=True, deleted_at__isnull=not deleted)
        .select_for_update()
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise OutOfScopeError()
    return grant


@transaction.atomic
def grant_delete(*, actor: Any, grant_id: int) -> IncentiveGrant:
    """Soft delete a grant; `grant_restore` undoes it."""
    grant = _grant_for_change(actor, grant_id, deleted=False)
    grant.deleted_at = timezone.now()
    grant.save(update_fields=["deleted_at", "updated_at"])
    audit.record(action="frontline.incentive_grant.delete", actor=actor, target=grant)
    return grant


@transaction.atomic
def grant_restore(*, actor: Any, grant_id: int) -> IncentiveGrant:
    """Undo a grant's soft delete."""
    grant = _grant_for_change(actor, grant_id, deleted=True)
    grant.deleted_at = None
    grant.save(update_fields=["deleted_at", "updated_at"])
    audit.record(action="frontline.incentive_grant.restore", actor=actor, target=grant)
    return grant
