"""Bulk writes for large imports.

On PostgreSQL, new rows go in with COPY and updates as one UPDATE … FROM unnest(arrays) per
batch: a few statements for 1,000 rows instead of the ORM's per-field SQL assembly, which costs
more than the database work at 100,000 rows. Other databases (the
SQLite demo) use bulk_create / bulk_update. Either way the caller supplies every derived field,
and model defaults fill what it leaves out, so both paths write the same rows.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

_STAMPS = ("created_at", "updated_at")


def _fields(model: type[models.Model], names: Sequence[str] | None) -> list[Any]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if names is not None:
        fields = [f for f in fields if f.name in names or f.attname in names]
    return fields


def _value(field: Any, instance: models.Model) -> Any:
    value = getattr(instance, field.attname)
    if isinstance(field, models.FileField):
        return str(value or "")
    return value


def _array_type(field: Any) -> str:
    return str(field.db_type(connection)).split("(")[0] + "[]"


def insert(model: type[models.Model], rows: Iterable[dict[str, Any]], count: int) -> list[int]:
    """Insert `count` new records given as {attname: value} and return their primary keys,
    in order. Fields left out take their model default, as `model(**values)` would give them.

    On PostgreSQL no model instance is built (at 100,000 rows building them costs more than the
    COPY itself), the created_at / updated_at stamps are set here, and all rows go through one
    COPY: `rows` may be a generator that builds each row as it is needed, so that the database
    stores the rows already sent while the next ones are being built."""
    if connection.vendor != "postgresql":
        records = [model(**row) for row in rows]
        model._default_manager.bulk_create(records)
        return [r.pk for r in records]
    if not count:
        return []
    now = timezone.now()
    fields = _fields(model, None)
    template: list[Any] = [None]  # the primary key, then each field's value
    position: dict[str, int] = {}
    per_row: list[tuple[int, str, Any]] = []  # callable defaults: called for each row
    files: list[int] = []
    for index, f in enumerate(fields, start=1):
        position[f.attname] = index
        if f.attname in _STAMPS:
            template.append(now)
        elif f.has_default() and callable(f.default):
            template.append(None)
            per_row.append((index, f.attname, f.get_default))
        else:
            template.append(f.get_default())
        if isinstance(f, models.FileField):
            files.append(index)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = model._meta.pk.column
    assert pk_column is not None
    columns = ", ".join([quote(pk_column), *(quote(f.column) for f in fields)])
    with connection.cursor() as cursor:
        # Keys drawn from the table's own sequence, as a default-valued insert takes them; the
        # new rows need not be looked up afterwards.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk_column, count],
        )
        ids: list[int] = [pk for (pk,) in cursor.fetchall()]
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = template.copy()
                values[0] = pk
                for attname, value in row.items():
                    values[position[attname]] = value
                for index, attname, default in per_row:
                    if attname not in row:
                        values[index] = default()
                for index in files:
                    values[index] = str(values[index] or "")
                copy.write_row(values)
    return ids


def update(model: type[models.Model], records: list[Any], names: Sequence[str]) -> None:
    """Write the named fields of existing instances."""
    if not records:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(records, list(names), batch_size=500)
        return
    fields = _fields(model, names)
    quote = connection.ops.quote_name
    table = model._meta.db_table
    assigns = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    arrays = ", ".join(["%s::bigint[]", *(f"%s::{_array_type(f)}" for f in fields)])
    aliases = ", ".join(["id", *(quote(f.column) for f in fields)])
    sql = (
        f"UPDATE {table} AS t SET {assigns} "  # noqa: S608 - names from the model
        f"FROM unnest({arrays}) AS v({aliases}) WHERE t.id = v.id"
    )
    params = [[r.pk for r in records], *([_value(f, r) for r in records] for f in fields)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
