"""Reads of cadre data. Every function starts from `visible_to(actor)`; detail reads are audited."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.scope import Action
from apps.units.models import PostQuota, Unit

from .filters import DEFAULT_SORT, SORTS, CadreFilter
from .models import Cadre


def cadre_list(
    *, actor: Any, params: QueryDict | dict[str, Any], include_deleted: bool = False
) -> tuple[QuerySet[Cadre], CadreFilter]:
    """The scoped, filtered, sorted cadre list and the bound filter (for the form and errors)."""
    base = Cadre.objects.visible_to(actor)
    if include_deleted:
        base = Cadre.objects.visible_to(actor, include_deleted=True).filter(
            deleted_at__isnull=False
        )
    flt = CadreFilter(params, queryset=base)
    qs = flt.qs if flt.is_valid() else base.none()
    sort = params.get("sort") or DEFAULT_SORT
    qs = qs.order_by(*SORTS.get(str(sort), SORTS[DEFAULT_SORT]))
    return qs.select_related("unit"), flt


def cadre_get(*, actor: Any, cadre_id: int, action: Action = Action.VIEW) -> Cadre:
    """One cadre in scope, its read audited; an out-of-scope id is audited as denied and 404s."""
    cadre = (
        Cadre.objects.visible_to(actor, action).select_related("unit").filter(pk=cadre_id).first()
    )
    if cadre is None:
        audit.record(
            action="cadre.view",
            actor=actor,
            target_type="cadres.cadre",
            target_id=cadre_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    audit.record(action="cadre.view", actor=actor, target=cadre)
    return cadre


def scope_counts(*, actor: Any) -> dict[str, int]:
    """Headline counts for the dashboard, all within the actor's scope."""
    qs = Cadre.objects.visible_to(actor)
    return qs.aggregate(
        total=Count("id"),
        female=Count("id", filter=Q(gender="female")),
        leaders=Count("id", filter=~Q(tier="")),
        city_managed=Count("id", filter=Q(managed_by="city")),
        county_managed=Count("id", filter=Q(managed_by="county")),
    )


def unit_cadre_counts(*, actor: Any, units: list[Unit]) -> dict[int, int]:
    """Scoped cadre count of each unit's whole subtree (one query per unit list)."""
    result: dict[int, int] = {}
    qs = Cadre.objects.visible_to(actor)
    for unit in units:
        result[unit.pk] = 0
    if not units:
        return result
    aggregates = {
        f"u{unit.pk}": Count("id", filter=Q(unit__path__startswith=unit.path)) for unit in units
    }
    for key, value in qs.aggregate(**aggregates).items():
        result[int(key[1:])] = value
    return result


def unit_occupancy(*, unit: Unit) -> list[dict[str, Any]]:
    """职数 vs occupancy per tier for one unit; `over` marks 超职数."""
    from .models import Appointment

    quotas = {q.tier: q for q in PostQuota.objects.filter(unit=unit)}
    held = dict(
        Appointment.objects.filter(
            post__unit=unit, end_date__isnull=True, cadre__deleted_at__isnull=True
        )
        .values_list("post__tier")
        .annotate(n=Count("id"))
        .values_list("post__tier", "n")
    )
    rows = []
    for tier in sorted(set(quotas) | set(held)):
        quota = quotas.get(tier)
        approved = quota.approved if quota else 0
        rows.append(
            {
                "tier": tier,
                "approved": approved,
                "held": held.get(tier, 0),
                "over": held.get(tier, 0) > approved,
            }
        )
    return rows
