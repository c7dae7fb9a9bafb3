"""Login, lockout, password policy, idle timeout and logout (等保 2.0 login handling)."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.middleware import SEEN_KEY
from apps.accounts.models import User
from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.accounts.validators import CharacterClassValidator
from apps.core.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
HOME_URL = reverse("dashboards:home")


@pytest.fixture
def user() -> User:
    return UserFactory(username="zhangsan")


def post_login(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def login_error(response: object) -> str:
    """The text of the login page's error alert ("" when there is none)."""
    html = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(r'data-testid="login-error">([^<]*)<', html)
    return match.group(1) if match else ""


def login_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="auth.login").order_by("id"))


class TestLoginPage:
    def test_renders_in_chinese(self, client: Client) -> None:
        response = client.get(LOGIN_URL)
        assert response.status_code == 200
        html = response.content.decode()
        for text in ("登录", "用户名", "密码", 'lang="zh-CN"'):
            assert text in html

    def test_protected_pages_redirect_to_login(self, client: Client) -> None:
        response = client.get(HOME_URL)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN_URL)


class TestLoginAttempt:
    def test_correct_login_redirects_to_the_dashboard(self, client: Client, user: User) -> None:
        response = post_login(client, "zhangsan", PASSWORD)

        assert response.status_code == 302
        assert response.url == HOME_URL
        assert int(client.session["_auth_user_id"]) == user.pk
        (event,) = login_events()
        assert (event.outcome, event.actor, event.actor_name) == (AuditOutcome.OK, user, "zhangsan")

    def test_next_is_followed_only_on_this_host(self, client: Client, user: User) -> None:
        response = client.post(
            f"{LOGIN_URL}?next=/accounts/password/",
            {"username": "zhangsan", "password": PASSWORD},
        )
        assert response.url == "/accounts/password/"
        client.logout()
        response = client.post(
            f"{LOGIN_URL}?next=https://evil.example/",
            {"username": "zhangsan", "password": PASSWORD},
        )
        assert response.url == HOME_URL

    def test_wrong_password_is_refused_and_audited(self, client: Client, user: User) -> None:
        response = post_login(client, "zhangsan", "wrong-password", REMOTE_ADDR="10.2.3.4")

        assert response.status_code == 200
        assert login_error(response) == "用户名或密码错误"
        assert "_auth_user_id" not in client.session
        (event,) = login_events()
        assert (event.outcome, event.actor, event.actor_name) == (
            AuditOutcome.FAILED,
            None,
            "zhangsan",
        )
        assert event.ip == "10.2.3.4"
        assert event.request_id == response["X-Request-ID"]
        user.refresh_from_db()
        assert user.failed_logins == 1

    def test_unknown_username_gets_the_same_message_and_is_audited(self, client: Client) -> None:
        response = post_login(client, "nobody", "whatever-123")

        assert login_error(response) == "用户名或密码错误"
        (event,) = login_events()
        assert (event.outcome, event.actor_name) == (AuditOutcome.FAILED, "nobody")

    def test_inactive_user_cannot_log_in(self, client: Client, user: User) -> None:
        User.objects.filter(pk=user.pk).update(is_active=False)
        response = post_login(client, "zhangsan", PASSWORD)
        assert login_error(response) == "用户名或密码错误"
        assert "_auth_user_id" not in client.session

    def test_success_resets_the_failure_count(self, client: Client, user: User) -> None:
        for _ in range(settings.LOGIN_MAX_FAILURES - 1):
            post_login(client, "zhangsan", "wrong-password")
        user.refresh_from_db()
        assert user.failed_logins == settings.LOGIN_MAX_FAILURES - 1

        post_login(client, "zhangsan", PASSWORD)

        user.refresh_from_db()
        assert (user.failed_logins, user.locked_until) == (0, None)

    def test_audit_chain_stays_intact(self, client: Client, user: User) -> None:
        from apps.core.audit import verify_chain

        post_login(client, "zhangsan", "wrong-password")
        post_login(client, "nobody", "wrong-password")
        post_login(client, "zhangsan", PASSWORD)
        assert len(login_events()) == 3
        assert list(verify_chain()) == []


