"""The cadre page's 任用资格 tab: cheap on the cadre page (one query, body loaded by htmx from the
generic tab view), the body with the verdicts for the next tier and 职级 up and the promotion
history, scoped and audited."""

from datetime import date

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

import apps.selection.tabs  # noqa: F401 (registers the tab; apps.py import: lead)
from apps.accounts.models import ManagedBy
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab, tab_url
from apps.core.models import AuditEvent, AuditOutcome
from apps.selection.tabs import count_eligibility_tab
from apps.selection.tests.factories import ProbationFactory, PromotionFactory, PublicityFactory
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cadre(city):
    return CadreFactory(
        name="张伟",
        unit=city.county_a_dept,
        managed_by=ManagedBy.COUNTY,
        tier=Tier.SECTION_PRINCIPAL,
        work_start_date=date(2008, 7, 1),
    )


def test_the_cadre_page_gets_a_lazy_tab(officer_a, cadre):
    html = login(officer_a).get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert "任用资格（0）" in html
    assert f'hx-get="{tab_url(cadre.pk, "eligibility")}"' in html
    assert 'hx-trigger="intersect once"' in html
    assert 'data-testid="eligibility-tab"' not in html


def test_the_tab_costs_one_query(officer_a, cadre, django_assert_num_queries):
    PromotionFactory(cadre=cadre)
    request = RequestFactory().get("/")
    request.user = officer_a
    officer_a.scope_rules()  # grants are loaded once per request by the page already
    with django_assert_num_queries(1):
        assert count_eligibility_tab(request, cadre) == 1


def test_body_shows_next_steps_and_history(officer_a, cadre):
    promotion = PromotionFactory(cadre=cadre, decision_date=date(2025, 11, 2))
    PublicityFactory(promotion=promotion)
    ProbationFactory(promotion=promotion)
    response = get_tab(login(officer_a), cadre.pk, "eligibility")
    html = response.content.decode()
    assert response.status_code == 200
    assert "拟任：县处级副职" in html and "拟任：一级主任科员" in html
    assert "ELG-9-1" in html and "RANK-18-1" in html
    assert 'data-testid="promotion-history"' in html and "公示" in html
    assert "2025-11-02" in html
    event = AuditEvent.objects.filter(action="selection.eligibility.view").latest("id")
    assert event.target_id == str(cadre.pk) and event.outcome == AuditOutcome.OK


def test_body_is_scoped(officer_a, city):
    other = CadreFactory(unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
    response = get_tab(login(officer_a), other.pk, "eligibility")
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action="cadre.view").latest("id")
    assert event.outcome == AuditOutcome.DENIED and event.detail == {"tab": "eligibility"}
    assert not AuditEvent.objects.filter(action="selection.eligibility.view").exists()


def test_a_cadre_without_any_step(officer_a, city):
    top = CadreFactory(unit=city.county_a_dept, tier=Tier.PROVINCE_PRINCIPAL)
    html = get_tab(login(officer_a), top.pk, "eligibility").content
    assert "没有可审查的下一步职务或职级" in html.decode()
