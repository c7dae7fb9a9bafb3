"""Reads of sanctions, mentors, follow-ups and reuse assessments (the `sanctions` pillar).

Two kinds of reads live here:
- facts other pillars read (selection, assessment, the cadre header): `influence_period`, its
  bulk form `influence_periods`, and `assessment_caps`. They take a cadre id the caller has
  already found inside the actor's scope and return plain values, never the records;
- the lists of this area's pages and exports, each starting from `visible_to(actor)`, which
  opens nothing without the `sanctions` pillar (need-to-know).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict

from apps.cadres.filters import search
from apps.cadres.models import Cadre, CadreQuerySet
from apps.core import audit
from apps.core.bulk import CadreIds, id_batches
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.rulesets import param
from apps.core.scope import Action, Pillar, rules_for
from apps.tolerance.forms_sanctions import PersonFilterForm, ReuseFilterForm, SanctionFilterForm
from apps.tolerance.models import FollowUp, Mentor, ReuseAssessment, Sanction
from apps.tolerance.params import FOLLOW_UP_INTERVAL_MONTHS
from apps.tolerance.rules_sanctions import (
    SanctionStatus,
    assessment_cap,
    combined_influence_end,
    counts_for_assessment_year,
    follow_up_due,
)
from apps.units.models import Unit

CHUNK = 2000  # cadre ids per query of the bulk read (bound parameters stay few)


class SanctionCadreQuerySet(CadreQuerySet):
    """Cadres whose sanctions the actor may see: the cadre's scope *and* the sanctions pillar."""

    scope_pillar: ClassVar[str | None] = Pillar.SANCTIONS


def pillar_cadres(actor: Any, action: Action = Action.VIEW) -> QuerySet[Cadre]:
    """Cadres in the actor's scope for `action` under a grant that holds the sanctions pillar."""
    return SanctionCadreQuerySet(model=Cadre).visible_to(actor, action)


def has_pillar(actor: Any, action: Action = Action.VIEW) -> bool:
    """Whether any of the actor's grants opens the sanctions pillar for `action`."""
    return bool(rules_for(actor, action, Pillar.SANCTIONS))


def follow_up_interval(on: date) -> int:
    """REUSE-3: months between follow-up visits (local parameter, UNVERIFIED default 3)."""
    return int(param(FOLLOW_UP_INTERVAL_MONTHS.key, on))


# --- facts for other pillars ----------------------------------------------------------------------


@dataclass(frozen=True)
class InfluencePeriod:
    """A cadre's combined influence period on a day (DIS-CALC-1): its last day (None =
    permanent), the sanctions in effect and their kinds."""

    until: date | None
    sanction_ids: tuple[int, ...]
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class _Row:
    pk: int
    kind: str
    effective_date: date
    influence_until: date | None
    revoked_on: date | None = None


def in_effect_q(on: date, prefix: str = "") -> Q:
    """Sanctions in effect on `on` for the facts: not deleted, not revoked (a revoked sanction is
    void: rules_sanctions.combined_influence_end), effective by `on`, not lapsed before it."""
    p = prefix
    return (
        Q(**{f"{p}deleted_at__isnull": True, f"{p}revoked_on__isnull": True})
        & Q(**{f"{p}effective_date__lte": on})
        & (Q(**{f"{p}influence_until__isnull": True}) | Q(**{f"{p}influence_until__gte": on}))
    )


def influence_periods(cadre_ids: CadreIds, on: date) -> dict[int, InfluencePeriod]:
    """The influence period on `on` of every given cadre that is within one (others absent).

    For screening (selection's ELG-24-1(6), ELG-24-2): one query per 2,000 cadres. The caller
    has already scoped the cadres and must only learn *whether* (and until when) each is within
    a period — which a rule requires every selection officer to know, pillar or not — hence the
    unscoped read; no record leaves this function."""
    rows: dict[int, list[_Row]] = {}
    for batch in id_batches(cadre_ids):
        found = (
            Sanction.objects.unscoped_for_jobs_and_migrations()
            .filter(in_effect_q(on), cadre_id__in=batch)
            .order_by("pk")
            .values_list("cadre_id", "pk", "kind", "effective_date", "influence_until")
        )
        for cadre_id, pk, kind, effective, until in found:
            rows.setdefault(cadre_id, []).append(_Row(pk, kind, effective, until))
    return {
        cadre_id: InfluencePeriod(
            until=combined_influence_end(items),
            sanction_ids=tuple(r.pk for r in items),
            kinds=tuple(sorted({r.kind for r in items})),
        )
        for cadre_id, items in rows.items()
    }


