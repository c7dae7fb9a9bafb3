"""The cadre page's lazy tabs (apps.cadres.detail_tabs): the page shows each tab's count, the
generic view `cadres:cadre_tab` serves the body — scoped, need-to-know, audited — to htmx and,
opened directly, as the tab's print view. (The page's query budget with every pillar holding
data is tested in apps/selection/tests/test_cadre_page.py, the app that sees every pillar.)"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import ManagedBy
from apps.cadres import detail_tabs
from apps.cadres.detail_tabs import DetailTab, counts_of, register_tab, tab_named, tabs_for
from apps.cadres.models import Cadre, Education
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab, tab_url
from apps.core.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _need_to_know(request: HttpRequest) -> bool:
    return getattr(request.user, "username", "") == "officer_a"


def _count(request: HttpRequest, cadre: Cadre) -> int | None:
    return 7 if _need_to_know(request) else None


def _build(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    if not _need_to_know(request):
        return {"hidden": True}
    return {"findings": [], "probe": True}


PROBE = DetailTab(
    key="probe",
    label="探针",
    template="cadres/_tab_checks.html",
    build=_build,
    count=_count,
    order=1,
)


@pytest.fixture
def probe() -> Iterator[DetailTab]:
    """A tab only officer_a may see (a stand-in for a need-to-know pillar's tab)."""
    saved = list(detail_tabs.TABS)
    register_tab(PROBE)
    yield PROBE
    detail_tabs.TABS[:] = saved


@pytest.fixture
def cadre(city):
    return CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)


class TestPage:
    def test_label_with_count_and_a_lazy_pane(self, probe, officer_a, cadre):
        html = login(officer_a).get(reverse("cadres:cadre_detail", args=[cadre.pk])).content
        page = html.decode()
        assert 'href="#tab-probe"' in page and "探针（7）" in page
        assert f'hx-get="{tab_url(cadre.pk, "probe")}"' in page
        assert 'hx-trigger="intersect once"' in page and 'data-tab-loader="probe"' in page
        assert "未发现三龄两历问题" not in page  # no body of any pillar tab on the page

    def test_a_count_of_none_leaves_the_tab_out(self, probe, leader_a, cadre):
        page = login(leader_a).get(reverse("cadres:cadre_detail", args=[cadre.pk])).content
        assert b"tab-probe" not in page and "探针".encode() not in page

    def test_tabs_for_keeps_registration_order(self, probe, officer_a, cadre):
        request = RequestFactory().get("/")
        request.user = officer_a
        shown = tabs_for(request, cadre)
        assert shown[0] == {"tab": PROBE, "count": 7}
        assert [x["tab"].order for x in shown] == sorted(x["tab"].order for x in shown)
        assert tab_named("probe") is PROBE and tab_named("nope") is None


class TestTabView:
    def test_body_for_htmx_and_audited(self, probe, officer_a, cadre):
        response = get_tab(login(officer_a), cadre.pk, "probe")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-tab-body="probe"' in html and "未发现三龄两历问题" in html
        assert "<html" not in html  # a fragment for the pane
        event = AuditEvent.objects.filter(action="cadre.view").latest("id")
        assert event.target_id == str(cadre.pk) and event.outcome == AuditOutcome.OK
        assert event.detail == {"tab": "probe"}

    def test_opened_directly_it_is_the_tabs_print_view(self, probe, officer_a, cadre):
        response = login(officer_a).get(tab_url(cadre.pk, "probe"))
        html = response.content.decode()
        assert response.status_code == 200 and "<html" in html
        assert "张伟 · 探针" in html and "window.print()" in html
        assert f"{reverse('cadres:cadre_detail', args=[cadre.pk])}#tab-probe" in html
        assert "未发现三龄两历问题" in html

    def test_out_of_scope_is_404_and_audited_denied(self, probe, officer_a, city):
        other = CadreFactory(unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
        response = get_tab(login(officer_a), other.pk, "probe")
        assert response.status_code == 404
        event = AuditEvent.objects.filter(action="cadre.view").latest("id")
        assert event.target_id == str(other.pk) and event.outcome == AuditOutcome.DENIED
        assert event.detail == {"tab": "probe"}

    def test_hidden_for_this_viewer_is_404_and_audited_denied(self, probe, leader_a, cadre):
        response = get_tab(login(leader_a), cadre.pk, "probe")
        assert response.status_code == 404
        event = AuditEvent.objects.filter(action="cadre.view").latest("id")
        assert event.outcome == AuditOutcome.DENIED
        assert event.detail == {"tab": "probe", "hidden": True}

    def test_unknown_tab_is_404_without_reading_the_cadre(self, officer_a, cadre):
        response = get_tab(login(officer_a), cadre.pk, "nope")
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="cadre.view").exists()

    def test_needs_a_cadre_user(self, probe, cadre):
        from apps.accounts.models import Role
        from apps.accounts.tests.factories import UserFactory

        auditor = UserFactory(role=Role.AUDITOR)
        assert get_tab(login(auditor), cadre.pk, "probe").status_code == 403


class TestCountsOf:
    def test_counts_in_one_query_none_outside_the_carrier(
        self, officer_a, cadre, city, django_assert_num_queries
    ):
        Education.objects.create(cadre=cadre, school="甲大学")
        officer_a.scope_rules()
        scoped = Cadre.objects.visible_to(officer_a)
        with django_assert_num_queries(1):
            counts = counts_of(
                scoped,
                cadre.pk,
                educations=Education.objects.visible_to(officer_a).filter(cadre=cadre),
                none=Education.objects.filter(pk=-1),
            )
        assert counts == {"educations": 1, "none": 0}
        other = CadreFactory(unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
        assert counts_of(scoped, other.pk, educations=Education.objects.all()) is None
