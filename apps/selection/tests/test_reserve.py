"""后备干部: pool and entry services (scope, duplicates, exit with undo, versions), the pages
(pool list counts, pool entries with filters and picker, compare, scope 404s, leader read-only),
the exports and the cadre page's badge."""

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
from apps.core.models import AuditEvent, Job, JobStatus
from apps.selection import badges, exports_reserve  # noqa: F401 (registered by apps.py)
from apps.selection.models import ReserveEntry, ReservePool
from apps.selection.services.reserve import (
    DUPLICATE_ENTRY,
    DUPLICATE_POOL,
    EntryInput,
    ExitInput,
    PoolInput,
    entry_add,
    entry_exit,
    entry_exit_undo,
    entry_update,
    pool_create,
    pool_delete,
    pool_rename,
)
from apps.selection.tests.factories import ReserveEntryFactory, ReservePoolFactory
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def people(city):
    return {
        "a1": CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY),
        "a2": CadreFactory(name="李娜", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "a3": CadreFactory(name="王强", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY),
        "b1": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


@pytest.fixture
def pools(city):
    return {
        "a": ReservePoolFactory(unit=city.county_a, target_tier=Tier.SECTION_PRINCIPAL),
        "b": ReservePoolFactory(unit=city.county_b, target_tier=Tier.SECTION_PRINCIPAL),
        "city": ReservePoolFactory(unit=city.root, target_tier=Tier.DIVISION_DEPUTY),
    }


def entry_input(**kw) -> EntryInput:
    return EntryInput(
        **{"entry_date": date(2026, 3, 1), "source": "recommendation", "reason": "民主推荐得票第一"}
        | kw
    )


# --- services -------------------------------------------------------------------------------------


class TestPoolServices:
    def test_create_audited_and_duplicate_refused(self, officer_a, city):
        pool = pool_create(
            actor=officer_a,
            data=PoolInput(city.county_a.pk, Tier.SECTION_PRINCIPAL, "甲县乡科级正职后备干部"),
        )
        event = AuditEvent.objects.get(action="selection.reserve.pool.add")
        assert event.target_id == str(pool.pk)
        with pytest.raises(DomainError) as exc:
            pool_create(
                actor=officer_a, data=PoolInput(city.county_a.pk, Tier.SECTION_PRINCIPAL, "重复")
            )
        assert exc.value.message == DUPLICATE_POOL

    def test_unit_outside_change_scope_refused(self, officer_a, city):
        for unit in (city.county_b, city.root):
            with pytest.raises(DomainError) as exc:
                pool_create(actor=officer_a, data=PoolInput(unit.pk, Tier.SECTION_DEPUTY, "x"))
            assert "不在您的数据范围内" in exc.value.fields["unit"]

    def test_rename_and_delete_only_inside_change_scope(self, officer_a, pools, people):
        pool_rename(actor=officer_a, pool_id=pools["a"].pk, name="新名称")
        assert ReservePool.objects.get(pk=pools["a"].pk).name == "新名称"
        for key in ("b", "city"):  # a sibling's, and the city's seen from below
            with pytest.raises(OutOfScopeError):
                pool_rename(actor=officer_a, pool_id=pools[key].pk, name="改")
        ReserveEntryFactory(pool=pools["a"], cadre=people["a1"])
        with pytest.raises(DomainError, match="不能删除"):
            pool_delete(actor=officer_a, pool_id=pools["a"].pk)
        empty = ReservePoolFactory(unit=pools["a"].unit, target_tier=Tier.SECTION_DEPUTY)
        pool_delete(actor=officer_a, pool_id=empty.pk)
        assert not ReservePool.objects.filter(pk=empty.pk).exists()


class TestEntryServices:
    def test_add_audited(self, officer_a, pools, people):
        entry = entry_add(
            actor=officer_a,
            pool_id=pools["a"].pk,
            cadre_id=people["a1"].pk,
            data=entry_input(),
            today=TODAY,
        )
        assert entry.version == 1 and entry.exit_date is None
        event = AuditEvent.objects.get(action="selection.reserve.entry.add")
        assert event.after["source"] == "recommendation"
        assert event.detail["cadre"] == people["a1"].pk

    def test_one_active_entry_per_pool(self, officer_a, pools, people):
        args = {"actor": officer_a, "pool_id": pools["a"].pk, "cadre_id": people["a1"].pk}
        first = entry_add(**args, data=entry_input(), today=TODAY)
        with pytest.raises(DomainError) as exc:
            entry_add(**args, data=entry_input(), today=TODAY)
        assert exc.value.message == DUPLICATE_ENTRY
        entry_exit(
            actor=officer_a,
            entry_id=first.pk,
            expected_version=1,
            data=ExitInput(date(2026, 5, 1), "transferred"),
            today=TODAY,
        )
        second = entry_add(**args, data=entry_input(entry_date=date(2026, 5, 20)), today=TODAY)
        # Undoing the first exit would make two active entries: the DB constraint, in Chinese.
        with pytest.raises(DomainError) as exc:
            entry_exit_undo(actor=officer_a, entry_id=first.pk, expected_version=2)
        assert exc.value.message == DUPLICATE_ENTRY
        assert ReserveEntry.objects.get(pk=second.pk).exit_date is None

    def test_scope_and_pool_unit(self, officer_a, officer_b, pools, people):
        with pytest.raises(OutOfScopeError):  # another county's cadre
            entry_add(
                actor=officer_a,
                pool_id=pools["a"].pk,
                cadre_id=people["b1"].pk,
                data=entry_input(),
                today=TODAY,
            )
        with pytest.raises(OutOfScopeError):  # another county's pool
            entry_add(
                actor=officer_b,
                pool_id=pools["a"].pk,
                cadre_id=people["b1"].pk,
                data=entry_input(),
                today=TODAY,
            )
        with pytest.raises(OutOfScopeError):  # the city's pool is not changed from a county
            entry_add(
                actor=officer_a,
                pool_id=pools["city"].pk,
                cadre_id=people["a1"].pk,
                data=entry_input(),
                today=TODAY,
            )

    def test_cadre_outside_pool_unit_refused(self, officer_city, city):
        cadre = CadreFactory(unit=city.county_b_dept, managed_by=ManagedBy.CITY)
        pool = ReservePoolFactory(unit=city.county_a, target_tier=Tier.DIVISION_DEPUTY)
        with pytest.raises(DomainError, match="不能列入本后备干部库"):
            entry_add(
                actor=officer_city,
                pool_id=pool.pk,
                cadre_id=cadre.pk,
                data=entry_input(),
                today=TODAY,
            )

    def test_entry_date_not_in_future(self, officer_a, pools, people):
        with pytest.raises(DomainError) as exc:
            entry_add(
                actor=officer_a,
                pool_id=pools["a"].pk,
                cadre_id=people["a1"].pk,
                data=entry_input(entry_date=TODAY + timedelta(days=1)),
                today=TODAY,
            )
        assert "entry_date" in exc.value.fields

    def test_exit_rules_and_undo(self, officer_a, pools, people):
        entry = ReserveEntryFactory(
            pool=pools["a"], cadre=people["a1"], entry_date=date(2026, 3, 1)
        )
        base = {"actor": officer_a, "entry_id": entry.pk, "expected_version": 1, "today": TODAY}
        with pytest.raises(DomainError) as exc:
            entry_exit(**base, data=ExitInput(date(2026, 2, 28), "promoted"))
        assert "不能早于入库日期" in exc.value.fields["exit_date"]
        with pytest.raises(DomainError) as exc:
            entry_exit(**base, data=ExitInput(TODAY + timedelta(days=1), "promoted"))
        assert "exit_date" in exc.value.fields
        with pytest.raises(DomainError) as exc:
            entry_exit(**base, data=ExitInput(date(2026, 3, 1), "other"))
        assert "exit_note" in exc.value.fields
        done = entry_exit(**base, data=ExitInput(date(2026, 3, 1), "promoted"))  # same day: ok
        assert done.version == 2 and done.exit_reason == "promoted"
        with pytest.raises(StaleVersionError):
            entry_exit(**base, data=ExitInput(date(2026, 4, 1), "age"))
        undone = entry_exit_undo(actor=officer_a, entry_id=entry.pk, expected_version=2)
        assert undone.exit_date is None and undone.exit_reason == "" and undone.version == 3
        actions = list(
            AuditEvent.objects.filter(target_id=str(entry.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["selection.reserve.entry.exit", "selection.reserve.entry.exit_undo"]

    def test_update_stale_version_refused(self, officer_a, pools, people):
        entry = ReserveEntryFactory(pool=pools["a"], cadre=people["a1"])
        entry_update(
            actor=officer_a,
            entry_id=entry.pk,
            expected_version=1,
            data=entry_input(source="frontline"),
            today=TODAY,
        )
        with pytest.raises(StaleVersionError) as exc:
            entry_update(
                actor=officer_a,
                entry_id=entry.pk,
                expected_version=1,
                data=entry_input(source="other"),
                today=TODAY,
            )
        assert "已被" in exc.value.message
        assert exc.value.changes["source"] == ("recommendation", "frontline")

    def test_leader_cannot_change(self, leader_a, pools, people):
        entry = ReserveEntryFactory(pool=pools["a"], cadre=people["a1"])
        with pytest.raises(OutOfScopeError):
            entry_exit(
                actor=leader_a,
                entry_id=entry.pk,
                expected_version=1,
                data=ExitInput(TODAY, "age"),
                today=TODAY,
            )


# --- pages ----------------------------------------------------------------------------------------


@pytest.fixture
def filled(pools, people):
    return {
        "a1": ReserveEntryFactory(pool=pools["a"], cadre=people["a1"]),
        "a2": ReserveEntryFactory(pool=pools["a"], cadre=people["a2"], source="frontline"),
        "a3": ReserveEntryFactory(
            pool=pools["a"],
            cadre=people["a3"],
            exit_date=date(2026, 4, 1),
            exit_reason="transferred",
        ),
        "b1": ReserveEntryFactory(pool=pools["b"], cadre=people["b1"]),
        "city_b1": ReserveEntryFactory(pool=pools["city"], cadre=people["b1"]),
    }


class TestPages:
    def test_pool_list_scoped_with_counts(self, officer_a, pools, filled):
        response = login(officer_a).get(reverse("selection:reserve_list"))
        assert response.status_code == 200
        rows = {p.pk: p for p in response.context["page"].object_list}
        assert set(rows) == {pools["a"].pk, pools["city"].pk}
        assert (rows[pools["a"].pk].active_count, rows[pools["a"].pk].exited_count) == (2, 1)
        assert rows[pools["city"].pk].active_count == 0  # county B's cadre is not counted

    def test_pool_list_filters_and_htmx(self, officer_a, pools, filled):
        c = login(officer_a)
        response = c.get(
            reverse("selection:reserve_list"),
            {"tier": Tier.DIVISION_DEPUTY},
            HTTP_HX_REQUEST="true",
        )
        assert [p.pk for p in response.context["page"].object_list] == [pools["city"].pk]
        assert "selection/_reserve_pool_results.html" in [t.name for t in response.templates]
        foreign = c.get(reverse("selection:reserve_list"), {"unit": pools["b"].unit_id})
        assert list(foreign.context["page"].object_list) == []
        bad = c.get(reverse("selection:reserve_list"), {"unit": "x"})
        assert list(bad.context["page"].object_list) == []

    def test_pool_page_entries_filter(self, officer_a, pools, filled):
        c = login(officer_a)
        url = reverse("selection:reserve_pool", args=[pools["a"].pk])
        names = lambda r: {e.cadre.name for e in r.context["page"].object_list}  # noqa: E731
        assert names(c.get(url)) == {"张伟", "李娜"}
        assert names(c.get(url, {"status": "exited"})) == {"王强"}
        assert names(c.get(url, {"status": "all", "source": "frontline"})) == {"李娜"}
        assert names(c.get(url, {"q": "zw"})) == {"张伟"}
        assert names(c.get(url, {"sort": "name"})) == {"张伟", "李娜"}

    def test_other_countys_pool_404_and_city_pool_readonly(self, officer_a, pools, filled):
        c = login(officer_a)
        assert c.get(reverse("selection:reserve_pool", args=[pools["b"].pk])).status_code == 404
        response = c.get(reverse("selection:reserve_pool", args=[pools["city"].pk]))
        assert response.status_code == 200
        assert response.context["can_change"] is False
        assert list(response.context["page"].object_list) == []  # B's cadre stays hidden
        add = reverse("selection:reserve_entry_add", args=[pools["city"].pk])
        assert c.get(add, {"cadre": filled["a1"].cadre_id}).status_code == 404

    def test_picker_and_add_entry(self, officer_a, pools, people):
        c = login(officer_a)
        url = reverse("selection:reserve_pool", args=[pools["a"].pk])
        response = c.get(url, {"pick": "张"})
        assert {x.name for x in response.context["pick"]} == {"张伟"}  # not 乙县's 张敏
        add = reverse("selection:reserve_entry_add", args=[pools["a"].pk])
        assert c.get(add, {"cadre": people["b1"].pk}).status_code == 404
        response = c.post(
            f"{add}?cadre={people['a1'].pk}",
            {"entry_date": "2026-03-01", "source": "research_visit", "reason": "调研发现"},
        )
        assert response.status_code == 302
        assert ReserveEntry.objects.get(cadre=people["a1"]).source == "research_visit"
        again = c.post(
            f"{add}?cadre={people['a1'].pk}", {"entry_date": "2026-03-01", "source": "other"}
        )
        assert again.status_code == 200
        assert DUPLICATE_ENTRY in again.content.decode()

    def test_exit_page_with_undo(self, officer_a, filled):
        c = login(officer_a)
        entry = filled["a1"]
        url = reverse("selection:reserve_entry_exit", args=[entry.pk])
        assert c.get(url).status_code == 200
        today = timezone.localdate().isoformat()
        response = c.post(
            url, {"exit_date": today, "exit_reason": "age", "version": 1}, follow=True
        )
        assert "撤销" in response.content.decode()
        assert ReserveEntry.objects.get(pk=entry.pk).exit_reason == "age"
        stale = c.post(url, {"exit_date": today, "exit_reason": "age", "version": 1})
        assert stale.status_code == 409
        undo = reverse("selection:reserve_entry_exit_undo", args=[entry.pk])
        c.post(f"{undo}?v=2")
        assert ReserveEntry.objects.get(pk=entry.pk).exit_date is None
        other = reverse("selection:reserve_entry_exit", args=[filled["b1"].pk])
        assert c.get(other).status_code == 404

    def test_edit_page(self, officer_a, filled):
        c = login(officer_a)
        url = reverse("selection:reserve_entry_edit", args=[filled["a1"].pk])
        response = c.post(url, {"entry_date": "2026-02-01", "source": "frontline", "version": 1})
        assert response.status_code == 302
        stale = c.post(url, {"entry_date": "2026-02-01", "source": "other", "version": 1})
        assert stale.status_code == 409

    def test_leader_reads_but_cannot_write(self, leader_a, pools, filled):
        c = login(leader_a)
        assert c.get(reverse("selection:reserve_list")).status_code == 200
        assert c.get(reverse("selection:reserve_pool", args=[pools["a"].pk])).status_code == 200
        assert c.get(reverse("selection:reserve_pool_add")).status_code == 403
        exit_url = reverse("selection:reserve_entry_exit", args=[filled["a1"].pk])
        assert c.get(exit_url).status_code == 403
        add = reverse("selection:reserve_entry_add", args=[pools["a"].pk])
        assert c.get(add, {"cadre": filled["a1"].cadre_id}).status_code == 403

    def test_pool_create_page(self, officer_a, city):
        c = login(officer_a)
        url = reverse("selection:reserve_pool_add")
        data = {
            "unit": city.county_a.pk,
            "target_tier": Tier.SECTION_DEPUTY,
            "name": "甲县副科后备",
        }
        assert c.post(url, data).status_code == 302
        again = c.post(url, data)
        assert DUPLICATE_POOL in again.content.decode()
        foreign = c.post(url, data | {"unit": city.county_b.pk})
        assert "不在您的数据范围内" in foreign.content.decode()


class TestCompare:
    url = reverse("selection:reserve_compare")

    def test_side_by_side(self, officer_a, filled):
        ids = f"{filled['a1'].pk},{filled['a2'].pk}"
        response = login(officer_a).get(self.url, {"ids": ids})
        assert response.status_code == 200
        columns = response.context["columns"]
        assert [c.entry.cadre.name for c in columns] == ["张伟", "李娜"]
        for column in columns:
            assert column.verdict.target.tier == Tier.SECTION_PRINCIPAL
            assert len(column.grades) == 3
        html = response.content.decode()
        assert "任职资格" in html and "民主推荐" in html and "一线表现突出" in html
        event = AuditEvent.objects.get(action="selection.reserve.compare")
        assert event.detail["entries"] == [filled["a1"].pk, filled["a2"].pk]

    def test_repeated_ids_form(self, officer_a, filled):
        response = login(officer_a).get(
            f"{self.url}?ids={filled['a1'].pk}&ids={filled['a3'].pk}&pool=1"
        )
        assert response.status_code == 200

    def test_count_bounds(self, officer_a, filled):
        c = login(officer_a)
        assert c.get(self.url, {"ids": str(filled["a1"].pk)}).status_code == 400
        assert c.get(self.url, {"ids": "1,2,3,4,5,6"}).status_code == 400
        assert c.get(self.url).status_code == 400

    def test_foreign_id_404(self, officer_a, officer_b, filled):
        ids = f"{filled['a1'].pk},{filled['b1'].pk}"
        assert login(officer_a).get(self.url, {"ids": ids}).status_code == 404
        assert login(officer_b).get(self.url, {"ids": ids}).status_code == 404
        # the city pool's entry of county B's cadre is B's to compare, not A's
        ids = f"{filled['a1'].pk},{filled['city_b1'].pk}"
        assert login(officer_a).get(self.url, {"ids": ids}).status_code == 404
        denied = AuditEvent.objects.filter(action="selection.reserve.compare", outcome="denied")
        assert denied.count() == 3

    def test_leader_compares(self, leader_a, filled):
        ids = f"{filled['a1'].pk},{filled['a2'].pk}"
        assert login(leader_a).get(self.url, {"ids": ids}).status_code == 200


def export(client, name, query, capture) -> list[tuple]:
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=[name]) + "?" + query)
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE
    with job.result_file.open("rb") as fh:
        return list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))


