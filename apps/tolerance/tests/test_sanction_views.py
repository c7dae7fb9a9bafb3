"""Pages, lists, exports and the cadre tab of the sanctions area, tried as every role: the
pillar officer reads and writes; a plain officer of the same county, another county's pillar
officer and the 三员 see nothing (404 / refused, empty exports); a leader with the pillar reads
only. Refused reads are audited."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus
from apps.tolerance.constants import SanctionType
from apps.tolerance.models import FollowUp, Mentor, ReuseAssessment, Sanction
from apps.tolerance.tabs_sanctions import (
    build_sanctions_tab,
    count_sanctions_tab,
    influence_badge,
)
from apps.tolerance.tests.factories import MentorFactory, SanctionFactory

pytestmark = pytest.mark.django_db

LIST_NAMES = ["sanction_list", "mentor_missing", "followup_overdue", "reuse_due", "reuse_list"]
EXPORTS = [
    "tolerance-sanctions",
    "tolerance-mentor-missing",
    "tolerance-followups-overdue",
    "tolerance-reuse-due",
    "tolerance-reuse",
]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def cadre_a(city):
    return CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY)


@pytest.fixture
def sanction_a(cadre_a, today):
    start = today - timedelta(days=200)
    return SanctionFactory(
        cadre=cadre_a,
        decision_date=start,
        effective_date=start,
        influence_until=today + timedelta(days=100),
        document_number="甲纪发〔2026〕9号",
    )


@pytest.fixture
def sanction_b(city, today):
    cadre = CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
    start = today - timedelta(days=200)
    return SanctionFactory(
        cadre=cadre,
        decision_date=start,
        effective_date=start,
        influence_until=None,
        type=SanctionType.PARTY_EXPULSION,
    )


@pytest.fixture
def ended_a(city, today):
    """County A: a period that ended yesterday, no assessment — on the reuse-due list."""
    cadre = CadreFactory(name="张丽", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    start = today - timedelta(days=400)
    return SanctionFactory(
        cadre=cadre,
        decision_date=start,
        effective_date=start,
        influence_until=today - timedelta(days=1),
    )


def export(client: Client, name: str, capture) -> list[tuple]:
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=[name]))
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE, job.error
    with job.result_file.open("rb") as handle:
        return list(load_workbook(BytesIO(handle.read())).active.iter_rows(values_only=True))


def write_urls(sanction: Sanction, mentor: Mentor) -> list[tuple[str, str, dict]]:
    """Every write URL with a valid POST body."""
    day = str(timezone.localdate())
    return [
        (
            "post",
            reverse("tolerance:sanction_create") + f"?cadre={sanction.cadre_id}",
            {
                "kind": "administrative",
                "type": "admin_warning",
                "decision_date": day,
                "authority": "县监委",
            },
        ),
        (
            "post",
            reverse("tolerance:sanction_edit", args=[sanction.pk]),
            {
                "kind": "party",
                "type": "party_warning",
                "decision_date": str(sanction.decision_date),
                "authority": "县纪委",
                "version": "1",
            },
        ),
        (
            "post",
            reverse("tolerance:sanction_revoke", args=[sanction.pk]),
            {
                "revoked_on": day,
                "reason": "申诉",
                "version": "1",
            },
        ),
        ("post", reverse("tolerance:sanction_delete", args=[sanction.pk]), {}),
        (
            "post",
            reverse("tolerance:mentor_assign", args=[sanction.cadre_id]),
            {
                "mentor_name": "王芳",
                "mentor_post": "副局长",
                "assigned_on": day,
            },
        ),
        (
            "post",
            reverse("tolerance:mentor_end", args=[mentor.pk]),
            {
                "ended_on": day,
                "end_reason": "期满",
            },
        ),
        (
            "post",
            reverse("tolerance:followup_add", args=[sanction.pk]),
            {
                "visited_on": day,
                "visitors": "李明",
                "thinking": "稳定",
                "work": "积极",
            },
        ),
        (
            "post",
            reverse("tolerance:reuse_add", args=[sanction.pk]),
            {
                "assessed_on": day,
                "assessors": "考察组",
                "findings": "良好",
                "recommendation": "observe",
                "early_reason": "需要",
            },
        ),
    ]


def unchanged(sanction: Sanction, mentor: Mentor) -> None:
    sanction.refresh_from_db()
    mentor.refresh_from_db()
    assert Sanction.objects.count() >= 1 and sanction.version == 1
    assert sanction.revoked_on is None and sanction.deleted_at is None
    assert mentor.ended_on is None and Mentor.objects.count() == 1
    assert not FollowUp.objects.exists() and not ReuseAssessment.objects.exists()


class TestRoles:
    def test_pillar_officer_reads_lists_and_detail(
        self, sanctions_officer_a, sanction_a, sanction_b, ended_a
    ):
        c = login(sanctions_officer_a)
        response = c.get(reverse("tolerance:sanction_list"))
        assert response.status_code == 200
        assert set(response.context["page"].object_list) == {sanction_a, ended_a}
        html = response.content.decode()
        assert "张敏" not in html and 'data-testid="cadre-pick"' in html
        for name in LIST_NAMES:
            assert c.get(reverse(f"tolerance:{name}")).status_code == 200
        response = c.get(reverse("tolerance:sanction_detail", args=[sanction_a.pk]))
        html = response.content.decode()
        assert response.status_code == 200 and "甲纪发〔2026〕9号" in html
        assert "第十条" in html and 'data-testid="follow-up-form"' in html
        assert 'data-testid="no-mentor"' in html
        event = AuditEvent.objects.filter(action="tolerance.sanction.view").latest("id")
        assert event.target_id == str(sanction_a.pk) and event.outcome == AuditOutcome.OK
        assert c.get(reverse("tolerance:sanction_detail", args=[sanction_b.pk])).status_code == 404

    @pytest.mark.parametrize("who", ["officer_a", "pillar_officer_b", "tol_officer_a"])
    def test_others_get_404_everywhere(self, request, who, sanction_a):
        user = request.getfixturevalue(who)
        mentor = MentorFactory(cadre=sanction_a.cadre, sanction=sanction_a)
        c = login(user)
        detail = reverse("tolerance:sanction_detail", args=[sanction_a.pk])
        assert c.get(detail).status_code == 404
        denied = AuditEvent.objects.filter(outcome=AuditOutcome.DENIED).latest("id")
        assert denied.actor == user
        for method, url, body in write_urls(sanction_a, mentor):
            assert getattr(c, method)(url, body).status_code == 404, url
        unchanged(sanction_a, mentor)
        lists = [reverse(f"tolerance:{n}") for n in LIST_NAMES]
        lists += [reverse("tolerance:sanction_create") + f"?cadre={sanction_a.cadre_id}"]
        for url in lists:
            response = c.get(url)
            if who == "pillar_officer_b":  # holds the pillar: its own (empty) lists open
                if "cadre=" in url:
                    assert response.status_code == 404
                else:
                    assert response.status_code == 200
                    assert response.context["page"].paginator.count == 0
            else:
                assert response.status_code == 404, url

    def test_leader_with_pillar_reads_only(self, pillar_leader_a, sanction_a):
        mentor = MentorFactory(cadre=sanction_a.cadre, sanction=sanction_a)
        c = login(pillar_leader_a)
        response = c.get(reverse("tolerance:sanction_detail", args=[sanction_a.pk]))
        html = response.content.decode()
        assert response.status_code == 200 and "甲纪发〔2026〕9号" in html
        assert 'data-testid="follow-up-form"' not in html and "sanction-edit" not in html
        assert 'data-testid="mentor-assign"' not in html
        for name in LIST_NAMES:
            assert c.get(reverse(f"tolerance:{name}")).status_code == 200
        for method, url, body in write_urls(sanction_a, mentor):
            assert getattr(c, method)(url, body).status_code == 403, url
        unchanged(sanction_a, mentor)

    @pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    def test_three_admins_refused(self, role, sanction_a):
        c = login(UserFactory(role=role))
        assert c.get(reverse("tolerance:sanction_list")).status_code == 403
        detail = reverse("tolerance:sanction_detail", args=[sanction_a.pk])
        assert c.get(detail).status_code == 403

    def test_exports_scoped(
        self,
        sanctions_officer_a,
        officer_a,
        pillar_officer_b,
        sanction_a,
        sanction_b,
        ended_a,
        django_capture_on_commit_callbacks,
    ):
        c = login(sanctions_officer_a)
        rows = export(c, "tolerance-sanctions", django_capture_on_commit_callbacks)
        assert rows[0][0] == "姓名" and sorted(r[0] for r in rows[1:]) == ["张丽", "张伟"]
        rows = export(c, "tolerance-mentor-missing", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["张伟"]
        rows = export(c, "tolerance-followups-overdue", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["张伟"]  # no visit in 200 days
        rows = export(c, "tolerance-reuse-due", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["张丽"]
        rows = export(
            login(pillar_officer_b), "tolerance-sanctions", django_capture_on_commit_callbacks
        )
        assert [r[0] for r in rows[1:]] == ["张敏"]
        plain = login(officer_a)
        for name in EXPORTS:
            assert export(plain, name, django_capture_on_commit_callbacks)[1:] == []


class TestWrites:
    def test_create_edit_revoke_delete_restore(self, sanctions_officer_a, cadre_a, today):
        c = login(sanctions_officer_a)
        url = reverse("tolerance:sanction_create") + f"?cadre={cadre_a.pk}"
        assert 'data-testid="sanction-form"' in c.get(url).content.decode()
        body = {
            "kind": "party",
            "type": "party_probation",
            "probation_months": "12",
            "decision_date": str(today),
            "authority": "甲县纪委",
            "document_number": "甲纪发〔2026〕1号",
        }
        response = c.post(url, body)
        sanction = Sanction.objects.get()
        assert response.url == reverse("tolerance:sanction_detail", args=[sanction.pk])
        assert sanction.effective_date == today and sanction.influence_until is not None
        html = c.post(url, body).content.decode()
        assert "该干部已有相同的处分记录" in html
        future = {**body, "decision_date": str(today + timedelta(days=1)), "document_number": ""}
        assert "处分决定日期不能晚于今天" in c.post(url, future).content.decode()
        edit = reverse("tolerance:sanction_edit", args=[sanction.pk])
        assert c.post(edit, {**body, "probation_months": "24", "version": "1"}).status_code == 302
        stale = c.post(edit, {**body, "version": "1"})
        assert stale.status_code == 409 and "已被" in stale.content.decode()
        revoke = reverse("tolerance:sanction_revoke", args=[sanction.pk])
        assert c.post(revoke, {"revoked_on": str(today), "reason": "申诉撤销"}).status_code == 302
        sanction.refresh_from_db()
        assert sanction.revoked_on == today and sanction.version == 3
        assert c.post(reverse("tolerance:sanction_delete", args=[sanction.pk])).status_code == 302
        assert c.get(reverse("tolerance:sanction_detail", args=[sanction.pk])).status_code == 404
        restore = reverse("tolerance:sanction_restore", args=[sanction.pk])
        assert c.post(restore).url == reverse("tolerance:sanction_detail", args=[sanction.pk])

    def test_create_without_cadre_shows_picker(self, sanctions_officer_a, cadre_a):
        c = login(sanctions_officer_a)
        response = c.get(reverse("tolerance:sanction_create"), {"pick": "张"})
        assert response.status_code == 200 and "张伟" in response.content.decode()

    def test_mentor_followup_reuse_pages(self, sanctions_officer_a, sanction_a, today):
        c = login(sanctions_officer_a)
        assign = reverse("tolerance:mentor_assign", args=[sanction_a.cadre_id])
        body = {"mentor_name": "李明", "mentor_post": "副部长", "assigned_on": str(today)}
        assert c.post(assign, body).status_code == 302
        assert c.post(assign, {**body, "mentor_name": "王芳"}).status_code == 302
        assert Mentor.objects.filter(ended_on__isnull=True).get().mentor_name == "王芳"
        detail = reverse("tolerance:sanction_detail", args=[sanction_a.pk])
        assert 'data-testid="active-mentor"' in c.get(detail).content.decode()
        add = reverse("tolerance:followup_add", args=[sanction_a.pk])
        visit = {"visited_on": str(today), "visitors": "王芳", "thinking": "稳定", "work": "积极"}
        assert c.post(add, visit).status_code == 302
        late = c.post(add, {**visit, "visited_on": str(today + timedelta(days=1))})
        assert late.status_code == 400 and "回访日期不能晚于今天" in late.content.decode()
        reuse = reverse("tolerance:reuse_add", args=[sanction_a.pk])
        assert 'data-testid="in-period"' in c.get(reuse).content.decode()
        body = {
            "assessed_on": str(today),
            "assessors": "考察组",
            "findings": "良好",
            "recommendation": "reuse",
        }
        assert "提前考察理由" in c.post(reuse, body).content.decode()
        ok = {**body, "recommendation": "observe", "early_reason": "岗位调整需要"}
        assert c.post(reuse, ok).status_code == 302
        assert ReuseAssessment.objects.get().recommendation == "observe"

    def test_mentor_end_page(self, sanctions_officer_a, sanction_a, today):
        mentor = MentorFactory(cadre=sanction_a.cadre, assigned_on=today - timedelta(days=10))
        c = login(sanctions_officer_a)
        url = reverse("tolerance:mentor_end", args=[mentor.pk])
        assert c.get(url).status_code == 200
        assert c.post(url, {"ended_on": str(today), "end_reason": "调整"}).status_code == 302
        assert c.get(url).status_code == 404  # no longer active


class TestLists:
    def test_red_list_and_filters(self, sanctions_officer_a, sanction_a, city, today):
        c = login(sanctions_officer_a)
        url = reverse("tolerance:mentor_missing")
        assert list(c.get(url).context["page"].object_list) == [sanction_a.cadre]
        assert list(c.get(url, {"q": "zw"}).context["page"].object_list) == [sanction_a.cadre]
        assert list(c.get(url, {"q": "李"}).context["page"].object_list) == []
        dept = {"unit": str(city.county_a_dept.pk)}
        assert list(c.get(url, dept).context["page"].object_list) == []
        MentorFactory(cadre=sanction_a.cadre)
        response = c.get(url, HTTP_HX_REQUEST="true")
        assert response.templates[0].name == "tolerance/_mentor_missing_results.html"
        assert 'data-testid="empty-state"' in response.content.decode()

    def test_sanction_list_filters_and_sorts(self, sanctions_officer_a, sanction_a, ended_a, today):
        c = login(sanctions_officer_a)
        url = reverse("tolerance:sanction_list")
        page = lambda **q: list(c.get(url, q).context["page"].object_list)  # noqa: E731
        assert page(status="in_effect") == [sanction_a]
        assert page(status="expired") == [ended_a]
        assert page(status="revoked") == []
        assert page(kind="administrative") == []
        assert set(page(type="party_warning")) == {sanction_a, ended_a}
        assert page(date_from=str(today - timedelta(days=250))) == [sanction_a]
        bad = c.get(url, {"date_from": str(today), "date_to": str(today - timedelta(days=1))})
        assert 'data-testid="filter-errors"' in bad.content.decode()
        for sort in ("name", "-name", "until", "-until", "decision_date", "bogus"):
            assert c.get(url, {"sort": sort}).status_code == 200

    def test_list_query_budget(
        self, sanctions_officer_a, city, today, django_assert_max_num_queries
    ):
        for _ in range(25):
            cadre = CadreFactory(unit=city.county_a_dept)
            SanctionFactory(cadre=cadre, influence_until=today + timedelta(days=30))
        c = login(sanctions_officer_a)
        for name in LIST_NAMES:
            with django_assert_max_num_queries(12):
                assert c.get(reverse(f"tolerance:{name}")).status_code == 200


class TestTabAndBadge:
    def tab(self, user, cadre):
        request = RequestFactory().get("/")
        request.user = user
        return build_sanctions_tab(request, cadre)

    def test_tab_for_pillar_holders_only(
        self, sanctions_officer_a, pillar_leader_a, officer_a, pillar_officer_b, sanction_a
    ):
        cadre = sanction_a.cadre
        data = self.tab(sanctions_officer_a, cadre)
        assert data["count"] == 1 and data["can_add"] and data["period"] is not None
        assert AuditEvent.objects.filter(action="tolerance.sanction.cadre_view").exists()
        leader = self.tab(pillar_leader_a, cadre)
        assert leader["count"] == 1 and not leader["can_add"]
        for user in (officer_a, pillar_officer_b):
            assert self.tab(user, cadre) == {"count": 0, "hidden": True}

    def test_count_for_pillar_holders_only(
        self,
        sanctions_officer_a,
        officer_a,
        pillar_officer_b,
        sanction_a,
        django_assert_num_queries,
    ):
        cadre = sanction_a.cadre
        request = RequestFactory().get("/")
        request.user = sanctions_officer_a
        sanctions_officer_a.scope_rules()  # loaded once per request by the page already
        with django_assert_num_queries(1):
            assert count_sanctions_tab(request, cadre) == 1
        for user in (officer_a, pillar_officer_b):
            request.user = user
            assert count_sanctions_tab(request, cadre) is None

    def test_cadre_page(self, sanctions_officer_a, officer_a, sanction_a):
        cadre_id = sanction_a.cadre_id
        url = reverse("cadres:cadre_detail", args=[cadre_id])
        html = login(sanctions_officer_a).get(url).content.decode()
        assert 'href="#tab-sanctions"' in html and "处分与帮带（1）" in html
        assert 'data-testid="tab-sanctions"' not in html  # the body comes with the tab
        assert AuditEvent.objects.filter(action="tolerance.sanction.cadre_view").count() == 0
        body = get_tab(login(sanctions_officer_a), cadre_id, "sanctions")
        assert 'data-testid="tab-sanctions"' in body.content.decode()
        assert AuditEvent.objects.filter(action="tolerance.sanction.cadre_view").count() == 1
        plain = login(officer_a)
        html = plain.get(url).content.decode()
        assert 'href="#tab-sanctions"' not in html and "甲纪发" not in html
        assert get_tab(plain, cadre_id, "sanctions").status_code == 404

    def test_badge(self, sanction_a, today):
        until = sanction_a.influence_until
        assert influence_badge(sanction_a.cadre_id, today) == f"处分影响期内（至{until:%Y-%m-%d}）"
        assert influence_badge(sanction_a.cadre_id, until + timedelta(days=1)) is None
        SanctionFactory(
            cadre=sanction_a.cadre, type=SanctionType.PARTY_EXPULSION, influence_until=None
        )
        assert influence_badge(sanction_a.cadre_id, today) == "处分影响期内（长期）"
