"""Cross-pillar facts of the assessment pillar: plain values other apps read (the 任免审批表's
年度考核结果, selection's eligibility checks). The caller has already found the cadre inside the
actor's scope, so these read one cadre's results without a scope of their own, like the other
pillars' facts (apps.frontline.selectors.frontline_months, apps.tolerance.selectors).

Only grades of SUBMITTED unit sheets count: a draft grade is not a result yet.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from apps.assessment import rules
from apps.assessment.constants import SheetStatus
from apps.assessment.models import AnnualAssessment
from apps.core.bulk import CadreIds

RECENT_YEARS = 3


def annual_grades(cadre_id: int, years: Iterable[int]) -> dict[int, str]:
    """The cadre's annual grades for `years` as {year: grade value} ("excellent", "competent",
    "basically_competent", "incompetent", "not_graded"; labels in constants.AnnualGrade); years
    without a submitted result are absent."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    rows = (
        AnnualAssessment.objects.filter(
            cadre_id=cadre_id, year__in=wanted, sheet__status=SheetStatus.SUBMITTED
        )
        .exclude(grade="")
        .values_list("year", "grade")
    )
    return dict(rows)


def all_annual_grades(cadre_id: int) -> dict[int, str]:
    """Every submitted annual grade of the cadre, {year: grade value}."""
    rows = (
        AnnualAssessment.objects.filter(cadre_id=cadre_id, sheet__status=SheetStatus.SUBMITTED)
        .exclude(grade="")
        .values_list("year", "grade")
    )
    return dict(rows)


def submitted_grades(cadre_ids: CadreIds) -> dict[int, dict[int, str]]:
    """Submitted grades of many cadres at once (a list of ids or a queryset of cadres, read as a
    subquery): {cadre id: {year: grade value}}."""
    grades: dict[int, dict[int, str]] = {}
    ids = cadre_ids if isinstance(cadre_ids, QuerySet) else list(cadre_ids)
    rows = AnnualAssessment.objects.filter(
        cadre_id__in=ids, sheet__status=SheetStatus.SUBMITTED
    ).exclude(grade="")
    for cadre_id, year, grade in rows.values_list("cadre_id", "year", "grade"):
        grades.setdefault(cadre_id, {})[year] = grade
    return grades


def excellent_years(cadre_id: int, years: Iterable[int] | None = None) -> list[int]:
    """Years the cadre was graded 优秀 (ascending), within `years` if given (RANK-19-1: each
    shortens the tenure a 职级 promotion needs by six months)."""
    grades = all_annual_grades(cadre_id) if years is None else annual_grades(cadre_id, years)
    return sorted(year for year, grade in grades.items() if grade == rules.EXCELLENT)


def recent_years(cadre_id: int, today: date, count: int = RECENT_YEARS) -> list[int]:
    """The `count` assessment years the 任免审批表 shows, ascending: ending with this year once
    its result is submitted, else with last year."""
    latest = today.year if annual_grades(cadre_id, [today.year]) else today.year - 1
    return list(range(latest - count + 1, latest + 1))


def annual_results_text(cadre_id: int, today: date, count: int = RECENT_YEARS) -> str:
    """年度考核结果 as the 任免审批表 phrases it: "2023年度称职，2024年度优秀，2025年度称职"
    (years without a result are left out; "" when there is none)."""
    return rules.annual_results_text(annual_grades(cadre_id, recent_years(cadre_id, today, count)))
