"""The frontline REST API: scope (404, never a leak), roles, writes through the services, the
version check on dispatch transitions, audited reads."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent
from apps.frontline.constants import DispatchKind, DispatchState, TaskKind
from apps.frontline.models import Dispatch, FrontlineService
from apps.frontline.tests.factories import (
    CentralTaskFactory,
    DispatchFactory,
    FrontlineServiceFactory,
)
from conftest import City

pytestmark = pytest.mark.django_db
API = "/api/v1/frontline"


def post(client: Client, url: str, body: dict) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def world(city: City) -> dict:
    a = CadreFactory(name="甲干部", unit=city.county_a_dept, work_start_date=date(2005, 7, 1))
    b = CadreFactory(name="乙干部", unit=city.county_b_dept, work_start_date=date(2005, 7, 1))
    task = CentralTaskFactory(name="乡村振兴", lead_unit=city.root, kind=TaskKind.POVERTY)
    return {
        "a": a,
        "b": b,
        "task": task,
        "svc_a": FrontlineServiceFactory(cadre=a, task=task),
        "svc_b": FrontlineServiceFactory(cadre=b, task=task),
        # County A sends a cadre to a township of county B: B's officer sees it, cannot act.
        "d_a": DispatchFactory(cadre=a, target_unit=city.county_b_dept),
        "d_b": DispatchFactory(cadre=b, target_unit=city.county_b_dept),
    }


def test_lists_hold_only_scoped_rows(client, officer_a, world):
    client.force_login(officer_a)
    services = client.get(f"{API}/services").json()
    assert [s["id"] for s in services["items"]] == [world["svc_a"].pk]
    dispatches = client.get(f"{API}/dispatches").json()
    assert {d["id"] for d in dispatches["items"]} == {world["d_a"].pk}
    tasks = client.get(f"{API}/tasks").json()  # a city task is seen by the county below it
    assert tasks["items"][0]["name"] == "乡村振兴" and tasks["items"][0]["participants"] == 1


def test_other_units_ids_are_404_everywhere(client, officer_a, world):
    client.force_login(officer_a)
    b = world["b"]
    for url in (
        f"{API}/services/{world['svc_b'].pk}",
        f"{API}/dispatches/{world['d_b'].pk}",
        f"{API}/cadres/{b.pk}/credit",
    ):
        assert client.get(url).status_code == 404, url
    body = {"place": "某村", "role": "队员", "start_date": "2022-01-01"}
    assert post(client, f"{API}/cadres/{b.pk}/services", body).status_code == 404
    assert client.delete(f"{API}/services/{world['svc_b'].pk}").status_code == 404
    assert FrontlineService.objects.filter(cadre=b, deleted_at__isnull=True).count() == 1


def test_receiving_side_reads_but_cannot_act(client, city, world):
    from apps.accounts.tests.factories import UserFactory, grant

    officer_b = UserFactory(username="officer_b")
    grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
    client.force_login(officer_b)
    d_a = world["d_a"]
    assert client.get(f"{API}/dispatches/{d_a.pk}").status_code == 200
    response = post(
        client,
        f"{API}/dispatches/{d_a.pk}/approve",
        {"version": d_a.version, "document_number": "乙组〔2026〕1号"},
    )
    assert response.status_code == 404
    d_a.refresh_from_db()
    assert d_a.state == DispatchState.PLANNED


def test_leader_reads_but_cannot_write(client, leader_a, world):
    client.force_login(leader_a)
    assert client.get(f"{API}/services").status_code == 200
    body = {"place": "某村", "role": "队员", "start_date": "2022-01-01"}
    assert post(client, f"{API}/cadres/{world['a'].pk}/services", body).status_code == 403


def test_service_add_validates_and_credit_counts_it(client, officer_a, world):
    client.force_login(officer_a)
    a = world["a"]
    bad = post(
        client,
        f"{API}/cadres/{a.pk}/services",
        {"place": "某村", "role": "队员", "start_date": "2022-05-01", "end_date": "2022-04-01"},
    )
    assert bad.status_code == 400 and "结束日期" in bad.content.decode()
    ok = post(
        client,
        f"{API}/cadres/{a.pk}/services",
        {
            "task": world["task"].pk,
            "place": "新民村",
            "role": "驻村工作队员",
            "start_date": "2023-01-01",
            "end_date": "2023-12-31",
            "remote": True,
        },
    )
    assert ok.status_code == 201 and ok.json()["kind"] == TaskKind.POVERTY
    credit = client.get(f"{API}/cadres/{a.pk}/credit?on=2024-06-01").json()
    # 2021-03-01..2022-02-28 (factory) + 2023: 365 + 365 days = 730 days → 23.9 months.
    assert credit["total_days"] == 730 and credit["qualifies"] is True
    assert AuditEvent.objects.filter(action="cadre.view", target_id=str(a.pk)).exists()


def test_dispatch_flow_and_concurrent_approval(client, officer_a, city, world):
    client.force_login(officer_a)
    cadre = CadreFactory(name="点将人", unit=city.county_a_dept)
    start = timezone.localdate() - timedelta(days=10)
    body = {
        "cadre": cadre.pk,
        "kind": DispatchKind.FIRST_SECRETARY,
        "target_unit": city.county_a_town.pk,
        "target_post": "驻村第一书记",
        "village": "新民村",
        "planned_start": str(start),
        "planned_end": str(start + timedelta(days=200)),
    }
    short = post(client, f"{API}/dispatches", body)
    assert short.status_code == 400 and "任期" in short.content.decode()
    body["planned_end"] = str(date(start.year + 2, start.month, 1) + timedelta(days=40))
    created = post(client, f"{API}/dispatches", body)
    assert created.status_code == 201, created.content
    dispatch = created.json()
    approve = {"version": dispatch["version"], "document_number": "甲组〔2026〕8号"}
    first = post(client, f"{API}/dispatches/{dispatch['id']}/approve", approve)
    assert first.status_code == 200 and first.json()["state"] == DispatchState.APPROVED
    second = post(client, f"{API}/dispatches/{dispatch['id']}/approve", approve)
    assert second.status_code == 409 and "审批" in second.content.decode()
    started = post(
        client,
        f"{API}/dispatches/{dispatch['id']}/start",
        {"version": first.json()["version"], "actual_start": str(start)},
    )
    assert started.status_code == 200 and started.json()["state"] == DispatchState.IN_POST
    service = FrontlineService.objects.get(dispatch_id=dispatch["id"])
    assert service.start_date == start and service.end_date is None
    assert client.get(f"{API}/dispatches/{dispatch['id']}").status_code == 200
    assert AuditEvent.objects.filter(action="frontline.dispatch.view").count() == 1
    again = post(client, f"{API}/dispatches", body)
    assert again.status_code == 400 and "已有全职选派" in again.content.decode()
    assert Dispatch.objects.filter(cadre=cadre).count() == 1


def test_task_create_needs_change_scope_over_the_lead_unit(client, officer_a, city):
    client.force_login(officer_a)
    body = {"name": "抗洪救灾", "kind": "disaster", "start_date": "2024-07-01"}
    outside = post(client, f"{API}/tasks", {**body, "lead_unit": city.root.pk})
    assert outside.status_code == 400 and "牵头单位" in outside.content.decode()
    inside = post(
        client,
        f"{API}/tasks",
        {**body, "lead_unit": city.county_a.pk, "participating_units": [city.county_a_town.pk]},
    )
    assert inside.status_code == 201 and inside.json()["participating_units"][0]["name"]
    task = inside.json()
    updated = client.put(
        f"{API}/tasks/{task['id']}",
        json.dumps({**body, "lead_unit": city.county_a.pk, "name": "2024年抗洪救灾", "version": 1}),
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.put(
        f"{API}/tasks/{task['id']}",
        json.dumps({**body, "lead_unit": city.county_a.pk, "version": 1}),
        content_type="application/json",
    )
    assert stale.status_code == 409
