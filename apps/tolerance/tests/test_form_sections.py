"""奖惩情况 on the 任免审批表: sanctions for the pillar holder; for anyone else only the influence
period that the cadre header already shows, never the kind."""

from datetime import date

import pytest

from apps.cadres.tests.factories import CadreFactory
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db
ON = "2026-11-25"


@pytest.fixture
def cadre(city):
    cadre = CadreFactory(unit=city.county_a_dept)
    SanctionFactory(
        cadre=cadre,
        kind=SanctionKind.ADMINISTRATIVE,
        type=SanctionType.ADMIN_DEMERIT,
        decision_date=date(2026, 3, 2),
        effective_date=date(2026, 3, 2),
        influence_until=date(2027, 3, 1),
        authority="县监委",
        document_number="县监发〔2026〕9号",
    )
    return cadre


def test_pillar_holder_prints_the_sanction(client, sanctions_officer_a, cadre):
    client.force_login(sanctions_officer_a)
    html = client.get(f"/cadres/{cadre.pk}/appointment-form/?on={ON}").content.decode()
    assert "2026.03受到记过（县监委，县监发〔2026〕9号）" in html


def test_plain_officer_prints_only_the_influence_period(client, officer_a, cadre):
    client.force_login(officer_a)
    html = client.get(f"/cadres/{cadre.pk}/appointment-form/?on={ON}").content.decode()
    assert "处分影响期内（至2027-03-01）" in html
    assert "记过" not in html and "县监发" not in html
