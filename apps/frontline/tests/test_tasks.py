"""Central tasks: the services (scope of the lead unit, dates, versions, participating units) and
the pages (list filters and scoped counts, detail with scoped participants, edit, export)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.tests.helpers import list_export_rows
from apps.frontline.constants import TaskKind
from apps.frontline.models import CentralTask
from apps.frontline.services.tasks import TaskInput, task_create, task_set_units, task_update
from apps.frontline.tests.factories import CentralTaskFactory, FrontlineServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


def task_input(unit, **changes) -> TaskInput:
    values = {
        "name": "乡村振兴驻村帮扶",
        "kind": TaskKind.POVERTY,
        "lead_unit_id": unit.pk,
        "start_date": date(2021, 5, 1),
    }
    values.update(changes)
    return TaskInput(**values)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestTaskServices:
    def test_create_in_scope_audited(self, officer_a, city):
        task = task_create(
            actor=officer_a,
            data=task_input(city.county_a, participating_unit_ids=[city.county_a_town.pk]),
        )
        assert task.created_by == officer_a and task.version == 1
        assert list(task.participating_units.all()) == [city.county_a_town]
        event = AuditEvent.objects.get(action="frontline.task.create")
        assert event.after["participating_units"] == [city.county_a_town.pk]

    def test_lead_unit_outside_change_scope(self, officer_a, leader_a, city):
        for actor, unit in (
            (officer_a, city.county_b),
            (officer_a, city.root),
            (leader_a, city.county_a),
        ):
            with pytest.raises(DomainError) as exc:
                task_create(actor=actor, data=task_input(unit))
            assert "lead_unit" in exc.value.fields
        assert not CentralTask.objects.exists()

    def test_dates_and_names(self, officer_a, city):
        with pytest.raises(DomainError) as exc:
            task_create(
                actor=officer_a,
                data=task_input(city.county_a, name=" ", end_date=date(2021, 4, 30)),
            )
        assert exc.value.fields == {
            "name": "请填写任务名称",
            "end_date": "结束日期不能早于开始日期",
        }
        # a one-day task is fine
        task_create(actor=officer_a, data=task_input(city.county_a, end_date=date(2021, 5, 1)))

    def test_participating_unit_outside_scope(self, officer_a, city):
        with pytest.raises(DomainError) as exc:
            task_create(
                actor=officer_a,
                data=task_input(city.county_a, participating_unit_ids=[city.county_b.pk]),
            )
        assert "participating_units" in exc.value.fields

    def test_update_checks_version_and_names_who(self, officer_a, officer_city, city):
        task = CentralTaskFactory(lead_unit=city.county_a)
        task_update(
            actor=officer_city,
            task_id=task.pk,
            expected_version=1,
            data=task_input(city.county_a, name="新名称"),
        )
        with pytest.raises(StaleVersionError) as exc:
            task_update(
                actor=officer_a,
                task_id=task.pk,
                expected_version=1,
                data=task_input(city.county_a, name="另一个名称"),
            )
        assert "已被市委组织部干部一科修改" in exc.value.message
        assert exc.value.changes["name"][1] == "新名称"
        task.refresh_from_db()
        assert task.name == "新名称" and task.version == 2

    def test_county_cannot_change_city_task(self, officer_a, city):
        task = CentralTaskFactory(lead_unit=city.root)
        with pytest.raises(OutOfScopeError):
            task_update(
                actor=officer_a, task_id=task.pk, expected_version=1, data=task_input(city.root)
            )

    def test_cannot_move_lead_unit_out_of_scope(self, officer_a, city):
        task = CentralTaskFactory(lead_unit=city.county_a)
        with pytest.raises(DomainError):
            task_update(
                actor=officer_a,
                task_id=task.pk,
                expected_version=1,
                data=task_input(city.county_b),
            )
        task.refresh_from_db()
        assert task.lead_unit == city.county_a

    def test_units_the_actor_cannot_see_are_kept(self, officer_a, officer_city, city):
        task = CentralTaskFactory(lead_unit=city.county_a)
        task.participating_units.set([city.county_b_dept])  # added by the city
        task_set_units(
            actor=officer_a, task_id=task.pk, expected_version=1, unit_ids=[city.county_a_town.pk]
        )
        assert set(task.participating_units.all()) == {city.county_a_town, city.county_b_dept}


@pytest.fixture
def tasks(city):
    city_task = CentralTaskFactory(
        name="全市疫情防控",
        kind=TaskKind.EPIDEMIC,
        lead_unit=city.root,
        start_date=date(2020, 1, 20),
    )
    a_task = CentralTaskFactory(
        name="甲县抗洪救灾",
        kind=TaskKind.DISASTER,
        lead_unit=city.county_a,
        start_date=date(2020, 7, 1),
        end_date=date(2020, 9, 30),
    )
    b_task = CentralTaskFactory(
        name="乙县重点项目", kind=TaskKind.KEY_PROJECT, lead_unit=city.county_b
    )
    b_joined = CentralTaskFactory(
        name="乙县固边强边", kind=TaskKind.BORDER, lead_unit=city.county_b
    )
    b_joined.participating_units.set([city.county_a_town])
    a1 = CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    a2 = CadreFactory(name="李娜", unit=city.county_a_town, managed_by=ManagedBy.COUNTY)
    b1 = CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
    for cadre in (a1, a2, b1):
        FrontlineServiceFactory(cadre=cadre, task=city_task)
    FrontlineServiceFactory(cadre=a1, task=city_task, start_date=date(2023, 1, 1), end_date=None)
    deleted = FrontlineServiceFactory(cadre=a2, task=a_task)
    deleted.deleted_at = deleted.created_at
    deleted.save()
    return {"city": city_task, "a": a_task, "b": b_task, "b_joined": b_joined}


def names(response) -> set[str]:
    return {row.task.name for row in response.context["rows"]}


class TestTaskPages:
    url = reverse("frontline:task_list")

    def test_list_scope_and_counts(self, officer_a, tasks):
        response = login(officer_a).get(self.url)
        assert response.status_code == 200
        assert names(response) == {"全市疫情防控", "甲县抗洪救灾", "乙县固边强边"}
        counts = {row.task.name: row.participants for row in response.context["rows"]}
        # county B's participant and the deleted service are not counted; a1 counts once
        assert counts == {"全市疫情防控": 2, "甲县抗洪救灾": 0, "乙县固边强边": 0}

    def test_filters_and_sorts(self, officer_a, tasks):
        c = login(officer_a)
        assert names(c.get(self.url, {"kind": "disaster"})) == {"甲县抗洪救灾"}
        assert names(c.get(self.url, {"status": "ended"})) == {"甲县抗洪救灾"}
        assert "甲县抗洪救灾" not in names(c.get(self.url, {"status": "ongoing"}))
        assert names(c.get(self.url, {"q": "疫情"})) == {"全市疫情防控"}
        for sort in ("name", "-name", "kind", "start_date", "nonsense"):
            assert len(names(c.get(self.url, {"sort": sort, "page_size": 50}))) == 3
        bad = c.get(self.url, {"status": "later"})
        assert names(bad) == set() and "筛选条件有误" in bad.content.decode()

    def test_detail_participants_only_scoped(self, officer_a, officer_b, tasks):
        url = reverse("frontline:task_detail", args=[tasks["city"].pk])
        response = login(officer_a).get(url)
        assert response.status_code == 200
        cadres = sorted(row.service.cadre.name for row in response.context["rows"])
        assert cadres == sorted(["李娜", "张伟", "张伟"])
        summary = {u.unit_name: u.participants for u in response.context["units"]}
        assert summary == {"甲县财政局": 1, "甲县城关镇": 1}
        assert "张敏" not in response.content.decode()
        assert not response.context["can_edit"]  # the city leads it
        other = login(officer_b).get(url)
        assert [r.service.cadre.name for r in other.context["rows"]] == ["张敏"]

    def test_detail_of_foreign_task_is_404(self, officer_a, tasks):
        c = login(officer_a)
        assert c.get(reverse("frontline:task_detail", args=[tasks["b"].pk])).status_code == 404
        assert c.get(reverse("frontline:task_edit", args=[tasks["city"].pk])).status_code == 404
        joined = c.get(reverse("frontline:task_detail", args=[tasks["b_joined"].pk]))
        assert joined.status_code == 200

    def test_create_and_edit_pages(self, officer_a, city):
        c = login(officer_a)
        response = c.post(
            reverse("frontline:task_create"),
            {
                "name": "森林防火",
                "kind": "disaster",
                "lead_unit": city.county_a.pk,
                "participating_units": [city.county_a_town.pk, city.county_a_dept.pk],
                "start_date": "2024-03-01",
            },
        )
        assert response.status_code == 302
        task = CentralTask.objects.get(name="森林防火")
        assert task.participating_units.count() == 2
        edit = reverse("frontline:task_edit", args=[task.pk])
        page = c.get(edit)
        assert page.status_code == 200 and "森林防火" in page.content.decode()
        form = {
            "name": "森林防火（春季）",
            "kind": "disaster",
            "lead_unit": city.county_a.pk,
            "start_date": "2024-03-01",
            "end_date": "2024-02-01",
            "version": 1,
        }
        bad = c.post(edit, form)
        assert bad.status_code == 200 and "结束日期：" in bad.content.decode()
        form["end_date"] = "2024-05-31"
        assert c.post(edit, form).status_code == 302
        stale = c.post(edit, {**form, "name": "又改了"})
        assert stale.status_code == 409 and "已被甲县干部科修改" in stale.content.decode()
        task.refresh_from_db()
        assert task.name == "森林防火（春季）" and task.version == 2

    def test_foreign_lead_unit_in_form_refused(self, officer_a, city):
        response = login(officer_a).post(
            reverse("frontline:task_create"),
            {
                "name": "x",
                "kind": "disaster",
                "lead_unit": city.county_b.pk,
                "start_date": "2024-03-01",
            },
        )
        assert response.status_code == 200
        assert "牵头单位不存在或不在您的数据范围内" in response.content.decode()

    def test_leader_reads_but_cannot_write(self, leader_a, tasks):
        c = login(leader_a)
        assert c.get(self.url).status_code == 200
        assert c.get(reverse("frontline:task_create")).status_code == 403
        assert c.get(reverse("frontline:task_edit", args=[tasks["a"].pk])).status_code == 403


export = list_export_rows


class TestTaskExports:
    def test_task_list_export_scoped(self, officer_a, tasks, django_capture_on_commit_callbacks):
        rows = export(
            login(officer_a), "frontline-tasks", "sort=name", django_capture_on_commit_callbacks
        )
        assert rows[0][0] == "任务名称"
        assert {r[0] for r in rows[1:]} == {"全市疫情防控", "甲县抗洪救灾", "乙县固边强边"}
        counts = {r[0]: r[-1] for r in rows[1:]}
        assert counts["全市疫情防控"] == 2

    def test_participants_export_scoped(self, officer_a, tasks, django_capture_on_commit_callbacks):
        c = login(officer_a)
        rows = export(
            c,
            "frontline-task-participants",
            f"task={tasks['city'].pk}",
            django_capture_on_commit_callbacks,
        )
        assert sorted(r[0] for r in rows[1:]) == ["张伟", "张伟", "李娜"]
        foreign = export(
            c,
            "frontline-task-participants",
            f"task={tasks['b'].pk}",
            django_capture_on_commit_callbacks,
        )
        assert foreign == [tuple(foreign[0])]  # headers only

    def test_three_roles_cannot_export(self, city, tasks):
        from apps.accounts.models import Role

        c = login(UserFactory(role=Role.SYSADMIN))
        response = c.post(reverse("jobs:list_export", args=["frontline-tasks"]))
        assert response.status_code == 403
