"""Create, check and (re)fill the benchmark database."""

import time
from typing import Any

import psycopg
from django.core.management import call_command
from django.db import connection, connections


def admin_connection(url: str) -> psycopg.Connection[Any]:
    """Autocommit connection to the maintenance database `postgres` of the same server."""
    base = url.rsplit("/", 1)[0]
    return psycopg.connect(f"{base}/postgres", autocommit=True)


def ensure_database(url: str, name: str, *, drop: bool = False) -> None:
    with admin_connection(url) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def loaded_size() -> dict[str, Any] | None:
    """seed/cadres/units of the last demo load in this database, or None."""
    from apps.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="demo.load").order_by("-id").first()
    return event.detail if event else None


def ensure_data(url: str, name: str, *, seed: int, cadres: int, units: int) -> None:
    """Generate the demo city at this size unless the database already holds exactly it."""
    from apps.cadres import demo
    from apps.cadres.demo.plan import build_plan
    from apps.cadres.models import Cadre

    call_command("migrate", verbosity=0)
    expected_units = len(build_plan(seed, units).units)
    size = loaded_size()
    have = Cadre.objects.unscoped_for_jobs_and_migrations().count()
    if (
        size
        and size.get("seed") == seed
        and size.get("units") == expected_units
        and (size.get("cadres") == cadres == have)
    ):
        print(f"{name} already holds {have} cadres in {expected_units} units: not generating")
        return
    if size or have:
        print(f"{name} holds another size: dropping and recreating it")
        connections.close_all()
        ensure_database(url, name, drop=True)
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    totals = demo.load(
        seed=seed, cadres=cadres, units=units, progress=_progress(cadres), with_pillars=False
    )
    print(f"generated in {time.perf_counter() - started:.0f} s: {totals}")
    vacuum()


def _progress(total: int) -> Any:
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.0f} s] {message}", flush=True)

    return say


def vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