def influence_period(cadre_id: int, on: date) -> InfluencePeriod | None:
    """Whether the cadre is within an influence period on `on` (REUSE-1: no promotion inside
    it), and until when; None when not. Unscoped for the reason given in `influence_periods`."""
    return influence_periods([cadre_id], on).get(cadre_id)


def assessment_caps(cadre_id: int, year: int) -> str | None:
    """ASM-DIS-1 for the assessment pillar: "not_graded", "no_excellent" or None for the cadre's
    annual assessment of `year`. The caller (assessment) has scoped the cadre and needs only the
    cap, not the sanctions, hence the unscoped read; revoked and deleted sanctions do not count.
    """
    rows = (
        Sanction.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id=cadre_id, deleted_at__isnull=True, revoked_on__isnull=True)
        .values_list("type", "effective_date", "influence_until")
    )
    return assessment_cap(
        type_
        for type_, effective, until in rows
        if counts_for_assessment_year(type_, effective, until, year)
    )


# --- one record -----------------------------------------------------------------------------------


def sanction_get(*, actor: Any, sanction_id: int, action: Action = Action.VIEW) -> Sanction:
    """One sanction in scope (pillar included), its read audited; a refused read (out of scope,
    no pillar, deleted) is audited as denied and raises OutOfScopeError."""
    sanction = (
        Sanction.objects.visible_to(actor, action)
        .select_related("cadre__unit", "created_by")
        .filter(pk=sanction_id)
        .first()
    )
    if sanction is None:
        audit.record(
            action="tolerance.sanction.view",
            actor=actor,
            target_type="tolerance.sanction",
            target_id=sanction_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    audit.record(action="tolerance.sanction.view", actor=actor, target=sanction)
    return sanction


def cadre_sanctions(*, actor: Any, cadre_id: int) -> QuerySet[Sanction]:
    """One cadre's sanctions (latest first) the actor may see."""
    return (
        Sanction.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .order_by("-decision_date", "-id")
    )


def cadre_mentors(*, actor: Any, cadre_id: int) -> QuerySet[Mentor]:
    """One cadre's mentors, the active one first, then by assignment date."""
    return (
        Mentor.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("sanction", "created_by")
        .order_by("-assigned_on", "-id")
    )


def cadre_follow_ups(*, actor: Any, cadre_id: int) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("mentor", "created_by")
        .order_by("-visited_on", "-id")
    )


def cadre_reuse(*, actor: Any, cadre_id: int) -> QuerySet[ReuseAssessment]:
    return (
        ReuseAssessment.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("new_appointment__post__unit", "sanction")
        .order_by("-assessed_on", "-id")
    )


def cadre_pick(*, actor: Any, text: str, limit: int = 10) -> list[Cadre]:
    """Cadres the actor may record sanctions for, matching a name/pinyin search."""
    text = text.strip()
    if not text:
        return []
    rows = search(pillar_cadres(actor, Action.CHANGE), text).select_related("unit")
    return list(rows.order_by("name_pinyin", "id")[:limit])


# --- lists ----------------------------------------------------------------------------------------


