"""API authentication: tokens (hash only, revoke, expiry), session + CSRF, schema and docs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from apps.accounts.api_auth import hash_key, token_create, token_revoke
from apps.accounts.models import ApiToken, Role, User
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent
from conftest import City

pytestmark = pytest.mark.django_db
API = "/api/v1/cadres/"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def issue(user: User, **kwargs: object) -> tuple[ApiToken, str]:
    expires = kwargs.get("expires_at", timezone.now() + timedelta(days=1))
    return token_create(actor=None, user=user, name="测试", expires_at=expires)  # type: ignore[arg-type]


class TestCommand:
    def test_prints_token_once_and_stores_only_its_hash(self, officer_a: User) -> None:
        out = StringIO()
        call_command("create_api_token", "officer_a", "--name", "人事系统同步", stdout=out)
        key = out.getvalue().strip().splitlines()[-1]
        token = ApiToken.objects.get()
        assert key.startswith("ddg_") and key.startswith(token.prefix)
        assert token.key_hash == hash_key(key) and key not in token.key_hash
        assert token.prefix in out.getvalue()
        assert token.expires_at is not None
        assert token.expires_at > timezone.now() + timedelta(days=89)
        event = AuditEvent.objects.get(action="auth.token.create")
        assert key not in str(event.detail) and event.detail["prefix"] == token.prefix

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["nobody", "--name", "x"], "不存在"),
            (["officer_a", "--name", "x", "--days", "0"], "有效天数"),
            (["officer_a", "--name", " "], "名称"),
            (["admin", "--name", "x"], "只有"),
        ],
    )
    def test_refusals(self, officer_a: User, args: list[str], message: str) -> None:
        UserFactory(username="admin", role=Role.SYSADMIN)
        with pytest.raises(CommandError, match=message):
            call_command("create_api_token", *args, stdout=StringIO())
        assert not ApiToken.objects.exists()


class TestTokenAuth:
    def test_token_reads_and_writes(self, client: Client, officer_a: User, city: City) -> None:
        cadre = CadreFactory(unit=city.county_a_dept)
        token, key = issue(officer_a)
        body = client.get(API, headers=bearer(key)).json()
        assert [i["id"] for i in body["items"]] == [cadre.pk]
        token.refresh_from_db()
        assert token.last_used_at is not None
        # No CSRF for token calls: the token is not sent by browsers on their own.
        response = Client(enforce_csrf_checks=True).delete(f"{API}{cadre.pk}", headers=bearer(key))
        assert response.status_code == 204

    def test_revoked_expired_and_unknown_tokens_are_401(
        self, client: Client, officer_a: User
    ) -> None:
        token, key = issue(officer_a)
        token_revoke(actor=officer_a, token_id=token.pk)
        _, expired = issue(officer_a, expires_at=timezone.now() - timedelta(seconds=1))
        for candidate in (key, expired, "ddg_" + "x" * 43, "not-a-token", ""):
            response = client.get(API, headers=bearer(candidate))
            assert response.status_code == 401, candidate
            assert response.json()["code"] == "unauthenticated"
            assert response["WWW-Authenticate"].startswith("Bearer")
        assert AuditEvent.objects.filter(action="auth.token.revoke").exists()

    def test_refused_tokens_are_audited_as_failed_logins(
        self, client: Client, officer_a: User
    ) -> None:
        token, key = issue(officer_a)
        token_revoke(actor=officer_a, token_id=token.pk)
        client.get(API, headers=bearer(key))
        client.get(API, headers=bearer("a-mistyped-secret"))
        events = list(AuditEvent.objects.filter(action="auth.token.failed").order_by("id"))
        assert [e.outcome for e in events] == ["failed", "failed"]
        assert events[0].detail == {"prefix": token.prefix, "path": API, "method": "GET"}
        assert events[0].actor is None and events[0].actor_name == token.prefix
        assert events[1].detail["prefix"] == "" and "mistyped" not in str(events[1].detail)
        assert key not in str(events[0].detail)  # only the public prefix, never the key
        _, good = issue(officer_a)
        client.get(API, headers=bearer(good))
        assert AuditEvent.objects.filter(action="auth.token.failed").count() == 2

    def test_inactive_user_token_is_401(self, client: Client, officer_a: User) -> None:
        _, key = issue(officer_a)
        User.objects.filter(pk=officer_a.pk).update(is_active=False)
        assert client.get(API, headers=bearer(key)).status_code == 401

    def test_bad_token_does_not_fall_back_to_session(self, client: Client, officer_a: User) -> None:
        client.force_login(officer_a)
        assert client.get(API).status_code == 200
        assert client.get(API, headers=bearer("ddg_wrong")).status_code == 401

    def test_leader_token_reads_only(self, client: Client, leader_a: User) -> None:
        _, key = issue(leader_a)
        assert client.get(API, headers=bearer(key)).status_code == 200
        response = client.post(API, {}, content_type="application/json", headers=bearer(key))
        assert response.status_code == 403

    def test_role_change_after_issue_is_403(self, client: Client, officer_a: User) -> None:
        _, key = issue(officer_a)
        User.objects.filter(pk=officer_a.pk).update(role=Role.AUDITOR)
        assert client.get(API, headers=bearer(key)).status_code == 403


class TestSession:
    def test_anonymous_is_json_401_not_redirect(self, client: Client) -> None:
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(f"{API}1")
            assert response.status_code in (401, 405)
            assert response.status_code != 302
        anonymous_post = Client(enforce_csrf_checks=True).post(API, {}, "application/json")
        assert anonymous_post.status_code == 401  # not a CSRF 403 before authentication

    def test_csrf_needed_for_session_writes_only(self, officer_a: User, city: City) -> None:
        cadre = CadreFactory(unit=city.county_a_dept)
        client = Client(enforce_csrf_checks=True)
        client.force_login(officer_a)
        assert client.get(f"{API}{cadre.pk}").status_code == 200
        assert client.delete(f"{API}{cadre.pk}").status_code == 403
        client.get("/api/v1/docs")
        token = client.cookies["csrftoken"].value
        response = client.delete(f"{API}{cadre.pk}", headers={"X-CSRFToken": token})
        assert response.status_code == 204


class TestSchemaAndDocs:
    def test_schema_for_authenticated_users(self, client: Client, officer_a: User) -> None:
        assert client.get("/api/v1/openapi.json").status_code == 401
        _, key = issue(officer_a)
        schema = client.get("/api/v1/openapi.json", headers=bearer(key)).json()
        assert "/api/v1/cadres/" in schema["paths"] and "/api/v1/units/" in schema["paths"]
        props = schema["components"]["schemas"]["CadreIn"]["properties"]
        assert props["birth_date"]["title"] == "出生年月"
        assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])

    def test_docs_page(self, client: Client, officer_a: User) -> None:
        response = client.get("/api/v1/docs")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.force_login(officer_a)
        assert client.get("/api/v1/docs").status_code == 200
