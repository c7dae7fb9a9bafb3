"""The pillar dashboard 激励保护概览: numbers over the viewer's scope and pillars, sections per
pillar, 404 for users holding neither pillar, charts with their tables and drill-down links."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent, AuditOutcome
from apps.tolerance.constants import (
    CaseStage,
    Outcome,
    ReuseRecommendation,
    SanctionKind,
    SanctionType,
)
from apps.tolerance.selectors_dashboard import dashboard
from apps.tolerance.tests.factories import (
    CorrectionFactory,
    FollowUpFactory,
    MentorFactory,
    ReuseAssessmentFactory,
    SanctionFactory,
    ToleranceCaseFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("tolerance:dashboard")


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def case(cadre, stage, *steps, outcome=""):
    """A case applied 120 days ago whose later steps came `steps` days after the previous one."""
    names = ("accepted_on", "verified_on", "determined_on", "concluded_on", "closed_on")
    day = days(-120)
    dates = {"notified_on": day - timedelta(days=5), "applied_on": day}
    for name, gap in zip(names, steps, strict=False):
        day += timedelta(days=gap)
        dates[name] = day
    return ToleranceCaseFactory(cadre=cadre, stage=stage, outcome=outcome, **dates)


@pytest.fixture
def rows(city):
    """County A: four cases, corrections, sanctions, mentors, visits and reuse assessments; county
    B: one of each kind that county A's numbers must never include."""
    a1 = CadreFactory(unit=city.county_a_dept, name="甲一")
    a2 = CadreFactory(unit=city.county_a_town, name="甲二")
    a3 = CadreFactory(unit=city.county_a_dept, name="甲三")
    b1 = CadreFactory(unit=city.county_b_dept, name="乙一")
    city_managed = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.CITY, name="市管")
    case(a1, CaseStage.APPLIED)
    case(a2, CaseStage.ACCEPTED, 4)
    closed = case(a1, CaseStage.CLOSED, 10, 30, 10, 10, 30, outcome=Outcome.TOLERATED)
    concluded = case(a3, CaseStage.CONCLUDED, 2, 20, 4, 6, outcome=Outcome.NOT_TOLERATED)
    CorrectionFactory(case=closed, due_on=days(-40), done_on=days(-50))
    CorrectionFactory(case=concluded, due_on=days(-3))  # overdue
    CorrectionFactory(case=concluded, due_on=days(30))
    far = case(b1, CaseStage.CLOSED, 100, 100, 100, 100, 100, outcome=Outcome.PARTLY)
    CorrectionFactory(case=far, due_on=days(-9))
    case(city_managed, CaseStage.VERIFIED, 1, 1)  # 市管: outside the county officers' levels
    # sanctions: a1 party (in effect, no mentor), a2 org (in effect, mentor, visit overdue),
    # a3 admin (expired) + a revoked and a deleted one that count nowhere
    SanctionFactory(cadre=a1, effective_date=days(-30), influence_until=days(300))
    org = SanctionFactory(
        cadre=a2,
        kind=SanctionKind.ORGANIZATIONAL,
        type=SanctionType.ORG_ADMONITION,
        effective_date=days(-200),
        influence_until=days(10),
    )
    mentor = MentorFactory(cadre=a2, sanction=org, assigned_on=days(-190))
    FollowUpFactory(
        cadre=a2, sanction=org, mentor=mentor, visited_on=days(-150), next_due=days(-60)
    )
    SanctionFactory(
        cadre=a3,
        kind=SanctionKind.ADMINISTRATIVE,
        type=SanctionType.ADMIN_WARNING,
        effective_date=days(-400),
        influence_until=days(-220),
    )
    SanctionFactory(
        cadre=a3, effective_date=days(-60), influence_until=days(300), revoked_on=days(-5)
    )
    SanctionFactory(
        cadre=a3, effective_date=days(-60), influence_until=days(300), deleted_at=timezone.now()
    )
    ReuseAssessmentFactory(cadre=a3, assessed_on=days(-200))
    ReuseAssessmentFactory(
        cadre=a3, assessed_on=days(-100), recommendation=ReuseRecommendation.OBSERVE
    )
    SanctionFactory(cadre=b1, effective_date=days(-20), influence_until=days(100))
    ReuseAssessmentFactory(
        cadre=b1, assessed_on=days(-10), recommendation=ReuseRecommendation.NOT_SUITABLE
    )
    SanctionFactory(cadre=city_managed, effective_date=days(-20), influence_until=days(100))


def get(client, user):
    client.force_login(user)
    return client.get(URL)


def counts(rows):
    return {value: n for value, _, n in rows}


