"""Reads of incentive measures, grants and memorial records. Every function starts from
`visible_to(actor)`: grants and memorials follow their cadre's scope, the catalogue its units."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from apps.cadres.filters import search
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.scope import Action
from apps.frontline.constants import IncentiveCategory
from apps.frontline.forms_care import GrantFilterForm, MemorialFilterForm, UngrantedFilterForm
from apps.frontline.models import (
    FamilyCareVisit,
    FrontlineService,
    IncentiveGrant,
    IncentiveMeasure,
    Sacrifice,
)
from apps.frontline.services.incentives import measure_applies
from apps.frontline.services.memorials import care_due_date, is_overdue
from apps.units.models import Unit

DAYS_PER_MONTH = 365.25 / 12
GRANT_SORTS = {
    "granted_on": ("granted_on", "id"),
    "-granted_on": ("-granted_on", "-id"),
    "name": ("cadre__name_pinyin", "-granted_on", "id"),
    "-name": ("-cadre__name_pinyin", "-granted_on", "-id"),
    "measure": ("measure__category", "measure__sort_order", "measure__item", "id"),
    "-measure": ("-measure__category", "-measure__sort_order", "-measure__item", "-id"),
}
UNGRANTED_SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "unit": ("unit__path", "name_pinyin", "id"),
    "-unit": ("-unit__path", "-name_pinyin", "-id"),
    "days": ("service_days", "id"),
    "-days": ("-service_days", "-id"),
    "start": ("latest_start", "id"),
    "-start": ("-latest_start", "-id"),
}
MEMORIAL_SORTS = ("died_on", "-died_on", "due", "-due", "name", "-name")


def _subtree_path(unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "//none"


def _sorted(params: QueryDict, allowed: Any, default: str) -> str:
    sort = str(params.get("sort") or default)
    return sort if sort in allowed else default


# --- catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryGroup:
    value: str
    label: str
    measures: list[IncentiveMeasure]


def measure_catalogue(*, actor: Any, include_inactive: bool = True) -> list[CategoryGroup]:
    """The visible measures grouped by 甘肃's three categories; each measure carries
    `can_change` (the actor may edit it)."""
    rows = IncentiveMeasure.objects.visible_to(actor).select_related("unit")
    if not include_inactive:
        rows = rows.filter(is_active=True)
    changeable = set(
        IncentiveMeasure.objects.visible_to(actor, Action.CHANGE).values_list("pk", flat=True)
    )
    groups = {value: CategoryGroup(value, label, []) for value, label in IncentiveCategory.choices}
    for measure in rows.order_by("category", "unit__depth", "sort_order", "id"):
        measure.can_change = measure.pk in changeable  # type: ignore[attr-defined]
        groups[measure.category].measures.append(measure)
    return list(groups.values())


def measure_options(*, actor: Any) -> list[tuple[int, str]]:
    """(id, label) of every visible measure, for the grant list's filter."""
    rows = IncentiveMeasure.objects.visible_to(actor).select_related("unit")
    return [
        (m.pk, f"{m.get_category_display()} · {m.item}（{m.unit.name}）")
        for m in rows.order_by("category", "unit__depth", "sort_order", "id")
    ]


