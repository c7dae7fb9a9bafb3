"""The security administrator's token page: list with state filter and search, revoke (audited,
401 at once), nobody else may see or revoke; a holder may revoke their own through the service."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.api_auth import token_create, token_revoke
from apps.accounts.models import ApiToken, Role, User
from apps.accounts.tests.factories import UserFactory
from apps.core.exceptions import DomainError
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:token_list")


def issue(user: User, name: str, days: int = 30) -> tuple[ApiToken, str]:
    return token_create(
        actor=None, user=user, name=name, expires_at=timezone.now() + timedelta(days=days)
    )


@pytest.fixture
def secadmin() -> User:
    return UserFactory(username="secadmin1", role=Role.SECADMIN)


def test_list_filters_and_revoke(client: Client, secadmin: User, officer_a: User, leader_a: User):
    sync, key = issue(officer_a, "人事系统同步")
    issue(leader_a, "大屏展示")
    old, _ = issue(officer_a, "旧接口")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(secadmin)

    page = client.get(LIST).content.decode()
    assert "人事系统同步" in page and "大屏展示" in page and "已过期" in page
    assert key not in page and sync.key_hash not in page  # never the secret
    assert "大屏展示" not in client.get(LIST, {"q": officer_a.username}).content.decode()
    expired = client.get(LIST, {"state": "expired"}).content.decode()
    assert "旧接口" in expired and "人事系统同步" not in expired

    response = client.post(reverse("accounts:token_revoke", args=[sync.pk]))
    assert response.status_code == 302
    sync.refresh_from_db()
    assert sync.revoked
    event = AuditEvent.objects.get(action="auth.token.revoke")
    assert event.actor == secadmin and event.target_id == str(sync.pk)
    assert (
        client.get("/api/v1/cadres/", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )
    assert "人事系统同步" in client.get(LIST, {"state": "revoked"}).content.decode()
    again = client.post(reverse("accounts:token_revoke", args=[sync.pk]), follow=True)
    assert "已吊销" in again.content.decode()
    assert AuditEvent.objects.filter(action="auth.token.revoke").count() == 1


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR, Role.OFFICER, Role.LEADER])
def test_nobody_else_sees_or_revokes(client: Client, officer_a: User, role: str):
    token, _ = issue(officer_a, "人事系统同步")
    client.force_login(UserFactory(role=role))
    assert client.get(LIST).status_code == 403
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert not token.revoked


def test_a_holder_revokes_only_their_own(officer_a: User, leader_a: User):
    mine, _ = issue(officer_a, "我的")
    theirs, _ = issue(leader_a, "别人的")
    token_revoke(actor=officer_a, token_id=mine.pk)
    with pytest.raises(DomainError, match="只有安全管理员或令牌持有人"):
        token_revoke(actor=officer_a, token_id=theirs.pk)
    theirs.refresh_from_db()
    assert not theirs.revoked
