"""Reads of research campaigns and visits, 知事识人 task records, special assessments and inaction
findings. Every list starts from `visible_to(actor)`; reads naming cadres are audited.

Facts for other pillars take plain values and return plain values: `special_results`.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from apps.assessment.models import (
    CampaignTeam,
    InactionFinding,
    KeyWork,
    ResearchCampaign,
    ResearchVisit,
    SpecialAssessment,
    TaskRecord,
    VisitObservation,
)
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.scope import Action, ancestor_paths
from apps.frontline.models import CentralTask
from apps.units.models import Unit

_PINYIN_RE = re.compile(r"^[A-Za-z]+$")
MAX_OPTIONS = 300


def _sorts(columns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Sort keys of a list: `key` orders by the fields then id, `-key` by all of them reversed."""
    sorts: dict[str, tuple[str, ...]] = {}
    for key, fields in columns.items():
        sorts[key] = (*fields, "id")
        sorts[f"-{key}"] = tuple(f[1:] if f[0] == "-" else f"-{f}" for f in (*fields, "id"))
    return sorts


def _one[M: Any](qs: QuerySet[M], pk: int) -> M:
    """The row, or OutOfScopeError (the view's 404) when it is not in the scoped queryset."""
    row = qs.filter(pk=pk).first()
    if row is None:
        raise OutOfScopeError()
    return row


# --- coverage rules (pure) -----------------------------------------------------------------


def is_overdue(*, covered: bool, due: date, today: date) -> bool:
    """A team is overdue when it has no visit yet and its due date — its own, else the
    campaign's — has passed (the due date itself still counts as in time)."""
    return not covered and today > due


@dataclass(frozen=True)
class Coverage:
    """Teams with at least one visit in the campaign, out of the teams listed."""

    covered: int
    total: int
    overdue: int

    @property
    def percent(self) -> Decimal:
        if not self.total:
            return Decimal("0.0")
        ratio = Decimal(self.covered * 100) / Decimal(self.total)
        return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def label(self) -> str:
        return f"已调研 {self.covered}/{self.total} 个班子"


@dataclass(frozen=True)
class TeamRow:
    """A team of a campaign with its visits so far and its state on `today`."""

    campaign_id: int
    team_id: int
    team_name: str
    due: date
    visits: int
    last_visit: date | None
    overdue: bool

    @property
    def covered(self) -> bool:
        return self.visits > 0

    @property
    def status(self) -> str:
        if self.covered:
            return "已调研"
        return "逾期未调研" if self.overdue else "未调研"


def coverage_of(rows: Iterable[TeamRow]) -> Coverage:
    items = list(rows)
    return Coverage(
        covered=sum(1 for r in items if r.covered),
        total=len(items),
        overdue=sum(1 for r in items if r.overdue),
    )


# --- campaigns -----------------------------------------------------------------------------

CAMPAIGN_SORTS = _sorts(
    {"start_date": ("start_date",), "due_date": ("due_date",), "name": ("name",)}
)
CAMPAIGN_DEFAULT_SORT = "-start_date"


@dataclass(frozen=True)
class CampaignFilters:
    q: str = ""
    status: str = ""  # "ongoing" (未到完成时限) / "ended"
    sort: str = CAMPAIGN_DEFAULT_SORT


def campaign_list(
    *, actor: Any, filters: CampaignFilters | None, today: date
) -> QuerySet[ResearchCampaign]:
    """Campaigns the actor sees: organized inside their subtree or above it (a city campaign is
    listed for county officers, who then see only their own teams and visits)."""
    qs = ResearchCampaign.objects.visible_to(actor)
    if filters is None:
        return qs.none()
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    if filters.status == "ongoing":
        qs = qs.filter(due_date__gte=today)
    elif filters.status == "ended":
        qs = qs.filter(due_date__lt=today)
    order = CAMPAIGN_SORTS.get(filters.sort, CAMPAIGN_SORTS[CAMPAIGN_DEFAULT_SORT])
    return qs.select_related("unit").order_by(*order)


def campaign_get(*, actor: Any, campaign_id: int, action: Action = Action.VIEW) -> ResearchCampaign:
    return _one(
        ResearchCampaign.objects.visible_to(actor, action).select_related("unit"), campaign_id
    )


def campaign_changeable(*, actor: Any, campaign_id: int) -> bool:
    return ResearchCampaign.objects.visible_to(actor, Action.CHANGE).filter(pk=campaign_id).exists()


