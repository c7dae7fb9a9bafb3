"""Excel exports of the account lists: each opens to the role of its page only, follows the
page's filters, is audited, and never writes a token's secret."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.api_auth import token_create
from apps.accounts.models import ApiToken, Role, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.core.models import AuditEvent, Job
from apps.core.tests.helpers import list_export_rows

pytestmark = pytest.mark.django_db


export = list_export_rows


@pytest.fixture
def sysadmin() -> User:
    return UserFactory(username="sysadmin1", role=Role.SYSADMIN)


@pytest.fixture
def secadmin() -> User:
    return UserFactory(username="secadmin1", role=Role.SECADMIN)


def test_users_export_follows_the_search(
    client, sysadmin, officer_a, leader_a, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=leader_a.pk).update(
        is_active=False, locked_until=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(sysadmin)
    rows = export(
        client, "accounts-users", "role=leader&page=3", django_capture_on_commit_callbacks
    )
    assert rows[0][:5] == ("用户名", "姓名", "所在单位", "角色", "状态")
    assert [r[0] for r in rows[1:]] == ["leader_a"]
    assert rows[1][3] == "领导（只读）"
    assert rows[1][4] == "已停用" and rows[1][5]  # locked until a time
    everyone = export(client, "accounts-users", "", django_capture_on_commit_callbacks)
    assert {r[0] for r in everyone[1:]} == {"sysadmin1", "officer_a", "leader_a"}
    event = AuditEvent.objects.filter(action="list.export").latest("id")
    assert event.actor == sysadmin and event.detail["rows"] == 3


def test_grants_export_lists_every_grant_and_flags_merged_units(
    client, secadmin, officer_a, city, django_capture_on_commit_callbacks
):
    grant(officer_a, city.county_b_dept, levels=["county"], pillars=["sanctions"])
    city.county_b_dept.is_active = False
    city.county_b_dept.save(update_fields=["is_active"])
    client.force_login(secadmin)
    rows = export(client, "accounts-grants", "q=officer_a", django_capture_on_commit_callbacks)
    body = {(r[0], r[4]): r for r in rows[1:]}
    assert set(body) == {("officer_a", "甲县"), ("officer_a", "乙县财政局")}
    assert body[("officer_a", "甲县")][7] == "有效"
    assert body[("officer_a", "乙县财政局")][7] == "单位已撤并，授权无效"
    assert "处分" in body[("officer_a", "乙县财政局")][6]
    # A user without grants still appears, with the scope empty.
    everyone = export(client, "accounts-grants", "", django_capture_on_commit_callbacks)
    assert ("secadmin1", None) in {(r[0], r[4]) for r in everyone[1:]}


def test_tokens_export_never_holds_the_key(
    client, secadmin, officer_a, django_capture_on_commit_callbacks
):
    live, key = token_create(actor=None, user=officer_a, name="人事系统同步", expires_at=None)
    old, _ = token_create(actor=None, user=officer_a, name="旧接口", expires_at=None)
    ApiToken.objects.filter(pk=old.pk).update(revoked=True)
    client.force_login(secadmin)
    rows = export(client, "accounts-tokens", "state=active", django_capture_on_commit_callbacks)
    assert [(r[3], r[8]) for r in rows[1:]] == [("人事系统同步", "有效")]
    assert rows[1][4] == f"{live.prefix}…" and rows[1][7] == "不过期"
    flat = "".join(str(c) for r in rows for c in r)
    assert key not in flat and live.key_hash not in flat


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("accounts-users", Role.SYSADMIN),
        ("accounts-grants", Role.SECADMIN),
        ("accounts-tokens", Role.SECADMIN),
    ],
)
def test_only_the_lists_role_may_export(client, name, allowed):
    for role in (Role.OFFICER, Role.LEADER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        client.force_login(UserFactory(role=role))
        response = client.post(reverse("jobs:list_export", args=[name]))
        assert (response.status_code == 302) is (role == allowed), (name, role)
    assert Job.objects.count() == 1


def test_pages_offer_the_export(client, sysadmin, secadmin):
    client.force_login(sysadmin)
    assert "accounts-users" in client.get(reverse("accounts:user_list")).content.decode()
    client.force_login(secadmin)
    assert "accounts-grants" in client.get(reverse("accounts:grant_list")).content.decode()
    assert "accounts-tokens" in client.get(reverse("accounts:token_list")).content.decode()
