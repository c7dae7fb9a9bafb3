"""知事识人: key work, task records (exactly one matter, ratings with evidence, observations of
the same cadre, versioning), their pages, the unit's key-work page, the cadre tab and export."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.constants import TaskRating
from apps.assessment.models import KeyWork, TaskRecord
from apps.assessment.services.tasks import (
    KeyWorkInput,
    TaskRecordInput,
    keywork_create,
    taskrecord_add,
    taskrecord_update,
)
from apps.assessment.tests.factories import (
    KeyWorkFactory,
    ResearchVisitFactory,
    TaskRecordFactory,
    VisitObservationFactory,
)
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.tests.helpers import list_export_rows
from apps.frontline.tests.factories import CentralTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(city):
    a = CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    b = CadreFactory(name="李娜", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
    city_task = CentralTaskFactory(name="防汛抗旱", lead_unit=city.root)
    b_task = CentralTaskFactory(name="乙县招商", lead_unit=city.county_b)
    work = KeyWorkFactory(unit=city.county_a_dept, year=2026, title="预算绩效改革")
    b_work = KeyWorkFactory(unit=city.county_b_dept, year=2026, title="乙县国资改革")
    return {
        "a": a,
        "b": b,
        "city_task": city_task,
        "b_task": b_task,
        "work": work,
        "b_work": b_work,
    }


def record_input(**changes) -> TaskRecordInput:
    values = {
        "role": "牵头负责",
        "start_date": date(2026, 3, 1),
        "planning": TaskRating.EXCELLENT,
        "planning_evidence": "提出分片包干方案",
    }
    values.update(changes)
    return TaskRecordInput(**values)


class TestKeyWork:
    def test_create_in_change_scope(self, officer_a, leader_a, city):
        item = keywork_create(
            actor=officer_a,
            data=KeyWorkInput(unit_id=city.county_a_dept.pk, year=2026, title="营商环境"),
        )
        assert item.unit == city.county_a_dept
        assert AuditEvent.objects.filter(action="assessment.keywork.create").exists()
        for actor, unit in ((officer_a, city.county_b_dept), (leader_a, city.county_a_dept)):
            with pytest.raises(DomainError) as exc:
                keywork_create(
                    actor=actor, data=KeyWorkInput(unit_id=unit.pk, year=2026, title="x")
                )
            assert "unit" in exc.value.fields


class TestTaskRecordServices:
    def test_add_with_central_task_audited(self, officer_a, world):
        record = taskrecord_add(
            actor=officer_a,
            cadre_id=world["a"].pk,
            data=record_input(central_task_id=world["city_task"].pk),
        )
        assert record.central_task == world["city_task"] and record.version == 1
        event = AuditEvent.objects.get(action="assessment.taskrecord.add")
        assert event.after["planning"] == "excellent" and event.detail["cadre"] == world["a"].pk

    @pytest.mark.parametrize("matter", ["none", "both"])
    def test_exactly_one_matter(self, officer_a, world, matter):
        ids = (
            {}
            if matter == "none"
            else {"central_task_id": world["city_task"].pk, "key_work_id": world["work"].pk}
        )
        with pytest.raises(DomainError) as exc:
            taskrecord_add(actor=officer_a, cadre_id=world["a"].pk, data=record_input(**ids))
        assert exc.value.fields["central_task"] == "请在中心任务和重点工作中选择且只选择一项"
        assert not TaskRecord.objects.exists()

    def test_key_work_and_matters_outside_scope(self, officer_a, world):
        record = taskrecord_add(
            actor=officer_a, cadre_id=world["a"].pk, data=record_input(key_work_id=world["work"].pk)
        )
        assert record.key_work == world["work"]
        with pytest.raises(DomainError) as exc:
            taskrecord_add(
                actor=officer_a,
                cadre_id=world["a"].pk,
                data=record_input(central_task_id=world["b_task"].pk),
            )
        assert "central_task" in exc.value.fields
        with pytest.raises(DomainError) as exc:
            taskrecord_add(
                actor=officer_a,
                cadre_id=world["a"].pk,
                data=record_input(key_work_id=world["b_work"].pk),
            )
        assert "key_work" in exc.value.fields

    def test_cadre_in_change_scope(self, officer_a, leader_a, world):
        for actor, cadre in ((officer_a, world["b"]), (leader_a, world["a"])):
            with pytest.raises(OutOfScopeError):
                taskrecord_add(
                    actor=actor,
                    cadre_id=cadre.pk,
                    data=record_input(central_task_id=world["city_task"].pk),
                )

    def test_rating_needs_evidence_and_dates(self, officer_a, world):
        with pytest.raises(DomainError) as exc:
            taskrecord_add(
                actor=officer_a,
                cadre_id=world["a"].pk,
                data=record_input(
                    central_task_id=world["city_task"].pk,
                    result=TaskRating.GOOD,
                    end_date=date(2026, 2, 1),
                    role="",
                ),
            )
        assert exc.value.fields == {
            "role": "请填写承担角色",
            "end_date": "结束日期不能早于开始日期",
            "result_evidence": "已评价成事，请填写成事依据",
        }

    def test_observations_of_the_same_cadre_only(self, officer_a, world, city):
        visit = ResearchVisitFactory(team=city.county_a)
        own = VisitObservationFactory(visit=visit, cadre=world["a"])
        other = VisitObservationFactory(visit=visit, cadre=CadreFactory(unit=city.county_a))
        with pytest.raises(DomainError) as exc:
            taskrecord_add(
                actor=officer_a,
                cadre_id=world["a"].pk,
                data=record_input(
                    central_task_id=world["city_task"].pk, observation_ids=[own.pk, other.pk]
                ),
            )
        assert "observations" in exc.value.fields
        record = taskrecord_add(
            actor=officer_a,
            cadre_id=world["a"].pk,
            data=record_input(central_task_id=world["city_task"].pk, observation_ids=[own.pk]),
        )
        assert list(record.observations.all()) == [own]

    def test_update_versioned_names_who_changed_it(self, officer_a, officer_city, world, city):
        officer_a2 = UserFactory(username="a2", full_name="甲县干部二科")
        grant(officer_a2, city.county_a, levels=[ManagedBy.COUNTY])
        record = TaskRecordFactory(cadre=world["a"], central_task=world["city_task"])
        taskrecord_update(
            actor=officer_a2,
            record_id=record.pk,
            expected_version=1,
            data=record_input(central_task_id=world["city_task"].pk, role="具体负责"),
        )
        with pytest.raises(StaleVersionError) as exc:
            taskrecord_update(
                actor=officer_a,
                record_id=record.pk,
                expected_version=1,
                data=record_input(central_task_id=world["city_task"].pk, role="配合"),
            )
        assert "已被甲县干部二科修改" in exc.value.message
        assert exc.value.changes["role"] == ("牵头负责", "具体负责")
        record.refresh_from_db()
        assert record.role == "具体负责" and record.version == 2
        with pytest.raises(OutOfScopeError):
            taskrecord_update(
                actor=officer_city,  # 市管 only: a 县管 cadre's record is outside
                record_id=record.pk,
                expected_version=2,
                data=record_input(central_task_id=world["city_task"].pk),
            )

    def test_update_replaces_linked_observations(self, officer_a, world, city):
        linked = VisitObservationFactory(cadre=world["a"], visit=ResearchVisitFactory())
        record = TaskRecordFactory(cadre=world["a"], central_task=world["city_task"])
        record.observations.set([linked])
        taskrecord_update(
            actor=officer_a,
            record_id=record.pk,
            expected_version=1,
            data=record_input(central_task_id=world["city_task"].pk, observation_ids=[]),
        )
        assert list(record.observations.all()) == []
        event = AuditEvent.objects.get(action="assessment.taskrecord.update")
        assert event.before["observations"] == [linked.pk] and event.after["observations"] == []


@pytest.fixture
def records(world, city):
    rec_a = TaskRecordFactory(
        cadre=world["a"],
        central_task=world["city_task"],
        planning=TaskRating.EXCELLENT,
        planning_evidence="分片包干",
        execution=TaskRating.GOOD,
        result=TaskRating.FAIR,
    )
    rec_kw = TaskRecordFactory(
        cadre=world["a"],
        central_task=None,
        key_work=world["work"],
        start_date=date(2026, 1, 1),
        planning=TaskRating.POOR,
        execution=TaskRating.POOR,
        result=TaskRating.POOR,
    )
    rec_b = TaskRecordFactory(cadre=world["b"], central_task=world["city_task"])
    return {"a": rec_a, "kw": rec_kw, "b": rec_b}


class TestTaskRecordPages:
    url = reverse("assessment:taskrecord_list")

    def ids(self, response) -> set[int]:
        return {r.pk for r in response.context["page"].object_list}

    def test_list_scope_and_filters(self, officer_a, officer_b, records, world, city):
        c = login(officer_a)
        assert self.ids(c.get(self.url)) == {records["a"].pk, records["kw"].pk}
        assert self.ids(c.get(self.url, {"central_task": world["city_task"].pk})) == {
            records["a"].pk
        }
        assert self.ids(c.get(self.url, {"key_work": world["work"].pk})) == {records["kw"].pk}
        assert self.ids(c.get(self.url, {"rating": "poor"})) == {records["kw"].pk}
        assert self.ids(c.get(self.url, {"rating": "excellent", "aspect": "planning"})) == {
            records["a"].pk
        }
        assert self.ids(c.get(self.url, {"rating": "excellent", "aspect": "result"})) == set()
        assert self.ids(c.get(self.url, {"unit": city.county_a_town.pk})) == set()
        assert self.ids(c.get(self.url, {"q": "zw"})) == {records["a"].pk, records["kw"].pk}
        assert self.ids(login(officer_b).get(self.url)) == {records["b"].pk}
        bad = c.get(self.url, {"rating": "best"})
        assert self.ids(bad) == set() and "筛选条件有误" in bad.content.decode()

    def test_create_via_cadre_query_and_pick(self, officer_a, world):
        c = login(officer_a)
        url = reverse("assessment:taskrecord_create")
        assert c.get(url).status_code == 200  # the picker
        pick = c.get(reverse("assessment:cadre_pick"), {"q": "张", "for": "taskrecord"})
        assert f"?cadre={world['a'].pk}" in pick.content.decode()
        assert "李娜" not in pick.content.decode()
        assert c.get(url, {"cadre": world["b"].pk}).status_code == 404
        page = c.get(url, {"cadre": world["a"].pk})
        key_work = dict(page.context["form"].fields["key_work"].choices)
        assert world["work"].pk in key_work and world["b_work"].pk not in key_work
        form = {
            "central_task": world["city_task"].pk,
            "key_work": world["work"].pk,
            "role": "牵头",
            "start_date": "2026-03-01",
        }
        both = c.post(f"{url}?cadre={world['a'].pk}", form)
        assert both.status_code == 200 and "选择且只选择一项" in both.content.decode()
        del form["key_work"]
        assert c.post(f"{url}?cadre={world['a'].pk}", form).status_code == 302
        assert TaskRecord.objects.filter(cadre=world["a"]).count() == 1

    def test_edit_versioned_page(self, officer_a, records, world):
        c = login(officer_a)
        url = reverse("assessment:taskrecord_edit", args=[records["a"].pk])
        assert c.get(url).status_code == 200
        form = {
            "central_task": world["city_task"].pk,
            "role": "总指挥",
            "start_date": "2025-03-01",
            "version": 1,
        }
        assert c.post(url, form).status_code == 302
        stale = c.post(url, {**form, "role": "副总指挥"})
        assert stale.status_code == 409 and "已被甲县干部科修改" in stale.content.decode()
        foreign = reverse("assessment:taskrecord_edit", args=[records["b"].pk])
        assert c.get(foreign).status_code == 404

    def test_leader_and_three_roles(self, leader_a, records):
        c = login(leader_a)
        assert c.get(self.url).status_code == 200
        assert c.get(reverse("assessment:taskrecord_create")).status_code == 403
        edit = reverse("assessment:taskrecord_edit", args=[records["a"].pk])
        assert c.get(edit).status_code == 403
        assert login(UserFactory(role=Role.AUDITOR)).get(self.url).status_code == 403

    def test_keywork_create_page(self, officer_a, city):
        c = login(officer_a)
        url = reverse("assessment:keywork_create")
        assert c.get(url, {"unit": city.county_a.pk}).status_code == 200
        response = c.post(url, {"unit": city.county_a.pk, "year": 2026, "title": "城市更新"})
        assert response.status_code == 302
        assert response.url == reverse("assessment:keywork_list", args=[city.county_a.pk])
        foreign = c.post(url, {"unit": city.county_b.pk, "year": 2026, "title": "x"})
        assert foreign.status_code == 200 and not KeyWork.objects.filter(title="x").exists()


class TestUnitKeyWorkPage:
    def test_who_carried_the_units_key_work(self, officer_a, records, world, city):
        url = reverse("assessment:keywork_list", args=[city.county_a_dept.pk])
        response = login(officer_a).get(url)
        assert response.status_code == 200
        items = response.context["items"]
        assert [(k.title, [r.cadre.name for r in rs]) for k, rs in items] == [
            ("预算绩效改革", ["张伟"])
        ]
        tasks = response.context["tasks"]
        assert [(t.name, [r.cadre.name for r in rs]) for t, rs in tasks] == [("防汛抗旱", ["张伟"])]
        assert response.context["can_add"]
        assert login(officer_a).get(url, {"year": 2025}).context["items"] == []

    def test_county_page_includes_subtree_cadres_foreign_unit_404(self, officer_a, records, city):
        c = login(officer_a)
        county = c.get(reverse("assessment:keywork_list", args=[city.county_a.pk]))
        assert [t.name for t, _ in county.context["tasks"]] == ["防汛抗旱"]
        assert county.context["items"] == []
        foreign = reverse("assessment:keywork_list", args=[city.county_b_dept.pk])
        assert c.get(foreign).status_code == 404


class TestTab:
    def test_timeline_with_evidence_observations_and_specials(
        self, officer_a, records, world, city
    ):
        from apps.assessment.tabs_research import build_taskrecords_tab
        from apps.assessment.tests.factories import SpecialAssessmentFactory

        obs = VisitObservationFactory(
            cadre=world["a"],
            visit=ResearchVisitFactory(team=city.county_a),
            text="防汛一线表现突出",
        )
        records["a"].observations.add(obs)
        SpecialAssessmentFactory(cadre=world["a"], central_task=world["city_task"])
        client = login(officer_a)
        page = client.get(reverse("cadres:cadre_detail", args=[world["a"].pk]))
        assert page.status_code == 200 and "知事识人（2）" in page.content.decode()
        response = get_tab(client, world["a"].pk, "taskrecords")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="taskrecord-timeline"' in html
        assert "分片包干" in html and "防汛一线表现突出" in html
        assert 'data-testid="cadre-specials"' in html

        class Request:
            user = officer_a

        data = build_taskrecords_tab(Request(), world["a"])  # type: ignore[arg-type]
        assert data["count"] == 2
        assert [i["record"] for i in data["timeline"]] == [records["kw"], records["a"]]
        first = data["timeline"][1]
        assert [a["rating"] for a in first["aspects"]] == ["优", "良", "中"]
        assert first["record"].seen_observations == [obs]


export = list_export_rows


def test_export_scoped_and_filtered(officer_a, records, django_capture_on_commit_callbacks):
    c = login(officer_a)
    rows = export(c, "assessment-taskrecords", "", django_capture_on_commit_callbacks)
    assert rows[0][:4] == ("姓名", "单位", "事项类别", "事项")
    assert sorted((r[0], r[2]) for r in rows[1:]) == [("张伟", "中心任务"), ("张伟", "重点工作")]
    poor = export(c, "assessment-taskrecords", "rating=poor", django_capture_on_commit_callbacks)
    assert [r[3] for r in poor[1:]] == ["2026 预算绩效改革"]


def test_list_query_budget(officer_a, city, django_assert_max_num_queries):
    for _ in range(6):
        TaskRecordFactory(cadre=CadreFactory(unit=city.county_a_dept))
    client = login(officer_a)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("assessment:taskrecord_list"))
    assert len(response.context["page"].object_list) == 6


def test_unit_page_links_to_its_key_work(client, city, officer_a):
    client.force_login(officer_a)
    html = client.get(f"/cadres/units/{city.county_a_dept.pk}/").content.decode()
    assert f"/assessment/units/{city.county_a_dept.pk}/key-work/" in html
