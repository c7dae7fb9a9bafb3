"""The auditor's pages: role gate, list filters and paging, diff, export, chain verification."""

import io
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import Role, User
from apps.accounts.tests.factories import UserFactory
from apps.core import audit
from apps.core.models import AuditEvent, AuditOutcome

LIST = reverse("core:audit_list")
VERIFY = reverse("core:audit_verify")
EXPORT = reverse("core:audit_export")


@pytest.fixture
def auditor(db: None) -> User:
    return UserFactory(username="auditor1", full_name="审计员甲", role=Role.AUDITOR)


@pytest.fixture
def sysadmin(db: None) -> User:
    return UserFactory(username="sysadmin1", role=Role.SYSADMIN)


@pytest.fixture
def events(db: None, sysadmin: User) -> list[AuditEvent]:
    target = UserFactory(username="target1", full_name="原姓名")
    return [
        audit.record(action="auth.login", actor=sysadmin),
        audit.record(action="auth.login", actor_name="intruder", outcome=AuditOutcome.FAILED),
        audit.record(
            action="user.update",
            actor=sysadmin,
            target=target,
            before={"full_name": "原姓名", "role": "officer"},
            after={"full_name": "新姓名", "role": "leader"},
        ),
    ]


class TestRoleGate:
    @pytest.mark.parametrize("name", ["audit_list", "audit_verify"])
    def test_sysadmin_and_officer_get_chinese_403(self, client, sysadmin, officer_a, name) -> None:
        for user in (sysadmin, officer_a):
            client.force_login(user)
            response = client.get(reverse(f"core:{name}"))
            assert response.status_code == 403
            assert "无权访问" in response.text and "安全审计员" in response.text
        assert AuditEvent.objects.filter(
            action="access.denied", actor=sysadmin, outcome=AuditOutcome.DENIED
        ).exists()

    def test_detail_and_export_refused_to_other_roles(self, client, sysadmin, events) -> None:
        client.force_login(sysadmin)
        assert client.get(reverse("core:audit_detail", args=[events[0].pk])).status_code == 403
        assert client.post(EXPORT).status_code == 403
        assert not AuditEvent.objects.filter(action="audit.export").exists()

    def test_anonymous_goes_to_login(self, client, db) -> None:
        response = client.get(LIST)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