class TestLockout:
    def fail(self, client: Client, times: int) -> str:
        """Fail `times` logins; the last error message."""
        text = ""
        for _ in range(times):
            text = login_error(post_login(client, "zhangsan", "wrong-password"))
        return text

    def test_locks_after_max_failures(self, client: Client, user: User) -> None:
        before = self.fail(client, settings.LOGIN_MAX_FAILURES - 1)
        assert before == "用户名或密码错误"
        user.refresh_from_db()
        assert user.locked_until is None

        text = self.fail(client, 1)

        assert "账号已锁定" in text
        user.refresh_from_db()
        expected = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        assert user.locked_until is not None
        assert abs((user.locked_until - expected).total_seconds()) < 60
        assert login_events()[-1].detail == {"reason": "bad_credentials", "locked": True}

    def test_locked_account_refuses_the_right_password(self, client: Client, user: User) -> None:
        self.fail(client, settings.LOGIN_MAX_FAILURES)

        response = post_login(client, "zhangsan", PASSWORD)

        assert response.status_code == 200
        assert "账号已锁定" in login_error(response)
        assert "_auth_user_id" not in client.session
        event = login_events()[-1]
        assert (event.outcome, event.detail) == (AuditOutcome.DENIED, {"reason": "locked"})

    def test_login_works_again_after_the_lockout(self, client: Client, user: User) -> None:
        self.fail(client, settings.LOGIN_MAX_FAILURES)
        User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))

        response = post_login(client, "zhangsan", PASSWORD)

        assert response.status_code == 302
        assert int(client.session["_auth_user_id"]) == user.pk

    def test_still_locked_shortly_before_the_end(self, client: Client, user: User) -> None:
        self.fail(client, settings.LOGIN_MAX_FAILURES)
        User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(seconds=90))
        response = post_login(client, "zhangsan", PASSWORD)
        assert "_auth_user_id" not in client.session
        assert "请2分钟后再试" in login_error(response)

    def test_limits_come_from_settings(self, client: Client, user: User, settings: object) -> None:
        settings.LOGIN_MAX_FAILURES = 2  # type: ignore[attr-defined]
        settings.LOGIN_LOCKOUT_MINUTES = 3  # type: ignore[attr-defined]
        self.fail(client, 1)
        user.refresh_from_db()
        assert user.locked_until is None
        text = self.fail(client, 1)
        assert text.startswith("连续2次登录失败，账号已锁定3分钟")

    def test_unknown_user_failures_do_not_lock_anyone(self, client: Client, user: User) -> None:
        for _ in range(settings.LOGIN_MAX_FAILURES + 1):
            post_login(client, "nobody", "wrong-password")
        assert post_login(client, "zhangsan", PASSWORD).status_code == 302  # type: ignore[attr-defined]


class TestPasswordPolicy:
    @pytest.mark.parametrize(
        ("password", "fragment"),
        [
            ("Ab1!", "至少要包含 10 个字符"),  # too short
            ("Abcdef1!x", "至少要包含 10 个字符"),  # 9: one short
            ("abcdefghijkl", "三类"),  # one class
            ("abcdefgh1234", "三类"),  # two classes
            ("1234567890123", "只包含数字"),
            ("password123", "太常见"),
        ],
    )
    def test_weak_passwords_are_refused_in_chinese(self, password: str, fragment: str) -> None:
        with pytest.raises(ValidationError) as exc:
            validate_password(password)
        assert any(fragment in m for m in exc.value.messages)

    @pytest.mark.parametrize("password", ["Abcdefgh12", "abcdefgh1!", "ABCDEFGH1!", "Xq7#mPz2Lw"])
    def test_ten_characters_of_three_classes_pass(self, password: str) -> None:
        validate_password(password)

    @pytest.mark.parametrize(
        ("password", "ok"),
        [("Abc", False), ("Ab1", True), ("a1!", True), ("A!", False), ("Aa1!", True)],
    )
    def test_character_classes(self, password: str, ok: bool) -> None:
        validator = CharacterClassValidator()
        if ok:
            validator.validate(password)
        else:
            with pytest.raises(ValidationError, match="三类"):
                validator.validate(password)
        assert "三类" in validator.get_help_text()


class TestIdleTimeout:
    def test_settings_in_effect(self) -> None:
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_TOUCH_SECONDS == 60
        assert not settings.SESSION_SAVE_EVERY_REQUEST

    def _expiry_in(self, key: str, seconds: int) -> None:
        Session.objects.filter(pk=key).update(
            expire_date=timezone.now() + timedelta(seconds=seconds)
        )

    def _remaining(self, key: str) -> float:
        return (Session.objects.get(pk=key).expire_date - timezone.now()).total_seconds()

    def _last_seen(self, client: Client, seconds_ago: int) -> None:
        session = client.session
        session[SEEN_KEY] = int(time.time()) - seconds_ago
        session.save()

    def test_a_request_after_the_touch_interval_extends_the_session(
        self, client: Client, user: User
    ) -> None:
        client.force_login(user)
        key = client.session.session_key
        self._last_seen(client, settings.SESSION_TOUCH_SECONDS)
        self._expiry_in(key, 30)

        assert client.get(HOME_URL).status_code == 200

        remaining = self._remaining(key)
        assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE

    def test_a_request_within_the_interval_writes_nothing(self, client: Client, user: User) -> None:
        client.force_login(user)
        key = client.session.session_key
        self._last_seen(client, settings.SESSION_TOUCH_SECONDS - 2)
        self._expiry_in(key, 600)

        assert client.get(HOME_URL).status_code == 200

        assert self._remaining(key) <= 600

    def test_anonymous_requests_create_no_session(self, client: Client) -> None:
        client.get(LOGIN_URL)
        assert not Session.objects.exists()

    def test_idle_session_is_rejected(self, client: Client, user: User) -> None:
        client.force_login(user)
        assert client.get(HOME_URL).status_code == 200
        key = client.session.session_key
        idle = timezone.now() - timedelta(seconds=1)  # SESSION_COOKIE_AGE passed without a request
        Session.objects.filter(pk=key).update(expire_date=idle)

        response = client.get(HOME_URL)

        assert response.status_code == 302
        assert response.url.startswith(LOGIN_URL)


class TestLogout:
    def test_logout_is_audited_and_ends_the_session(self, client: Client, user: User) -> None:
        client.force_login(user)

        response = client.post(reverse("accounts:logout"))

        assert response.status_code == 302
        assert response.url == LOGIN_URL
        event = AuditEvent.objects.get(action="auth.logout")
        assert (event.actor, event.actor_name) == (user, "zhangsan")
        assert client.get(HOME_URL).status_code == 302

    def test_logout_needs_post(self, client: Client, user: User) -> None:
        client.force_login(user)
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert not AuditEvent.objects.filter(action="auth.logout").exists()
