"""The append-only, hash-chained audit log: chaining, tamper detection, triggers, context."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from apps.accounts.models import User
from apps.accounts.tests.factories import UserFactory
from apps.core import audit
from apps.core.context import RequestInfo, current_request
from apps.core.middleware import RequestContextMiddleware
from apps.core.models import AuditEvent, AuditOutcome
from apps.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

append_only = importlib.import_module("apps.core.migrations.0002_audit_append_only")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite trigger")


@contextmanager
def triggers_off() -> Iterator[None]:
    """Lift the append-only trigger to simulate someone with raw database access."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete"
            )
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update_delete"
                )
            else:
                cursor.execute(append_only.SQLITE_FORWARD)


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Three events with varied payloads (Chinese text, dates, decimals, nesting)."""
    actor = UserFactory(username="officer_z")
    return [
        audit.record(action="test.first", actor=actor, detail={"说明": "第一条"}),
        audit.record(
            action="test.second",
            actor=actor,
            target=UnitFactory(name="甲县财政局"),
            before={"name": "旧名", "on": date(2020, 1, 1)},
            after={"name": "新名", "amount": Decimal("1.50"), "list": [1, {"a": None}]},
        ),
        audit.record(action="test.third", outcome=AuditOutcome.FAILED, actor_name="ghost"),
    ]


class TestRecord:
    def test_chains_hashes_from_genesis(self, chain: list[AuditEvent]) -> None:
        first, second, third = AuditEvent.objects.order_by("id")
        assert first.prev_hash == audit.GENESIS
        assert second.prev_hash == first.hash
        assert third.prev_hash == second.hash
        assert len({first.hash, second.hash, third.hash}) == 3
        for event in (first, second, third):
            assert event.hash == audit.compute_hash(event.prev_hash, event)

    def test_hash_covers_the_content(self, chain: list[AuditEvent]) -> None:
        event = AuditEvent.objects.order_by("id")[1]
        original = event.hash
        event.target_repr = "别的单位"
        assert audit.compute_hash(event.prev_hash, event) != original

    def test_fields_from_actor_and_target(self, chain: list[AuditEvent]) -> None:
        second = AuditEvent.objects.get(action="test.second")
        assert second.actor_name == "officer_z"
        assert second.actor == User.objects.get(username="officer_z")
        assert second.target_type == "units.unit"
        assert second.target_repr == "甲县财政局"
        assert second.before == {"name": "旧名", "on": "2020-01-01"}
        assert second.after == {"name": "新名", "amount": "1.50", "list": [1, {"a": None}]}
        third = AuditEvent.objects.get(action="test.third")
        assert (third.actor, third.actor_name, third.outcome) == (None, "ghost", "failed")

    def test_anonymous_actor_is_recorded_without_a_user(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        event = audit.record(action="test.anon", actor=AnonymousUser())
        assert (event.actor_id, event.actor_name) == (None, "")

    def test_event_rolled_back_with_its_change_keeps_the_chain_whole(
        self, chain: list[AuditEvent]
    ) -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record(action="test.rolled_back")
            raise RuntimeError("the service failed")
        audit.record(action="test.after")
        assert list(audit.verify_chain()) == []


class TestVerifyChain:
    def test_intact_chain_passes(self, chain: list[AuditEvent]) -> None:
        assert list(audit.verify_chain()) == []
        assert list(audit.verify_chain(batch_size=1)) == []

    def test_empty_log_passes(self) -> None:
        assert list(audit.verify_chain()) == []

    @pytest.mark.parametrize(
        ("column", "value"),
        [
            ("target_repr", "乙县财政局"),
            ("actor_name", "someone_else"),
            ("outcome", "denied"),
            ("after", '{"name": "篡改"}'),
        ],
    )
    def test_modified_row_is_reported(
        self, chain: list[AuditEvent], column: str, value: str
    ) -> None:
        victim = chain[1]
        with triggers_off():
            raw(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, victim.pk])

        problems = list(audit.verify_chain())
        assert [p.event_id for p in problems] == [victim.pk]
        assert "篡改" in problems[0].reason

    def test_rehashed_row_breaks_the_next_link(self, chain: list[AuditEvent]) -> None:
        """Recomputing the tampered row's own hash moves the break to the next row."""
        victim = AuditEvent.objects.get(pk=chain[1].pk)
        victim.target_repr = "乙县财政局"
        new_hash = audit.compute_hash(victim.prev_hash, victim)
        with triggers_off():
            raw(
                "UPDATE core_auditevent SET target_repr = %s, hash = %s WHERE id = %s",
                ["乙县财政局", new_hash, victim.pk],
            )

        problems = list(audit.verify_chain())
        assert [p.event_id for p in problems] == [chain[2].pk]
        assert "删除或插入" in problems[0].reason

    def test_deleted_row_is_reported(self, chain: list[AuditEvent]) -> None:
        with triggers_off():
            raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])

        problems = list(audit.verify_chain())
        assert [p.event_id for p in problems] == [chain[2].pk]
        assert "删除或插入" in problems[0].reason

    def test_deleted_first_row_is_reported(self, chain: list[AuditEvent]) -> None:
        with triggers_off():
            raw("DELETE FROM core_auditevent WHERE id = %s", [chain[0].pk])
        assert [p.event_id for p in audit.verify_chain()] == [chain[1].pk]

    @pytest.mark.parametrize(
        "ip", ["10.0.0.7", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:10.0.0.7"]
    )
    def test_ip_addresses_survive_the_round_trip(self, ip: str) -> None:
        """PostgreSQL stores IPs as inet and gives them back in its own spelling; the hash must
        be computed over what the database returns, or every IPv6 login looks tampered."""
        token = current_request.set(RequestInfo(request_id="r1", ip=ip))
        try:
            audit.record(action="test.ip")
        finally:
            current_request.reset(token)
        assert list(audit.verify_chain()) == []


class TestAppendOnly:
    def test_model_save_on_an_existing_event_raises(self, chain: list[AuditEvent]) -> None:
        event = AuditEvent.objects.get(pk=chain[0].pk)
        event.action = "test.changed"
        with pytest.raises(RuntimeError, match="append-only"):
            event.save()
        with pytest.raises(RuntimeError, match="append-only"):
            event.delete()
        assert AuditEvent.objects.get(pk=chain[0].pk).action == "test.first"

    def test_queryset_update_is_refused_by_the_database(self, chain: list[AuditEvent]) -> None:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=chain[0].pk).update(action="test.changed")
        assert AuditEvent.objects.get(pk=chain[0].pk).action == "test.first"

    def test_trigger_is_back_after_tampering(self, chain: list[AuditEvent]) -> None:
        with triggers_off():
            raw("UPDATE core_auditevent SET actor_name = 'x' WHERE id = %s", [chain[0].pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw("UPDATE core_auditevent SET actor_name = 'y' WHERE id = %s", [chain[0].pk])

    @on_postgres
    def test_postgres_refuses_raw_update_and_delete(self, chain: list[AuditEvent]) -> None:
        with pytest.raises(DatabaseError, match="UPDATE refused"), transaction.atomic():
            raw("UPDATE core_auditevent SET actor_name = 'x' WHERE id = %s", [chain[0].pk])
        with pytest.raises(DatabaseError, match="DELETE refused"), transaction.atomic():
            raw("DELETE FROM core_auditevent WHERE id = %s", [chain[0].pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.count() == 3
        assert list(audit.verify_chain()) == []

    @on_sqlite
    def test_sqlite_refuses_raw_update(self, chain: list[AuditEvent]) -> None:
        """SQLite (the demo) refuses UPDATE only: DELETE stays open for the test runner's flush;
        a deletion is still caught by verify_audit_chain."""
        with pytest.raises(DatabaseError, match="UPDATE refused"), transaction.atomic():
            raw("UPDATE core_auditevent SET actor_name = 'x' WHERE id = %s", [chain[0].pk])
        assert list(audit.verify_chain()) == []


class TestVerifyAuditChainCommand:
    def test_intact_chain_exits_zero(
        self, chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
    ) -> None:
        call_command("verify_audit_chain")
        assert "3 条事件" in capsys.readouterr().out

    def test_broken_chain_exits_non_zero(
        self, chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
    ) -> None:
        with triggers_off():
            raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])
        with pytest.raises(CommandError) as exc:
            call_command("verify_audit_chain")
        assert exc.value.returncode != 0
        assert "1 处问题" in str(exc.value)
        assert f"事件 {chain[2].pk}" in capsys.readouterr().err


class TestRequestContext:
    def test_ip_and_request_id_from_the_context(self) -> None:
        token = current_request.set(RequestInfo(request_id="abc123", ip="10.1.2.3"))
        try:
            event = audit.record(action="test.ctx")
        finally:
            current_request.reset(token)
        event.refresh_from_db()
        assert (event.ip, event.request_id) == ("10.1.2.3", "abc123")

        outside = audit.record(action="test.no_ctx")
        assert (outside.ip, outside.request_id) == (None, "")

    @pytest.mark.parametrize(
        ("meta", "ip"),
        [
            ({"REMOTE_ADDR": "192.168.1.9"}, "192.168.1.9"),
            ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "10.9.8.7"}, "10.9.8.7"),
        ],
    )
    def test_middleware_binds_the_request(self, meta: dict[str, str], ip: str) -> None:
        def view(request: HttpRequest) -> HttpResponse:
            audit.record(action="test.in_request")
            return HttpResponse("ok")

        response = RequestContextMiddleware(view)(RequestFactory().get("/", **meta))

        event = AuditEvent.objects.get(action="test.in_request")
        assert event.ip == ip
        assert len(event.request_id) == 32
        assert response["X-Request-ID"] == event.request_id
        assert current_request.get() == RequestInfo()  # reset after the request
