"""Reads of the reserve pools (后备干部), negative flags and 破格 records: the lists of their
pages and exports, each starting from `visible_to(actor)`, and the side-by-side comparison of
reserve cadres with their eligibility for the pool's target tier (facts.gather + engine)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.assessment.constants import AnnualGrade
from apps.cadres.constants import EducationLevel
from apps.cadres.filters import search
from apps.cadres.models import Cadre
from apps.cadres.rules import age_on
from apps.core import audit
from apps.core.dates import whole_months
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action
from apps.selection import engine
from apps.selection.facts import gather
from apps.selection.models import ExceptionalPromotion, NegativeFlag, ReserveEntry, ReservePool
from apps.selection.rules_rank import rung_start
from apps.units.models import Unit

COMPARE_MIN, COMPARE_MAX = 2, 5


def _subtree(unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "//none"


def _sorted(qs: QuerySet[Any], sorts: dict[str, tuple[str, ...]], sort: str) -> QuerySet[Any]:
    return qs.order_by(*sorts.get(sort, next(iter(sorts.values()))))


def cadre_pick(*, actor: Any, text: str, limit: int = 10) -> list[Cadre]:
    """Cadres the actor may change, matching a name/pinyin search (the add forms' picker)."""
    text = text.strip()
    if not text:
        return []
    rows = search(Cadre.objects.visible_to(actor, Action.CHANGE), text).select_related("unit")
    return list(rows.order_by("name_pinyin", "id")[:limit])


# --- pools ----------------------------------------------------------------------------------------

POOL_SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("unit__path", "target_tier", "id"),
    "-unit": ("-unit__path", "target_tier", "id"),
    "tier": ("target_tier", "unit__path", "id"),
    "-tier": ("-target_tier", "unit__path", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "active": ("active_count", "unit__path", "id"),
    "-active": ("-active_count", "unit__path", "id"),
}
POOL_DEFAULT_SORT = "unit"


@dataclass(frozen=True)
class PoolFilters:
    unit: int | None = None
    tier: str = ""
    q: str = ""
    sort: str = POOL_DEFAULT_SORT


def _count(actor: Any, active: bool) -> Coalesce:
    rows = (
        ReserveEntry.objects.visible_to(actor)
        .filter(pool=OuterRef("pk"), exit_date__isnull=active)
        .order_by()
        .values("pool")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def pool_list(*, actor: Any, filters: PoolFilters | None) -> QuerySet[ReservePool]:
    """Pools the actor sees (owned in or above their subtree), with the counts of the entries
    they may see (active, exited); `filters=None` (invalid filters) gives no rows."""
    qs = ReservePool.objects.visible_to(actor).select_related("unit")
    if filters is None:
        return qs.none()
    path = _subtree(filters.unit)
    if path:
        qs = qs.filter(unit__path__startswith=path)
    if filters.tier:
        qs = qs.filter(target_tier=filters.tier)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    qs = qs.annotate(active_count=_count(actor, True), exited_count=_count(actor, False))
    return _sorted(qs, POOL_SORTS, filters.sort)


def pool_get(*, actor: Any, pool_id: int, action: Action = Action.VIEW) -> ReservePool:
    pool = ReservePool.objects.visible_to(actor, action).select_related("unit")
    found = pool.filter(pk=pool_id).first()
    if found is None:
        raise OutOfScopeError()
    return found


def pool_changeable(*, actor: Any, pool_id: int) -> bool:
    return ReservePool.objects.visible_to(actor, Action.CHANGE).filter(pk=pool_id).exists()


# --- entries --------------------------------------------------------------------------------------

ENTRY_SORTS: dict[str, tuple[str, ...]] = {
    "-entry_date": ("-entry_date", "-id"),
    "entry_date": ("entry_date", "id"),
    "name": ("cadre__name_pinyin", "id"),
    "-name": ("-cadre__name_pinyin", "-id"),
    "birth_date": ("-cadre__birth_date", "id"),  # youngest first reads as "age ascending"
    "-birth_date": ("cadre__birth_date", "id"),
    "exit_date": ("exit_date", "id"),
    "-exit_date": ("-exit_date", "-id"),
}
ENTRY_DEFAULT_SORT = "-entry_date"
ENTRY_STATUSES = [("active", "在库"), ("exited", "已出库"), ("all", "全部")]


@dataclass(frozen=True)
class EntryFilters:
    status: str = "active"
    source: str = ""
    q: str = ""
    pool: int | None = None
    unit: int | None = None
    tier: str = ""
    sort: str = ENTRY_DEFAULT_SORT


def entry_list(*, actor: Any, filters: EntryFilters | None) -> QuerySet[ReserveEntry]:
    """Entries the actor sees (the cadre in scope) of pools the actor sees; the pool page passes
    its pool, the export may span pools (filtered by the pools' unit subtree and tier)."""
    pools = ReservePool.objects.visible_to(actor).values("pk")
    qs = (
        ReserveEntry.objects.visible_to(actor)
        .filter(pool_id__in=pools)
        .select_related("cadre", "cadre__unit", "pool", "pool__unit")
    )
    if filters is None:
        return qs.none()
    if filters.pool is not None:
        qs = qs.filter(pool_id=filters.pool)
    path = _subtree(filters.unit)
    if path:
        qs = qs.filter(pool__unit__path__startswith=path)
    if filters.tier:
        qs = qs.filter(pool__target_tier=filters.tier)
    if filters.status == "active":
        qs = qs.filter(exit_date__isnull=True)
    elif filters.status == "exited":
        qs = qs.filter(exit_date__isnull=False)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.q:
        qs = qs.filter(cadre__in=search(Cadre.objects.visible_to(actor), filters.q).values("pk"))
    return _sorted(qs, ENTRY_SORTS, filters.sort)


def entry_get(*, actor: Any, entry_id: int, action: Action = Action.VIEW) -> ReserveEntry:
    pools = ReservePool.objects.visible_to(actor, action).values("pk")
    entry = (
        ReserveEntry.objects.visible_to(actor, action)
        .filter(pk=entry_id, pool_id__in=pools)
        .select_related("cadre", "cadre__unit", "pool", "pool__unit")
        .first()
    )
    if entry is None:
        raise OutOfScopeError()
    return entry


# --- comparison -----------------------------------------------------------------------------------


@dataclass
class CompareColumn:
    """One reserve cadre, side by side with the others."""

    entry: ReserveEntry
    age: int
    education: str
    post: str
    tenure: str
    frontline_months: Decimal
    frontline_qualifies: bool
    grades: list[tuple[int, str]]
    training_hours: Decimal | None
    verdict: Any
    failures: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)


def parse_ids(values: list[str]) -> list[int]:
    """`?ids=1,2,3` or `?ids=1&ids=2` → [1, 2, 3] (order kept, duplicates dropped)."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.isdigit() and int(part) not in ids:
                ids.append(int(part))
    return ids


def _tenure(facts: Any, today: date) -> str:
    start = rung_start(facts, facts.tier, today) if facts.tier else None
    if start is None and facts.rank:
        start = rung_start(facts, facts.rank, today)
    if start is None:
        return "—"
    months, _ = whole_months(start, today)
    return f"{start:%Y-%m-%d}起，{months // 12}年{months % 12}个月"


def compare(*, actor: Any, entry_ids: list[int], today: date) -> list[CompareColumn]:
    """2–5 entries the actor sees, each judged for its pool's target tier today. An id outside
    the scope raises OutOfScopeError (the page answers 404); the read is audited."""
    if not COMPARE_MIN <= len(entry_ids) <= COMPARE_MAX:
        raise ValueError("compare takes 2 to 5 entries")
    pools = ReservePool.objects.visible_to(actor).values("pk")
    rows = {
        e.pk: e
        for e in ReserveEntry.objects.visible_to(actor)
        .filter(pk__in=entry_ids, pool_id__in=pools)
        .select_related("cadre", "cadre__unit", "pool")
    }
    if len(rows) != len(entry_ids):
        audit.record(
            action="selection.reserve.compare",
            actor=actor,
            target_type="selection.reserveentry",
            outcome="denied",
            detail={"entries": entry_ids},
        )
        raise OutOfScopeError()
    entries = [rows[pk] for pk in entry_ids]
    facts = gather([e.cadre_id for e in entries], today)
    params = engine.load_params(today)
    years = [today.year - 3, today.year - 2, today.year - 1]
    columns = []
    for entry in entries:
        f = facts[entry.cadre_id]
        verdict = engine.evaluate(f, engine.Target(tier=entry.pool.target_tier), today, params)
        columns.append(
            CompareColumn(
                entry=entry,
                age=age_on(entry.cadre.birth_date, today),
                education=EducationLevel(f.highest_education).label
                if f.highest_education
                else "未录入",
                post=entry.cadre.current_post_title or "—",
                tenure=_tenure(f, today),
                frontline_months=f.frontline_months,
                frontline_qualifies=f.frontline_qualifies,
                grades=[
                    (y, AnnualGrade(f.grades[y]).label if y in f.grades else "—") for y in years
                ],
                training_hours=f.training_hours,
                verdict=verdict,
                failures=verdict.failures,
                warnings=verdict.warnings,
            )
        )
    audit.record(
        action="selection.reserve.compare",
        actor=actor,
        target_type="selection.reserveentry",
        target_repr="后备干部比较",
        detail={"entries": entry_ids, "cadres": [e.cadre_id for e in entries]},
    )
    return columns


# --- flags ----------------------------------------------------------------------------------------

FLAG_SORTS: dict[str, tuple[str, ...]] = {
    "-start_date": ("-start_date", "-id"),
    "start_date": ("start_date", "id"),
    "name": ("cadre__name_pinyin", "-start_date", "id"),
    "-name": ("-cadre__name_pinyin", "-start_date", "-id"),
    "kind": ("kind", "-start_date", "id"),
    "-kind": ("-kind", "-start_date", "-id"),
    "end_date": ("end_date", "id"),
    "-end_date": ("-end_date", "-id"),
}
FLAG_DEFAULT_SORT = "-start_date"
FLAG_STATUSES = [("in_force", "影响中"), ("ended", "已解除")]


@dataclass(frozen=True)
class FlagFilters:
    kind: str = ""
    status: str = ""
    unit: int | None = None
    q: str = ""
    cadre: int | None = None
    sort: str = FLAG_DEFAULT_SORT


def flag_in_force_q(today: date) -> Q:
    """In force on `today`, as rules_negative.flags judges it: started, not ended before today."""
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def flag_list(*, actor: Any, filters: FlagFilters | None, today: date) -> QuerySet[NegativeFlag]:
    """Flags (not deleted) of cadres in the actor's scope."""
    qs = (
        NegativeFlag.objects.visible_to(actor)
        .filter(deleted_at__isnull=True)
        .select_related("cadre", "cadre__unit")
    )
    if filters is None:
        return qs.none()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status == "in_force":
        qs = qs.filter(flag_in_force_q(today))
    elif filters.status == "ended":
        qs = qs.filter(end_date__lt=today)
    if filters.cadre is not None:
        qs = qs.filter(cadre_id=filters.cadre)
    path = _subtree(filters.unit)
    if path:
        qs = qs.filter(cadre__unit__path__startswith=path)
    if filters.q:
        qs = qs.filter(cadre__in=search(Cadre.objects.visible_to(actor), filters.q).values("pk"))
    return _sorted(qs, FLAG_SORTS, filters.sort)


def flag_get(*, actor: Any, flag_id: int, action: Action = Action.VIEW) -> NegativeFlag:
    flag = (
        NegativeFlag.objects.visible_to(actor, action)
        .filter(pk=flag_id, deleted_at__isnull=True)
        .select_related("cadre", "cadre__unit")
        .first()
    )
    if flag is None:
        raise OutOfScopeError()
    return flag


# --- 破格 ---------------------------------------------------------------------------------------

EXCEPTIONAL_SORTS: dict[str, tuple[str, ...]] = {
    "-approved_on": ("-approved_on", "-id"),
    "approved_on": ("approved_on", "id"),
    "name": ("cadre__name_pinyin", "-approved_on", "id"),
    "-name": ("-cadre__name_pinyin", "-approved_on", "-id"),
    "tier": ("target_tier", "-approved_on", "id"),
    "-tier": ("-target_tier", "-approved_on", "-id"),
}
EXCEPTIONAL_DEFAULT_SORT = "-approved_on"


@dataclass(frozen=True)
class ExceptionalFilters:
    tier: str = ""
    ground: str = ""
    year: int | None = None
    unit: int | None = None
    q: str = ""
    sort: str = EXCEPTIONAL_DEFAULT_SORT


def exceptional_list(
    *, actor: Any, filters: ExceptionalFilters | None
) -> QuerySet[ExceptionalPromotion]:
    """破格 records (not deleted) of cadres in the actor's scope."""
    qs = (
        ExceptionalPromotion.objects.visible_to(actor)
        .filter(deleted_at__isnull=True)
        .select_related("cadre", "cadre__unit")
    )
    if filters is None:
        return qs.none()
    if filters.tier:
        qs = qs.filter(target_tier=filters.tier)
    if filters.ground:
        qs = qs.filter(ground=filters.ground)
    if filters.year:
        qs = qs.filter(approved_on__year=filters.year)
    path = _subtree(filters.unit)
    if path:
        qs = qs.filter(cadre__unit__path__startswith=path)
    if filters.q:
        qs = qs.filter(cadre__in=search(Cadre.objects.visible_to(actor), filters.q).values("pk"))
    return _sorted(qs, EXCEPTIONAL_SORTS, filters.sort)


def exceptional_get(
    *, actor: Any, record_id: int, action: Action = Action.VIEW, deleted: bool = False
) -> ExceptionalPromotion:
    """One 破格 record in scope, its read audited (a refused id too, as denied)."""
    record = (
        ExceptionalPromotion.objects.visible_to(actor, action)
        .filter(pk=record_id, deleted_at__isnull=not deleted)
        .select_related("cadre", "cadre__unit", "created_by")
        .first()
    )
    if record is None:
        audit.record(
            action="selection.exceptional.view",
            actor=actor,
            target_type="selection.exceptionalpromotion",
            target_id=record_id,
            outcome="denied",
        )
        raise OutOfScopeError()
    audit.record(
        action="selection.exceptional.view",
        actor=actor,
        target=record,
        detail={"cadre": record.cadre_id},
    )
    return record
