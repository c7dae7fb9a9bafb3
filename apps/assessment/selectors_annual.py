"""Reads of the routine and annual assessment pages, every one through `visible_to(actor)`.

Counts that concern a whole unit's sheet (优秀 used against the quota, ungraded participants)
cover all its rows, including cadres of a management level the viewer does not hold: they are
numbers the quota is judged on, never names.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from apps.assessment import rules
from apps.assessment.constants import AnnualGrade, RoutineGrade, SheetStatus
from apps.assessment.forms_annual import FlagFilterForm, ProposalFilterForm
from apps.assessment.models import (
    AnnualAssessment,
    AnnualSheet,
    AwardProposal,
    FollowUpFlag,
    RoutineAssessment,
)
from apps.assessment.services.routine import periods_per_year
from apps.cadres.models import Cadre
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action
from apps.tolerance.selectors import tolerated_findings
from apps.tolerance.selectors_sanctions import assessment_caps
from apps.units.models import Unit

ROUTINE_LABELS = dict(RoutineGrade.choices)
ANNUAL_LABELS = dict(AnnualGrade.choices)
TOLERATED_NOTE = "已容错，不作负面评价"


def unit_get(*, actor: Any, unit_id: int, action: Action = Action.VIEW) -> Unit:
    unit = Unit.objects.visible_to(actor, action).filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScopeError()
    return unit


def _units_with_cadres(actor: Any, q: str) -> tuple[list[Unit], dict[int, int]]:
    """Units where the actor sees cadres (optionally by name), with the number seen."""
    totals = dict(
        Cadre.objects.visible_to(actor)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    units = Unit.objects.filter(pk__in=list(totals)).order_by("path")
    if q:
        units = units.filter(name__contains=q)
    return list(units), totals


# --- routine -----------------------------------------------------------------------------------


@dataclass
class RoutineUnitRow:
    """One unit of the routine overview: cadres seen and entries per period."""

    unit: Unit
    total: int
    entered: list[int]

    @property
    def complete(self) -> bool:
        return all(n >= self.total for n in self.entered)


def routine_overview(*, actor: Any, year: int, q: str = "") -> tuple[list[RoutineUnitRow], int]:
    """Units in scope × periods of `year`: how many of the unit's cadres have an entry."""
    per_year = periods_per_year(year)
    units, totals = _units_with_cadres(actor, q)
    entered: dict[tuple[int, int], int] = {
        (unit_id, period): n
        for unit_id, period, n in RoutineAssessment.objects.visible_to(actor)
        .filter(year=year)
        .order_by()
        .values("cadre__unit_id", "period")
        .annotate(n=Count("pk"))
        .values_list("cadre__unit_id", "period", "n")
    }
    rows = [
        RoutineUnitRow(
            unit=u,
            total=totals[u.pk],
            entered=[entered.get((u.pk, p), 0) for p in range(1, per_year + 1)],
        )
        for u in units
    ]
    return rows, per_year


@dataclass
class RoutineGridRow:
    cadre: Cadre
    entry: RoutineAssessment | None
    can_change: bool


