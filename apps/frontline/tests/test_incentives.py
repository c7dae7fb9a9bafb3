"""Incentive catalogue, grants and the list of frontline cadres without incentives: the seed,
measure visibility, the scope matrix of grants (services, pages, export) and the ungranted list."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent
from apps.core.scope import Action
from apps.core.tests.helpers import list_export_rows
from apps.frontline import selectors_care as care
from apps.frontline.catalogue import CATALOGUE, CATALOGUE_SOURCE, seed_catalogue
from apps.frontline.constants import IncentiveCategory
from apps.frontline.models import IncentiveGrant, IncentiveMeasure
from apps.frontline.services import incentives as services
from apps.frontline.services.incentives import GrantInput
from apps.frontline.tests.factories import (
    FrontlineServiceFactory,
    IncentiveGrantFactory,
    IncentiveMeasureFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def world(city):
    """Measures at the city root, in county A and county B; a 县管 cadre in each county."""
    return {
        "m_root": IncentiveMeasureFactory(unit=city.root, item="优先提拔使用"),
        "m_a": IncentiveMeasureFactory(
            unit=city.county_a, category=IncentiveCategory.LIVELIHOOD, item="定期体检"
        ),
        "m_b": IncentiveMeasureFactory(
            unit=city.county_b, category=IncentiveCategory.EMOTIONAL, item="谈心谈话"
        ),
        "a": CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "b": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


def add_input(measure, **kw) -> GrantInput:
    values = {
        "measure_id": measure.pk,
        "granted_on": TODAY,
        "reason": "驻村帮扶成效突出",
        "document_number": "甲组发〔2026〕3号",
    }
    values.update(kw)
    return GrantInput(**values)


class TestCatalogue:
    def test_seed_is_idempotent_and_marked_illustrative(self, city):
        assert seed_catalogue(city.county_a) == len(CATALOGUE)
        assert seed_catalogue(city.county_a) == 0
        rows = IncentiveMeasure.objects.filter(unit=city.county_a)
        assert rows.count() == len(CATALOGUE)
        assert set(rows.values_list("category", flat=True)) == set(IncentiveCategory.values)
        assert set(rows.values_list("source", flat=True)) == {CATALOGUE_SOURCE}
        assert "示例" in CATALOGUE_SOURCE and "甘肃" in CATALOGUE_SOURCE
        assert last_event("frontline.incentive_catalogue.seed").target_id == str(city.county_a.pk)

    def test_seed_keeps_local_edits(self, city):
        seed_catalogue(city.county_a)
        first = IncentiveMeasure.objects.get(unit=city.county_a, item="定期体检")
        first.is_active = False
        first.save()
        IncentiveMeasure.objects.filter(unit=city.county_a, item="谈心谈话").delete()
        assert seed_catalogue(city.county_a) == 1  # only the deleted one comes back
        first.refresh_from_db()
        assert first.is_active is False

    def test_command(self, city, capsys):
        call_command("seed_incentive_catalogue", unit=city.county_a.code)
        call_command("seed_incentive_catalogue", unit=city.county_a.code)
        out = capsys.readouterr().out
        assert f"写入 {len(CATALOGUE)} 项" in out and "未新增" in out
        with pytest.raises(CommandError, match="不存在"):
            call_command("seed_incentive_catalogue", unit="NOPE")


class TestMeasures:
    def test_visibility_root_yes_other_county_no(self, officer_a, world):
        visible = set(IncentiveMeasure.objects.visible_to(officer_a))
        assert visible == {world["m_root"], world["m_a"]}
        changeable = set(IncentiveMeasure.objects.visible_to(officer_a, Action.CHANGE))
        assert changeable == {world["m_a"]}

    def test_create_in_own_unit_unique_and_audited(self, officer_a, city):
        data = {"unit": city.county_a.pk, "category": "political", "item": " 优先晋升职级 "}
        measure = services.measure_create(actor=officer_a, data=data)
        assert measure.item == "优先晋升职级" and measure.unit == city.county_a
        assert last_event("frontline.incentive_measure.create").target_id == str(measure.pk)
        with pytest.raises(DomainError) as exc:
            services.measure_create(actor=officer_a, data=data)
        assert "请勿重复添加" in exc.value.fields["item"]

    def test_create_elsewhere_refused(self, officer_a, leader_a, city):
        data = {"unit": city.county_b.pk, "category": "political", "item": "优先晋升职级"}
        with pytest.raises(DomainError) as exc:
            services.measure_create(actor=officer_a, data=data)
        assert "unit" in exc.value.fields
        with pytest.raises(DomainError):
            services.measure_create(actor=leader_a, data={**data, "unit": city.county_a.pk})
        assert not IncentiveMeasure.objects.filter(item="优先晋升职级").exists()

    def test_update_and_deactivate_only_own(self, officer_a, world):
        services.measure_update(
            actor=officer_a, measure_id=world["m_a"].pk, data={"item": "年度体检"}
        )
        world["m_a"].refresh_from_db()
        assert world["m_a"].item == "年度体检"
        assert last_event("frontline.incentive_measure.update").after == {"item": "年度体检"}
        for other in (world["m_root"], world["m_b"]):
            with pytest.raises(OutOfScopeError):
                services.measure_update(actor=officer_a, measure_id=other.pk, data={"item": "x"})
            with pytest.raises(OutOfScopeError):
                services.measure_deactivate(actor=officer_a, measure_id=other.pk)
        services.measure_deactivate(actor=officer_a, measure_id=world["m_a"].pk)
        world["m_a"].refresh_from_db()
        assert world["m_a"].is_active is False
        services.measure_activate(actor=officer_a, measure_id=world["m_a"].pk)
        world["m_a"].refresh_from_db()
        assert world["m_a"].is_active is True

    def test_update_to_duplicate_refused(self, officer_a, world, city):
        IncentiveMeasureFactory(unit=city.county_a, category="livelihood", item="工作经费保障")
        with pytest.raises(DomainError):
            services.measure_update(
                actor=officer_a, measure_id=world["m_a"].pk, data={"item": "工作经费保障"}
            )

    def test_catalogue_page(self, client, officer_a, world):
        response = login(client, officer_a).get(reverse("frontline:incentive_list"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "优先提拔使用" in html and "定期体检" in html and "谈心谈话" not in html
        assert reverse("frontline:incentive_edit", args=[world["m_a"].pk]) in html
        assert reverse("frontline:incentive_edit", args=[world["m_root"].pk]) not in html

    def test_edit_pages_scope(self, client, officer_a, leader_a, world):
        c = login(client, officer_a)
        assert c.get(reverse("frontline:incentive_edit", args=[world["m_a"].pk])).status_code == 200
        for other in ("m_root", "m_b"):
            url = reverse("frontline:incentive_edit", args=[world[other].pk])
            assert c.get(url).status_code == 404
        url = reverse("frontline:incentive_deactivate", args=[world["m_b"].pk])
        assert c.post(url).status_code == 404
        leader = login(Client(), leader_a)
        assert leader.get(reverse("frontline:incentive_create")).status_code == 403

    def test_create_page_and_deactivate_undo(self, client, officer_a, city):
        c = login(client, officer_a)
        response = c.post(
            reverse("frontline:incentive_create"),
            {"unit": city.county_a.pk, "category": "emotional", "item": "谈心谈话"},
        )
        assert response.status_code == 302
        measure = IncentiveMeasure.objects.get(item="谈心谈话")
        response = c.post(
            reverse("frontline:incentive_create"),
            {"unit": city.county_a.pk, "category": "emotional", "item": "谈心谈话"},
        )
        assert "请勿重复添加" in response.content.decode()
        response = c.post(reverse("frontline:incentive_deactivate", args=[measure.pk]), follow=True)
        assert "撤销" in response.content.decode()
        c.post(reverse("frontline:incentive_activate", args=[measure.pk]))
        measure.refresh_from_db()
        assert measure.is_active


class TestGrantService:
    def test_add_audited(self, officer_a, world):
        service = FrontlineServiceFactory(cadre=world["a"])
        made = services.grant_add(
            actor=officer_a,
            cadre_id=world["a"].pk,
            data=add_input(world["m_root"], service_id=service.pk),
            today=TODAY,
        )
        assert made.measure == world["m_root"] and made.service == service
        assert made.created_by == officer_a
        assert last_event("frontline.incentive_grant.add").target_id == str(made.pk)

    def test_date_boundary_and_reason(self, officer_a, world):
        ok = services.grant_add(
            actor=officer_a, cadre_id=world["a"].pk, data=add_input(world["m_a"]), today=TODAY
        )
        assert ok.granted_on == TODAY
        with pytest.raises(DomainError) as exc:
            services.grant_add(
                actor=officer_a,
                cadre_id=world["a"].pk,
                data=add_input(world["m_a"], granted_on=TODAY + timedelta(days=1), reason="  "),
                today=TODAY,
            )
        assert set(exc.value.fields) == {"granted_on", "reason"}

    def test_measure_must_be_visible_active_and_applicable(self, officer_a, officer_city, world):
        with pytest.raises(DomainError) as exc:
            services.grant_add(
                actor=officer_a, cadre_id=world["a"].pk, data=add_input(world["m_b"]), today=TODAY
            )
        assert "measure" in exc.value.fields
        world["m_a"].is_active = False
        world["m_a"].save()
        with pytest.raises(DomainError):
            services.grant_add(
                actor=officer_a, cadre_id=world["a"].pk, data=add_input(world["m_a"]), today=TODAY
            )
        # The city officer sees county A's measure but it does not apply in county B.
        city_b = CadreFactory(unit=world["b"].unit, managed_by=ManagedBy.CITY)
        world["m_a"].is_active = True
        world["m_a"].save()
        with pytest.raises(DomainError, match="仅适用于"):
            services.grant_add(
                actor=officer_city, cadre_id=city_b.pk, data=add_input(world["m_a"]), today=TODAY
            )

    def test_service_must_be_the_cadres(self, officer_a, world):
        foreign = FrontlineServiceFactory(cadre=CadreFactory(unit=world["a"].unit))
        with pytest.raises(DomainError) as exc:
            services.grant_add(
                actor=officer_a,
                cadre_id=world["a"].pk,
                data=add_input(world["m_a"], service_id=foreign.pk),
                today=TODAY,
            )
        assert "service" in exc.value.fields

    def test_out_of_scope_and_leader_refused(self, officer_a, leader_a, officer_city, world):
        for actor, cadre in ((officer_a, world["b"]), (leader_a, world["a"])):
            with pytest.raises(OutOfScopeError):
                services.grant_add(
                    actor=actor, cadre_id=cadre.pk, data=add_input(world["m_root"]), today=TODAY
                )
        with pytest.raises(OutOfScopeError):  # 县管 cadre: not the city officer's to change
            services.grant_add(
                actor=officer_city, cadre_id=world["a"].pk, data=add_input(world["m_root"])
            )
        assert not IncentiveGrant.objects.exists()

    def test_delete_and_restore(self, officer_a, officer_b, world):
        made = IncentiveGrantFactory(cadre=world["a"], measure=world["m_a"])
        with pytest.raises(OutOfScopeError):
            services.grant_delete(actor=officer_b, grant_id=made.pk)
        services.grant_delete(actor=officer_a, grant_id=made.pk)
        assert not IncentiveGrant.objects.visible_to(officer_a).exists()
        with pytest.raises(OutOfScopeError):
            services.grant_delete(actor=officer_a, grant_id=made.pk)
        services.grant_restore(actor=officer_a, grant_id=made.pk)
        assert list(IncentiveGrant.objects.visible_to(officer_a)) == [made]
        assert last_event("frontline.incentive_grant.restore").target_id == str(made.pk)


@pytest.fixture
def grants(world):
    return {
        "ga": IncentiveGrantFactory(
            cadre=world["a"], measure=world["m_a"], granted_on=date(2025, 6, 1)
        ),
        "ga_root": IncentiveGrantFactory(
            cadre=world["a"], measure=world["m_root"], granted_on=date(2024, 1, 5)
        ),
        "gb": IncentiveGrantFactory(cadre=world["b"], measure=world["m_b"]),
    }


def grant_ids(response) -> set[int]:
    return {g.pk for g in response.context["page"].object_list}


export = list_export_rows


class TestGrantPages:
    def test_list_scope_and_filters(self, client, officer_a, officer_b, grants, world, city):
        c = login(client, officer_a)
        url = reverse("frontline:grant_list")
        assert grant_ids(c.get(url)) == {grants["ga"].pk, grants["ga_root"].pk}
        assert grant_ids(c.get(url, {"category": "livelihood"})) == {grants["ga"].pk}
        assert grant_ids(c.get(url, {"measure": world["m_root"].pk})) == {grants["ga_root"].pk}
        assert grant_ids(c.get(url, {"date_from": "2025-01-01"})) == {grants["ga"].pk}
        assert grant_ids(c.get(url, {"date_to": "2024-12-31"})) == {grants["ga_root"].pk}
        assert grant_ids(c.get(url, {"unit": city.county_b.pk})) == set()
        assert grant_ids(c.get(url, {"q": "zm"})) == set()  # 张敏 is county B's
        assert grant_ids(c.get(url, {"q": "zw"})) == {grants["ga"].pk, grants["ga_root"].pk}
        bad = c.get(url, {"date_from": "2026-01-01", "date_to": "2025-01-01"})
        assert grant_ids(bad) == set() and "截止日期不能早于起始日期" in bad.content.decode()
        for sort in ("name", "-measure", "granted_on", "bogus"):
            assert grant_ids(c.get(url, {"sort": sort, "page": "9"})) <= {
                grants["ga"].pk,
                grants["ga_root"].pk,
            }
        assert grant_ids(login(Client(), officer_b).get(url)) == {grants["gb"].pk}

    def test_htmx_partial(self, client, officer_a, grants):
        response = login(client, officer_a).get(
            reverse("frontline:grant_list"), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "<html" not in response.content.decode()

    def test_add_page(self, client, officer_a, world):
        c = login(client, officer_a)
        url = reverse("frontline:grant_add", args=[world["a"].pk])
        page = c.get(url).content.decode()
        assert "定期体检" in page and "优先提拔使用" in page and "谈心谈话" not in page
        response = c.post(
            url,
            {
                "measure": world["m_a"].pk,
                "granted_on": timezone.localdate().isoformat(),
                "reason": "驻村帮扶",
            },
        )
        assert response.status_code == 302
        assert IncentiveGrant.objects.filter(cadre=world["a"], measure=world["m_a"]).exists()
        response = c.post(url, {"measure": world["m_b"].pk, "granted_on": "2025-01-01"})
        assert response.status_code == 200 and "请修改以下问题" in response.content.decode()

    def test_other_county_404_and_leader_403(self, client, officer_a, leader_a, grants, world):
        c = login(client, officer_a)
        assert c.get(reverse("frontline:grant_add", args=[world["b"].pk])).status_code == 404
        url = reverse("frontline:grant_delete", args=[grants["gb"].pk])
        assert c.post(url).status_code == 404
        assert IncentiveGrant.objects.get(pk=grants["gb"].pk).deleted_at is None
        leader = login(Client(), leader_a)
        assert leader.get(reverse("frontline:grant_list")).status_code == 200
        assert leader.get(reverse("frontline:grant_add", args=[world["a"].pk])).status_code == 403
        url = reverse("frontline:grant_delete", args=[grants["ga"].pk])
        assert leader.post(url).status_code == 403

    def test_delete_with_undo(self, client, officer_a, grants):
        c = login(client, officer_a)
        response = c.post(
            reverse("frontline:grant_delete", args=[grants["ga"].pk]),
            {"next": reverse("frontline:grant_list")},
            follow=True,
        )
        assert "撤销" in response.content.decode()
        assert grant_ids(response) == {grants["ga_root"].pk}
        c.post(reverse("frontline:grant_restore", args=[grants["ga"].pk]))
        assert IncentiveGrant.objects.get(pk=grants["ga"].pk).deleted_at is None

    def test_export_only_scoped_rows(
        self, client, officer_a, grants, django_capture_on_commit_callbacks
    ):
        rows = export(
            login(client, officer_a), "frontline-grants", "", django_capture_on_commit_callbacks
        )
        assert rows[0][0] == "姓名"
        assert sorted(r[3] for r in rows[1:]) == ["优先提拔使用", "定期体检"]
        assert {r[0] for r in rows[1:]} == {"张伟"}
        rows = export(
            client, "frontline-grants", "category=political", django_capture_on_commit_callbacks
        )
        assert [r[3] for r in rows[1:]] == ["优先提拔使用"]


class TestUngranted:
    @pytest.fixture
    def cadres(self, city, world):
        unit = city.county_a_dept
        made = {
            name: CadreFactory(name=name, unit=unit, managed_by=ManagedBy.COUNTY)
            for name in ("甲一", "甲二", "甲三", "甲四", "甲五")
        }
        FrontlineServiceFactory(
            cadre=made["甲一"], start_date=date(2021, 3, 1), end_date=date(2022, 2, 28)
        )
        FrontlineServiceFactory(
            cadre=made["甲一"], task=None, place="乙村", start_date=date(2023, 1, 1), end_date=None
        )
        FrontlineServiceFactory(cadre=made["甲二"])
        IncentiveGrantFactory(cadre=made["甲二"], measure=world["m_a"])
        FrontlineServiceFactory(cadre=made["甲三"])
        IncentiveGrantFactory(cadre=made["甲三"], measure=world["m_a"], deleted_at=timezone.now())
        FrontlineServiceFactory(cadre=made["甲四"], deleted_at=timezone.now())
        FrontlineServiceFactory(cadre=world["b"])  # county B: out of scope
        return made

    def names(self, actor, since=None) -> set[str]:
        return {c.name for c in care.frontline_without_incentives(actor, since, today=TODAY)}

    def test_who_is_listed(self, officer_a, cadres):
        # 甲二 has a grant; 甲三's only grant is deleted; 甲四's only service is deleted;
        # 甲五 never served; 张敏 is county B's.
        assert self.names(officer_a) == {"甲一", "甲三"}

    def test_latest_service_and_months(self, officer_a, cadres):
        row = next(
            c for c in care.frontline_without_incentives(officer_a, today=TODAY) if c.name == "甲一"
        )
        assert row.latest_place == "乙村" and row.latest_task is None and row.latest_end is None
        assert row.service_count == 2
        # 2021-03-01..2022-02-28 (365 days) + 2023-01-01..2026-03-10 (1165 days), ends included
        assert row.service_days == timedelta(days=364 + 1164)
        assert care.service_months(row.service_days, row.service_count) == round(1530 / 30.4375, 1)

    def test_since(self, officer_a, cadres, world):
        assert self.names(officer_a, date(2023, 1, 1)) == {"甲一"}  # 甲三's service ended 2022
        IncentiveGrantFactory(
            cadre=cadres["甲一"], measure=world["m_a"], granted_on=date(2022, 5, 1)
        )
        assert self.names(officer_a) == {"甲三"}
        assert self.names(officer_a, date(2023, 1, 1)) == {"甲一"}  # the grant predates `since`

    def test_page_and_export(self, client, officer_a, cadres, django_capture_on_commit_callbacks):
        c = login(client, officer_a)
        response = c.get(reverse("frontline:ungranted_list"))
        assert {x.name for x in response.context["page"].object_list} == {"甲一", "甲三"}
        html = response.content.decode()
        assert "未落实激励的一线干部" in html
        assert reverse("frontline:grant_add", args=[cadres["甲一"].pk]) in html
        for sort in ("days", "-days", "name", "unit", "start"):
            assert c.get(reverse("frontline:ungranted_list"), {"sort": sort}).status_code == 200
        response = c.get(reverse("frontline:ungranted_list"), {"since": "2023-01-01"})
        assert {x.name for x in response.context["page"].object_list} == {"甲一"}
        rows = export(c, "frontline-ungranted", "", django_capture_on_commit_callbacks)
        assert rows[0][0] == "姓名"
        assert sorted(r[0] for r in rows[1:]) == ["甲一", "甲三"]


class TestPickerAndBudget:
    def test_picker_offers_only_changeable_cadres(self, client, officer_a, world):
        response = login(client, officer_a).get(reverse("frontline:grant_list"), {"pick": "张"})
        assert [c.name for c in response.context["pick"]] == ["张伟"]
        html = response.content.decode()
        assert reverse("frontline:grant_add", args=[world["a"].pk]) in html
        assert reverse("frontline:grant_add", args=[world["b"].pk]) not in html

    def test_list_query_budgets(self, client, officer_a, world, django_assert_max_num_queries):
        for _ in range(30):
            cadre = CadreFactory(unit=world["a"].unit)
            FrontlineServiceFactory(cadre=cadre)
            IncentiveGrantFactory(cadre=cadre, measure=world["m_a"])
            FrontlineServiceFactory(cadre=CadreFactory(unit=world["a"].unit))
        c = login(client, officer_a)
        for name in ("grant_list", "ungranted_list"):
            with django_assert_max_num_queries(12):
                assert c.get(reverse(f"frontline:{name}")).status_code == 200
