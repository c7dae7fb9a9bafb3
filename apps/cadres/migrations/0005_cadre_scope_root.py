"""Cadre.scope_root: the cadre's unit path cut to two levels, kept by the database.

Triggers, not Python, keep it right, because cadres reach the table by many roads (services,
bulk imports through COPY, merges that move cadres with queryset.update, unit moves that rewrite
paths): on PostgreSQL a BEFORE INSERT/UPDATE OF unit_id trigger on cadres and an AFTER UPDATE OF
path trigger on units; on SQLite the same as AFTER triggers. `apps.core.scope.scope_root_of` is
the Python twin, and the scope layer adds `scope_root = …` to rules two or more levels deep.

Caution: on SQLite, Django rebuilds a table for many ALTERs and drops its triggers with the old
table. A later migration that alters cadres_cadre or units_unit on SQLite must re-run
`SQLITE_FORWARD`; apps/cadres/tests/test_scope_root.py fails if a trigger is missing.
"""

# The SQL is composed from this module's own constants, never from input.
# ruff: noqa: S608

from django.db import migrations, models

PG_ROOT = "coalesce(substring({p} from '^/[0-9]+/[0-9]+/'), {p})"
# SQLite has no regular expressions: the position of the third "/" by nested instr().
SQLITE_ROOT = (
    "CASE WHEN instr(substr({p}, instr(substr({p}, 2), '/') + 2), '/') > 0 "
    "THEN substr({p}, 1, instr(substr({p}, 2), '/') + 1 "
    "+ instr(substr({p}, instr(substr({p}, 2), '/') + 2), '/')) ELSE {p} END"
)

PG_FORWARD = f"""
UPDATE cadres_cadre c SET scope_root = {PG_ROOT.format(p="u.path")}
    FROM units_unit u WHERE u.id = c.unit_id;
CREATE OR REPLACE FUNCTION cadres_cadre_scope_root() RETURNS trigger AS $$
BEGIN
    NEW.scope_root := (SELECT {PG_ROOT.format(p="path")} FROM units_unit WHERE id = NEW.unit_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cadres_cadre_scope_root
    BEFORE INSERT OR UPDATE OF unit_id ON cadres_cadre
    FOR EACH ROW EXECUTE FUNCTION cadres_cadre_scope_root();
CREATE OR REPLACE FUNCTION units_unit_cadre_scope_root() RETURNS trigger AS $$
BEGIN
    UPDATE cadres_cadre SET scope_root = {PG_ROOT.format(p="NEW.path")} WHERE unit_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_unit_cadre_scope_root
    AFTER UPDATE OF path ON units_unit
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION units_unit_cadre_scope_root();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS units_unit_cadre_scope_root ON units_unit;
DROP FUNCTION IF EXISTS units_unit_cadre_scope_root();
DROP TRIGGER IF EXISTS cadres_cadre_scope_root ON cadres_cadre;
DROP FUNCTION IF EXISTS cadres_cadre_scope_root();
"""
_CADRE_ROOT = (
    f"(SELECT {SQLITE_ROOT.format(p='u.path')} FROM units_unit u WHERE u.id = NEW.unit_id)"
)
SQLITE_FORWARD = [
    "UPDATE cadres_cadre SET scope_root = (SELECT "
    + SQLITE_ROOT.format(p="u.path")
    + " FROM units_unit u WHERE u.id = cadres_cadre.unit_id)",
    "DROP TRIGGER IF EXISTS cadres_cadre_scope_root_insert",
    f"""CREATE TRIGGER cadres_cadre_scope_root_insert AFTER INSERT ON cadres_cadre
    BEGIN UPDATE cadres_cadre SET scope_root = {_CADRE_ROOT} WHERE id = NEW.id; END""",
    "DROP TRIGGER IF EXISTS cadres_cadre_scope_root_update",
    f"""CREATE TRIGGER cadres_cadre_scope_root_update AFTER UPDATE OF unit_id ON cadres_cadre
    BEGIN UPDATE cadres_cadre SET scope_root = {_CADRE_ROOT} WHERE id = NEW.id; END""",
    "DROP TRIGGER IF EXISTS units_unit_cadre_scope_root",
    f"""CREATE TRIGGER units_unit_cadre_scope_root AFTER UPDATE OF path ON units_unit
    WHEN OLD.path IS NOT NEW.path
    BEGIN UPDATE cadres_cadre SET scope_root = {SQLITE_ROOT.format(p="NEW.path")}
    WHERE unit_id = NEW.id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cadres_cadre_scope_root_insert",
    "DROP TRIGGER IF EXISTS cadres_cadre_scope_root_update",
    "DROP TRIGGER IF EXISTS units_unit_cadre_scope_root",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0004_cadre_id_number_unique"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="cadre",
            name="scope_root",
            field=models.CharField(
                default="", editable=False, max_length=255, verbose_name="范围根路径"
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["managed_by", "scope_root", "name_pinyin", "id"],
                include=(
                    "unit",
                    "name",
                    "name_initials",
                    "gender",
                    "ethnicity",
                    "birth_date",
                    "work_start_date",
                    "political_status",
                    "tier",
                    "rank_grade",
                    "highest_education",
                ),
                name="cadre_root_name_order",
            ),
        ),
    ]
