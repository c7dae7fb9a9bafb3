"""The scope_root trigger reads the unit's path under FOR KEY SHARE.

Without the lock, a cadre inserted into (or moved to) a unit while another transaction moves
that unit read the path of before the move, and the move's own trigger, which updates the cadres
of the unit, did not see the uncommitted cadre: the cadre kept the old county's root. `path` has
a unique index, so updating it takes a lock that conflicts with FOR KEY SHARE: the cadre's write
now waits for the move and reads the new path, or the move waits for the cadre's commit and
then updates it. SQLite has one writer at a time and needs nothing.
"""

# The SQL is composed from this module's own constants, never from input.
# ruff: noqa: S608

from django.db import migrations

PG_ROOT = "coalesce(substring(path from '^/[0-9]+/[0-9]+/'), path)"


def function(lock: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION cadres_cadre_scope_root() RETURNS trigger AS $$
BEGIN
    NEW.scope_root := (SELECT {PG_ROOT} FROM units_unit WHERE id = NEW.unit_id {lock});
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function("FOR KEY SHARE"), params=None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(""), params=None)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0006_cadre_name_order_root")]

    operations = [migrations.RunPython(forward, backward)]