def team_rows(
    *, actor: Any, campaign_ids: Iterable[int], today: date, team_ids: Iterable[int] | None = None
) -> list[TeamRow]:
    """The teams of the campaigns inside the actor's scope, with their visits, by unit path."""
    ids = list(campaign_ids)
    teams = CampaignTeam.objects.visible_to(actor).filter(campaign_id__in=ids)
    visits = ResearchVisit.objects.visible_to(actor).filter(campaign_id__in=ids)
    if team_ids is not None:
        wanted = list(team_ids)
        teams, visits = teams.filter(team_id__in=wanted), visits.filter(team_id__in=wanted)
    counts = {
        (c, t): (n, last)
        for c, t, n, last in visits.values("campaign_id", "team_id")
        .annotate(n=Count("id"), last=Max("visited_on"))
        .values_list("campaign_id", "team_id", "n", "last")
    }
    rows = []
    fields = ("campaign_id", "team_id", "team__name", "due_date", "campaign__due_date")
    for campaign_id, team_id, name, own_due, campaign_due in teams.order_by(
        "campaign_id", "team__path"
    ).values_list(*fields):
        n, last = counts.get((campaign_id, team_id), (0, None))
        due = own_due or campaign_due
        overdue = is_overdue(covered=n > 0, due=due, today=today)
        rows.append(TeamRow(campaign_id, team_id, name, due, n, last, overdue))
    return rows


def campaign_coverage(
    *, actor: Any, campaign_ids: Iterable[int], today: date
) -> dict[int, Coverage]:
    """Coverage of each campaign over the teams inside the actor's scope."""
    ids = list(campaign_ids)
    by_campaign: dict[int, list[TeamRow]] = {pk: [] for pk in ids}
    for row in team_rows(actor=actor, campaign_ids=ids, today=today):
        by_campaign[row.campaign_id].append(row)
    return {pk: coverage_of(rows) for pk, rows in by_campaign.items()}


def visit_list(*, actor: Any, campaign_id: int | None = None) -> QuerySet[ResearchVisit]:
    """Visits to teams inside the actor's scope (of one campaign when given), newest first."""
    qs = ResearchVisit.objects.visible_to(actor)
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    return (
        qs.select_related("team", "campaign")
        .annotate(observation_count=Count("observations"))
        .order_by("-visited_on", "-id")
    )


def visit_get(*, actor: Any, visit_id: int, action: Action = Action.VIEW) -> ResearchVisit:
    qs = ResearchVisit.objects.visible_to(actor, action)
    return _one(qs.select_related("team", "campaign", "campaign__unit", "created_by"), visit_id)


def visit_open(*, actor: Any, visit_id: int) -> ResearchVisit:
    """The visit page's read, audited like a cadre record's (it names cadres); a refused id is
    audited as denied."""
    try:
        visit = visit_get(actor=actor, visit_id=visit_id)
    except OutOfScopeError:
        audit.record(
            action="assessment.visit.view",
            actor=actor,
            target_type="assessment.researchvisit",
            target_id=visit_id,
            outcome=AuditOutcome.DENIED,
        )
        raise
    cadres = visit_observations(actor=actor, visit_id=visit.pk).values_list("cadre_id", flat=True)
    audit.record(
        action="assessment.visit.view",
        actor=actor,
        target=visit,
        detail={"cadres": sorted(set(cadres))},
    )
    return visit


def visit_observations(*, actor: Any, visit_id: int) -> QuerySet[VisitObservation]:
    """The visit's observations about cadres inside the actor's scope."""
    return (
        VisitObservation.objects.visible_to(actor)
        .filter(visit_id=visit_id)
        .select_related("cadre", "cadre__unit", "central_task")
        .order_by("cadre__name_pinyin", "id")
    )


def team_cadre_choices(*, actor: Any, team: Unit) -> list[tuple[int, str]]:
    """Cadres of the team's unit (subtree) the actor may write about, for the observation form."""
    cadres = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .filter(unit__path__startswith=team.path)
        .select_related("unit")
        .order_by("unit__path", "name_pinyin", "id")[:MAX_OPTIONS]
    )
    return [(c.pk, f"{c.name}（{c.current_post_title or c.unit.name}）") for c in cadres]


# --- 知事识人 task records -----------------------------------------------------------------

RECORD_SORTS = _sorts(
    {
        "cadre": ("cadre__name_pinyin", "-start_date"),
        "unit": ("cadre__unit__path", "cadre__name_pinyin"),
        "start_date": ("start_date",),
    }
)
RECORD_DEFAULT_SORT = "-start_date"


