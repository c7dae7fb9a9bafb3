"""Sanctions API: need-to-know (no pillar → 404 and empty lists), writes through the services,
and the one open fact (within an influence period, until when) for any reader of the cadre."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent, AuditOutcome
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.models import Mentor, Sanction
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/tolerance"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def sanctioned(city):
    cadre = CadreFactory(unit=city.county_a_dept)
    today = timezone.localdate()
    sanction = SanctionFactory(
        cadre=cadre,
        kind=SanctionKind.ADMINISTRATIVE,
        type=SanctionType.ADMIN_DEMERIT,
        decision_date=today - timedelta(days=10),
        effective_date=today - timedelta(days=10),
        influence_until=today + timedelta(days=355),
    )
    return cadre, sanction


def test_pillar_officer_reads_and_the_read_is_audited(client, sanctions_officer_a, sanctioned):
    _cadre, sanction = sanctioned
    client.force_login(sanctions_officer_a)
    listed = client.get(f"{API}/sanctions").json()
    assert [s["id"] for s in listed["items"]] == [sanction.pk]
    detail = client.get(f"{API}/sanctions/{sanction.pk}").json()
    assert detail["type_label"] == "记过" and detail["status"] == "in_effect"
    assert AuditEvent.objects.filter(action="tolerance.sanction.view", outcome="ok").exists()


@pytest.mark.parametrize("who", ["plain", "other_county", "sysadmin"])
def test_without_the_pillar_or_scope_nothing_shows(
    client, officer_a, pillar_officer_b, sanctioned, who
):
    _cadre, sanction = sanctioned
    user = {
        "plain": officer_a,
        "other_county": pillar_officer_b,
        "sysadmin": UserFactory(role=Role.SYSADMIN),
    }[who]
    client.force_login(user)
    listing = client.get(f"{API}/sanctions")
    detail = client.get(f"{API}/sanctions/{sanction.pk}")
    if who == "sysadmin":
        assert listing.status_code == 403 and detail.status_code == 403
    else:
        assert listing.json()["count"] == 0 and detail.status_code == 404
        assert AuditEvent.objects.filter(
            action="tolerance.sanction.view", outcome=AuditOutcome.DENIED
        ).exists()


def test_plain_officer_learns_only_whether_and_until_when(client, officer_a, sanctioned):
    cadre, sanction = sanctioned
    client.force_login(officer_a)
    body = client.get(f"{API}/cadres/{cadre.pk}/influence").json()
    assert body["within"] is True and body["until"] == str(sanction.influence_until)
    assert set(body) == {"cadre_id", "on", "within", "until"}
    later = sanction.influence_until + timedelta(days=1)
    assert client.get(f"{API}/cadres/{cadre.pk}/influence?on={later}").json()["within"] is False


def test_create_computes_the_period_and_refuses_duplicates_and_future_dates(
    client, sanctions_officer_a, city
):
    cadre = CadreFactory(unit=city.county_a_dept)
    client.force_login(sanctions_officer_a)
    body = {
        "cadre": cadre.pk,
        "kind": "administrative",
        "type": "admin_warning",
        "decision_date": "2026-01-15",
        "effective_date": "2026-01-15",
        "authority": "县监委",
        "document_number": "县监发〔2026〕3号",
    }
    created = post(client, f"{API}/sanctions", body)
    assert created.status_code == 201, created.content
    assert created.json()["influence_until"] == "2026-07-14"  # 政务处分法 第八条: 6 months
    again = post(client, f"{API}/sanctions", body)
    assert again.status_code == 400 and "相同的处分" in again.content.decode()
    future = str(timezone.localdate() + timedelta(days=1))
    late = post(
        client,
        f"{API}/sanctions",
        {**body, "document_number": "x", "decision_date": future, "effective_date": future},
    )
    assert late.status_code == 400
    assert Sanction.objects.filter(cadre=cadre).count() == 1


def test_second_mentor_ends_the_first(client, sanctions_officer_a, sanctioned):
    cadre, _ = sanctioned
    client.force_login(sanctions_officer_a)
    today = str(timezone.localdate())
    for name in ("李明", "王强"):
        response = post(
            client,
            f"{API}/cadres/{cadre.pk}/mentor",
            {"mentor_name": name, "mentor_post": "副局长", "assigned_on": today},
        )
        assert response.status_code == 201, response.content
    active = Mentor.objects.filter(cadre=cadre, ended_on__isnull=True)
    assert [m.mentor_name for m in active] == ["王强"]


def test_leader_with_the_pillar_cannot_write(client, pillar_leader_a, city):
    client.force_login(pillar_leader_a)
    body = {
        "cadre": CadreFactory(unit=city.county_a_dept).pk,
        "kind": "party",
        "type": "party_warning",
        "decision_date": "2026-01-15",
        "effective_date": "2026-01-15",
        "authority": "县纪委",
    }
    assert post(client, f"{API}/sanctions", body).status_code == 403
