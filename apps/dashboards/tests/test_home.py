"""The dashboard's reminders: only the actor's dispatches and memorials, with the right window."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cadres.tests.factories import CadreFactory
from apps.frontline.constants import DispatchState
from apps.frontline.tests.factories import (
    DispatchFactory,
    FamilyCareVisitFactory,
    SacrificeFactory,
)

pytestmark = pytest.mark.django_db


def serving(cadre, target, ends_in_days):
    today = timezone.localdate()
    return DispatchFactory(
        cadre=cadre,
        target_unit=target,
        state=DispatchState.IN_POST,
        planned_start=today - timedelta(days=700),
        actual_start=today - timedelta(days=700),
        planned_end=today + timedelta(days=ends_in_days),
    )


def test_reminders_show_terms_ending_within_the_window_in_scope(client, city, officer_a):
    a1 = CadreFactory(name="甲将满", unit=city.county_a_dept)
    a2 = CadreFactory(name="甲未满", unit=city.county_a_dept)
    b = CadreFactory(name="乙将满", unit=city.county_b_dept)
    serving(a1, city.county_a_town, 90)  # the last day of the 90-day window
    serving(a2, city.county_a_town, 91)
    serving(b, city.county_b_dept, 10)
    client.force_login(officer_a)
    page = client.get("/")
    html = page.content.decode()
    assert page.context["ending_total"] == 1
    assert "甲将满" in html and "甲未满" not in html and "乙将满" not in html


def test_overdue_family_care_is_counted_in_scope(client, city, officer_a):
    today = timezone.localdate()
    mine = SacrificeFactory(cadre=CadreFactory(unit=city.county_a_dept))
    FamilyCareVisitFactory(
        sacrifice=mine, visited_on=today - timedelta(days=100), next_due=today - timedelta(days=1)
    )
    other = SacrificeFactory(cadre=CadreFactory(unit=city.county_b_dept))
    FamilyCareVisitFactory(
        sacrifice=other, visited_on=today - timedelta(days=100), next_due=today - timedelta(days=1)
    )
    client.force_login(officer_a)
    assert client.get("/").context["care_overdue"] == 1