@dataclass(frozen=True)
class RecordFilters:
    q: str = ""
    central_task: int | None = None
    key_work: int | None = None
    unit: int | None = None  # the cadre's unit, subtree included
    rating: str = ""
    aspect: str = ""  # planning / execution / result; empty: any of the three
    sort: str = RECORD_DEFAULT_SORT


def search_cadre[M: Any](qs: QuerySet[M], text: str) -> QuerySet[M]:
    """Cadre name, or full pinyin / initials; full-width input is read as ASCII."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return qs
    if _PINYIN_RE.match(text):
        text = text.lower()
        return qs.filter(
            Q(cadre__name_pinyin__startswith=text) | Q(cadre__name_initials__startswith=text)
        )
    return qs.filter(cadre__name__contains=text)


def _in_unit[M: Any](qs: QuerySet[M], unit_id: int | None) -> QuerySet[M]:
    if unit_id is None:
        return qs
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return qs.filter(cadre__unit__path__startswith=path) if path else qs.none()


def taskrecord_list(*, actor: Any, filters: RecordFilters | None) -> QuerySet[TaskRecord]:
    qs: QuerySet[TaskRecord] = TaskRecord.objects.visible_to(actor)
    if filters is None:
        return qs.none()
    if filters.central_task is not None:
        qs = qs.filter(central_task_id=filters.central_task)
    if filters.key_work is not None:
        qs = qs.filter(key_work_id=filters.key_work)
    if filters.rating:
        aspects = [filters.aspect] if filters.aspect else ["planning", "execution", "result"]
        match = Q()
        for aspect in aspects:
            match |= Q(**{aspect: filters.rating})
        qs = qs.filter(match)
    qs = search_cadre(_in_unit(qs, filters.unit), filters.q)
    order = RECORD_SORTS.get(filters.sort, RECORD_SORTS[RECORD_DEFAULT_SORT])
    return qs.select_related(
        "cadre", "cadre__unit", "central_task", "key_work", "key_work__unit"
    ).order_by(*order)


def taskrecord_get(*, actor: Any, record_id: int, action: Action = Action.VIEW) -> TaskRecord:
    qs = TaskRecord.objects.visible_to(actor, action)
    return _one(qs.select_related("cadre", "cadre__unit", "central_task", "key_work"), record_id)


def cadre_observations(*, actor: Any, cadre_id: int) -> QuerySet[VisitObservation]:
    return (
        VisitObservation.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("visit", "visit__team", "central_task")
        .order_by("-visit__visited_on", "-id")
    )


def keywork_choices(*, actor: Any, cadre: Cadre) -> list[tuple[int, str]]:
    """Key work items of the cadre's unit and the units above it that the actor sees."""
    items = (
        KeyWork.objects.visible_to(actor)
        .filter(unit__path__in=ancestor_paths(cadre.unit.path))
        .select_related("unit")
        .order_by("-year", "unit__path", "id")[:MAX_OPTIONS]
    )
    return [(k.pk, f"{k.year}年 {k.unit.name}：{k.title}") for k in items]


def unit_get(*, actor: Any, unit_id: int) -> Unit:
    return _one(Unit.objects.visible_to(actor), unit_id)


def unit_key_work(
    *, actor: Any, unit: Unit, year: int | None
) -> list[tuple[KeyWork, list[TaskRecord]]]:
    """The unit's key work items and, for each, the cadres (in scope) who carried it."""
    items = KeyWork.objects.visible_to(actor).filter(unit=unit).order_by("-year", "id")
    if year is not None:
        items = items.filter(year=year)
    records = TaskRecord.objects.visible_to(actor).select_related("cadre", "cadre__unit")
    items = items.prefetch_related(
        Prefetch(
            "task_records",
            queryset=records.order_by("cadre__name_pinyin", "id"),
            to_attr="carried",
        )
    )
    return [(k, k.carried) for k in items]  # type: ignore[attr-defined]


def unit_central_tasks(*, actor: Any, unit: Unit) -> list[tuple[CentralTask, list[TaskRecord]]]:
    """The central tasks the unit's cadres (subtree, in scope) carried, with their records."""
    records = (
        TaskRecord.objects.visible_to(actor)
        .filter(central_task__isnull=False, cadre__unit__path__startswith=unit.path)
        .select_related("cadre", "cadre__unit", "central_task")
        .order_by("-central_task__start_date", "central_task_id", "cadre__name_pinyin", "id")
    )
    grouped: dict[int, tuple[CentralTask, list[TaskRecord]]] = {}
    for record in records:
        task = record.central_task
        assert task is not None
        grouped.setdefault(task.pk, (task, []))[1].append(record)
    return list(grouped.values())


