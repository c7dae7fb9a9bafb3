"""Memorial records and family-care follow-ups: the due-date rules at their boundaries, the
services' checks, optimistic locking, and the scope matrix on pages and exports."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, Job, JobStatus, RuleParameter
from apps.frontline import selectors_care as care
from apps.frontline.models import FamilyCareVisit, Sacrifice
from apps.frontline.services import memorials as services
from apps.frontline.services.memorials import care_due_date, is_overdue
from apps.frontline.tests.factories import (
    CentralTaskFactory,
    FamilyCareVisitFactory,
    SacrificeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
DIED = date(2025, 8, 15)


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


class TestRules:
    @pytest.mark.parametrize(
        ("next_due", "interval", "expected"),
        [
            (None, 90, DIED + timedelta(days=90)),
            (None, 30, DIED + timedelta(days=30)),
            (date(2026, 1, 1), 90, date(2026, 1, 1)),
        ],
    )
    def test_care_due_date(self, next_due, interval, expected):
        assert care_due_date(DIED, next_due, interval) == expected

    @pytest.mark.parametrize(
        ("due", "overdue"),
        [
            (TODAY + timedelta(days=1), False),
            (TODAY, False),  # due today is not yet overdue
            (TODAY - timedelta(days=1), True),  # due yesterday is
        ],
    )
    def test_is_overdue(self, due, overdue):
        assert is_overdue(due, TODAY) is overdue


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def people(city):
    return {
        "a": CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "b": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


def record_data(**kw):
    data = {
        "died_on": DIED,
        "task": None,
        "place": "甲县城关镇新民村",
        "circumstances": "在抗洪抢险一线连续奋战，转移群众途中遭遇山洪，因公殉职。",
        "honours": "追授“优秀共产党员”",
        "family_contact": "李芳（妻子）",
        "care_interval_days": None,
    }
    data.update(kw)
    return data


class TestSacrificeService:
    def test_create_defaults_interval_from_param(self, officer_a, people):
        record = services.sacrifice_create(
            actor=officer_a, cadre_id=people["a"].pk, data=record_data(), today=TODAY
        )
        assert record.care_interval_days == 90 and record.version == 1
        assert record.created_by == officer_a
        assert last_event("frontline.sacrifice.create").target_id == str(record.pk)

    def test_create_uses_local_param_value(self, officer_a, people):
        RuleParameter.objects.create(
            key="frontline.care_visit_interval_days",
            value=60,
            effective_from=date(2026, 1, 1),
            source="本地规定",
        )
        record = services.sacrifice_create(
            actor=officer_a, cadre_id=people["a"].pk, data=record_data(), today=TODAY
        )
        assert record.care_interval_days == 60

    def test_one_per_cadre(self, officer_a, people):
        services.sacrifice_create(
            actor=officer_a, cadre_id=people["a"].pk, data=record_data(), today=TODAY
        )
        with pytest.raises(DomainError, match="已有纪念记录"):
            services.sacrifice_create(
                actor=officer_a, cadre_id=people["a"].pk, data=record_data(), today=TODAY
            )

    @pytest.mark.parametrize(
        ("died_on", "ok"),
        [
            (TODAY, True),
            (TODAY + timedelta(days=1), False),
            (date(1980, 5, 17), True),  # the factory's birth date
            (date(1980, 5, 16), False),
        ],
    )
    def test_died_on_bounds(self, officer_a, people, died_on, ok):
        call = lambda: services.sacrifice_create(  # noqa: E731
            actor=officer_a, cadre_id=people["a"].pk, data=record_data(died_on=died_on), today=TODAY
        )
        if ok:
            assert call().died_on == died_on
        else:
            with pytest.raises(DomainError) as exc:
                call()
            assert "died_on" in exc.value.fields

    def test_required_text_and_task_scope(self, officer_a, people, city):
        with pytest.raises(DomainError) as exc:
            services.sacrifice_create(
                actor=officer_a,
                cadre_id=people["a"].pk,
                data=record_data(place=" ", circumstances=""),
                today=TODAY,
            )
        assert set(exc.value.fields) == {"place", "circumstances"}
        task_b = CentralTaskFactory(lead_unit=city.county_b)
        with pytest.raises(DomainError) as exc:
            services.sacrifice_create(
                actor=officer_a, cadre_id=people["a"].pk, data=record_data(task=task_b.pk)
            )
        assert "task" in exc.value.fields
        task_root = CentralTaskFactory(lead_unit=city.root)
        record = services.sacrifice_create(
            actor=officer_a, cadre_id=people["a"].pk, data=record_data(task=task_root.pk)
        )
        assert record.task == task_root

    def test_scope_and_leader(self, officer_a, leader_a, people):
        for actor, cadre in ((officer_a, people["b"]), (leader_a, people["a"])):
            with pytest.raises(OutOfScopeError):
                services.sacrifice_create(
                    actor=actor, cadre_id=cadre.pk, data=record_data(), today=TODAY
                )
        assert not Sacrifice.objects.exists()

    def test_update_with_version_check(self, officer_a, people):
        other = UserFactory(username="colleague", full_name="甲县干部科二")
        grant(other, people["a"].unit, levels=[ManagedBy.COUNTY])
        record = SacrificeFactory(cadre=people["a"], died_on=DIED)
        services.sacrifice_update(
            actor=other,
            sacrifice_id=record.pk,
            expected_version=1,
            data={"honours": "追授“全国脱贫攻坚模范”"},
            today=TODAY,
        )
        with pytest.raises(StaleVersionError) as exc:
            services.sacrifice_update(
                actor=officer_a,
                sacrifice_id=record.pk,
                expected_version=1,
                data={"place": "别处"},
                today=TODAY,
            )
        assert "甲县干部科二" in exc.value.message
        assert exc.value.changes == {"honours": ("", "追授“全国脱贫攻坚模范”")}
        updated = services.sacrifice_update(
            actor=officer_a,
            sacrifice_id=record.pk,
            expected_version=2,
            data={"place": "别处"},
            today=TODAY,
        )
        assert updated.version == 3 and updated.place == "别处"
        event = last_event("frontline.sacrifice.update")
        assert event.after == {"place": "别处"} and event.detail == {"version": 3}

    def test_update_out_of_scope(self, officer_b, people):
        record = SacrificeFactory(cadre=people["a"])
        with pytest.raises(OutOfScopeError):
            services.sacrifice_update(
                actor=officer_b, sacrifice_id=record.pk, expected_version=1, data={}
            )


class TestVisits:
    @pytest.fixture
    def record(self, people):
        return SacrificeFactory(cadre=people["a"], died_on=DIED, care_interval_days=90)

    def visit(self, actor, record, **kw):
        data = {"visited_on": DIED, "visitors": "县委组织部", "actions": "送去慰问金"}
        data.update(kw)
        return services.visit_add(actor=actor, sacrifice_id=record.pk, data=data, today=TODAY)

    def test_next_due_defaults_to_interval(self, officer_a, record):
        visit = self.visit(officer_a, record, visited_on=DIED)  # the day itself is allowed
        assert visit.next_due == DIED + timedelta(days=90)
        assert last_event("frontline.care_visit.add").target_id == str(record.pk)

    @pytest.mark.parametrize(
        ("kw", "field"),
        [
            ({"visited_on": DIED - timedelta(days=1)}, "visited_on"),
            ({"visited_on": TODAY + timedelta(days=1)}, "visited_on"),
            ({"visited_on": TODAY, "next_due": TODAY}, "next_due"),
            ({"visitors": " "}, "visitors"),
        ],
    )
    def test_refusals(self, officer_a, record, kw, field):
        with pytest.raises(DomainError) as exc:
            self.visit(officer_a, record, **kw)
        assert field in exc.value.fields

    def test_today_with_explicit_next_due(self, officer_a, record):
        visit = self.visit(officer_a, record, visited_on=TODAY, next_due=TODAY + timedelta(1))
        assert visit.next_due == TODAY + timedelta(days=1)

    def test_scope(self, officer_b, leader_a, record):
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                self.visit(actor, record)
        assert not FamilyCareVisit.objects.exists()


class TestOverdue:
    def test_boundaries(self, officer_a, officer_b, people, city):
        interval = 90
        due_today = SacrificeFactory(
            cadre=people["a"], died_on=TODAY - timedelta(days=interval), care_interval_days=90
        )
        due_yesterday = SacrificeFactory(
            cadre=CadreFactory(unit=city.county_a_dept),
            died_on=TODAY - timedelta(days=interval + 1),
            care_interval_days=90,
        )
        visited = SacrificeFactory(
            cadre=CadreFactory(unit=city.county_a_dept), died_on=date(2020, 1, 1)
        )
        FamilyCareVisitFactory(
            sacrifice=visited, visited_on=date(2025, 12, 1), next_due=TODAY - timedelta(days=1)
        )
        FamilyCareVisitFactory(  # the latest visit's next due date governs
            sacrifice=visited, visited_on=date(2026, 3, 1), next_due=TODAY
        )
        SacrificeFactory(cadre=people["b"], died_on=date(2020, 1, 1))  # county B's
        rows = care.overdue_care(officer_a, TODAY)
        assert [r.sacrifice for r in rows] == [due_yesterday]
        assert rows[0].days_overdue == 1
        assert due_today not in [r.sacrifice for r in care.overdue_care(officer_a, TODAY)]
        assert [r.sacrifice.cadre for r in care.overdue_care(officer_b, TODAY)] == [people["b"]]
        tomorrow = {r.sacrifice for r in care.overdue_care(officer_a, TODAY + timedelta(days=1))}
        assert tomorrow == {due_today, due_yesterday, visited}


@pytest.fixture
def records(people):
    return {
        "a": SacrificeFactory(cadre=people["a"], died_on=date(2020, 8, 15)),
        "b": SacrificeFactory(cadre=people["b"], died_on=date(2021, 7, 1)),
    }


def export(client: Client, name: str, capture) -> list[tuple]:
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=[name]))
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE, job.error
    with job.result_file.open("rb") as handle:
        return list(load_workbook(BytesIO(handle.read())).active.iter_rows(values_only=True))


class TestPages:
    def test_list_scope(self, client, officer_a, officer_b, records):
        response = login(client, officer_a).get(reverse("frontline:memorial_list"))
        assert [r.sacrifice for r in response.context["page"].object_list] == [records["a"]]
        assert "张敏" not in response.content.decode()
        response = login(Client(), officer_b).get(reverse("frontline:memorial_list"))
        assert [r.sacrifice for r in response.context["page"].object_list] == [records["b"]]
        for sort in ("due", "-died_on", "name", "bogus"):
            c = login(client, officer_a)
            assert c.get(reverse("frontline:memorial_list"), {"sort": sort}).status_code == 200

    def test_detail_scope(self, client, officer_a, leader_a, records):
        c = login(client, officer_a)
        response = c.get(reverse("frontline:memorial_detail", args=[records["a"].pk]))
        html = response.content.decode()
        assert response.status_code == 200 and "抗洪抢险中因公殉职" in html
        assert 'data-testid="visit-form"' in html
        assert (
            c.get(reverse("frontline:memorial_detail", args=[records["b"].pk])).status_code == 404
        )
        assert c.get(reverse("frontline:memorial_edit", args=[records["b"].pk])).status_code == 404
        leader = login(Client(), leader_a)
        response = leader.get(reverse("frontline:memorial_detail", args=[records["a"].pk]))
        assert response.status_code == 200
        assert 'data-testid="visit-form"' not in response.content.decode()

    def test_visit_add_scope(self, client, officer_a, leader_a, records):
        data = {"visited_on": "2025-01-10", "visitors": "县委组织部", "actions": "慰问"}
        c = login(client, officer_a)
        url_b = reverse("frontline:visit_add", args=[records["b"].pk])
        assert c.post(url_b, data).status_code == 404
        leader = login(Client(), leader_a)
        url_a = reverse("frontline:visit_add", args=[records["a"].pk])
        assert leader.post(url_a, data).status_code == 403
        assert not FamilyCareVisit.objects.exists()
        assert c.post(url_a, data).status_code == 302
        response = c.post(url_a, {**data, "visited_on": "2019-01-01"})
        assert response.status_code == 400 and "不能早于牺牲日期" in response.content.decode()
        assert FamilyCareVisit.objects.count() == 1

    def test_create_page(self, client, officer_a, leader_a, people):
        c = login(client, officer_a)
        url = reverse("frontline:memorial_create", args=[people["a"].pk])
        assert 'value="90"' in c.get(url).content.decode()
        data = {
            "died_on": "2025-08-15",
            "place": "新民村",
            "circumstances": "因公殉职",
            "care_interval_days": "90",
        }
        response = c.post(url, data)
        record = Sacrifice.objects.get(cadre=people["a"])
        assert response.url == reverse("frontline:memorial_detail", args=[record.pk])
        assert "已有纪念记录" in c.post(url, data).content.decode()
        url_b = reverse("frontline:memorial_create", args=[people["b"].pk])
        assert c.get(url_b).status_code == 404
        assert login(Client(), leader_a).get(url).status_code == 403

    def test_edit_conflict(self, client, officer_a, records):
        c = login(client, officer_a)
        url = reverse("frontline:memorial_edit", args=[records["a"].pk])
        data = {
            "died_on": "2020-08-15",
            "place": "新民村",
            "circumstances": "因公殉职",
            "care_interval_days": "90",
            "version": "1",
        }
        assert c.post(url, data).status_code == 302
        response = c.post(url, {**data, "place": "旧村"})
        assert response.status_code == 409 and 'data-testid="conflict"' in response.content.decode()
        records["a"].refresh_from_db()
        assert records["a"].place == "新民村" and records["a"].version == 2

    def test_overdue_page(self, client, officer_a, records, people):
        recent = SacrificeFactory(
            cadre=CadreFactory(unit=people["a"].unit), died_on=timezone.localdate()
        )
        response = login(client, officer_a).get(reverse("frontline:care_overdue"))
        shown = [r.sacrifice for r in response.context["page"].object_list]
        assert shown == [records["a"]] and recent not in shown
        assert "已逾期" in response.content.decode()

    def test_exports_only_scoped_rows(
        self, client, officer_a, records, django_capture_on_commit_callbacks
    ):
        c = login(client, officer_a)
        rows = export(c, "frontline-memorials", django_capture_on_commit_callbacks)
        assert rows[0][0] == "姓名" and [r[0] for r in rows[1:]] == ["张伟"]
        rows = export(c, "frontline-care-overdue", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["张伟"]


def test_memorial_list_query_budget(client, officer_a, city, django_assert_max_num_queries):
    for _ in range(25):
        record = SacrificeFactory(cadre=CadreFactory(unit=city.county_a_dept))
        FamilyCareVisitFactory(sacrifice=record)
    c = login(client, officer_a)
    for name in ("memorial_list", "care_overdue"):
        with django_assert_max_num_queries(10):
            assert c.get(reverse(f"frontline:{name}")).status_code == 200
