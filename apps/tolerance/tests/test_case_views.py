"""Pages of the 容错纠错 cases, tried as every role: the pillar officer, a plain officer of the same
county, another county's pillar officer, leaders with and without the pillar, and the 三员 —
through the list, search, detail, actions, evidence, the overdue list, export and the cadre tab."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab, tab_url
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus
from apps.tolerance.constants import CaseStage, Outcome
from apps.tolerance.models import Correction, ToleranceCase
from apps.tolerance.services import cases as services
from apps.tolerance.tests.factories import CorrectionFactory, ToleranceCaseFactory
from apps.tolerance.tests.test_case_services import CHECKLIST, FIX, advance, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the fixture, shared with the service tests

TODAY = timezone.localdate()


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def cases(world):
    """A case of county A (applied) and one of county B."""
    return {
        "a": ToleranceCaseFactory(cadre=world["a"], method=world["method"], applied_on=TODAY),
        "b": ToleranceCaseFactory(cadre=world["b"], method=world["method_b"], applied_on=TODAY),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200
    return {c.pk for c in response.context["page"].object_list}


def export(client: Client, name: str, capture, query: str = "") -> list[tuple]:
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=[name]) + "?" + query)
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE, job.error
    with job.result_file.open("rb") as handle:
        sheet = load_workbook(BytesIO(handle.read())).active
    return list(sheet.iter_rows(values_only=True))


ADMIN_ROLES = [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR]


class TestRoleMatrix:
    def test_pillar_officer_reads_and_acts(self, client, tol_officer_a, cases):
        c = login(client, tol_officer_a)
        response = c.get(reverse("tolerance:case_detail", args=[cases["a"].pk]))
        assert response.status_code == 200
        assert {a["key"] for a in response.context["actions"]} == {"accept", "not_accept"}
        event = last_event("tolerance.case.view")
        assert event.actor == tol_officer_a and event.target_id == str(cases["a"].pk)
        assert ids(c.get(reverse("tolerance:case_list"))) == {cases["a"].pk}

    @pytest.mark.parametrize("who", ["officer_a", "leader_a", "sanctions_officer_a"])
    def test_without_the_pillar_every_page_is_404(self, client, request, cases, who):
        user = request.getfixturevalue(who)
        c = login(client, user)
        pk = cases["a"].pk
        for url in (
            reverse("tolerance:case_list"),
            reverse("tolerance:case_detail", args=[pk]),
            reverse("tolerance:case_create") + f"?cadre={cases['a'].cadre_id}",
            reverse("tolerance:correction_overdue"),
            reverse("tolerance:clarification_list"),
        ):
            assert c.get(url).status_code == 404, url
        assert c.post(reverse("tolerance:case_accept", args=[pk])).status_code == 404
        event = last_event("tolerance.access")
        assert event.outcome == AuditOutcome.DENIED and event.actor == user

    def test_other_countys_pillar_officer_gets_404(self, client, pillar_officer_b, cases):
        c = login(client, pillar_officer_b)
        response = c.get(reverse("tolerance:case_detail", args=[cases["a"].pk]))
        assert response.status_code == 404
        event = last_event("tolerance.case.view")
        assert event.outcome == AuditOutcome.DENIED and event.target_id == str(cases["a"].pk)
        assert (
            c.post(
                reverse("tolerance:case_accept", args=[cases["a"].pk]),
                {"version": 1, "accepted_on": TODAY.isoformat()},
            ).status_code
            == 404
        )
        assert ids(c.get(reverse("tolerance:case_list"))) == {cases["b"].pk}
        assert ids(c.get(reverse("tolerance:case_list"), {"q": "张伟"})) == set()
        response = c.get(reverse("tolerance:case_create"), {"cadre": cases["a"].cadre_id})
        assert response.status_code == 404
        cases["a"].refresh_from_db()
        assert cases["a"].stage == CaseStage.APPLIED

    def test_leader_with_pillar_reads_but_cannot_act(self, client, pillar_leader_a, cases):
        c = login(client, pillar_leader_a)
        response = c.get(reverse("tolerance:case_detail", args=[cases["a"].pk]))
        assert response.status_code == 200
        assert response.context["actions"] == [] and b'data-testid="case-actions"' not in (
            response.content
        )
        assert ids(c.get(reverse("tolerance:case_list"))) == {cases["a"].pk}
        assert response.context["may_act"] is False
        post = c.post(
            reverse("tolerance:case_accept", args=[cases["a"].pk]),
            {"version": 1, "accepted_on": TODAY.isoformat()},
        )
        assert post.status_code == 403
        assert c.get(reverse("tolerance:case_create")).status_code == 403
        cases["a"].refresh_from_db()
        assert cases["a"].stage == CaseStage.APPLIED

    @pytest.mark.parametrize("role", ADMIN_ROLES)
    def test_three_admins_refused(self, client, cases, role):
        c = login(client, UserFactory(role=role))
        assert c.get(reverse("tolerance:case_list")).status_code == 403
        assert c.get(reverse("tolerance:case_detail", args=[cases["a"].pk])).status_code == 403
        post = c.post(reverse("tolerance:case_accept", args=[cases["a"].pk]), {"version": 1})
        assert post.status_code == 403

    def test_anonymous_goes_to_login(self, client, cases):
        response = client.get(reverse("tolerance:case_list"))
        assert response.status_code == 302 and "login" in response["Location"]


class TestList:
    def test_filters_search_sort(self, client, tol_officer_a, world, city):
        a = world["a"]
        c1 = ToleranceCaseFactory(cadre=a, applied_on=date(2026, 1, 5), area="urban")
        c2 = ToleranceCaseFactory(
            cadre=a,
            applied_on=date(2026, 2, 5),
            stage=CaseStage.CONCLUDED,
            outcome=Outcome.PARTLY,
            concluded_on=date(2026, 3, 1),
        )
        other = CadreFactory(name="李强", unit=city.county_a_dept, managed_by="county")
        c3 = ToleranceCaseFactory(cadre=other, applied_on=date(2026, 3, 5))
        c = login(client, tol_officer_a)
        url = reverse("tolerance:case_list")
        assert ids(c.get(url)) == {c1.pk, c2.pk, c3.pk}
        assert ids(c.get(url, {"stage": "concluded"})) == {c2.pk}
        assert ids(c.get(url, {"outcome": "partly"})) == {c2.pk}
        assert ids(c.get(url, {"area": "urban"})) == {c1.pk}
        assert ids(c.get(url, {"unit": city.county_a_dept.pk})) == {c3.pk}
        assert ids(c.get(url, {"date_from": "2026-02-01", "date_to": "2026-02-28"})) == {c2.pk}
        assert ids(c.get(url, {"q": "zw"})) == {c1.pk, c2.pk}
        assert ids(c.get(url, {"q": "李强"})) == {c3.pk}
        ordered = c.get(url, {"sort": "applied_on"}).context["page"].object_list
        assert [x.pk for x in ordered] == [c1.pk, c2.pk, c3.pk]
        bad = c.get(url, {"date_from": "2026-03-01", "date_to": "2026-01-01"})
        assert ids(bad) == set() and b"filter-errors" in bad.content

    def test_htmx_partial_and_empty_state(self, client, tol_officer_a, world):
        c = login(client, tol_officer_a)
        response = c.get(reverse("tolerance:case_list"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert response.templates[0].name == "tolerance/_case_results.html"
        assert "暂无数据" in response.content.decode()

    def test_export_only_scoped_rows(
        self,
        client,
        tol_officer_a,
        officer_a,
        pillar_officer_b,
        cases,
        django_capture_on_commit_callbacks,
    ):
        rows = export(
            login(client, tol_officer_a), "tolerance-cases", django_capture_on_commit_callbacks
        )
        assert rows[0][0] == "姓名" and [r[0] for r in rows[1:]] == ["张伟"]
        rows = export(
            login(client, officer_a), "tolerance-cases", django_capture_on_commit_callbacks
        )
        assert rows[1:] == []
        rows = export(
            login(client, pillar_officer_b), "tolerance-cases", django_capture_on_commit_callbacks
        )
        assert [r[0] for r in rows[1:]] == ["张敏"]


class TestCreate:
    def test_pick_and_apply(self, client, tol_officer_a, world):
        c = login(client, tol_officer_a)
        url = reverse("tolerance:case_create")
        picked = c.get(url, {"q": "张"})
        assert [m.pk for m in picked.context["matches"]] == [world["a"].pk]  # not county B's
        page = c.get(url, {"cadre": world["a"].pk})
        assert page.status_code == 200 and page.context["deadline_days"] == 30
        data = {
            "cadre": world["a"].pk,
            "applicant": "unit",
            "applicant_name": "甲县城关镇",
            "applied_on": TODAY.isoformat(),
            "notified_on": (TODAY - timedelta(days=3)).isoformat(),
            "area": "urban",
            "matter": "城市管理中临时占道审批失误",
            "reasons": "",
            "deadline_override_reason": "",
        }
        response = c.post(url + f"?cadre={world['a'].pk}", data)
        case = ToleranceCase.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("tolerance:case_detail", args=[case.pk])
        assert case.applicant == "unit" and case.method == world["method"]

    def test_late_application_shows_the_deadline_under_the_field(
        self, client, tol_officer_a, world
    ):
        c = login(client, tol_officer_a)
        data = {
            "cadre": world["a"].pk,
            "applicant": "cadre",
            "applicant_name": "张伟",
            "applied_on": TODAY.isoformat(),
            "notified_on": (TODAY - timedelta(days=31)).isoformat(),
            "area": "urban",
            "matter": "失误",
        }
        response = c.post(reverse("tolerance:case_create"), data)
        assert response.status_code == 200
        assert "已超过申请期限" in str(response.context["form"].errors["applied_on"])
        assert not ToleranceCase.objects.exists()


class TestActions:
    def test_accept_then_stale_version_409(self, client, tol_officer_a, cases):
        c = login(client, tol_officer_a)
        pk = cases["a"].pk
        data = {"version": 1, "accepted_on": TODAY.isoformat()}
        response = c.post(reverse("tolerance:case_accept", args=[pk]), data)
        assert response.status_code == 302
        stale = c.post(
            reverse("tolerance:case_not_accept", args=[pk]), {"version": 1, "reason": "x"}
        )
        assert stale.status_code == 409
        assert "甲县容错纠错专员" in stale.context["alert"] and "受理" in stale.context["alert"]
        assert [a["key"] for a in stale.context["actions"]] == ["verify"]

    def test_out_of_order_post_refused(self, client, tol_officer_a, cases):
        c = login(client, tol_officer_a)
        data = {
            "version": 1,
            "concluded_on": TODAY.isoformat(),
            "outcome": "tolerated",
            "conclusion": "予以容错",
            "corr-TOTAL_FORMS": "0",
            "corr-INITIAL_FORMS": "0",
        }
        response = c.post(reverse("tolerance:case_conclude", args=[cases["a"].pk]), data)
        assert response.status_code == 400
        assert "尚未完成认定，不能作出结论" in response.context["alert"]

    def _verified(self, tol_officer_a, cases):
        case = cases["a"]
        case.applied_on = TODAY - timedelta(days=10)
        case.save()
        today = TODAY
        case = services.case_accept(
            actor=tol_officer_a, case_id=case.pk, expected_version=1, today=today
        )
        return services.case_verify(
            actor=tol_officer_a, case_id=case.pk, expected_version=2, notes="核实", today=today
        )

    def test_determine_and_conclude_through_the_forms(self, client, tol_officer_a, world, cases):
        case = self._verified(tol_officer_a, cases)
        c = login(client, tol_officer_a)
        page = c.get(reverse("tolerance:case_detail", args=[case.pk]))
        determine = next(a for a in page.context["actions"] if a["key"] == "determine")
        assert dict(determine["form"].fields["positive_items"].choices) == {
            world["pos"].pk: f"{world['pos'].code} {world['pos'].text}"
        }
        data = {"version": case.version, "determined_on": TODAY.isoformat()}
        for name in CHECKLIST.__dataclass_fields__:
            value = getattr(CHECKLIST, name)
            if isinstance(value, bool) and name != "negative_matched":
                data[name] = "1" if value else "0"
            elif isinstance(value, str):
                data[name] = value
        missing = dict(data)
        del missing["c3_force_majeure"]
        response = c.post(reverse("tolerance:case_determine", args=[case.pk]), missing)
        assert response.status_code == 400
        form = response.context["actions"][0]["form"]
        assert "请判断是否“存在不可抗力、难以预见等因素”" in str(form.errors["c3_force_majeure"])
        data["positive_items"] = [world["pos"].pk]
        response = c.post(reverse("tolerance:case_determine", args=[case.pk]), data)
        assert response.status_code == 302
        page = c.get(reverse("tolerance:case_detail", args=[case.pk]))
        assert page.context["checklist"]["suggestion"] == Outcome.TOLERATED
        assert "认定建议：<strong>容错（免责）</strong>" in page.content.decode()
        conclude = {
            "version": case.version + 1,
            "concluded_on": TODAY.isoformat(),
            "outcome": "tolerated",
            "conclusion": "符合容错情形",
            "corr-TOTAL_FORMS": "3",
            "corr-INITIAL_FORMS": "0",
        }
        response = c.post(reverse("tolerance:case_conclude", args=[case.pk]), conclude)
        assert response.status_code == 400
        assert "作出结论时须同时明确纠错措施" in response.content.decode()
        conclude.update(
            {
                "corr-0-measure": "补办手续",
                "corr-0-owner": "县发改局",
                "corr-0-due_on": (TODAY + timedelta(days=30)).isoformat(),
            }
        )
        response = c.post(reverse("tolerance:case_conclude", args=[case.pk]), conclude)
        assert response.status_code == 302
        correction = Correction.objects.get()
        assert correction.owner == "县发改局"
        page = c.get(reverse("tolerance:case_detail", args=[case.pk]))
        assert page.context["can_mark_done"] and b"correction-done" in page.content
        assert [a["key"] for a in page.context["actions"]] == ["close"]
        done = c.post(
            reverse("tolerance:correction_done", args=[correction.pk]),
            {f"c{correction.pk}-done_on": TODAY.isoformat(), f"c{correction.pk}-note": "已补办"},
        )
        assert done.status_code == 302
        correction.refresh_from_db()
        assert correction.done_on == TODAY
        closed = c.post(
            reverse("tolerance:case_close", args=[case.pk]),
            {"version": case.version + 2, "closed_on": TODAY.isoformat()},
        )
        assert closed.status_code == 302
        case.refresh_from_db()
        assert case.stage == CaseStage.CLOSED
        page = c.get(reverse("tolerance:case_detail", args=[case.pk]))
        assert page.context["actions"] == [] and b"correction-done" not in page.content
        assert all(step.done for step in page.context["timeline"])

    def test_correction_done_by_others_404(self, client, officer_a, pillar_officer_b, world):
        correction = CorrectionFactory(
            case=ToleranceCaseFactory(cadre=world["a"], stage=CaseStage.CONCLUDED)
        )
        for user in (officer_a, pillar_officer_b):
            response = login(client, user).post(
                reverse("tolerance:correction_done", args=[correction.pk]), {}
            )
            assert response.status_code == 404


class TestEvidencePages:
    def test_upload_and_download_scope(
        self, client, tol_officer_a, pillar_officer_b, officer_a, cases
    ):
        c = login(client, tol_officer_a)
        upload = SimpleUploadedFile("笔录.pdf", b"%PDF-1.4 test")
        response = c.post(
            reverse("tolerance:case_evidence_add", args=[cases["a"].pk]), {"file": upload}
        )
        assert response.status_code == 302
        evidence = cases["a"].evidence.get()
        download = c.get(reverse("tolerance:case_evidence", args=[evidence.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(
            b"%PDF"
        )
        assert "filename*=UTF-8''" in download["Content-Disposition"]
        assert last_event("tolerance.evidence.download").outcome == AuditOutcome.OK
        for user in (pillar_officer_b, officer_a):
            url = reverse("tolerance:case_evidence", args=[evidence.pk])
            assert login(client, user).get(url).status_code == 404

    def test_bad_upload_message(self, client, tol_officer_a, cases):
        c = login(client, tol_officer_a)
        upload = SimpleUploadedFile("a.exe", b"MZ")
        response = c.post(
            reverse("tolerance:case_evidence_add", args=[cases["a"].pk]),
            {"file": upload},
            follow=True,
        )
        assert "不支持的文件类型" in response.content.decode()


class TestOverdue:
    def test_overdue_list_and_export(
        self,
        client,
        tol_officer_a,
        officer_a,
        pillar_officer_b,
        world,
        django_capture_on_commit_callbacks,
    ):
        case_a = ToleranceCaseFactory(cadre=world["a"], stage=CaseStage.CONCLUDED)
        late = CorrectionFactory(case=case_a, due_on=TODAY - timedelta(days=1))
        CorrectionFactory(case=case_a, due_on=TODAY)  # due today: not yet overdue
        CorrectionFactory(case=case_a, due_on=TODAY - timedelta(days=5), done_on=TODAY)
        b_late = CorrectionFactory(
            case=ToleranceCaseFactory(cadre=world["b"], stage=CaseStage.CONCLUDED),
            due_on=TODAY - timedelta(days=3),
        )
        c = login(client, tol_officer_a)
        response = c.get(reverse("tolerance:correction_overdue"))
        assert ids(response) == {late.pk}
        assert response.context["page"].object_list[0].days_overdue == 1
        rows = export(c, "tolerance-corrections-overdue", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["张伟"]
        rows = export(
            login(client, officer_a),
            "tolerance-corrections-overdue",
            django_capture_on_commit_callbacks,
        )
        assert rows[1:] == []
        other = login(client, pillar_officer_b).get(reverse("tolerance:correction_overdue"))
        assert ids(other) == {b_late.pk}


class TestCadreTab:
    def test_tab_only_for_pillar_holders(
        self, client, tol_officer_a, officer_a, pillar_leader_a, cases
    ):
        cadre_id = cases["a"].cadre_id
        url = reverse("cadres:cadre_detail", args=[cadre_id])
        page = login(client, tol_officer_a).get(url)
        assert page.status_code == 200
        assert 'href="#tab-tolerance"' in page.content.decode()
        assert tab_url(cadre_id, "tolerance") in page.content.decode()
        body = get_tab(client, cadre_id, "tolerance")
        assert b"tab-tolerance-cases" in body.content and b"tab-case-create" in body.content
        leader = get_tab(login(client, pillar_leader_a), cadre_id, "tolerance")
        assert b"tab-tolerance-cases" in leader.content and b"tab-case-create" not in leader.content
        plain = login(client, officer_a).get(url)
        assert plain.status_code == 200
        assert b"tab-tolerance" not in plain.content
        assert get_tab(client, cadre_id, "tolerance").status_code == 404


def test_workflow_helper_reaches_concluded(tol_officer_a, world):
    """The shared `advance` helper drives the real services (sanity of the test fixture)."""
    case = services.case_apply(
        actor=tol_officer_a,
        cadre_id=world["a"].pk,
        data=services.CaseApplication(
            applicant="cadre",
            applicant_name="张伟",
            applied_on=date(2026, 3, 10),
            notified_on=None,
            area="other",
            matter="失误",
        ),
        today=date(2026, 6, 15),
    )
    case = advance(tol_officer_a, case, CaseStage.CONCLUDED)
    assert case.corrections.count() == len(FIX)
