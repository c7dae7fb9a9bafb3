"""The cadre page's 考核 tab (registered with apps.cadres.detail_tabs): the last three years'
annual results as the 任免审批表 phrases them, every annual grade, routine grades by period,
open consequence flags and award proposals — each list read through the viewer's scope (the
cadre is already in it). The cadre page shows only the count (annual and routine grades, one
query); the body is loaded when the tab is first shown."""

from collections import defaultdict
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.assessment import rules
from apps.assessment import selectors as facts
from apps.assessment.constants import AnnualGrade, ProposalStatus
from apps.assessment.models import (
    AnnualAssessment,
    AwardProposal,
    FollowUpFlag,
    RoutineAssessment,
)
from apps.assessment.services.routine import periods_per_year
from apps.cadres.detail_tabs import DetailTab, counts_of, register_tab
from apps.cadres.models import Cadre

GRADE_LABELS = dict(AnnualGrade.choices)


def _routine_by_year(actor: Any, cadre: Cadre) -> tuple[list[dict[str, Any]], int]:
    """Routine grades grouped by year (newest first), one cell per period; and their number."""
    by_year: dict[int, dict[int, str]] = defaultdict(dict)
    entries = RoutineAssessment.objects.visible_to(actor).filter(cadre=cadre)
    for r in entries:
        by_year[r.year][r.period] = r.get_grade_display()
    rows = []
    for year in sorted(by_year, reverse=True):
        per_year = periods_per_year(year)
        cells = [
            (rules.period_label(p, per_year), by_year[year].get(p, "—"))
            for p in range(1, per_year + 1)
        ]
        rows.append({"year": year, "cells": cells})
    return rows, sum(len(periods) for periods in by_year.values())


def count_assessment_tab(request: HttpRequest, cadre: Cadre) -> int | None:
    """Annual assessments plus routine grades (one per period), as the body counts them."""
    actor: Any = request.user
    counts = counts_of(
        Cadre.objects.visible_to(actor),
        cadre.pk,
        annual=AnnualAssessment.objects.visible_to(actor).filter(cadre=cadre),
        routine=RoutineAssessment.objects.visible_to(actor).filter(cadre=cadre),
    )
    return None if counts is None else counts["annual"] + counts["routine"]


def build_assessment_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    actor: Any = request.user
    today = timezone.localdate()
    years = facts.recent_years(cadre.pk, today)
    grades = facts.annual_grades(cadre.pk, years)
    annual = list(
        AnnualAssessment.objects.visible_to(actor)
        .filter(cadre=cadre)
        .select_related("sheet__unit")
        .order_by("-year")
    )
    flags = list(
        FollowUpFlag.objects.visible_to(actor)
        .filter(assessment__cadre=cadre, done_on__isnull=True)
        .select_related("assessment")
    )
    proposals = list(
        AwardProposal.objects.visible_to(actor).filter(cadre=cadre).order_by("-last_year", "kind")
    )
    routine, entries = _routine_by_year(actor, cadre)
    return {
        "count": len(annual) + entries,
        "recent": [(y, GRADE_LABELS.get(grades.get(y, ""), "")) for y in years],
        "recent_text": rules.annual_results_text(grades),
        "annual": annual,
        "routine": routine,
        "flags": flags,
        "proposals": proposals,
        "open_proposals": sum(1 for p in proposals if p.status == ProposalStatus.PROPOSED),
    }


register_tab(
    DetailTab(
        key="assessment",
        label="考核",
        template="assessment/_tab_assessment.html",
        build=build_assessment_tab,
        count=count_assessment_tab,
        order=20,
    )
)