class TestList:
    def test_lists_newest_first_with_total(self, client, auditor, events) -> None:
        client.force_login(auditor)
        response = client.get(LIST)
        assert response.status_code == 200
        page = list(response.context["page"].object_list)
        assert [e.pk for e in page] == sorted((e.pk for e in page), reverse=True)
        assert response.context["page"].paginator.count == AuditEvent.objects.count()
        assert "审计日志" in response.text and "导出Excel" in response.text

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"action": "user.update"}, {"user.update"}),
            ({"outcome": "failed"}, {"auth.login"}),
            ({"actor": "intrud"}, {"auth.login"}),
            ({"target_type": "accounts.user"}, {"user.update"}),
        ],
    )
    def test_filters(self, client, auditor, events, params, expected) -> None:
        client.force_login(auditor)
        response = client.get(LIST, params)
        found = {e.action for e in response.context["page"].object_list}
        assert found == expected

    def test_target_id_ip_and_date_range(self, client, auditor, events) -> None:
        client.force_login(auditor)
        target_id = events[2].target_id
        response = client.get(LIST, {"target_type": "accounts.user", "target_id": target_id})
        assert [e.pk for e in response.context["page"].object_list] == [events[2].pk]
        today = timezone.localdate()
        response = client.get(LIST, {"date_from": today, "date_to": today})
        assert response.context["page"].paginator.count >= 3
        response = client.get(LIST, {"date_to": today - timedelta(days=1)})
        assert response.context["page"].paginator.count == 0
        assert "暂无符合条件的审计事件" in response.text
        response = client.get(LIST, {"ip": "10.9.9.9"})
        assert response.context["page"].paginator.count == 0

    def test_invalid_filters_show_chinese_errors(self, client, auditor, events) -> None:
        client.force_login(auditor)
        response = client.get(LIST, {"ip": "不是地址"})
        assert "筛选条件有误" in response.text
        assert response.context["page"].paginator.count == 0
        today = timezone.localdate()
        response = client.get(LIST, {"date_from": today, "date_to": today - timedelta(days=2)})
        assert "结束日期不能早于开始日期" in response.text

    def test_paging_and_htmx_partial(self, client, auditor, events) -> None:
        for n in range(25):
            audit.record(action="auth.logout", actor_name=f"u{n}")
        client.force_login(auditor)
        response = client.get(LIST, {"page_size": 20})
        assert len(response.context["page"].object_list) == 20
        response = client.get(LIST, {"page_size": 50})
        assert len(response.context["page"].object_list) == AuditEvent.objects.count()
        response = client.get(LIST, {"page": 2}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text and "下一页" not in response.text


class TestDetail:
    def test_shows_readable_field_diff(self, client, auditor, events) -> None:
        client.force_login(auditor)
        response = client.get(reverse("core:audit_detail", args=[events[2].pk]))
        assert response.status_code == 200
        rows = {row.field: row for row in response.context["diff"]}
        assert rows["full_name"].label == "姓名"
        assert (rows["full_name"].before, rows["full_name"].after) == ("原姓名", "新姓名")
        assert rows["role"].after.startswith("领导（只读）")
        assert rows["role"].changed
        assert "修改用户" in response.text

    def test_unknown_event_404(self, client, auditor) -> None:
        client.force_login(auditor)
        assert client.get(reverse("core:audit_detail", args=[999999])).status_code == 404


class TestExport:
    def test_exports_filtered_events_and_is_audited(self, client, auditor, events) -> None:
        client.force_login(auditor)
        response = client.post(EXPORT, {"action": "auth.login"})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("编号", "时间", "操作人", "事件")
        assert len(rows) == 1 + 2
        assert all("auth.login" in row[3] for row in rows[1:])
        logged = AuditEvent.objects.get(action="audit.export")
        assert logged.actor == auditor
        assert logged.detail == {"filters": {"action": "auth.login"}, "count": 2}

    def test_invalid_filter_is_refused_in_chinese(self, client, auditor, events) -> None:
        client.force_login(auditor)
        response = client.post(EXPORT, {"ip": "bad"}, follow=True)
        assert "筛选条件有误，无法导出" in response.text
        assert not AuditEvent.objects.filter(action="audit.export").exists()


def _forge_row() -> None:
    """Insert an event whose stored hash does not match its content (inserts stay allowed)."""
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, actor_name, action, outcome, target_type, target_id,"
            " target_repr, request_id, prev_hash, hash) VALUES (%s, %s, %s, %s, '', '', '', '',"
            " %s, %s)",
            [timezone.now(), "forger", "user.role", "ok", last.hash, "f" * 64],
        )


class TestVerify:
    def test_page_and_intact_chain(self, client, auditor, events) -> None:
        client.force_login(auditor)
        assert "开始校验" in client.get(VERIFY).text
        response = client.post(VERIFY)
        assert response.status_code == 200
        assert response.context["result"].ok
        assert "哈希链完整" in response.text
        logged = AuditEvent.objects.get(action="audit.verify")
        assert logged.detail == {"checked": len(events), "problems": 0}

    def test_reports_forged_row(self, client, auditor, events) -> None:
        client.force_login(auditor)
        _forge_row()
        response = client.post(VERIFY, headers={"HX-Request": "true"})
        assert "哈希链校验失败" in response.text
        assert "内容哈希不匹配" in response.text
        assert "<html" not in response.text
        assert AuditEvent.objects.get(action="audit.verify").outcome == AuditOutcome.FAILED

    def test_reports_tampered_row_on_sqlite(self, client, auditor, events) -> None:
        if connection.vendor != "sqlite":
            pytest.skip("SQLite lets the test drop its UPDATE trigger")
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute(
                "UPDATE core_auditevent SET actor_name = 'someone' WHERE id = %s", [events[1].pk]
            )
        client.force_login(auditor)
        response = client.post(VERIFY)
        problems = response.context["result"].problems
        assert [p.event_id for p in problems] == [events[1].pk]
        assert "哈希链校验失败" in response.text

    def test_update_refused_by_trigger_on_postgresql(self, events) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("the UPDATE/DELETE trigger is PostgreSQL's")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditevent SET actor_name = 'someone' WHERE id = %s", [events[1].pk]
            )
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
        assert not list(audit.verify_chain())
