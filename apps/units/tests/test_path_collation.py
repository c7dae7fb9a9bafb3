"""Unit paths sort bytewise, so a subtree is contiguous in path order whatever the database's
locale (the unit sort of lists and the prefix ranges of the scope layer rely on it)."""

import pytest
from django.db import connection

from apps.units.models import Unit
from apps.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_path_column_is_bytewise_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text bytewise (BINARY) by default")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'units_unit' AND column_name = 'path'"
        )
        assert cursor.fetchone()[0] == "C"  # migration cadres 0008; an AlterField reverts it


def test_a_subtree_is_contiguous_in_path_order():
    """ "/9/5/7/" (a child of "/9/5/") must sort before the sibling "/9/52/": a linguistic
    collation ignores "/" and puts "952" before "957", splitting /9/5/'s subtree."""
    root = UnitFactory(name="根")
    units = {}
    for key, parent_key in (("5", None), ("52", None), ("5/7", "5")):
        unit = UnitFactory(parent=units.get(parent_key, root), name=f"单位{key}")
        units[key] = unit
    for key, unit in units.items():  # give them the paths of the docstring
        Unit.objects.filter(pk=unit.pk).update(path=f"/9{root.pk}/{key}/")
    ordered = list(
        Unit.objects.filter(path__startswith=f"/9{root.pk}/")
        .order_by("path")
        .values_list("path", flat=True)
    )
    assert ordered == [f"/9{root.pk}/{k}/" for k in ("5", "5/7", "52")]
