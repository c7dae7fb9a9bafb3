"""The selection API (apps/selection/api.py): eligibility of a cadre in scope (another county's
cadre is 404 and its verdict never leaks), the JSON-in verdict-out check, the rule parameters.

Until the lead mounts the router at /api/v1/selection/, this module mounts it on an API of its
own (same auth, errors and renderer as config/api.py)."""

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import path

from apps.accounts.api_auth import READ_AUTH
from apps.cadres.models import Appointment
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core import api_errors
from apps.core.models import AuditEvent, AuditOutcome, RuleParameter
from apps.selection.api import router
from apps.selection.tests.factories import NegativeFlagFactory
from config.api import DandangAPI, Renderer, _exempt_from_login_redirect
from conftest import City

_api = DandangAPI(
    title="选拔任用 API（测试）",
    urls_namespace="selection_api_test",
    auth=READ_AUTH,
    renderer=Renderer(),
)
api_errors.install(_api)
_api.add_router("/selection", router)
_patterns, _app, _namespace = _api.urls
urlpatterns = [path("api-test/v1/", (_exempt_from_login_redirect(_patterns), _app, _namespace))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
API = "/api-test/v1/selection"
ON = "2026-11-25"

FACTS = {
    "name": "张三",
    "birth_date": "1985-06-01",
    "work_start_date": "2021-11-25",
    "political_status": "cpc",
    "party_join_date": "2010-06-01",
    "highest_education": "bachelor",
    "tier": "section_principal",
    "posts": [
        {
            "start": "2015-01-01",
            "end": "2020-01-01",
            "tier": "section_deputy",
            "unit_level": "township",
        },
        {"start": "2020-01-01", "end": None, "tier": "section_principal", "unit_level": "county"},
    ],
    "grades": {"2025": "competent"},
}


def post(client: Client, url: str, body: object) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def world(city: City) -> dict:
    def cadre(unit: object, name: str) -> object:
        item = CadreFactory(
            name=name,
            unit=unit,
            tier="section_principal",
            work_start_date=date(2005, 7, 1),
            highest_education="bachelor",
        )
        Appointment.objects.create(
            cadre=item,
            post=PostFactory(unit=unit, tier="section_principal"),
            start_date=date(2020, 1, 1),
        )
        return item

    return {"a": cadre(city.county_a_dept, "甲干部"), "b": cadre(city.county_b_dept, "乙干部")}


def test_eligibility_of_a_cadre_in_scope_is_audited(client, officer_a, world):
    client.force_login(officer_a)
    a = world["a"]
    response = client.get(f"{API}/eligibility/{a.pk}", {"tier": "division_deputy", "on": ON})
    assert response.status_code == 200
    body = response.json()
    assert body["cadre_id"] == a.pk and body["on"] == ON
    assert body["target"]["label"] == "县处级副职"
    assert {c["rule"] for c in body["checks"]} >= {"ELG-8-1", "ELG-9-1", "ELG-24-1"}
    assert body["params"]["selection.min_work_years"] == 5
    event = AuditEvent.objects.filter(action="selection.eligibility.view").get()
    assert event.target_id == str(a.pk) and event.actor == officer_a
    assert event.detail["tier"] == "division_deputy" and event.detail["on"] == ON
    assert AuditEvent.objects.filter(action="cadre.view", target_id=str(a.pk)).exists()


def test_rank_target_and_party_post(client, officer_a, world):
    client.force_login(officer_a)
    a = world["a"]
    rank = client.get(f"{API}/eligibility/{a.pk}", {"rank": "principal_staff_1", "on": ON})
    assert rank.status_code == 200 and rank.json()["target"]["label"] == "一级主任科员"
    party = client.get(
        f"{API}/eligibility/{a.pk}", {"tier": "division_deputy", "party_post": "true", "on": ON}
    )
    assert "ELG-8-6" in {c["rule"] for c in party.json()["checks"] if c["outcome"] != "na"}


def test_another_countys_cadre_is_404_and_nothing_leaks(client, officer_a, world):
    """County A's officer asks for county B's cadre (who has a blocking flag): 404 with the
    generic message, no verdict, the denial audited, no eligibility read recorded."""
    b = world["b"]
    NegativeFlagFactory(cadre=b, kind="canvassing")
    client.force_login(officer_a)
    for query in ({"tier": "division_deputy"}, {"rank": "principal_staff_1"}):
        response = client.get(f"{API}/eligibility/{b.pk}", query)
        assert response.status_code == 404
        text = response.content.decode()
        assert "checks" not in text and "跑官" not in text and "乙干部" not in text
    denied = AuditEvent.objects.filter(action="cadre.view", target_id=str(b.pk))
    assert denied.count() == 2 and all(e.outcome == AuditOutcome.DENIED for e in denied)
    assert not AuditEvent.objects.filter(action="selection.eligibility.view").exists()
    assert (
        client.get(f"{API}/eligibility/999999999", {"tier": "division_deputy"}).status_code == 404
    )


def test_unscoped_users_and_anonymous_calls(client, world, city):
    from apps.accounts.tests.factories import UserFactory

    a = world["a"]
    assert client.get(f"{API}/eligibility/{a.pk}", {"tier": "division_deputy"}).status_code == 401
    assert post(client, f"{API}/eligibility/evaluate", {}).status_code == 401
    nobody = UserFactory(username="nobody")
    client.force_login(nobody)
    assert client.get(f"{API}/eligibility/{a.pk}", {"tier": "division_deputy"}).status_code == 404


def test_bad_targets_are_400_in_chinese(client, officer_a, world):
    client.force_login(officer_a)
    a = world["a"]
    for query, field in (
        ({}, "tier"),
        ({"tier": "division_deputy", "rank": "researcher_4"}, "tier"),
        ({"rank": "staff_2"}, "rank"),
        ({"rank": "researcher_4", "party_post": "true"}, "party_post"),
    ):
        response = client.get(f"{API}/eligibility/{a.pk}", query)
        assert response.status_code == 400, query
        assert field in response.json()["fields"]
    bad = client.get(f"{API}/eligibility/{a.pk}", {"tier": "chief"})
    assert bad.status_code == 400 and "拟任职务层次" in bad.json()["message"]
    day = client.get(f"{API}/eligibility/{a.pk}", {"tier": "division_deputy", "on": "2026-02-30"})
    assert day.status_code == 400 and "审查日期" in day.json()["message"]


def test_evaluate_given_facts(client, officer_a):
    client.force_login(officer_a)
    body = {"facts": FACTS, "target": {"tier": "division_deputy"}, "on": ON}
    response = post(client, f"{API}/eligibility/evaluate", body)
    assert response.status_code == 200
    verdict = response.json()
    assert verdict["eligible"] is True and verdict["cadre_id"] == 0
    work = next(c for c in verdict["checks"] if c["title"] == "工龄")
    assert (work["outcome"], work["fact"]) == ("pass", "5年0个月")
    day_before = post(client, f"{API}/eligibility/evaluate", body | {"on": "2026-11-24"}).json()
    assert day_before["eligible"] is False and day_before["passes_on"] == ON
    event = AuditEvent.objects.filter(action="selection.eligibility.evaluate").first()
    assert event is not None and event.target_repr == "张三"
    assert len(event.detail["facts_sha256"]) == 64 and event.detail["eligible"] is False


def test_evaluate_rejects_bad_facts_naming_the_field(client, officer_a):
    client.force_login(officer_a)
    cases = [
        ({**FACTS, "birth_date": "1985-13-01"}, "birth_date", "出生日期"),
        (
            {**FACTS, "posts": [{"start": "2020-01-01", "tier": "boss"}]},
            "posts[0].tier",
            "取值无效",
        ),
        ({**FACTS, "grades": {"2025": "good"}}, "grades.2025", "年度考核结果"),
        ({**FACTS, "salary": 1}, "salary", "不支持的字段"),
        ({k: v for k, v in FACTS.items() if k != "birth_date"}, "birth_date", "不能为空"),
        (
            {
                **FACTS,
                "waivers": [
                    {
                        "target_tier": "division_deputy",
                        "rules": ["ELG-8-6"],
                        "ground": "hardship_area",
                        "approved_on": ON,
                    }
                ],
            },
            "waivers[0].rules",
            "不能破格突破",
        ),
    ]
    for facts, field, words in cases:
        body = {"facts": facts, "target": {"tier": "division_deputy"}, "on": ON}
        response = post(client, f"{API}/eligibility/evaluate", body)
        assert response.status_code == 400, field
        data = response.json()
        assert field in data["fields"] and words in data["message"], data
    no_target = post(
        client, f"{API}/eligibility/evaluate", {"facts": FACTS, "target": {}, "on": ON}
    )
    assert no_target.status_code == 400


def test_rules_in_force_on_a_day(client, officer_a):
    client.force_login(officer_a)
    RuleParameter.objects.create(
        key="selection.min_work_years", value=6, effective_from=date(2027, 1, 1)
    )
    before = client.get(f"{API}/rules", {"on": ON}).json()
    params = {p["key"]: p for p in before["params"]}
    assert params["selection.min_work_years"]["value"] == 5
    assert params["selection.min_work_years"]["rule"] == "ELG-8-1"
    assert params["selection.rank_excellent_before_rung"]["status"] == "UNVERIFIED"
    after = {p["key"]: p for p in client.get(f"{API}/rules", {"on": "2027-01-01"}).json()["params"]}
    assert after["selection.min_work_years"]["value"] == 6
    assert after["selection.min_work_years"]["local"] is True
    assert after["selection.min_work_years"]["effective_from"] == "2027-01-01"


# --- manage.py eligibility ------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("eligibility", *args, stdout=out)
    return out.getvalue()


def test_command_json_from_a_facts_file(tmp_path):
    source = tmp_path / "cadre.json"
    source.write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")
    verdict = json.loads(run("--facts", str(source), "--tier", "division_deputy", "--on", ON))
    assert verdict["eligible"] is True and verdict["on"] == ON
    before = json.loads(
        run("--facts", str(source), "--tier", "division_deputy", "--on", "2026-11-24")
    )
    assert before["eligible"] is False and before["passes_on"] == ON
    party = json.loads(
        run("--facts", str(source), "--tier", "division_deputy", "--party-post", "--on", ON)
    )
    assert party["target"]["party_post"] is True
    rank = json.loads(run("--facts", str(source), "--rank", "principal_staff_1", "--on", ON))
    assert rank["target"]["label"] == "一级主任科员"
    assert not AuditEvent.objects.exists()  # no cadre data read


def test_command_table(tmp_path):
    source = tmp_path / "cadre.json"
    source.write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")
    text = run("--facts", str(source), "--tier", "division_deputy", "--on", "2026-11-24", "--table")
    lines = text.splitlines()
    assert lines[0] == "拟任：县处级副职　审查日期：2026-11-24"
    assert lines[1].split("\t") == [
        "规则",
        "审查事项",
        "干部情况",
        "要求",
        "结果",
        "届时符合",
        "依据及说明",
    ]
    work = next(line for line in lines if "\t工龄\t" in line).split("\t")
    assert work[:6] == ["ELG-8-1", "工龄", "4年11个月", "5年以上", "不符合", ON]
    assert lines[-1] == f"结论：不符合任职资格（{ON}起可满足）"


def test_command_for_a_cadre_of_the_system_is_audited(world):
    a = world["a"]
    verdict = json.loads(run("--cadre-id", str(a.pk), "--tier", "division_deputy", "--on", ON))
    assert verdict["cadre_id"] == a.pk
    event = AuditEvent.objects.get(action="selection.eligibility.view")
    assert event.actor is None and event.actor_name == "system (manage.py eligibility)"
    assert event.target_id == str(a.pk) and event.detail["tier"] == "division_deputy"


def test_command_refuses_bad_input_in_chinese(tmp_path):
    source = tmp_path / "cadre.json"
    source.write_text(json.dumps({**FACTS, "birth_date": "1985-02-30"}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    cases = [
        (("--facts", str(source), "--tier", "division_deputy"), "birth_date（出生日期）"),
        (("--facts", str(broken), "--tier", "division_deputy"), "不是有效的 JSON"),
        (("--facts", str(tmp_path / "none.json"), "--tier", "division_deputy"), "无法读取"),
        (("--facts", str(source), "--tier", "chief"), "拟任职务层次"),
        (("--facts", str(source), "--rank", "staff_2"), "最低职级"),
        (("--facts", str(source), "--tier", "division_deputy", "--on", "2026-13-01"), "--on"),
        (("--cadre-id", "999999", "--tier", "division_deputy"), "干部不存在"),
    ]
    for args, words in cases:
        with pytest.raises(CommandError, match=re.escape(words)):
            run(*args)
