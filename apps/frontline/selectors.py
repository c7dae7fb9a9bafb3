"""Reads of the frontline pillar.

Two kinds of reads live here:
- facts other pillars read (architecture.md "Facts cross pillars through named selectors"):
  `frontline_months` and its bulk form `frontline_credits`. They take plain values (a cadre id
  the caller has already found inside the actor's scope) and return plain values;
- the lists of this pillar's pages and exports, each starting from `visible_to(actor)`.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from apps.core.bulk import CadreIds, id_batches
from apps.core.exceptions import OutOfScopeError
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.frontline.constants import Hardship
from apps.frontline.models import CentralTask, FrontlineService
from apps.frontline.rules import (
    FrontlineCredit,
    ServicePeriod,
    frontline_experience,
    months_from_days,
    period_days,
)
from apps.units.models import Unit

QUALIFYING_MONTHS_KEY = "frontline.qualifying_months"
CREDIT_CHUNK = 2000  # cadre ids per query of the bulk read (bound parameters stay few)
HARDSHIP_FIELDS = tuple(h.value for h in Hardship)
_PERIOD_FIELDS = ("start_date", "end_date", "kind", *HARDSHIP_FIELDS, "counts_as_grassroots")
_PINYIN_RE = re.compile(r"^[A-Za-z]+$")


# --- facts for other pillars ---------------------------------------------------------------


def _period(row: tuple[Any, ...]) -> ServicePeriod:
    start, end, kind, *flags, grassroots = row
    return ServicePeriod(
        start=start, end=end, kind=kind, hardship=any(flags), counts_as_grassroots=grassroots
    )


def qualifying_months(on: date) -> int:
    """The local threshold of 一线工作经历 in force on `on` (rule parameter, default 12)."""
    return int(param(QUALIFYING_MONTHS_KEY, on))


def frontline_credits(cadre_ids: CadreIds, on: date) -> dict[int, FrontlineCredit]:
    """The FrontlineCredit of the given cadres on `on`, in one query per 2,000 ids (or one for
    a queryset of cadres, which then yields only the cadres with some service).

    The caller has already scoped the cadres (selection's screening, a cadre page); this reads
    their non-deleted services only to count them, never to show them, hence the unscoped read.
    """
    threshold = qualifying_months(on)
    periods: dict[int, list[ServicePeriod]] = {}
    if not isinstance(cadre_ids, QuerySet):
        periods = {pk: [] for pk in cadre_ids}
    for batch in id_batches(cadre_ids):
        rows = (
            FrontlineService.objects.unscoped_for_jobs_and_migrations()
            .filter(cadre_id__in=batch, deleted_at__isnull=True)
            .filter(start_date__lte=on)
            .values_list("cadre_id", *_PERIOD_FIELDS)
        )
        for cadre_id, *row in rows:
            periods.setdefault(cadre_id, []).append(_period(tuple(row)))
    return {
        pk: frontline_experience(items, on, qualifying_months=threshold)
        for pk, items in periods.items()
    }


def grassroots_periods(
    cadre_ids: Iterable[int], on: date
) -> dict[int, list[tuple[date, date | None]]]:
    """The frontline periods (start, end) begun by `on` that the organization department counts
    as 基层工作经历 (FRONT-4 `counts_as_grassroots`), per cadre: selection merges them with the
    cadre's posts in grassroots units (ELG-8-1). Unscoped for the reason in `frontline_credits`."""
    periods: dict[int, list[tuple[date, date | None]]] = {}
    for batch in id_batches(cadre_ids):
        rows = (
            FrontlineService.objects.unscoped_for_jobs_and_migrations()
            .filter(cadre_id__in=batch, deleted_at__isnull=True)
            .filter(start_date__lte=on, counts_as_grassroots=True)
            .values_list("cadre_id", "start_date", "end_date")
        )
        for cadre_id, start, end in rows:
            periods.setdefault(cadre_id, []).append((start, end))
    return periods


def has_grassroots_service(on: date) -> Exists:
    """For a cadre queryset's filter: the cadre (OuterRef "pk") has a frontline period begun by
    `on` counted as grassroots (FRONT-4) — selection's screening skips, in SQL, cadres who have
    no grassroots experience of any kind and so can never meet ELG-8-1."""
    return Exists(
        FrontlineService.objects.unscoped_for_jobs_and_migrations().filter(
            cadre_id=OuterRef("pk"),
            deleted_at__isnull=True,
            counts_as_grassroots=True,
            start_date__lte=on,
        )
    )


def cadre_service_periods(*, actor: Any, cadre_id: int) -> list[ServicePeriod]:
    """Every service period of one cadre the actor may see (future ones too), in one query: the
    cadre page's 一线经历 count, and its header badge via `frontline_experience`."""
    rows = (
        FrontlineService.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .values_list(*_PERIOD_FIELDS)
    )
    return [_period(tuple(row)) for row in rows]


def frontline_months(cadre_id: int, on: date) -> FrontlineCredit:
    """One cadre's frontline credit on `on` (see `frontline_credits`)."""
    return frontline_credits([cadre_id], on)[cadre_id]


# --- central tasks -------------------------------------------------------------------------

TASK_SORTS: dict[str, tuple[str, ...]] = {
    "start_date": ("start_date", "id"),
    "-start_date": ("-start_date", "-id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "kind": ("kind", "-start_date", "id"),
    "-kind": ("-kind", "-start_date", "-id"),
}
TASK_DEFAULT_SORT = "-start_date"


@dataclass(frozen=True)
class TaskFilters:
    """Filters of the task list (already validated by the page's form)."""

    kind: str = ""
    status: str = ""  # "ongoing" (进行中: no end or not ended yet) / "ended" (已结束)
    q: str = ""
    sort: str = TASK_DEFAULT_SORT


def task_list(*, actor: Any, filters: TaskFilters | None, today: date) -> QuerySet[CentralTask]:
    """Tasks the actor sees (owned in or above their subtree, or joined by a unit in it);
    `filters=None` (invalid filters) gives no rows."""
    # A pk subquery drops the DISTINCT of the registry scope, so any column can sort the page.
    qs = CentralTask.objects.filter(pk__in=CentralTask.objects.visible_to(actor).values("pk"))
    if filters is None:
        return qs.none()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status == "ongoing":
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    elif filters.status == "ended":
        qs = qs.filter(end_date__lt=today)
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    order = TASK_SORTS.get(filters.sort, TASK_SORTS[TASK_DEFAULT_SORT])
    return qs.select_related("lead_unit").order_by(*order)


def task_get(*, actor: Any, task_id: int, action: Action = Action.VIEW) -> CentralTask:
    """One task the actor may see (or change); else OutOfScopeError (the view's 404)."""
    visible = CentralTask.objects.visible_to(actor, action).values("pk")
    task = (
        CentralTask.objects.filter(pk=task_id, pk__in=visible)
        .select_related("lead_unit")
        .prefetch_related("participating_units")
        .first()
    )
    if task is None:
        raise OutOfScopeError()
    return task


def task_participant_counts(*, actor: Any, task_ids: Iterable[int]) -> dict[int, int]:
    """Participants (distinct cadres with a service in the actor's scope) per task."""
    rows = (
        FrontlineService.objects.visible_to(actor)
        .filter(task_id__in=list(task_ids))
        .values("task_id")
        .annotate(n=Count("cadre_id", distinct=True))
        .values_list("task_id", "n")
    )
    return dict(rows)


def task_participants(*, actor: Any, task_id: int) -> QuerySet[FrontlineService]:
    """The task's services in the actor's scope (participants list of the task page)."""
    return (
        FrontlineService.objects.visible_to(actor)
        .filter(task_id=task_id)
        .select_related("cadre", "cadre__unit", "place_unit", "task")
        .order_by("cadre__unit__path", "cadre__name_pinyin", "start_date", "id")
    )


@dataclass(frozen=True)
class UnitSummaryRow:
    """One unit's share of a task: participants and person-months served by `today`."""

    unit_id: int
    unit_name: str
    participants: int
    months: Decimal


def task_unit_summary(*, actor: Any, task_id: int, today: date) -> list[UnitSummaryRow]:
    """Participants and months served per unit of the cadres (scoped services only)."""
    rows = task_participants(actor=actor, task_id=task_id).values_list(
        "cadre__unit_id",
        "cadre__unit__name",
        "cadre__unit__path",
        "cadre_id",
        "start_date",
        "end_date",
    )
    units: dict[int, dict[str, Any]] = {}
    for unit_id, name, path, cadre_id, start, end in rows:
        entry = units.setdefault(unit_id, {"name": name, "path": path, "cadres": set(), "days": 0})
        entry["cadres"].add(cadre_id)
        entry["days"] += period_days(start, end, today)
    return [
        UnitSummaryRow(pk, e["name"], len(e["cadres"]), months_from_days(e["days"]))
        for pk, e in sorted(units.items(), key=lambda item: item[1]["path"])
    ]


# --- frontline services --------------------------------------------------------------------

SERVICE_SORTS: dict[str, tuple[str, ...]] = {
    "cadre": ("cadre__name_pinyin", "id"),
    "-cadre": ("-cadre__name_pinyin", "-id"),
    "unit": ("cadre__unit__path", "cadre__name_pinyin", "id"),
    "-unit": ("-cadre__unit__path", "-cadre__name_pinyin", "-id"),
    "task": ("task__name", "-start_date", "id"),
    "-task": ("-task__name", "-start_date", "-id"),
    "start_date": ("start_date", "id"),
    "-start_date": ("-start_date", "-id"),
    "end_date": ("end_date", "id"),
    "-end_date": ("-end_date", "-id"),
}
SERVICE_DEFAULT_SORT = "-start_date"


@dataclass(frozen=True)
class ServiceFilters:
    """Filters of the 一线干部 list (already validated by the page's form)."""

    task: int | None = None
    kind: str = ""
    hardship: str = ""  # "any" (任一艰苦边远情形) or one Hardship value
    unit: int | None = None  # the cadre's unit, subtree included
    serving: bool = False  # still on the frontline: no end, or ending today or later
    q: str = ""  # cadre name, full pinyin or initials
    sort: str = SERVICE_DEFAULT_SORT


def search_cadre(qs: QuerySet[FrontlineService], text: str) -> QuerySet[FrontlineService]:
    """Cadre name, or full pinyin / initials (zw → 张伟); full-width input is read as ASCII."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return qs
    if _PINYIN_RE.match(text):
        text = text.lower()
        return qs.filter(
            Q(cadre__name_pinyin__startswith=text) | Q(cadre__name_initials__startswith=text)
        )
    return qs.filter(cadre__name__contains=text)


def hardship_q(value: str) -> Q:
    """`any`: at least one of the four 艰苦边远 flags; a flag's name: that flag."""
    if value == "any":
        match = Q()
        for name in HARDSHIP_FIELDS:
            match |= Q(**{name: True})
        return match
    return Q(**{value: True})


def service_list(
    *, actor: Any, filters: ServiceFilters | None, today: date
) -> QuerySet[FrontlineService]:
    """Frontline services in the actor's scope (deleted ones excluded), filtered and sorted;
    `filters=None` (invalid filters) gives no rows."""
    qs: QuerySet[FrontlineService] = FrontlineService.objects.visible_to(actor)
    if filters is None:
        return qs.none()
    if filters.task is not None:
        qs = qs.filter(task_id=filters.task)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.hardship:
        qs = qs.filter(hardship_q(filters.hardship))
    if filters.unit is not None:
        path = Unit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        qs = qs.filter(cadre__unit__path__startswith=path) if path else qs.none()
    if filters.serving:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today)
    qs = search_cadre(qs, filters.q)
    order = SERVICE_SORTS.get(filters.sort, SERVICE_SORTS[SERVICE_DEFAULT_SORT])
    return qs.select_related("cadre", "cadre__unit", "task", "place_unit").order_by(*order)


def service_get(
    *,
    actor: Any,
    service_id: int,
    action: Action = Action.VIEW,
    include_deleted: bool = False,
) -> FrontlineService:
    """One service in the actor's scope; else OutOfScopeError (the view's 404)."""
    service = (
        FrontlineService.objects.visible_to(actor, action, include_deleted=include_deleted)
        .select_related("cadre", "cadre__unit", "task", "place_unit", "dispatch")
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise OutOfScopeError()
    return service


def cadre_services(*, actor: Any, cadre_id: int) -> QuerySet[FrontlineService]:
    """A cadre's services in the actor's scope, newest first, with tasks and evidence."""
    return (
        FrontlineService.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("task", "place_unit")
        .prefetch_related("evidence")
        .order_by("-start_date", "-id")
    )


@dataclass(frozen=True)
class ServiceRow:
    """A service with the months it has been served by the day shown (for tables)."""

    service: FrontlineService
    months: Decimal
    serving: bool


def service_rows(services: Iterable[FrontlineService], today: date) -> list[ServiceRow]:
    """Attach months served (cut at `today`, rounded down) and the still-serving flag."""
    return [
        ServiceRow(
            service=s,
            months=months_from_days(period_days(s.start_date, s.end_date, today)),
            serving=s.start_date <= today and (s.end_date is None or s.end_date >= today),
        )
        for s in services
    ]


def task_changeable(*, actor: Any, task_id: int) -> bool:
    """Whether the actor may edit the task (their CHANGE scope covers its lead unit)."""
    return CentralTask.objects.visible_to(actor, Action.CHANGE).filter(pk=task_id).exists()


def task_status(task: CentralTask, today: date) -> str:
    """未开始 / 进行中 / 已结束 on `today`."""
    if task.start_date > today:
        return "未开始"
    if task.end_date is not None and task.end_date < today:
        return "已结束"
    return "进行中"


def task_choices(*, actor: Any, limit: int = 300) -> list[tuple[int, str]]:
    """(id, name) of the latest tasks the actor sees, for filter and form selects."""
    visible = CentralTask.objects.visible_to(actor).values("pk")
    tasks = CentralTask.objects.filter(pk__in=visible).order_by("-start_date", "id")
    return list(tasks.values_list("pk", "name")[:limit])