def measure_for_change(*, actor: Any, measure_id: int) -> IncentiveMeasure:
    """A measure the actor may edit, else OutOfScopeError."""
    measure = (
        IncentiveMeasure.objects.visible_to(actor, Action.CHANGE)
        .select_related("unit")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        raise OutOfScopeError()
    return measure


def grantable_measures(*, actor: Any, cadre: Cadre) -> list[IncentiveMeasure]:
    """Active measures the actor sees that apply to the cadre's unit (defining unit's subtree)."""
    rows = (
        IncentiveMeasure.objects.visible_to(actor)
        .filter(is_active=True)
        .select_related("unit")
        .order_by("category", "unit__depth", "sort_order", "id")
    )
    return [m for m in rows if measure_applies(m.unit.path, cadre.unit.path)]


# --- grants ------------------------------------------------------------------------------------


def grant_list(
    *, actor: Any, params: QueryDict
) -> tuple[QuerySet[IncentiveGrant], GrantFilterForm]:
    """Scoped grants (not deleted), filtered and sorted like the page, and the bound filter."""
    form = GrantFilterForm(params or None)
    rows = IncentiveGrant.objects.visible_to(actor)
    if form.is_bound and not form.is_valid():
        return rows.none(), form
    data = form.cleaned_data if form.is_bound else {}
    if data.get("category"):
        rows = rows.filter(measure__category=data["category"])
    if data.get("measure"):
        rows = rows.filter(measure_id=data["measure"])
    path = _subtree_path(data.get("unit"))
    if path:
        rows = rows.filter(cadre__unit__path__startswith=path)
    if data.get("date_from"):
        rows = rows.filter(granted_on__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(granted_on__lte=data["date_to"])
    if data.get("q"):
        rows = rows.filter(cadre__in=search(Cadre.objects.visible_to(actor), data["q"]))
    order = GRANT_SORTS[_sorted(params, GRANT_SORTS, "-granted_on")]
    return rows.select_related("cadre__unit", "measure__unit", "service").order_by(*order), form


def cadre_grants(*, actor: Any, cadre_id: int) -> QuerySet[IncentiveGrant]:
    """One cadre's grants (for the cadre page's tab)."""
    return (
        IncentiveGrant.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("measure", "service")
    )


# --- frontline cadres without incentives -------------------------------------------------------


def frontline_without_incentives(
    actor: Any, since: date | None = None, *, today: date | None = None
) -> QuerySet[Cadre]:
    """Cadres in scope with frontline service (not deleted) but no incentive grant (not deleted).

    With `since`, only services still running on or after that day count, and only grants made
    on or after it. Each row carries its latest service's `latest_task`, `latest_place`,
    `latest_start`, `latest_end`, and `service_days` / `service_count` over the counted services.
    """
    today = today or timezone.localdate()
    services = FrontlineService.objects.filter(cadre=OuterRef("pk"), deleted_at__isnull=True)
    grants = IncentiveGrant.objects.filter(cadre=OuterRef("pk"), deleted_at__isnull=True)
    if since is not None:
        services = services.filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        grants = grants.filter(granted_on__gte=since)
    latest = services.order_by("-start_date", "-id")
    length = ExpressionWrapper(
        Coalesce("end_date", Value(today, output_field=DateField())) - F("start_date"),
        output_field=DurationField(),
    )
    totals = services.order_by().values("cadre").annotate(days=Sum(length), n=Count("id"))
    return (
        Cadre.objects.visible_to(actor)
        .filter(Exists(services))
        .exclude(Exists(grants))
        .annotate(
            latest_task=Subquery(latest.values("task__name")[:1]),
            latest_place=Subquery(latest.values("place")[:1]),
            latest_start=Subquery(latest.values("start_date")[:1]),
            latest_end=Subquery(latest.values("end_date")[:1]),
            service_days=Subquery(totals.values("days"), output_field=DurationField()),
            service_count=Subquery(totals.values("n"), output_field=IntegerField()),
        )
        .select_related("unit")
    )


def service_months(days: timedelta | None, count: int | None) -> float:
    """Total months of service, ends inclusive (one day per service added), one decimal."""
    if days is None:
        return 0.0
    return round((days.days + (count or 0)) / DAYS_PER_MONTH, 1)


def ungranted_list(
    *, actor: Any, params: QueryDict, today: date | None = None
) -> tuple[QuerySet[Cadre], UngrantedFilterForm]:
    """The 未落实激励的一线干部 page: filters unit subtree, name search and `since`."""
    form = UngrantedFilterForm(params or None)
    if form.is_bound and not form.is_valid():
        return Cadre.objects.none(), form
    data = form.cleaned_data if form.is_bound else {}
    rows = frontline_without_incentives(actor, data.get("since"), today=today)
    path = _subtree_path(data.get("unit"))
    if path:
        rows = rows.filter(unit__path__startswith=path)
    if data.get("q"):
        rows = search(rows, data["q"])
    return rows.order_by(*UNGRANTED_SORTS[_sorted(params, UNGRANTED_SORTS, "-start")]), form


# --- memorials ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemorialRow:
    """A memorial record with its care follow-up state."""

    sacrifice: Sacrifice
    last_visited_on: date | None
    due_on: date
    overdue: bool
    days_overdue: int


def _memorial_rows(qs: QuerySet[Sacrifice], today: date) -> list[MemorialRow]:
    latest = FamilyCareVisit.objects.filter(sacrifice=OuterRef("pk")).order_by("-visited_on", "-id")
    qs = qs.select_related("cadre__unit", "task").annotate(
        last_visited_on=Subquery(latest.values("visited_on")[:1]),
        last_next_due=Subquery(latest.values("next_due")[:1]),
    )
    rows = []
    for record in qs:
        due = care_due_date(record.died_on, record.last_next_due, record.care_interval_days)
        late = is_overdue(due, today)
        rows.append(
            MemorialRow(
                record,
                record.last_visited_on,
                due,
                late,
                (today - due).days if late else 0,
            )
        )
    return rows


def _sort_memorials(rows: list[MemorialRow], sort: str) -> list[MemorialRow]:
    keys = {
        "died_on": lambda r: (r.sacrifice.died_on, r.sacrifice.pk),
        "due": lambda r: (r.due_on, r.sacrifice.pk),
        "name": lambda r: (r.sacrifice.cadre.name_pinyin, r.sacrifice.pk),
    }
    return sorted(rows, key=keys[sort.lstrip("-")], reverse=sort.startswith("-"))


def memorial_list(
    *, actor: Any, params: QueryDict, today: date, overdue_only: bool = False
) -> tuple[list[MemorialRow], MemorialFilterForm]:
    """Memorial records in scope with last visit and next due (memorials are few: rows are
    computed in Python)."""
    form = MemorialFilterForm(params or None)
    if form.is_bound and not form.is_valid():
        return [], form
    data = form.cleaned_data if form.is_bound else {}
    qs = Sacrifice.objects.visible_to(actor)
    path = _subtree_path(data.get("unit"))
    if path:
        qs = qs.filter(cadre__unit__path__startswith=path)
    if data.get("q"):
        qs = qs.filter(cadre__in=search(Cadre.objects.visible_to(actor), data["q"]))
    rows = _memorial_rows(qs, today)
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    default = "due" if overdue_only else "-died_on"
    sort = str(params.get("sort") or default)
    return _sort_memorials(rows, sort if sort in MEMORIAL_SORTS else default), form


def overdue_care(actor: Any, today: date) -> list[MemorialRow]:
    """Memorial records whose family-care visit is overdue on `today`, most overdue first."""
    rows = [r for r in _memorial_rows(Sacrifice.objects.visible_to(actor), today) if r.overdue]
    return sorted(rows, key=lambda r: (r.due_on, r.sacrifice.pk))


def sacrifice_get(*, actor: Any, sacrifice_id: int, action: Action = Action.VIEW) -> Sacrifice:
    """One memorial record in scope, its read audited; out of scope is audited as denied."""
    record = (
        Sacrifice.objects.visible_to(actor, action)
        .select_related("cadre__unit", "task", "created_by")
        .filter(pk=sacrifice_id)
        .first()
    )
    if record is None:
        audit.record(
            action="frontline.sacrifice.view",
            actor=actor,
            target_type="frontline.sacrifice",
            target_id=sacrifice_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    audit.record(action="frontline.sacrifice.view", actor=actor, target=record)
    return record


def memorial_state(*, actor: Any, record: Sacrifice, today: date) -> MemorialRow:
    """The follow-up state of one record (detail page)."""
    return _memorial_rows(Sacrifice.objects.visible_to(actor).filter(pk=record.pk), today)[0]


def cadre_pick(*, actor: Any, text: str, limit: int = 10) -> list[Cadre]:
    """Cadres the actor may change matching a name/pinyin search (the pages' 选择干部 box)."""
    text = text.strip()
    if not text:
        return []
    rows = search(Cadre.objects.visible_to(actor, Action.CHANGE), text)
    # `sacrifice` (reverse one-to-one) tells the memorial picker who already has a record.
    rows = rows.select_related("unit", "sacrifice").order_by("name_pinyin", "id")
    return list(rows[:limit])
