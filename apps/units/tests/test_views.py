"""The sysadmin's unit pages: tree, create, rename, move, merge (cadres hook), 职数, history."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.accounts.tests.factories import UserFactory
from apps.cadres.models import Cadre, Post
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.models import AuditEvent
from apps.units.constants import Tier, UnitEventKind
from apps.units.models import PostQuota, Unit, UnitEvent
from apps.units.tests.factories import UnitFactory

ADMIN = reverse("units:unit_admin")


@pytest.fixture
def sysadmin(db: None) -> User:
    return UserFactory(username="sysadmin1", full_name="系统管理员甲", role=Role.SYSADMIN)


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


class TestRoleGate:
    @pytest.mark.parametrize("role", [Role.SECADMIN, Role.AUDITOR, Role.OFFICER, Role.LEADER])
    def test_only_sysadmin(self, client, city, role) -> None:
        client.force_login(UserFactory(role=role))
        pk = city.county_a.pk
        for url in (
            ADMIN,
            reverse("units:unit_create"),
            reverse("units:unit_children", args=[pk]),
            reverse("units:unit_rename", args=[pk]),
            reverse("units:unit_move", args=[pk]),
            reverse("units:unit_merge", args=[pk]),
            reverse("units:unit_quota", args=[pk]),
            reverse("units:unit_history", args=[pk]),
        ):
            response = client.get(url)
            assert response.status_code == 403
            assert "系统管理员" in response.text

    def test_secadmin_cannot_create_units(self, client, city) -> None:
        client.force_login(UserFactory(role=Role.SECADMIN))
        data = {"name": "新局", "code": "NEW1", "level": "city", "kind": "department"}
        assert client.post(reverse("units:unit_create"), data).status_code == 403
        assert not Unit.objects.filter(code="NEW1").exists()


class TestTree:
    def test_roots_children_and_search(self, admin_client, city) -> None:
        response = admin_client.get(ADMIN)
        assert response.status_code == 200
        assert "示范市委" in response.text and "甲县财政局" not in response.text
        response = admin_client.get(reverse("units:unit_children", args=[city.county_a.pk]))
        assert "甲县财政局" in response.text and "甲县城关镇" in response.text
        assert "<html" not in response.text
        response = admin_client.get(ADMIN, {"q": "财政局"}, headers={"HX-Request": "true"})
        assert "<html" not in response.text
        assert {u.name for u in response.context["units"]} == {
            "市财政局",
            "甲县财政局",
            "乙县财政局",
        }
        assert "示范市委 / 甲县 / " in response.text
        response = admin_client.get(ADMIN, {"q": "不存在的单位"})
        assert "没有名称或代码匹配" in response.text


class TestCreate:
    def test_create_under_parent(self, admin_client, city, sysadmin) -> None:
        url = reverse("units:unit_create")
        assert admin_client.get(url, {"parent": city.county_a.pk}).status_code == 200
        data = {
            "name": "甲县教育局",
            "code": "JX-EDU",
            "level": "county",
            "kind": "department",
            "parent": city.county_a.pk,
        }
        assert admin_client.post(url, data).status_code == 302
        unit = Unit.objects.get(code="JX-EDU")
        assert unit.path == f"{city.county_a.path}{unit.pk}/" and unit.depth == 2
        assert last_event("unit.created").actor == sysadmin
        assert UnitEvent.objects.filter(unit=unit, kind=UnitEventKind.CREATED).exists()

    def test_errors_in_chinese(self, admin_client, city) -> None:
        url = reverse("units:unit_create")
        response = admin_client.post(url, {"name": "", "level": "city", "kind": "department"})
        assert "这个字段是必填项" in response.text
        data = {"name": "重复", "code": city.county_a.code, "level": "city", "kind": "department"}
        response = admin_client.post(url, data)
        assert response.status_code == 200 and "单位代码已存在" in response.text


class TestRenameMove:
    def test_rename_keeps_history(self, admin_client, city) -> None:
        url = reverse("units:unit_rename", args=[city.county_a_dept.pk])
        assert admin_client.get(url).status_code == 200
        data = {
            "name": "甲县财政和国资局",
            "effective_date": "2026-11-01",
            "document_no": "甲编〔2026〕3号",
        }
        assert admin_client.post(url, data).status_code == 302
        city.county_a_dept.refresh_from_db()
        assert city.county_a_dept.name == "甲县财政和国资局"
        assert last_event("unit.renamed").before["name"] == "甲县财政局"
        history = admin_client.get(reverse("units:unit_history", args=[city.county_a_dept.pk]))
        assert "名称：甲县财政局" in history.text and "甲编〔2026〕3号" in history.text

    def test_move_rewrites_subtree_paths(self, admin_client, city) -> None:
        office = UnitFactory(name="甲县财政局办公室", parent=city.county_a_dept)
        url = reverse("units:unit_move", args=[city.county_a_dept.pk])
        assert admin_client.get(url).status_code == 200
        assert admin_client.post(url, {"parent": city.county_b.pk}).status_code == 302
        dept = Unit.objects.get(pk=city.county_a_dept.pk)
        office.refresh_from_db()
        assert dept.parent == city.county_b
        assert dept.path == f"{city.county_b.path}{dept.pk}/"
        assert office.path == f"{dept.path}{office.pk}/" and office.depth == 3
        assert last_event("unit.moved").after["parent"] == city.county_b.pk
        history = admin_client.get(reverse("units:unit_history", args=[dept.pk]))
        assert "上级单位：甲县" in history.text and "上级单位：乙县" in history.text

    def test_move_under_own_subtree_refused(self, admin_client, city) -> None:
        url = reverse("units:unit_move", args=[city.county_a.pk])
        response = admin_client.post(url, {"parent": city.county_a_town.pk})
        assert "所选单位不存在、已撤并或不可选" in response.text
        response = admin_client.post(url, {"parent": city.root.pk})
        assert "该单位已隶属于所选单位" in response.text
        assert Unit.objects.get(pk=city.county_a.pk).parent == city.root


class TestMerge:
    def test_merge_moves_cadres_and_posts_and_keeps_history(self, admin_client, city) -> None:
        source, target = city.county_a_dept, city.county_b_dept
        office = UnitFactory(name="办公室", parent=source)
        cadres = [CadreFactory(unit=source), CadreFactory(unit=source)]
        PostFactory(unit=source, title="局长", tier=Tier.SECTION_PRINCIPAL)
        PostFactory(unit=source, title="副局长（甲）", tier=Tier.SECTION_DEPUTY)
        PostFactory(unit=target, title="局长", tier=Tier.SECTION_PRINCIPAL)
        url = reverse("units:unit_merge", args=[source.pk])
        page = admin_client.get(url)
        assert page.status_code == 200 and "data-confirm" in page.text
        response = admin_client.post(url, {"target": target.pk, "document_no": "编发〔2026〕9号"})
        assert response.status_code == 302
        source.refresh_from_db()
        assert not source.is_active and source.merged_into == target
        unscoped = Cadre.objects.unscoped_for_jobs_and_migrations()
        assert set(unscoped.filter(unit=target).values_list("pk", flat=True)) >= {
            c.pk for c in cadres
        }
        assert all(c.version == 2 for c in unscoped.filter(pk__in=[c.pk for c in cadres]))
        titles = set(Post.objects.filter(unit=target).values_list("title", flat=True))
        assert titles == {"局长", "局长（原甲县财政局）", "副局长（甲）"}
        office.refresh_from_db()
        assert office.parent == target and office.path.startswith(target.path)
        event = UnitEvent.objects.get(unit=source, kind=UnitEventKind.MERGED)
        assert event.after["cadres"] == 2 and event.after["posts"] == 2
        assert event.document_no == "编发〔2026〕9号"
        assert last_event("unit.merged").after["merged_into"] == target.pk
        history = admin_client.get(reverse("units:unit_history", args=[source.pk]))
        assert "已撤并，并入乙县财政局" in history.text and "转入干部人数：2" in history.text
        target_history = admin_client.get(reverse("units:unit_history", args=[target.pk]))
        assert "甲县财政局" in target_history.text  # listed as merged into it
        assert admin_client.get(url).status_code == 404  # a merged unit cannot merge again

    def test_merge_into_own_subtree_refused(self, admin_client, city) -> None:
        url = reverse("units:unit_merge", args=[city.county_a.pk])
        response = admin_client.post(url, {"target": city.county_a_town.pk})
        assert "所选单位不存在、已撤并或不可选" in response.text
        assert Unit.objects.get(pk=city.county_a.pk).is_active


class TestQuota:
    def test_set_quota_per_tier(self, admin_client, city) -> None:
        url = reverse("units:unit_quota", args=[city.county_a_dept.pk])
        assert admin_client.get(url).status_code == 200
        data = {
            f"tier_{Tier.SECTION_PRINCIPAL}": "1",
            f"tier_{Tier.SECTION_DEPUTY}": "3",
            "note": "甲编〔2026〕5号",
        }
        assert admin_client.post(url, data).status_code == 302
        quotas = dict(
            PostQuota.objects.filter(unit=city.county_a_dept).values_list("tier", "approved")
        )
        assert quotas == {Tier.SECTION_PRINCIPAL: 1, Tier.SECTION_DEPUTY: 3}
        assert AuditEvent.objects.filter(action="unit.quota").count() == 2
        data[f"tier_{Tier.SECTION_DEPUTY}"] = "2"
        admin_client.post(url, data)
        assert AuditEvent.objects.filter(action="unit.quota").count() == 3
        assert last_event("unit.quota").before == {"tier": Tier.SECTION_DEPUTY, "approved": 3}

    def test_negative_refused(self, admin_client, city) -> None:
        url = reverse("units:unit_quota", args=[city.county_a_dept.pk])
        response = admin_client.post(url, {f"tier_{Tier.SECTION_DEPUTY}": "-1"})
        assert "职数不能为负数" in response.text
        assert not PostQuota.objects.exists()