def _subtree_path(unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "//none"


def _data(form: Any) -> dict[str, Any] | None:
    """Cleaned filters; None when the form is invalid (the list then shows nothing)."""
    if form.is_bound and not form.is_valid():
        return None
    return form.cleaned_data if form.is_bound else {}


def _people(rows: QuerySet[Any], actor: Any, data: dict[str, Any], prefix: str) -> QuerySet[Any]:
    """Apply the unit subtree and name search filters (`prefix` leads to the cadre)."""
    path = _subtree_path(data.get("unit"))
    if path:
        rows = rows.filter(**{f"{prefix}unit__path__startswith": path})
    if data.get("q"):
        found = search(pillar_cadres(actor), data["q"]).values("pk")
        rows = rows.filter(**{f"{prefix}pk__in": found})
    return rows


def _sorted(params: QueryDict, sorts: dict[str, tuple[str, ...]], default: str) -> list[str]:
    sort = str(params.get("sort") or default)
    return list(sorts.get(sort) or sorts[default])


def status_q(status: str, on: date) -> Q:
    """Sanctions in `status` on `on`, exactly as rules_sanctions.sanction_status decides."""
    revoked = Q(revoked_on__isnull=False, revoked_on__lte=on)
    if status == SanctionStatus.REVOKED:
        return revoked
    if status == SanctionStatus.PENDING:
        return ~revoked & Q(effective_date__gt=on)
    if status == SanctionStatus.EXPIRED:
        return ~revoked & Q(effective_date__lte=on, influence_until__lt=on)
    return (
        ~revoked
        & Q(effective_date__lte=on)
        & (Q(influence_until__isnull=True) | Q(influence_until__gte=on))
    )


SANCTION_SORTS = {
    "-decision_date": ("-decision_date", "-id"),
    "decision_date": ("decision_date", "id"),
    "name": ("cadre__name_pinyin", "-decision_date", "id"),
    "-name": ("-cadre__name_pinyin", "-decision_date", "-id"),
    "until": ("influence_until", "id"),
    "-until": ("-influence_until", "-id"),
}


def sanction_list(
    *, actor: Any, params: QueryDict, today: date
) -> tuple[QuerySet[Sanction], SanctionFilterForm]:
    """Sanctions in scope (pillar), filtered and sorted like the page; status is on `today`."""
    form = SanctionFilterForm(params or None)
    rows: QuerySet[Sanction] = Sanction.objects.visible_to(actor)
    data = _data(form)
    if data is None:
        return rows.none(), form
    for key in ("kind", "type"):
        if data.get(key):
            rows = rows.filter(**{key: data[key]})
    if data.get("status"):
        rows = rows.filter(status_q(data["status"], today))
    if data.get("date_from"):
        rows = rows.filter(decision_date__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(decision_date__lte=data["date_to"])
    rows = _people(rows, actor, data, "cadre__")
    order = _sorted(params, SANCTION_SORTS, "-decision_date")
    return rows.select_related("cadre__unit").order_by(*order), form


PERSON_SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "unit": ("unit__path", "name_pinyin", "id"),
    "-unit": ("-unit__path", "-name_pinyin", "-id"),
    "start": ("period_start", "id"),
    "-start": ("-period_start", "-id"),
}


def _in_period(actor: Any, today: date) -> QuerySet[Cadre]:
    """Cadres in scope (pillar) within an influence period on `today`, with `period_start` (the
    earliest effective date of the sanctions in effect) and `latest_sanction_id`."""
    live = Sanction.objects.filter(in_effect_q(today), cadre=OuterRef("pk"))
    return (
        pillar_cadres(actor)
        .filter(Exists(live))
        .annotate(
            period_start=Subquery(
                live.order_by().values("cadre").annotate(m=Min("effective_date")).values("m")
            ),
            latest_sanction_id=Subquery(live.order_by("-effective_date", "-id").values("pk")[:1]),
        )
        .select_related("unit")
    )


def mentor_missing(
    *, actor: Any, params: QueryDict, today: date
) -> tuple[QuerySet[Cadre], PersonFilterForm]:
    """The red list 未落实帮带责任人: cadres within an influence period on `today` without an
    active mentor."""
    form = PersonFilterForm(params or None)
    data = _data(form)
    if data is None:
        return Cadre.objects.none(), form
    active = Mentor.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)
    rows = _people(_in_period(actor, today).exclude(Exists(active)), actor, data, "")
    return rows.order_by(*_sorted(params, PERSON_SORTS, "start")), form


@dataclass(frozen=True)
class FollowUpDue:
    """A cadre within an influence period and the state of their follow-up visits."""

    cadre: Cadre
    period_start: date
    sanction_id: int
    last_visited_on: date | None
    due_on: date
    mentor_name: str

    def overdue_on(self, today: date) -> bool:
        """Overdue from the day after the due date (due today is not yet overdue)."""
        return self.due_on < today

    def days_overdue(self, today: date) -> int:
        return max((today - self.due_on).days, 0)