# --- special assessment --------------------------------------------------------------------

SPECIAL_SORTS = _sorts(
    {
        "cadre": ("cadre__name_pinyin", "-assessed_on"),
        "task": ("central_task__name", "-assessed_on"),
        "assessed_on": ("assessed_on",),
    }
)
SPECIAL_DEFAULT_SORT = "-assessed_on"


@dataclass(frozen=True)
class SpecialFilters:
    q: str = ""
    task: int | None = None
    result: str = ""
    unit: int | None = None
    sort: str = SPECIAL_DEFAULT_SORT


def special_list(*, actor: Any, filters: SpecialFilters | None) -> QuerySet[SpecialAssessment]:
    qs: QuerySet[SpecialAssessment] = SpecialAssessment.objects.visible_to(actor)
    if filters is None:
        return qs.none()
    if filters.task is not None:
        qs = qs.filter(central_task_id=filters.task)
    if filters.result:
        qs = qs.filter(result=filters.result)
    qs = search_cadre(_in_unit(qs, filters.unit), filters.q)
    order = SPECIAL_SORTS.get(filters.sort, SPECIAL_SORTS[SPECIAL_DEFAULT_SORT])
    return qs.select_related("cadre", "cadre__unit", "central_task").order_by(*order)


def special_results(cadre_id: int) -> list[tuple[int, str, date, str]]:
    """Fact for selection: the cadre's special assessments, newest first, as (task id, task
    name, date, result) where result is the AnnualGrade value (e.g. "excellent").

    The caller has already found the cadre inside the actor's scope; this reads the cadre's own
    rows only, hence the unscoped read."""
    rows = (
        SpecialAssessment.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id=cadre_id)
        .order_by("-assessed_on", "-id")
        .values_list("central_task_id", "central_task__name", "assessed_on", "result")
    )
    return [(task_id, name, on, result) for task_id, name, on, result in rows]


# --- inaction findings (need-to-know) ------------------------------------------------------

INACTION_SORTS = _sorts({"cadre": ("cadre__name_pinyin", "-found_on"), "found_on": ("found_on",)})
INACTION_DEFAULT_SORT = "-found_on"


@dataclass(frozen=True)
class InactionFilters:
    q: str = ""
    source: str = ""
    reason: int | None = None
    decided: str = ""  # "yes" / "no"
    sort: str = INACTION_DEFAULT_SORT


def inaction_list(*, actor: Any, filters: InactionFilters | None) -> QuerySet[InactionFinding]:
    """Findings the actor holds the `inaction` pillar for (none without it)."""
    qs: QuerySet[InactionFinding] = InactionFinding.objects.visible_to(actor)
    if filters is None:
        return qs.none()
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.reason is not None:
        qs = qs.filter(reason_code=filters.reason)
    if filters.decided == "yes":
        qs = qs.exclude(adjustment="")
    elif filters.decided == "no":
        qs = qs.filter(adjustment="")
    qs = search_cadre(qs, filters.q)
    order = INACTION_SORTS.get(filters.sort, INACTION_SORTS[INACTION_DEFAULT_SORT])
    return qs.select_related("cadre", "cadre__unit").order_by(*order)


def inaction_get(
    *, actor: Any, finding_id: int, action: Action = Action.VIEW, audited: bool = True
) -> InactionFinding:
    """One finding the actor holds the pillar for; the read is audited (a refusal as denied)."""
    finding = (
        InactionFinding.objects.visible_to(actor, action)
        .select_related("cadre", "cadre__unit", "created_by")
        .filter(pk=finding_id)
        .first()
    )
    if audited:
        audit.record(
            action="assessment.inaction.view",
            actor=actor,
            target=finding,
            target_type="assessment.inactionfinding",
            target_id=finding_id,
            outcome=AuditOutcome.OK if finding else AuditOutcome.DENIED,
            detail={"cadre": finding.cadre_id} if finding else None,
        )
    if finding is None:
        raise OutOfScopeError()
    return finding


def inaction_changeable(*, actor: Any, finding_id: int) -> bool:
    """Whether the actor may record the adjustment decided for the finding."""
    return InactionFinding.objects.visible_to(actor, Action.CHANGE).filter(pk=finding_id).exists()
