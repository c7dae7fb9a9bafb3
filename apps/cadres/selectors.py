"""Reads of cadre data. Every function starts from `visible_to(actor)`; detail reads are audited."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.scope import Action
from apps.units.constants import TIER_ORDER, Tier
from apps.units.models import PostQuota, Unit

from .filters import DEFAULT_SORT, SORTS, CadreFilter
from .models import Appointment, Cadre


def _without_blanks(params: QueryDict | dict[str, Any]) -> QueryDict:
    """Drop empty values ("全部" options submit ""), which multi-choice filters would reject."""
    cleaned = QueryDict(mutable=True)
    items = params.lists() if isinstance(params, QueryDict) else params.items()
    for key, values in items:
        values = values if isinstance(values, list) else [values]
        kept = [str(v) for v in values if str(v).strip() != ""]
        if kept:
            cleaned.setlist(key, kept)
    return cleaned


def cadre_list(
    *,
    actor: Any,
    params: QueryDict | dict[str, Any],
    include_deleted: bool = False,
    for_count: bool = False,
) -> tuple[QuerySet[Cadre], CadreFilter]:
    """The scoped, filtered, sorted cadre list and the bound filter (for the form and errors).

    How the scope is matched depends on the use (the rows are the same; docs/benchmarks.md):
    pages sorted by anything but the unit match a county on the cadres' stored root
    (`visible_to(by_root=True)`), so a name-ordered page, however deep, walks
    `cadre_root_name_order`; pages sorted by unit, and counts (`for_count`), match on the unit
    path, so the planner probes the county's units in order (`cadre_scope_cover`)."""
    sort = params.get("sort") or DEFAULT_SORT
    order = SORTS.get(str(sort), SORTS[DEFAULT_SORT])
    by_root = not for_count and not order[0].lstrip("-").startswith("unit__")
    base = Cadre.objects.visible_to(actor, include_deleted=include_deleted, by_root=by_root)
    if include_deleted:
        base = base.filter(deleted_at__isnull=False)
    flt = CadreFilter(_without_blanks(params), queryset=base)
    qs = flt.qs if flt.is_valid() else base.none()
    qs = qs.order_by(*order)
    # The list never shows the ciphertext or long text fields; leave them in the table.
    return qs.select_related("unit").defer("id_number_encrypted", "expertise"), flt


def cadre_get(
    *, actor: Any, cadre_id: int, action: Action = Action.VIEW, detail: Any = None
) -> Cadre:
    """One cadre in scope, its read audited (`detail`: what was read, e.g. {"tab": "frontline"}
    for a lazily loaded tab of the cadre page); an out-of-scope id is audited as denied and 404s."""
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
            detail=detail,
        )
        raise OutOfScopeError()
    audit.record(action="cadre.view", actor=actor, target=cadre, detail=detail)
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


def _held_counts(units: QuerySet[Unit]) -> dict[tuple[int, str], int]:
    """Current holders per (unit, tier): unit-level facts, not identities, so not cadre-scoped."""
    rows = (
        Appointment.objects.filter(
            post__unit__in=units, end_date__isnull=True, cadre__deleted_at__isnull=True
        )
        .values("post__unit", "post__tier")
        .annotate(n=Count("id"))
    )
    return {(r["post__unit"], r["post__tier"]): r["n"] for r in rows}


def occupancy_rows(units: QuerySet[Unit]) -> dict[int, list[dict[str, Any]]]:
    """职数 vs occupancy per unit and tier; `over` marks 超职数 (more holders than approved)."""
    held = _held_counts(units)
    approved = {(q.unit_id, q.tier): q.approved for q in PostQuota.objects.filter(unit__in=units)}
    result: dict[int, list[dict[str, Any]]] = {}
    for unit_id, tier in sorted(set(held) | set(approved), key=lambda k: (k[0], TIER_ORDER[k[1]])):
        n_held, n_approved = held.get((unit_id, tier), 0), approved.get((unit_id, tier), 0)
        result.setdefault(unit_id, []).append(
            {
                "tier": tier,
                "tier_label": Tier(tier).label,
                "approved": n_approved,
                "held": n_held,
                "over": n_held > n_approved,
                "excess": max(0, n_held - n_approved),
            }
        )
    return result


def unit_occupancy(*, unit: Unit) -> list[dict[str, Any]]:
    """Occupancy rows of one unit."""
    return occupancy_rows(Unit.objects.filter(pk=unit.pk)).get(unit.pk, [])


def over_establishment(*, units: QuerySet[Unit]) -> list[tuple[Unit, list[dict[str, Any]]]]:
    """Units (of the given set) with at least one tier over its approved number."""
    rows = occupancy_rows(units)
    over_ids = [uid for uid, tiers in rows.items() if any(t["over"] for t in tiers)]
    return [
        (unit, [t for t in rows[unit.pk] if t["over"]])
        for unit in Unit.objects.filter(pk__in=over_ids).order_by("path")
    ]
