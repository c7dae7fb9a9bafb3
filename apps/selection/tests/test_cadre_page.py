"""The cadre page's query budget with every pillar holding data for the cadre (docs/benchmarks.md
"Cadre detail with lazy tabs"): the pillar tabs show only their counts (≤ 1 query each), the
header badges ≤ 1 query each, and the bodies are loaded by `cadres:cadre_tab` when a tab is
shown. Here, in the app that sees every pillar, rather than in apps/cadres (which never imports
upward)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.tests.factories import (
    AnnualAssessmentFactory,
    RoutineAssessmentFactory,
    TaskRecordFactory,
)
from apps.cadres.detail_tabs import TABS, tabs_for
from apps.cadres.models import Appointment, Education, ResumeEntry
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.scope import Pillar
from apps.frontline.tests.factories import FrontlineServiceFactory
from apps.selection.tests.factories import (
    PromotionFactory,
    ReserveEntryFactory,
    ReservePoolFactory,
)
from apps.tolerance.tests.factories import (
    ClarificationFactory,
    SanctionFactory,
    ToleranceCaseFactory,
)

pytestmark = pytest.mark.django_db

# Measured with every pillar holding data: session, user and grants 3; the cadre 1; its audited
# read 4 (SAVEPOINT, last hash, INSERT, RELEASE; PostgreSQL adds the audit chain's advisory
# lock); history 1; the five parts 5; the seven tab counts 6 (三龄两历 reuses the parts); the
# badges 3 (一线经历's threshold, 影响期内, 后备干部); the session save 3. Before lazy tabs the
# page took 51 on the demo data (docs/benchmarks.md).
PAGE_QUERIES = 26 + (connection.vendor == "postgresql")


@pytest.fixture
def all_pillars(city):
    """County A's officer holding every sensitive pillar."""
    user = UserFactory(username="officer_all", full_name="甲县干部科（全部模块）")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY], pillars=list(Pillar.values))
    return user


@pytest.fixture
def cadre(city):
    """A cadre with rows in every pillar and every part of the record."""
    today = timezone.localdate()
    cadre = CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    Education.objects.create(cadre=cadre, mode="full_time", level="university", school="甲大学")
    post = PostFactory(unit=city.county_a_dept)
    Appointment.objects.create(cadre=cadre, post=post, start_date=date(2015, 1, 1))
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2002, 7, 1), text="甲县财政局科员")
    FrontlineServiceFactory(cadre=cadre, start_date=today - timedelta(days=800), end_date=None)
    AnnualAssessmentFactory(cadre=cadre, year=2025)
    RoutineAssessmentFactory(cadre=cadre, year=2026, period=1)
    TaskRecordFactory(cadre=cadre)
    ToleranceCaseFactory(cadre=cadre)
    ClarificationFactory(cadre=cadre)
    SanctionFactory(cadre=cadre, effective_date=today - timedelta(days=30), influence_until=None)
    PromotionFactory(cadre=cadre)
    ReserveEntryFactory(cadre=cadre, pool=ReservePoolFactory(unit=city.county_a))
    return cadre


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_query_budget(all_pillars, cadre, django_assert_max_num_queries):
    client = login(all_pillars)
    url = reverse("cadres:cadre_detail", args=[cadre.pk])
    client.get(url)  # warm: content types, parameters' cache
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    shown = {x["tab"].key: x["count"] for x in response.context["extra_tabs"]}
    assert shown == {
        "frontline": 1,
        "assessment": 2,
        "taskrecords": 1,
        "tolerance": 2,
        "eligibility": 1,
        "sanctions": 1,
        "checks": shown["checks"],
    }
    badges = {b["key"] for b in response.context["badges"]}
    assert badges == {"frontline", "influence", "reserve"}
    assert 'data-testid="tab-sanctions"' not in html  # no body is built on the page


def test_every_count_matches_its_body(all_pillars, cadre):
    """The label's number is what the body counts (the builds still return "count")."""
    request = RequestFactory().get("/")
    request.user = all_pillars
    for shown in tabs_for(request, cadre):
        data = shown["tab"].build(request, cadre)
        if "count" in data:
            assert shown["count"] == data["count"], shown["tab"].key


def test_every_body_loads(all_pillars, cadre):
    client = login(all_pillars)
    for tab in TABS:
        response = get_tab(client, cadre.pk, tab.key)
        assert response.status_code == 200, tab.key
        assert f'data-tab-body="{tab.key}"' in response.content.decode()


def test_a_plain_officer_gets_no_sensitive_tab(officer_a, cadre):
    """Need-to-know: no tab, no count query's result, and the tab URLs 404."""
    client = login(officer_a)
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert 'href="#tab-tolerance"' not in html and 'href="#tab-sanctions"' not in html
    assert "处分影响期内" in html  # the badge every selection officer must see
    for key in ("tolerance", "sanctions"):
        assert get_tab(client, cadre.pk, key).status_code == 404
