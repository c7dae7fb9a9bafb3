"""Frontline quotas (FrontlineQuota): a change is a new row from a date on, never an edit, so a
year's share is always judged against the quota that applied."""

from datetime import date
from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action
from apps.selection.models import FrontlineQuota
from apps.units.models import Unit


@transaction.atomic
def quota_add(
    *,
    actor: Any,
    unit_id: int,
    unit_level: str,
    unit_kind: str,
    min_percent: int,
    enforcement: str,
    effective_from: date,
    source: str,
) -> FrontlineQuota:
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScopeError()
    if not 1 <= min_percent <= 100:
        raise DomainError("比例须在1%至100%之间", fields={"min_percent": "比例须在1%至100%之间"})
    if not source.strip():
        raise DomainError("请填写依据（文件名称、文号）", fields={"source": "请填写依据"})
    quota = FrontlineQuota.objects.create(
        unit=unit,
        unit_level=unit_level,
        unit_kind=unit_kind,
        min_percent=min_percent,
        enforcement=enforcement,
        effective_from=effective_from,
        source=source.strip(),
        created_by=actor,
    )
    audit.record(
        action="selection.quota.add", actor=actor, target=quota, after=audit.snapshot(quota)
    )
    return quota