def routine_grid(*, actor: Any, unit: Unit, year: int, period: int) -> list[RoutineGridRow]:
    """The unit's cadres the actor sees, each with the period's entry (if any) and whether the
    actor may enter it."""
    cadres = list(Cadre.objects.visible_to(actor).filter(unit=unit).order_by("name_pinyin", "pk"))
    ids = [c.pk for c in cadres]
    changeable = set(
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    entries = {
        e.cadre_id: e
        for e in RoutineAssessment.objects.visible_to(actor)
        .filter(cadre_id__in=ids, year=year, period=period)
        .select_related("entered_by")
    }
    return [RoutineGridRow(c, entries.get(c.pk), c.pk in changeable) for c in cadres]


# --- annual: overview and grid -----------------------------------------------------------------


@dataclass
class SheetOverviewRow:
    unit: Unit
    cadres: int
    sheet: AnnualSheet | None
    excellent: int = 0

    @property
    def status_text(self) -> str:
        return "未开始" if self.sheet is None else self.sheet.get_status_display()


def annual_overview(*, actor: Any, year: int, q: str = "") -> list[SheetOverviewRow]:
    """Units in scope (with cadres or a sheet) for `year`: status, participants, 优秀/quota."""
    units, totals = _units_with_cadres(actor, q)
    sheets_qs = AnnualSheet.objects.visible_to(actor).filter(year=year).select_related("unit")
    if q:
        sheets_qs = sheets_qs.filter(unit__name__contains=q)
    sheets = {
        s.unit_id: s
        for s in sheets_qs.annotate(excellent=Count("rows", filter=Q(rows__grade=rules.EXCELLENT)))
    }
    by_id = {u.pk: u for u in units}
    for sheet in sheets.values():
        by_id.setdefault(sheet.unit_id, sheet.unit)
    return [
        SheetOverviewRow(
            unit=unit,
            cadres=totals.get(unit.pk, 0),
            sheet=sheets.get(unit.pk),
            excellent=getattr(sheets.get(unit.pk), "excellent", 0),
        )
        for unit in sorted(by_id.values(), key=lambda u: u.path)
    ]


def sheet_get(*, actor: Any, sheet_id: int, action: Action = Action.VIEW) -> AnnualSheet:
    sheet = (
        AnnualSheet.objects.visible_to(actor, action)
        .select_related("unit", "submitted_by")
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise OutOfScopeError()
    return sheet


@dataclass
class GridRow:
    assessment: AnnualAssessment
    routine: list[tuple[str, str]]
    cap: str | None
    cap_note: str
    tolerated: bool
    can_change: bool


@dataclass
class Grid:
    rows: list[GridRow]
    used: int  # 优秀 on the whole sheet
    hidden_excellent: int  # … among rows the viewer does not see (for the live counter)
    ungraded: int
    quota: int
    editable: bool
    can_change: bool
    periods: list[str] = field(default_factory=list)

    @property
    def status_text(self) -> str:
        return rules.quota_status(self.used, self.quota)

    @property
    def over_quota(self) -> bool:
        return self.used > self.quota


def _routine_by_cadre(
    actor: Any, ids: list[int], year: int, per_year: int
) -> dict[int, list[tuple[str, str]]]:
    grades: dict[int, dict[int, str]] = defaultdict(dict)
    for cadre_id, period, grade in (
        RoutineAssessment.objects.visible_to(actor)
        .filter(cadre_id__in=ids, year=year)
        .values_list("cadre_id", "period", "grade")
    ):
        grades[cadre_id][period] = ROUTINE_LABELS.get(grade, grade)
    return {
        pk: [
            (rules.period_label(p, per_year), grades[pk].get(p, "—"))
            for p in range(1, per_year + 1)
        ]
        for pk in ids
    }


def tolerated_in(cadre_id: int, year: int) -> bool:
    """Whether a mistake of the cadre was decided tolerable in `year` or the next (when that
    year's assessment is made): TOL-5, it must not count against them. Only the fact is read,
    never the matter (the tolerance pillar is need-to-know)."""
    return any(year <= f.concluded_on.year <= year + 1 for f in tolerated_findings(cadre_id))


def grid_row_ids(*, actor: Any, sheet: AnnualSheet) -> list[int]:
    """Ids of the sheet's rows the actor may change (what a grid post may contain)."""
    return list(
        AnnualAssessment.objects.visible_to(actor, Action.CHANGE)
        .filter(sheet=sheet)
        .values_list("pk", flat=True)
    )


def annual_grid(*, actor: Any, sheet: AnnualSheet, grade: str = "") -> Grid:
    """The sheet's rows the actor sees (optionally one grade only), each with the cadre's
    routine grades of the year, the sanction cap and the tolerance note."""
    visible = (
        AnnualAssessment.objects.visible_to(actor)
        .filter(sheet=sheet)
        .select_related("cadre")
        .order_by("cadre__name_pinyin", "pk")
    )
    changeable = set(
        AnnualAssessment.objects.visible_to(actor, Action.CHANGE)
        .filter(sheet=sheet)
        .values_list("pk", flat=True)
    )
    all_grades = list(sheet.rows.values_list("pk", "grade"))
    seen = set(visible.values_list("pk", flat=True))
    rows_qs = visible.filter(grade=grade) if grade else visible
    assessments = list(rows_qs)
    per_year = periods_per_year(sheet.year)
    routine = _routine_by_cadre(actor, [a.cadre_id for a in assessments], sheet.year, per_year)
    rows = []
    for a in assessments:
        cap = assessment_caps(a.cadre_id, sheet.year)
        rows.append(
            GridRow(
                assessment=a,
                routine=routine[a.cadre_id],
                cap=cap,
                cap_note=rules.cap_note(cap),
                tolerated=tolerated_in(a.cadre_id, sheet.year),
                can_change=a.pk in changeable,
            )
        )
    return Grid(
        rows=rows,
        used=sum(1 for _, g in all_grades if g == rules.EXCELLENT),
        hidden_excellent=sum(1 for pk, g in all_grades if g == rules.EXCELLENT and pk not in seen),
        ungraded=sum(1 for _, g in all_grades if not g),
        quota=sheet.excellent_quota,
        editable=sheet.status == SheetStatus.DRAFT and bool(changeable) and not grade,
        can_change=bool(changeable),
        periods=[rules.period_label(p, per_year) for p in range(1, per_year + 1)],
    )


# --- flags, proposals --------------------------------------------------------------------------


def _person_filter(prefix: str, q: str) -> Q:
    return Q(**{f"{prefix}name__contains": q}) | Q(**{f"{prefix}unit__name__contains": q})


def flag_list(*, actor: Any, params: QueryDict) -> tuple[QuerySet[FollowUpFlag], FlagFilterForm]:
    """Consequence flags in scope: open ones by default (status=done / all for the others)."""
    data = params.copy()
    data.setdefault("status", "open")
    form = FlagFilterForm(data)
    qs = FollowUpFlag.objects.visible_to(actor).select_related(
        "assessment__cadre__unit", "assessment__sheet__unit"
    )
    if not form.is_valid():
        return qs.none(), form
    status, year, q = (form.cleaned_data.get(k) for k in ("status", "year", "q"))
    if status == "open":
        qs = qs.filter(done_on__isnull=True)
    elif status == "done":
        qs = qs.filter(done_on__isnull=False)
    if year:
        qs = qs.filter(assessment__year=year)
    if q:
        qs = qs.filter(_person_filter("assessment__cadre__", q))
    return qs.order_by("-assessment__year", "assessment__cadre__name_pinyin", "pk"), form


def proposal_list(
    *, actor: Any, params: QueryDict
) -> tuple[QuerySet[AwardProposal], ProposalFilterForm]:
    """Award proposals in scope: undecided ones by default (status= for all)."""
    data = params.copy()
    data.setdefault("status", "proposed")
    form = ProposalFilterForm(data)
    qs = AwardProposal.objects.visible_to(actor).select_related("cadre__unit", "decided_by")
    if not form.is_valid():
        return qs.none(), form
    status, kind, year, q = (form.cleaned_data.get(k) for k in ("status", "kind", "year", "q"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(last_year=year)
    if q:
        qs = qs.filter(_person_filter("cadre__", q))
    return qs.order_by("-last_year", "cadre__name_pinyin", "kind", "pk"), form


# --- chart -------------------------------------------------------------------------------------


@dataclass
class Distribution:
    """Grades of submitted sheets per category (units of a year, or years of a unit)."""

    by_unit: bool
    categories: list[tuple[int, str]]  # (unit id or year, label)
    counts: dict[tuple[int, str], int]
    sheets: dict[int, int]  # category → sheet id (drill-down)
    grades: list[tuple[str, str]] = field(default_factory=lambda: list(AnnualGrade.choices))

    def table(self) -> list[tuple[int, str, list[tuple[str, int]], int]]:
        rows = []
        for key, label in self.categories:
            cells = [(g, self.counts.get((key, g), 0)) for g, _ in self.grades]
            rows.append((key, label, cells, sum(n for _, n in cells)))
        return rows

    def totals(self) -> list[int]:
        return [
            sum(self.counts.get((key, g), 0) for key, _ in self.categories) for g, _ in self.grades
        ]


def grade_distribution(*, actor: Any, year: int, unit: Unit | None = None) -> Distribution:
    """Counts of each grade in scope: per unit for `year`, or per year for `unit`."""
    qs = (
        AnnualAssessment.objects.visible_to(actor)
        .filter(sheet__status=SheetStatus.SUBMITTED)
        .exclude(grade="")
    )
    if unit is not None:
        qs = qs.filter(sheet__unit=unit)
        key = "year"
    else:
        qs = qs.filter(year=year)
        key = "sheet__unit_id"
    counts = {
        (k, g): n
        for k, g, n in qs.order_by()
        .values(key, "grade")
        .annotate(n=Count("pk"))
        .values_list(key, "grade", "n")
    }
    keys = sorted({k for k, _ in counts})
    if unit is not None:
        sheets = dict(
            AnnualSheet.objects.visible_to(actor)
            .filter(unit=unit, year__in=keys)
            .values_list("year", "pk")
        )
        categories = [(y, f"{y}年度") for y in keys]
    else:
        units = Unit.objects.filter(pk__in=keys).order_by("path")
        categories = [(u.pk, u.name) for u in units]
        sheets = dict(
            AnnualSheet.objects.visible_to(actor)
            .filter(unit_id__in=keys, year=year)
            .values_list("unit_id", "pk")
        )
    return Distribution(unit is None, categories, counts, sheets)
