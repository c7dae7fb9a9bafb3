"""The dashboard's reminders: only the actor's dispatches and memorials, with the right window;
the work calendar; grants made void by a unit merge."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import CalendarYear
from apps.dashboards.views import calendar_reminder
from apps.frontline.constants import DispatchState
from apps.frontline.tests.factories import (
    DispatchFactory,
    FamilyCareVisitFactory,
    SacrificeFactory,
)
from apps.units import services as unit_services

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


def calendar_known_until(year: int) -> None:
    """The work calendar's entered years end with `year` (rows added or removed as needed)."""
    CalendarYear.objects.filter(year__gt=year).delete()
    for y in range(year - 1, year + 1):
        CalendarYear.objects.get_or_create(year=y)


def test_calendar_reminder_for_whoever_keeps_the_calendar(officer_city, officer_a):
    calendar_known_until(2026)
    assert calendar_reminder(officer_city, date(2026, 10, 31)) == {}
    assert calendar_reminder(officer_city, date(2026, 11, 1)) == {
        "calendar_year_due": 2027,
        "calendar_overdue": False,
    }
    assert calendar_reminder(officer_city, date(2027, 1, 4)) == {
        "calendar_year_due": 2027,
        "calendar_overdue": True,
    }
    assert calendar_reminder(officer_a, date(2027, 1, 4)) == {}  # a county cannot enter it


def test_the_dashboard_shows_an_overdue_calendar(client, officer_city, officer_a):
    this_year = timezone.localdate().year
    calendar_known_until(this_year - 1)
    client.force_login(officer_city)
    html = client.get("/").content.decode()
    assert 'data-testid="reminder-calendar"' in html and f"尚未录入{this_year}年" in html
    assert "alert-danger" in html and "/calendar/" in html
    client.force_login(officer_a)
    assert 'data-testid="reminder-calendar"' not in client.get("/").content.decode()


def test_stale_grants_flagged_for_the_secadmin_and_the_holder(client, city, officer_a):
    """A merged unit's grants open nothing: the security administrator is told and can list
    their holders; the holder sees the grant marked on their own dashboard."""
    grant(officer_a, city.county_b_dept, levels=["county"])
    secadmin = UserFactory(role=Role.SECADMIN)
    client.force_login(secadmin)
    assert 'data-testid="reminder-stale-grants"' not in client.get("/").content.decode()

    unit_services.unit_merge(
        actor=UserFactory(role=Role.SYSADMIN),
        source_id=city.county_b_dept.pk,
        target_id=city.county_b.pk,
        reassign=lambda src, dst: {},
    )
    page = client.get("/").content.decode()
    assert 'data-testid="reminder-stale-grants"' in page
    assert "1 名用户的 1 项数据范围授权已失效" in page
    listed = client.get("/accounts/grants/", {"status": "stale_grant"})
    assert [u.username for u in listed.context["page"].object_list] == ["officer_a"]

    client.force_login(officer_a)
    mine = client.get("/").content.decode()
    assert "乙县财政局（含下级）" in mine and "单位已撤并，授权无效" in mine
    assert mine.count("单位已撤并，授权无效") == 1  # county A's grant is still good