def follow_ups_overdue(
    *, actor: Any, params: QueryDict, today: date, overdue_only: bool = True
) -> tuple[list[FollowUpDue], PersonFilterForm]:
    """Cadres within an influence period on `today` whose next follow-up visit is overdue: the
    latest visit since the period began set a next due date before today, or there has been no
    visit within the interval of the period's start. Most overdue first."""
    form = PersonFilterForm(params or None)
    data = _data(form)
    if data is None:
        return [], form
    visits = FollowUp.objects.filter(
        cadre=OuterRef("pk"), visited_on__gte=OuterRef("period_start")
    ).order_by("-visited_on", "-id")
    active = Mentor.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)
    rows = _people(_in_period(actor, today), actor, data, "").annotate(
        last_visited_on=Subquery(visits.values("visited_on")[:1]),
        last_next_due=Subquery(visits.values("next_due")[:1]),
        mentor_name=Subquery(active.values("mentor_name")[:1]),
    )
    interval = follow_up_interval(today)
    result = []
    for c in rows:
        row: Any = c
        due = follow_up_due(row.last_visited_on, row.last_next_due, row.period_start, interval)
        item = FollowUpDue(
            c,
            row.period_start,
            row.latest_sanction_id,
            row.last_visited_on,
            due,
            row.mentor_name or "",
        )
        if item.overdue_on(today) or not overdue_only:
            result.append(item)
    result.sort(key=lambda r: (r.due_on, r.cadre.name_pinyin, r.cadre.pk))
    return result, form


REUSE_DUE_SORTS = {
    "ended": ("ended_on", "id"),
    "-ended": ("-ended_on", "-id"),
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "unit": ("unit__path", "name_pinyin", "id"),
    "-unit": ("-unit__path", "-name_pinyin", "-id"),
}


def reuse_due(
    *, actor: Any, params: QueryDict, today: date
) -> tuple[QuerySet[Cadre], PersonFilterForm]:
    """Cadres whose combined influence period has ended by `today` (its last day is before
    today, no sanction pending or permanent) and who have no reuse assessment after it ended.
    Rows carry `ended_on` (the period's last day) and `last_sanction_id`."""
    form = PersonFilterForm(params or None)
    data = _data(form)
    if data is None:
        return Cadre.objects.none(), form
    live = Sanction.objects.filter(
        cadre=OuterRef("pk"), deleted_at__isnull=True, revoked_on__isnull=True
    )
    ongoing = live.filter(Q(influence_until__isnull=True) | Q(influence_until__gte=today))
    last = live.order_by("-influence_until", "-id")
    assessed = ReuseAssessment.objects.filter(
        cadre=OuterRef("pk"), assessed_on__gt=OuterRef("ended_on")
    )
    rows = (
        pillar_cadres(actor)
        .filter(Exists(live))
        .exclude(Exists(ongoing))
        .annotate(
            ended_on=Subquery(last.values("influence_until")[:1]),
            last_sanction_id=Subquery(last.values("pk")[:1]),
        )
        .exclude(Exists(assessed))
        .select_related("unit")
    )
    rows = _people(rows, actor, data, "")
    return rows.order_by(*_sorted(params, REUSE_DUE_SORTS, "ended")), form


REUSE_SORTS = {
    "-assessed_on": ("-assessed_on", "-id"),
    "assessed_on": ("assessed_on", "id"),
    "name": ("cadre__name_pinyin", "-assessed_on", "id"),
    "-name": ("-cadre__name_pinyin", "-assessed_on", "-id"),
}


def reuse_list(
    *, actor: Any, params: QueryDict
) -> tuple[QuerySet[ReuseAssessment], ReuseFilterForm]:
    """Reuse assessments in scope (pillar), filtered and sorted like the page."""
    form = ReuseFilterForm(params or None)
    rows: QuerySet[ReuseAssessment] = ReuseAssessment.objects.visible_to(actor)
    data = _data(form)
    if data is None:
        return rows.none(), form
    if data.get("recommendation"):
        rows = rows.filter(recommendation=data["recommendation"])
    if data.get("date_from"):
        rows = rows.filter(assessed_on__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(assessed_on__lte=data["date_to"])
    rows = _people(rows, actor, data, "cadre__")
    order = _sorted(params, REUSE_SORTS, "-assessed_on")
    related = ("cadre__unit", "sanction", "new_appointment__post__unit")
    return rows.select_related(*related).order_by(*order), form
