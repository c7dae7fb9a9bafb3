"""The 任免审批表 shows the last three years' annual results and confirmed awards."""

from datetime import datetime

import pytest
from django.utils import timezone

from apps.assessment.constants import AnnualGrade, AwardKind, ProposalStatus, SheetStatus
from apps.assessment.models import AwardProposal
from apps.assessment.tests.factories import AnnualAssessmentFactory, AnnualSheetFactory
from apps.cadres.tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_form_shows_the_last_three_years_and_awards(client, city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept)
    grades = {2022: AnnualGrade.COMPETENT, 2023: AnnualGrade.COMPETENT, 2024: AnnualGrade.EXCELLENT}
    grades[2025] = AnnualGrade.COMPETENT
    for year, grade in grades.items():
        sheet = AnnualSheetFactory(unit=cadre.unit, year=year, status=SheetStatus.SUBMITTED)
        AnnualAssessmentFactory(cadre=cadre, sheet=sheet, year=year, grade=grade)
    AwardProposal.objects.create(
        cadre=cadre,
        kind=AwardKind.COMMENDATION,
        first_year=2024,
        last_year=2024,
        status=ProposalStatus.CONFIRMED,
        # Decided before the form's date: an award decided after it is not yet on the form.
        decided_at=datetime(2026, 3, 1, 10, tzinfo=timezone.get_current_timezone()),
    )
    client.force_login(officer_a)
    html = client.get(f"/cadres/{cadre.pk}/appointment-form/?on=2026-11-25").content.decode()
    assert "2023年度称职，2024年度优秀，2025年度称职" in html
    assert "2022年度" not in html
    assert "2024年度嘉奖" in html


def test_an_unsubmitted_sheet_does_not_print(client, city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept)
    sheet = AnnualSheetFactory(unit=cadre.unit, year=2025, status=SheetStatus.DRAFT)
    AnnualAssessmentFactory(cadre=cadre, sheet=sheet, year=2025, grade=AnnualGrade.EXCELLENT)
    client.force_login(officer_a)
    html = client.get(f"/cadres/{cadre.pk}/appointment-form/?on=2026-11-25").content.decode()
    assert "2025年度优秀" not in html