class TestExport:
    def test_scoped(self, officer_a, pools, filled, django_capture_on_commit_callbacks):
        c = login(officer_a)
        rows = export(c, "selection_reserve", "", django_capture_on_commit_callbacks)
        assert rows[0][0] == "后备干部库"
        assert {r[2] for r in rows[1:]} == {"张伟", "李娜"}
        rows = export(
            c,
            "selection_reserve",
            f"pool={pools['a'].pk}&status=all",
            django_capture_on_commit_callbacks,
        )
        assert {r[2] for r in rows[1:]} == {"张伟", "李娜", "王强"}
        for foreign in (pools["b"].pk, pools["city"].pk):
            rows = export(
                c, "selection_reserve", f"pool={foreign}", django_capture_on_commit_callbacks
            )
            assert rows[1:] == []

    def test_leader_may_export(self, leader_a, filled, django_capture_on_commit_callbacks):
        rows = export(login(leader_a), "selection_reserve", "", django_capture_on_commit_callbacks)
        assert len(rows) == 3


class TestBadge:
    def test_badge_while_active(self, officer_a, filled):
        c = login(officer_a)
        url = reverse("cadres:cadre_detail", args=[filled["a1"].cadre_id])
        keys = lambda r: [b["key"] for b in r.context["badges"]]  # noqa: E731
        assert "reserve" in keys(c.get(url))
        gone = reverse("cadres:cadre_detail", args=[filled["a3"].cadre_id])  # exited
        assert "reserve" not in keys(c.get(gone))
