"""Bulk writes for large imports.

On PostgreSQL, new rows go in with COPY and updates as one UPDATE … FROM unnest(arrays) per
batch: a few statements for 1,000 rows instead of the ORM's per-field SQL assembly, which costs
more than the database work at 100,000 rows. Other databases (the
SQLite demo) use bulk_create / bulk_update. Either way the instances are fully built by the
caller (model defaults, derived fields), so both paths write the same rows.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


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


def insert(model: type[models.Model], records: list[Any], *, key: str) -> None:
    """Insert new instances and set their primary keys, found again by `key`: a column whose
    values are unique among the rows (the caller guarantees it, e.g. the id number hash)."""
    if not records:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(records)
        return
    now = timezone.now()
    for record in records:
        for stamp in ("created_at", "updated_at"):
            if hasattr(record, stamp):
                setattr(record, stamp, now)
    fields = _fields(model, None)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    key_field: Any = model._meta.get_field(key)
    key_column, key_attr = quote(key_field.column), key_field.attname
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for record in records:
                copy.write_row([_value(f, record) for f in fields])
        cursor.execute(
            f"SELECT id, {key_column} FROM {table} WHERE {key_column} = ANY(%s)",  # noqa: S608
            [[getattr(r, key_attr) for r in records]],
        )
        ids = {k: pk for pk, k in cursor.fetchall()}
    for record in records:
        record.pk = ids[getattr(record, key_attr)]


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
