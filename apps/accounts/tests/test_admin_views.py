"""三员 account pages: sysadmin runs accounts, secadmin roles and grants, all their password."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apps.accounts.models import ManagedBy, Role, ScopeGrant, User
from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent
from apps.core.scope import Pillar

NEW_PASSWORD = "Another-Pass9#"


@pytest.fixture
def sysadmin(db: None) -> User:
    return UserFactory(username="sysadmin1", full_name="系统管理员甲", role=Role.SYSADMIN)


@pytest.fixture
def secadmin(db: None) -> User:
    return UserFactory(username="secadmin1", full_name="安全管理员甲", role=Role.SECADMIN)


@pytest.fixture
def auditor(db: None) -> User:
    return UserFactory(username="auditor1", full_name="审计员甲", role=Role.AUDITOR)


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


SYSADMIN_PAGES = ["user_list", "user_create"]
SECADMIN_PAGES = ["grant_list"]


class TestRoleSeparation:
    def test_auditor_and_secadmin_cannot_manage_users(self, client, auditor, secadmin) -> None:
        for user in (auditor, secadmin):
            client.force_login(user)
            for name in SYSADMIN_PAGES:
                response = client.get(reverse(f"accounts:{name}"))
                assert response.status_code == 403
                assert "系统管理员" in response.text
        response = client.post(
            reverse("accounts:user_create"),
            {
                "username": "x1",
                "full_name": "某",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 403
        assert not User.objects.filter(username="x1").exists()

    def test_sysadmin_cannot_assign_roles_or_grants(
        self, client, sysadmin, officer_a, city
    ) -> None:
        client.force_login(sysadmin)
        assert client.get(reverse("accounts:grant_list")).status_code == 403
        response = client.post(
            reverse("accounts:user_role", args=[officer_a.pk]), {"role": "auditor"}
        )
        assert response.status_code == 403
        response = client.post(
            reverse("accounts:grant_create", args=[officer_a.pk]),
            {"unit": city.root.pk, "managed_levels": ["city"]},
        )
        assert response.status_code == 403
        officer_a.refresh_from_db()
        assert officer_a.role == Role.OFFICER and officer_a.grants.count() == 1

    def test_sysadmin_cannot_open_audit_log_or_cadre_pages(self, client, sysadmin, city) -> None:
        cadre = CadreFactory(unit=city.county_a)
        client.force_login(sysadmin)
        assert client.get(reverse("core:audit_list")).status_code == 403
        resolver = get_resolver().namespace_dict["cadres"][1]

        def patterns(node):  # the cadres app's own patterns and those of its included modules
            for item in node.url_patterns:
                if isinstance(item, URLResolver):
                    yield from patterns(item)
                else:
                    assert isinstance(item, URLPattern)
                    yield item

        opened = []
        for pattern in patterns(resolver):
            kwargs = {
                k: (cadre.pk if conv.regex == "[0-9]+" else "education")
                for k, conv in pattern.pattern.converters.items()
            }
            url = reverse(f"cadres:{pattern.name}", kwargs=kwargs)
            response = client.get(url)
            if pattern.name == "import_start":
                # The import page serves the sysadmin's 单位 import (三员: units are his);
                # it must offer him nothing about cadres.
                assert (
                    response.status_code == 200 and "干部基本信息" not in response.content.decode()
                )
                continue
            if response.status_code not in (403, 404, 405):
                opened.append(url)
        assert opened == []

    def test_officer_reaches_no_admin_page(self, client, officer_a, leader_a) -> None:
        pages = [
            reverse("accounts:user_list"),
            reverse("accounts:user_create"),
            reverse("accounts:user_edit", args=[officer_a.pk]),
            reverse("accounts:user_reset_password", args=[officer_a.pk]),
            reverse("accounts:grant_list"),
            reverse("accounts:user_role", args=[officer_a.pk]),
            reverse("accounts:grant_create", args=[officer_a.pk]),
            reverse("units:unit_admin"),
            reverse("units:unit_create"),
            reverse("core:audit_list"),
            reverse("core:audit_verify"),
        ]
        for user in (officer_a, leader_a):
            client.force_login(user)
            assert all(client.get(url).status_code == 403 for url in pages)
        grant_id = officer_a.grants.get().pk
        assert client.post(reverse("accounts:grant_delete", args=[grant_id])).status_code == 403
        assert client.post(reverse("accounts:user_unlock", args=[officer_a.pk])).status_code == 403
        assert ScopeGrant.objects.filter(pk=grant_id).exists()


class TestSysadminUsers:
    def test_list_and_search(self, client, sysadmin, officer_a) -> None:
        client.force_login(sysadmin)
        response = client.get(reverse("accounts:user_list"))
        assert response.status_code == 200
        assert "officer_a" in response.text and "新建用户" in response.text
        response = client.get(
            reverse("accounts:user_list"), {"q": "甲县"}, headers={"HX-Request": "true"}
        )
        assert [u.username for u in response.context["page"].object_list] == ["officer_a"]
        response = client.get(reverse("accounts:user_list"), {"q": "nobody"})
        assert "暂无符合条件的用户" in response.text

    def test_create_user_with_default_role(self, client, sysadmin, city) -> None:
        client.force_login(sysadmin)
        data = {
            "username": "zhangsan",
            "full_name": "张三",
            "unit": city.county_a.pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        }
        response = client.post(reverse("accounts:user_create"), data)
        assert response.status_code == 302
        user = User.objects.get(username="zhangsan")
        assert user.role == Role.OFFICER and user.check_password(NEW_PASSWORD)
        assert not user.grants.exists()
        event = last_event("user.create")
        assert event.actor == sysadmin and event.after["username"] == "zhangsan"
        assert "password" not in event.after

    def test_create_shows_chinese_errors(self, client, sysadmin, officer_a) -> None:
        client.force_login(sysadmin)
        data = {"username": "officer_a", "full_name": "", "password1": "abc", "password2": "abd"}
        response = client.post(reverse("accounts:user_create"), data)
        assert response.status_code == 200
        assert "用户名已被使用" in response.text
        assert "两次输入的密码不一致" in response.text
        assert "这个字段是必填项" in response.text
        data = {
            "username": "lisi",
            "full_name": "李四",
            "password1": "abcdefghij",
            "password2": "abcdefghij",
        }
        response = client.post(reverse("accounts:user_create"), data)
        assert "密码须至少包含大写字母、小写字母、数字、特殊符号中的三类" in response.text
        assert not User.objects.filter(username="lisi").exists()

    def test_edit_name_and_unit(self, client, sysadmin, officer_a, city) -> None:
        client.force_login(sysadmin)
        url = reverse("accounts:user_edit", args=[officer_a.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"full_name": "新名字", "unit": city.county_b.pk})
        assert response.status_code == 302
        officer_a.refresh_from_db()
        assert (officer_a.full_name, officer_a.unit) == ("新名字", city.county_b)
        event = last_event("user.update")
        assert event.before == {"full_name": "甲县干部科", "unit": None}
        assert event.after == {"full_name": "新名字", "unit": city.county_b.pk}

    def test_deactivate_and_activate(self, client, sysadmin, officer_a) -> None:
        client.force_login(sysadmin)
        url = reverse("accounts:user_toggle_active", args=[officer_a.pk])
        client.post(url)
        officer_a.refresh_from_db()
        assert not officer_a.is_active
        assert last_event("user.deactivate").after == {"is_active": False}
        client.post(url)
        officer_a.refresh_from_db()
        assert officer_a.is_active and last_event("user.activate")

    def test_cannot_deactivate_self_or_auditor(self, client, sysadmin, auditor) -> None:
        client.force_login(sysadmin)
        response = client.post(
            reverse("accounts:user_toggle_active", args=[sysadmin.pk]), follow=True
        )
        assert "不能停用或启用自己的账号" in response.text
        response = client.post(
            reverse("accounts:user_toggle_active", args=[auditor.pk]), follow=True
        )
        assert "不能停用安全管理员或安全审计员" in response.text
        assert User.objects.filter(pk__in=[sysadmin.pk, auditor.pk], is_active=True).count() == 2

    @pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
    def test_unlock(self, client, request, who, officer_a) -> None:
        officer_a.locked_until = timezone.now() + timedelta(minutes=10)
        officer_a.failed_logins = 3
        officer_a.save()
        client.force_login(request.getfixturevalue(who))
        client.post(reverse("accounts:user_unlock", args=[officer_a.pk]))
        officer_a.refresh_from_db()
        assert officer_a.locked_until is None and officer_a.failed_logins == 0
        assert last_event("user.unlock").before["failed_logins"] == 3

    def test_reset_password(self, client, sysadmin, officer_a, auditor) -> None:
        client.force_login(sysadmin)
        url = reverse("accounts:user_reset_password", args=[officer_a.pk])
        response = client.post(url, {"password1": "short", "password2": "short"})
        assert "此密码太短" in response.text
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302
        officer_a.refresh_from_db()
        assert officer_a.check_password(NEW_PASSWORD) and officer_a.password_changed_at is None
        assert last_event("user.password_reset").target_id == str(officer_a.pk)
        url = reverse("accounts:user_reset_password", args=[auditor.pk])
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert "不能重置安全管理员或安全审计员的密码" in response.text
        auditor.refresh_from_db()
        assert auditor.check_password(PASSWORD)


class TestSecadminRolesAndGrants:
    def test_grant_list_renders(self, client, secadmin, officer_a) -> None:
        client.force_login(secadmin)
        response = client.get(reverse("accounts:grant_list"))
        assert response.status_code == 200
        assert "甲县" in response.text and "县管" in response.text

    def test_set_role(self, client, secadmin, officer_a) -> None:
        client.force_login(secadmin)
        url = reverse("accounts:user_role", args=[officer_a.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"role": "leader"}).status_code == 302
        officer_a.refresh_from_db()
        assert officer_a.role == Role.LEADER and officer_a.grants.count() == 1
        event = last_event("user.role")
        assert (event.before, event.after) == ({"role": "officer"}, {"role": "leader"})

    def test_admin_role_revokes_grants(self, client, secadmin, officer_a) -> None:
        client.force_login(secadmin)
        client.post(reverse("accounts:user_role", args=[officer_a.pk]), {"role": "sysadmin"})
        officer_a.refresh_from_db()
        assert officer_a.role == Role.SYSADMIN and not officer_a.grants.exists()
        assert last_event("user.role").detail["revoked_grants"][0]["unit_name"] == "甲县"

    def test_no_own_role_and_keep_last_auditor(self, client, secadmin, auditor) -> None:
        client.force_login(secadmin)
        response = client.post(
            reverse("accounts:user_role", args=[secadmin.pk]), {"role": "auditor"}
        )
        assert "不能修改自己的角色" in response.text
        response = client.post(
            reverse("accounts:user_role", args=[auditor.pk]), {"role": "officer"}
        )
        assert "系统至少需保留一名有效的安全审计员" in response.text
        assert User.objects.get(pk=auditor.pk).role == Role.AUDITOR
        assert User.objects.get(pk=secadmin.pk).role == Role.SECADMIN

    def test_grant_create_and_delete(self, client, secadmin, officer_a, city) -> None:
        client.force_login(secadmin)
        url = reverse("accounts:grant_create", args=[officer_a.pk])
        assert client.get(url).status_code == 200
        data = {
            "unit": city.county_b.pk,
            "managed_levels": [ManagedBy.COUNTY],
            "pillars": [Pillar.TOLERANCE],
            "note": "组干通〔2026〕1号",
        }
        assert client.post(url, data).status_code == 302
        new = officer_a.grants.get(unit=city.county_b)
        assert (new.managed_levels, new.pillars, new.granted_by) == (
            ["county"],
            ["tolerance"],
            secadmin,
        )
        assert last_event("grant.create").after["unit_name"] == "乙县"
        client.post(reverse("accounts:grant_delete", args=[new.pk]))
        assert not ScopeGrant.objects.filter(pk=new.pk).exists()
        assert last_event("grant.delete").before["unit"] == city.county_b.pk

    def test_grant_errors_in_chinese(self, client, secadmin, officer_a, sysadmin, city) -> None:
        client.force_login(secadmin)
        url = reverse("accounts:grant_create", args=[officer_a.pk])
        response = client.post(url, {"unit": city.county_a.pk})
        assert "请至少选择一种干部管理权限" in response.text
        response = client.post(url, {"unit": city.county_a.pk, "managed_levels": ["county"]})
        assert "已有该单位的授权" in response.text
        response = client.post(
            reverse("accounts:grant_create", args=[sysadmin.pk]),
            {"unit": city.root.pk, "managed_levels": ["city"]},
        )
        assert "只能为组织部门干部管理员或领导授予数据范围" in response.text
        assert not sysadmin.grants.exists()
        assert ScopeGrant.objects.filter(user=officer_a).count() == 1


class TestOwnPassword:
    def test_change_own_password(self, client, officer_a) -> None:
        client.force_login(officer_a)
        url = reverse("accounts:password_change")
        assert client.get(url).status_code == 200
        data = {
            "old_password": "wrong",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        }
        assert "原密码不正确" in client.post(url, data).text
        data = {
            "old_password": PASSWORD,
            "new_password1": "12345678901",
            "new_password2": "12345678901",
        }
        assert "密码只包含数字" in client.post(url, data).text
        data = {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        }
        assert client.post(url, data).status_code == 302
        officer_a.refresh_from_db()
        assert officer_a.check_password(NEW_PASSWORD) and officer_a.password_changed_at
        assert last_event("user.password_change").actor == officer_a
        assert client.get(url).status_code == 200  # session kept after the change

    def test_anonymous_redirected(self, client, db) -> None:
        assert client.get(reverse("accounts:password_change")).status_code == 302
