"""澄清正名: services (pillar scope, validation, audit) and pages (every role, list, export)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus
from apps.tolerance.models import Clarification
from apps.tolerance.services.clarifications import clarification_add, clarification_update
from apps.tolerance.tests.factories import ClarificationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DATA = {
    "accusation": "被反映在项目招标中优亲厚友",
    "finding": "经核查，反映问题不属实",
    "scope": "unit",
    "clarified_on": TODAY,
    "authority": "县纪委监委",
}


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def people(city):
    return {
        "a": CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "b": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


@pytest.fixture
def rows(people):
    return {
        "a": ClarificationFactory(cadre=people["a"], clarified_on=date(2026, 5, 20)),
        "b": ClarificationFactory(cadre=people["b"]),
    }


class TestServices:
    def test_add_and_update_audited(self, tol_officer_a, people):
        row = clarification_add(actor=tol_officer_a, cadre_id=people["a"].pk, data=DATA)
        assert row.created_by == tol_officer_a and row.scope == "unit"
        assert last_event("tolerance.clarification.add").detail == {"cadre": people["a"].pk}
        clarification_update(
            actor=tol_officer_a, clarification_id=row.pk, data={**DATA, "scope": "public"}
        )
        event = last_event("tolerance.clarification.update")
        assert event.before == {"scope": "unit"} and event.after == {"scope": "public"}

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"finding": " "}, "finding"),
            ({"scope": "x"}, "scope"),
            ({"clarified_on": TODAY + timedelta(days=1)}, "clarified_on"),
        ],
    )
    def test_bad_input(self, tol_officer_a, people, change, field):
        with pytest.raises(DomainError) as exc:
            clarification_add(actor=tol_officer_a, cadre_id=people["a"].pk, data={**DATA, **change})
        assert field in exc.value.fields
        assert not Clarification.objects.exists()

    @pytest.mark.parametrize("who", ["officer_a", "pillar_officer_b", "pillar_leader_a"])
    def test_others_cannot_write(self, request, people, rows, who):
        actor = request.getfixturevalue(who)
        with pytest.raises(OutOfScopeError):
            clarification_add(actor=actor, cadre_id=people["a"].pk, data=DATA)
        with pytest.raises(OutOfScopeError):
            clarification_update(actor=actor, clarification_id=rows["a"].pk, data=DATA)

    def test_visibility_needs_the_pillar(self, tol_officer_a, officer_a, pillar_officer_b, rows):
        assert list(Clarification.objects.visible_to(tol_officer_a)) == [rows["a"]]
        assert list(Clarification.objects.visible_to(officer_a)) == []
        assert list(Clarification.objects.visible_to(pillar_officer_b)) == [rows["b"]]


class TestPages:
    def test_list_create_edit(self, client, tol_officer_a, people, rows):
        c = login(client, tol_officer_a)
        page = c.get(reverse("tolerance:clarification_list"))
        assert [r.pk for r in page.context["page"].object_list] == [rows["a"].pk]
        assert page.context["may_add"] is True
        assert [r.pk for r in c.get(page.request["PATH_INFO"], {"q": "zm"}).context["page"]] == []
        new = reverse("tolerance:clarification_create")
        assert [m.pk for m in c.get(new, {"q": "张"}).context["matches"]] == [people["a"].pk]
        post = {**DATA, "clarified_on": TODAY.isoformat(), "cadre": people["a"].pk}
        response = c.post(new + f"?cadre={people['a'].pk}", post)
        assert response.status_code == 302
        assert Clarification.objects.filter(cadre=people["a"]).count() == 2
        edit = reverse("tolerance:clarification_edit", args=[rows["a"].pk])
        assert c.get(edit).status_code == 200
        assert last_event("tolerance.clarification.view").actor == tol_officer_a
        response = c.post(edit, {**post, "authority": "县委组织部"})
        assert response.status_code == 302
        rows["a"].refresh_from_db()
        assert rows["a"].authority == "县委组织部"

    def test_form_errors_shown(self, client, tol_officer_a, people):
        c = login(client, tol_officer_a)
        url = reverse("tolerance:clarification_create") + f"?cadre={people['a'].pk}"
        future = (TODAY + timedelta(days=2)).isoformat()
        response = c.post(url, {**DATA, "clarified_on": future, "cadre": people["a"].pk})
        assert response.status_code == 200
        assert "澄清日期不能晚于今天" in response.content.decode()

    @pytest.mark.parametrize("who", ["officer_a", "leader_a"])
    def test_without_the_pillar_404(self, client, request, people, rows, who):
        c = login(client, request.getfixturevalue(who))
        assert c.get(reverse("tolerance:clarification_list")).status_code == 404
        edit = reverse("tolerance:clarification_edit", args=[rows["a"].pk])
        assert c.get(edit).status_code == 404
        create = reverse("tolerance:clarification_create") + f"?cadre={people['a'].pk}"
        assert c.get(create).status_code == 404

    def test_other_county_404_and_leader_reads_only(
        self, client, pillar_officer_b, pillar_leader_a, rows
    ):
        edit = reverse("tolerance:clarification_edit", args=[rows["a"].pk])
        assert login(client, pillar_officer_b).get(edit).status_code == 404
        event = last_event("tolerance.clarification.view")
        assert event.outcome == AuditOutcome.DENIED
        c = login(client, pillar_leader_a)
        page = c.get(reverse("tolerance:clarification_list"))
        assert [r.pk for r in page.context["page"].object_list] == [rows["a"].pk]
        assert page.context["may_add"] is False
        assert c.get(edit).status_code == 403

    @pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    def test_three_admins_403(self, client, rows, role):
        c = login(client, UserFactory(role=role))
        assert c.get(reverse("tolerance:clarification_list")).status_code == 403

    def test_export_scoped(
        self, client, tol_officer_a, officer_a, rows, django_capture_on_commit_callbacks
    ):
        def export(user) -> list[tuple]:
            with django_capture_on_commit_callbacks(execute=True):
                login(client, user).post(
                    reverse("jobs:list_export", args=["tolerance-clarifications"])
                )
            job = Job.objects.latest("id")
            assert job.status == JobStatus.DONE, job.error
            with job.result_file.open("rb") as handle:
                sheet = load_workbook(BytesIO(handle.read())).active
            return list(sheet.iter_rows(values_only=True))

        assert [r[0] for r in export(tol_officer_a)[1:]] == ["张伟"]
        assert export(officer_a)[1:] == []

    def test_cadre_tab_lists_clarifications(self, client, tol_officer_a, rows):
        page = get_tab(login(client, tol_officer_a), rows["a"].cadre_id, "tolerance")
        assert b"tab-clarifications" in page.content
        assert "经核查，反映问题不属实" in page.content.decode()