class TestNumbers:
    def test_county_a_with_both_pillars(self, client, pillar_leader_a, rows):
        response = get(client, pillar_leader_a)
        assert response.status_code == 200
        t = response.context["tolerance"]["stats"]
        assert t.total == 4
        assert counts(t.by_stage) == {
            CaseStage.APPLIED: 1,
            CaseStage.ACCEPTED: 1,
            CaseStage.VERIFIED: 0,
            CaseStage.DETERMINED: 0,
            CaseStage.CONCLUDED: 1,
            CaseStage.CLOSED: 1,
            CaseStage.NOT_ACCEPTED: 0,
        }
        assert counts(t.by_outcome) == {
            Outcome.TOLERATED: 1,
            Outcome.PARTLY: 0,
            Outcome.NOT_TOLERATED: 1,
        }
        assert t.overdue_corrections == 1
        s = response.context["sanctions"]["stats"]
        assert counts(s.in_effect) == {
            SanctionKind.PARTY: 1,
            SanctionKind.ADMINISTRATIVE: 0,
            SanctionKind.ORGANIZATIONAL: 1,
        }
        assert s.without_mentor == 1  # a1: in effect, nobody assigned
        assert s.overdue_follow_ups == 1  # a2's visit lapsed; a1's first one is not due yet
        assert counts(s.reuse) == {
            ReuseRecommendation.REUSE: 1,
            ReuseRecommendation.OBSERVE: 1,
            ReuseRecommendation.NOT_SUITABLE: 0,
        }

    def test_average_days_per_stage(self, client, pillar_leader_a, rows):
        spans = get(client, pillar_leader_a).context["tolerance"]["spans"]
        table = {s["span"]: (s["mean"], s["n"]) for s in spans}
        assert table == {
            "申请→受理": (5.3, 3),  # (4 + 10 + 2) / 3
            "受理→核实完成": (25.0, 2),  # (30 + 20) / 2
            "核实完成→认定": (7.0, 2),
            "认定→作出结论": (8.0, 2),
            "作出结论→办结": (30.0, 1),  # only the closed case
        }
        page = get(client, pillar_leader_a).content.decode()
        assert 'data-testid="tol-days-table"' in page and "5.3" in page

    def test_county_b_sees_none_of_county_a(self, client, pillar_officer_b, rows):
        response = get(client, pillar_officer_b)
        t = response.context["tolerance"]["stats"]
        assert t.total == 1 and counts(t.by_outcome)[Outcome.PARTLY] == 1
        assert t.overdue_corrections == 1
        spans = {s["span"]: (s["mean"], s["n"]) for s in response.context["tolerance"]["spans"]}
        assert spans["申请→受理"] == (100.0, 1)
        s = response.context["sanctions"]["stats"]
        assert s.in_effect_total == 1 and counts(s.in_effect)[SanctionKind.PARTY] == 1
        assert s.without_mentor == 1
        assert counts(s.reuse) == {"reuse": 0, "observe": 0, "not_suitable": 1}
        page = response.content.decode()
        assert "甲一" not in page and "甲二" not in page

    def test_empty_scope_shows_zeros_and_the_empty_state(self, client, pillar_officer_b):
        response = get(client, pillar_officer_b)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="tol-empty"' in page and "暂无容错纠错案件" in page
        assert response.context["sanctions"]["stats"].in_effect_total == 0
        assert "暂无影响期内的处分与组织处理" in page


class TestSections:
    def test_tolerance_only_officer_sees_no_sanctions(self, client, tol_officer_a, rows):
        response = get(client, tol_officer_a)
        assert response.status_code == 200
        assert response.context["sanctions"] is None
        page = response.content.decode()
        assert 'data-testid="dashboard-tolerance"' in page
        assert 'data-testid="dashboard-sanctions"' not in page and "处分与组织处理" not in page

    def test_sanctions_only_officer_sees_no_cases(self, client, sanctions_officer_a, rows):
        response = get(client, sanctions_officer_a)
        assert response.status_code == 200
        assert response.context["tolerance"] is None
        page = response.content.decode()
        assert 'data-testid="dashboard-sanctions"' in page
        assert 'data-testid="dashboard-tolerance"' not in page and "容错纠错案件" not in page

    def test_plain_officer_gets_404_audited(self, client, officer_a, rows):
        assert get(client, officer_a).status_code == 404
        event = AuditEvent.objects.get(action="tolerance.dashboard.view")
        assert event.outcome == AuditOutcome.DENIED and event.actor == officer_a
        assert dashboard(actor=officer_a, today=days(0)) is None

    def test_leader_without_pillar_gets_404(self, client, leader_a, rows):
        assert get(client, leader_a).status_code == 404

    @pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    def test_the_three_admins_are_refused(self, client, role, rows):
        response = get(client, UserFactory(role=role))
        assert response.status_code == 403
        assert "容错" not in response.content.decode()

    def test_anonymous_goes_to_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302 and "login" in response.url


class TestCharts:
    def test_charts_tables_and_drill_down(self, client, pillar_leader_a, rows):
        response = get(client, pillar_leader_a)
        page = response.content.decode()
        assert "vendor/echarts/echarts.min.js" in page and "js/dd_charts.js" in page
        for key in ("tol-stage", "tol-outcome", "tol-days", "san-kind", "san-reuse"):
            assert f'id="{key}-data"' in page, key
        for testid in ("tol-stage-table", "tol-outcome-table", "san-kind-table", "san-reuse-table"):
            assert f'data-testid="{testid}"' in page, testid
        charts = response.context["tolerance"]["charts"]
        stage = charts["stage"]
        assert stage["values"][stage["categories"].index("已办结")] == 1
        assert stage["links"][0].endswith("/tolerance/cases/?stage=applied")
        assert json.loads(json.dumps(charts)) == charts
        kind = response.context["sanctions"]["charts"]["kind"]
        assert kind["values"] == [1, 0, 1]
        assert kind["links"][0].endswith("?kind=party&status=in_effect")
        links = response.context["sanctions"]
        assert f'href="{links["no_mentor_url"]}"' in page and "no-mentor" in links["no_mentor_url"]
        assert f'href="{links["overdue_url"]}"' in page and "overdue" in links["overdue_url"]
        assert 'href="/tolerance/cases/?outcome=tolerated"' in page
        assert 'data-testid="san-no-mentor"' in page and 'data-testid="san-overdue"' in page
