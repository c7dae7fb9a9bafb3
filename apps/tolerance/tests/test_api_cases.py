"""Tolerance-case API: the whole workflow through the endpoints, the conclusion-with-correction
rule, two reviewers at once (409), and need-to-know."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cadres.tests.factories import CadreFactory
from apps.tolerance.constants import ListKind
from apps.tolerance.models import Correction, ToleranceCase
from apps.tolerance.tests.factories import (
    ToleranceCaseFactory,
    ToleranceListFactory,
    ToleranceMethodFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/tolerance"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def method(city):
    today = timezone.localdate()
    method = ToleranceMethodFactory(
        unit=city.root, effective_from=today - timedelta(days=400), published_at=timezone.now()
    )
    ToleranceListFactory(method=method, kind=ListKind.POSITIVE, code="Z1")
    ToleranceListFactory(method=method, kind=ListKind.NEGATIVE, code="F1", text="谋取私利")
    return method


def checklist(version, positive):
    return {
        "version": version,
        "d1_inexperience": True,
        "d1_reason": "项目首次采用新模式，缺乏经验",
        "d2_not_prohibited": True,
        "d2_reason": "上级无明确限制",
        "d3_no_personal_gain": True,
        "d3_reason": "未谋取任何私利",
        "c1_not_prohibited": True,
        "c2_pilot_unintentional": True,
        "c3_force_majeure": False,
        "c4_loss_mitigated": True,
        "c5_democratic_procedure": True,
        "c6_no_improper_gain": True,
        "is_repeat": False,
        "positive_items": positive,
        "factors": "动机端正，程序基本完备，及时挽回损失",
    }


def test_workflow_end_to_end(client, tol_officer_a, city, method):
    cadre = CadreFactory(unit=city.county_a_dept)
    today = timezone.localdate()
    client.force_login(tol_officer_a)
    applied = post(
        client,
        f"{API}/cases",
        {
            "cadre": cadre.pk,
            "applicant": "cadre",
            "applicant_name": cadre.name,
            "applied_on": str(today),
            "notified_on": str(today - timedelta(days=5)),
            "area": "key_project",
            "matter": "为赶工期简化审批程序",
        },
    )
    assert applied.status_code == 201, applied.content
    case = applied.json()
    assert case["method_id"] == method.pk
    v = case["version"]
    v = post(client, f"{API}/cases/{case['id']}/accept", {"version": v}).json()["version"]
    v = post(
        client, f"{API}/cases/{case['id']}/verify", {"version": v, "notes": "经核实，情况属实"}
    ).json()["version"]
    positive = [method.items.get(code="Z1").pk]
    determined = post(client, f"{API}/cases/{case['id']}/determine", checklist(v, positive))
    assert determined.status_code == 200, determined.content
    v = determined.json()["version"]
    bare = {"version": v, "outcome": "tolerated", "conclusion": "符合容错情形，予以免责"}
    refused = post(client, f"{API}/cases/{case['id']}/conclude", bare)
    assert refused.status_code == 400 and "纠错措施" in refused.content.decode()
    due = str(today + timedelta(days=60))
    concluded = post(
        client,
        f"{API}/cases/{case['id']}/conclude",
        {**bare, "corrections": [{"measure": "补办审批手续", "owner": "县发改局", "due_on": due}]},
    )
    assert concluded.status_code == 200, concluded.content
    assert concluded.json()["stage"] == "concluded"
    assert Correction.objects.filter(case_id=case["id"]).count() == 1


def test_two_reviewers_at_once_one_wins(client, tol_officer_a, city):
    case = ToleranceCaseFactory(cadre=CadreFactory(unit=city.county_a_dept))
    client.force_login(tol_officer_a)
    first = post(client, f"{API}/cases/{case.pk}/accept", {"version": case.version})
    second = post(client, f"{API}/cases/{case.pk}/accept", {"version": case.version})
    assert first.status_code == 200
    assert second.status_code == 409 and "受理" in second.content.decode()


def test_out_of_order_transition_is_refused(client, tol_officer_a, city):
    case = ToleranceCaseFactory(cadre=CadreFactory(unit=city.county_a_dept))
    client.force_login(tol_officer_a)
    response = post(client, f"{API}/cases/{case.pk}/close", {"version": case.version})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.stage == "applied"


@pytest.mark.parametrize("who", ["plain", "other", "sanctions_only"])
def test_need_to_know(client, city, officer_a, pillar_officer_b, sanctions_officer_a, who):
    case = ToleranceCaseFactory(cadre=CadreFactory(unit=city.county_a_dept))
    user = {"plain": officer_a, "other": pillar_officer_b, "sanctions_only": sanctions_officer_a}
    client.force_login(user[who])
    assert client.get(f"{API}/cases").json()["count"] == 0
    assert client.get(f"{API}/cases/{case.pk}").status_code == 404
    assert post(client, f"{API}/cases/{case.pk}/accept", {"version": 1}).status_code == 404
    assert ToleranceCase.objects.get(pk=case.pk).stage == "applied"
