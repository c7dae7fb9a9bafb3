"""Trigram search of the typical-case library on PostgreSQL (apps/tolerance/search.py).

PostgreSQL gets the pg_trgm extension (trusted since PostgreSQL 13: the database owner may create
it) and a GIN trigram index on `search_text`, which serves the `LIKE '%term%'` matches of Chinese
terms. SQLite (the demo) needs nothing: the operation does nothing there.
"""

from django.db import migrations

INDEX = "tol_typical_search_trgm"
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON tolerance_typicalcase "
    "USING gin (search_text gin_trgm_ops)",
]
# The extension stays: other apps may use it, and dropping it would drop their indexes too.
PG_BACKWARD = [f"DROP INDEX IF EXISTS {INDEX}"]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("tolerance", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
