"""平时考核 (ASM-PS-1): a unit's grid for one period, saved all at once.

One save covers the rows of one unit, year and period: every row is checked first (scope, grade,
the version the user saw), then all are written in one transaction with one audit entry that
counts what changed. A row whose version moved since the page was loaded refuses the whole save
and names who changed it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from apps.assessment import rules
from apps.assessment.constants import RoutineGrade
from apps.assessment.models import RoutineAssessment
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.units.models import Unit

PERIODS_KEY = "assessment.routine_periods_per_year"
GRADES = frozenset(RoutineGrade.values)
MAX_TEXT = 2000


@dataclass(frozen=True)
class RoutineRow:
    """One grid row as entered: `version` is the row's version the page showed (None: the page
    showed no entry for this cadre)."""

    cadre_id: int
    grade: str
    work_summary: str = ""
    comment: str = ""
    version: int | None = None


@dataclass(frozen=True)
class GridResult:
    created: int
    updated: int
    unchanged: int


def periods_per_year(year: int) -> int:
    """The number of routine periods in `year` (parameter in force on 31 December)."""
    return int(param(PERIODS_KEY, date(year, 12, 31)))


def unit_for_change(actor: Any, unit_id: int) -> Unit:
    """The unit if it lies in the actor's change scope; else OutOfScopeError (views: 404)."""
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScopeError()
    return unit


def check_period(year: int, period: int) -> None:
    per_year = periods_per_year(year)
    if not rules.period_valid(period, per_year):
        message = f"期次须在 1 至 {per_year} 之间"
        raise DomainError(message, code="invalid_period", fields={"period": message})


def _row_problem(row: RoutineRow, existing: RoutineAssessment | None) -> str:
    if not row.grade and existing is not None:
        return "已录入的等次不能清空"
    if row.grade and row.grade not in GRADES:
        return "等次无效"
    if len(row.work_summary) > MAX_TEXT or len(row.comment) > MAX_TEXT:
        return f"工作纪实和考核评语均不超过 {MAX_TEXT} 字"
    return ""


def _stale(cadre: Cadre, row: RoutineRow, existing: RoutineAssessment | None) -> None:
    """Refuse a row based on what the page showed when someone else saved it since."""
    seen = row.version
    now = existing.version if existing is not None else None
    if seen == now:
        return
    who = "他人"
    if existing is not None and existing.entered_by is not None:
        who = existing.entered_by.display_name
    raise StaleVersionError(
        f"保存失败：{cadre.name}的平时考核已被{who}修改，请刷新页面查看后重新录入",
        changes={"grade": ("" if seen is None else "(已加载)", existing.grade if existing else "")},
    )


@transaction.atomic
def routine_save_grid(
    *, actor: Any, unit_id: int, year: int, period: int, rows: Sequence[RoutineRow]
) -> GridResult:
    """Save a unit's routine grades for one period (all or nothing, audited once).

    Only cadres in the actor's CHANGE scope whose unit is `unit_id` may be entered; any other
    cadre id refuses the save (OutOfScopeError). A blank grade for a cadre without an entry is
    skipped (not assessed yet); an entry's grade cannot be blanked out.
    """
    unit = unit_for_change(actor, unit_id)
    check_period(year, period)
    ids = [row.cadre_id for row in rows]
    if len(set(ids)) != len(ids):
        raise DomainError("同一干部在表中出现多次", code="duplicate_row")
    cadres = {
        c.pk: c
        for c in Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk__in=ids, unit=unit)
    }
    if len(cadres) != len(set(ids)):
        raise OutOfScopeError()
    existing = {
        r.cadre_id: r
        for r in RoutineAssessment.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(cadre_id__in=ids, year=year, period=period)
    }
    errors: dict[str, str] = {}
    for row in rows:
        problem = _row_problem(row, existing.get(row.cadre_id))
        if problem:
            errors[f"row-{row.cadre_id}"] = f"{cadres[row.cadre_id].name}：{problem}"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_rows", fields=errors)
    for row in rows:
        _stale(cadres[row.cadre_id], row, existing.get(row.cadre_id))
    created = updated = unchanged = 0
    for row in rows:
        current = existing.get(row.cadre_id)
        values = {"grade": row.grade, "work_summary": row.work_summary, "comment": row.comment}
        if current is None:
            if not row.grade:
                continue
            RoutineAssessment.objects.create(
                cadre_id=row.cadre_id,
                unit=unit,
                year=year,
                period=period,
                entered_by=actor,
                **values,
            )
            created += 1
        elif all(getattr(current, k) == v for k, v in values.items()):
            unchanged += 1
        else:
            for key, value in values.items():
                setattr(current, key, value)
            current.version += 1
            current.entered_by = actor
            current.save()
            updated += 1
    result = GridResult(created, updated, unchanged)
    audit.record(
        action="assessment.routine.save_grid",
        actor=actor,
        target=unit,
        target_repr=f"{unit.name} {year}年{rules.period_label(period, periods_per_year(year))}"
        "平时考核",
        detail={
            "year": year,
            "period": period,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        },
    )
    return result
