"""units_unit.path compares bytewise (COLLATE "C") on PostgreSQL.

Under the database's default collation PostgreSQL can use the path's unique btree neither for
`path LIKE '/1/43/%'` as a range nor, with a pattern-ops index, in path order together: a
county's list sorted by unit (the default sort) walked the index of all 20,000 units from the
start, filtering each (8 ms per page at 1M cadres; docs/benchmarks.md). With "C" the same index
serves the prefix as a range, in order. It also makes the unit sort tree-shaped under any
database locale: linguistic collations (zh_CN.UTF-8, en_US.UTF-8) ignore "/" at first level, so
"/1/4/9/" sorted before "/1/43/" and subtrees interleaved.

SQLite compares BINARY (bytewise) already. The column keeps no Django `db_collation` (SQLite
knows no "C" collation); `apps/units/tests/test_path_collation.py` fails if a later AlterField
of `path` reverts it. The scope-root trigger depends on the column, so it is dropped and created
again around the change.
"""

from django.db import migrations

TRIGGER = """
CREATE TRIGGER units_unit_cadre_scope_root
    AFTER UPDATE OF path ON units_unit
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION units_unit_cadre_scope_root();
"""


def alter(collation: str) -> str:
    return f"""
DROP TRIGGER units_unit_cadre_scope_root ON units_unit;
ALTER TABLE units_unit ALTER COLUMN path TYPE varchar(255) COLLATE {collation};
{TRIGGER}
ANALYZE units_unit;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(alter('"C"'), params=None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(alter('"default"'), params=None)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0007_scope_root_lock")]

    operations = [migrations.RunPython(forward, backward)]
