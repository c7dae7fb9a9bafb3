"""Header badges on the cadre page: 一线经历 when the cadre qualifies; 处分影响期内 with the end
date only (no kind, no details) for every viewer of the cadre — selection needs it (ELG-24-1(6))."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.cadres.tests.factories import CadreFactory
from apps.frontline.tests.factories import FrontlineServiceFactory
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db


def badges(client, cadre):
    return {b["key"]: b["text"] for b in client.get(f"/cadres/{cadre.pk}/").context["badges"]}


def test_influence_badge_shows_the_end_date_and_nothing_else(client, city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept)
    today = timezone.localdate()
    SanctionFactory(
        cadre=cadre,
        kind=SanctionKind.ADMINISTRATIVE,
        type=SanctionType.ADMIN_DEMERIT,
        decision_date=today - timedelta(days=30),
        effective_date=today - timedelta(days=30),
        influence_until=today + timedelta(days=300),
        summary="违规发放津贴补贴",
    )
    client.force_login(officer_a)  # a plain officer: no sanctions pillar
    text = badges(client, cadre)["influence"]
    assert text == f"处分影响期内（至{today + timedelta(days=300):%Y-%m-%d}）"
    html = client.get(f"/cadres/{cadre.pk}/").content.decode()
    assert "记过" not in html and "违规发放津贴补贴" not in html


def test_no_influence_badge_after_the_period(client, city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept)
    SanctionFactory(cadre=cadre, influence_until=timezone.localdate() - timedelta(days=1))
    client.force_login(officer_a)
    assert "influence" not in badges(client, cadre)


def test_frontline_badge_when_the_cadre_qualifies(client, city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept, work_start_date=date(2005, 7, 1))
    FrontlineServiceFactory(cadre=cadre, start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))
    client.force_login(officer_a)
    assert badges(client, cadre)["frontline"] == "一线经历 12.0个月"
    short = CadreFactory(unit=city.county_a_dept, work_start_date=date(2005, 7, 1))
    FrontlineServiceFactory(cadre=short, start_date=date(2020, 1, 1), end_date=date(2020, 12, 30))
    assert "frontline" not in badges(client, short)  # 365 days = 11.9 months
