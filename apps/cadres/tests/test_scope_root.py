"""Cadre.scope_root follows the unit on every road into the table (database triggers, migration
0005), and the scope layer's extra `scope_root = …` never changes who sees what."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.constants import EducationLevel, EducationMode
from apps.cadres.models import Cadre, Education
from apps.cadres.selectors import cadre_list
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.unit_hooks import reassign_unit
from apps.core.scope import path_depth, scope_root_of
from apps.units import services as units
from apps.units.models import Unit
from apps.units.tests.factories import UnitFactory
from conftest import City

pytestmark = pytest.mark.django_db


def stored_root(cadre: Cadre) -> str:
    return (
        Cadre.objects.unscoped_for_jobs_and_migrations()
        .values_list("scope_root", flat=True)
        .get(pk=cadre.pk)
    )


@pytest.mark.parametrize(
    ("path", "root"),
    [("/1/", "/1/"), ("/1/43/", "/1/43/"), ("/1/43/7/", "/1/43/"), ("/12/345/6/78/", "/12/345/")],
)
def test_scope_root_of(path: str, root: str) -> None:
    assert scope_root_of(path) == root
    assert path_depth(path) == len(path.strip("/").split("/"))


def test_insert_sets_the_root(city: City) -> None:
    town = CadreFactory(unit=city.county_a_town)
    top = CadreFactory(unit=city.root)
    assert stored_root(town) == city.county_a.path == scope_root_of(city.county_a_town.path)
    assert stored_root(top) == city.root.path


def test_bulk_create_and_queryset_update_follow_the_unit(city: City) -> None:
    model = Cadre(
        name="批量",
        gender="male",
        birth_date=date(1980, 1, 1),
        work_start_date=date(2002, 7, 1),
        unit=city.county_a_dept,
        managed_by=ManagedBy.COUNTY,
    )
    (created,) = Cadre.objects.bulk_create([model])
    assert stored_root(created) == city.county_a.path

    Cadre.objects.filter(pk=created.pk).update(unit=city.county_b_dept)
    assert stored_root(created) == city.county_b.path


def test_a_stale_value_in_memory_is_not_written(city: City) -> None:
    cadre = CadreFactory(unit=city.county_a_dept)
    cadre.scope_root = "/bogus/"
    cadre.name = "改名"
    cadre.save()
    assert stored_root(cadre) == city.county_a.path


def test_moving_a_unit_moves_its_cadres_roots(city: City) -> None:
    office = UnitFactory(name="甲县某办", parent=city.county_a_dept)
    cadre = CadreFactory(unit=office, managed_by=ManagedBy.COUNTY)
    actor = UserFactory(role=Role.SYSADMIN)

    units.unit_move(actor=actor, unit_id=city.county_a_dept.pk, new_parent_id=city.county_b.pk)

    assert stored_root(cadre) == city.county_b.path
    officer_a, officer_b = UserFactory(role=Role.OFFICER), UserFactory(role=Role.OFFICER)
    grant(officer_a, city.county_a, levels=[ManagedBy.COUNTY])
    grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
    assert not Cadre.objects.visible_to(officer_a).filter(pk=cadre.pk).exists()
    assert Cadre.objects.visible_to(officer_b).filter(pk=cadre.pk).exists()


def test_a_merge_moves_the_roots_with_the_cadres(city: City) -> None:
    cadre = CadreFactory(unit=city.county_a_dept)
    reassign_unit(city.county_a_dept, city.county_b_dept)
    assert stored_root(cadre) == city.county_b.path


def where(user, by_root: bool = True) -> str:  # type: ignore[no-untyped-def]
    return str(Cadre.objects.visible_to(user, by_root=by_root).query).split(" WHERE ")[1]


def test_each_depth_of_rule_matches_the_subtree(city: City) -> None:
    """By root: depth one is `root starts with`, depth two `root =` (neither joins units),
    deeper the unit path and the root. By path: the unit path. Each sees exactly its subtree."""
    whole, county, town = (UserFactory(role=Role.OFFICER) for _ in range(3))
    grant(whole, city.root)
    grant(county, city.county_a)
    grant(town, city.county_a_town)
    assert '"scope_root"' in where(whole) and '"path"' not in where(whole)
    assert '"scope_root" = ' in where(county) and '"path"' not in where(county)
    for user in (whole, county):
        ids = Cadre.objects.visible_to(user, by_root=True).values("pk")
        assert "units_unit" not in str(ids.query)
    assert '"scope_root" = ' in where(town) and '"path"' in where(town)
    for user in (whole, county, town):  # the default: the unit path, whatever the depth
        assert "scope_root" not in where(user, by_root=False) and '"path"' in where(user, False)

    in_town = CadreFactory(unit=city.county_a_town)
    in_dept = CadreFactory(unit=city.county_a_dept)  # same root, outside the township's subtree
    in_b = CadreFactory(unit=city.county_b_dept)
    at_top = CadreFactory(unit=city.root)
    for by_root in (True, False):
        assert set(Cadre.objects.visible_to(town, by_root=by_root)) == {in_town}
        assert set(Cadre.objects.visible_to(county, by_root=by_root)) == {in_town, in_dept}
        everyone = {in_town, in_dept, in_b, at_top}
        assert set(Cadre.objects.visible_to(whole, by_root=by_root)) == everyone


def test_the_county_rule_agrees_with_the_unit_paths_after_moves(city: City) -> None:
    """The depth-two rule trusts the stored root: after units move between counties and a
    merge, it must still pick exactly the cadres whose unit path lies under the county."""
    actor = UserFactory(role=Role.SYSADMIN)
    office = UnitFactory(name="甲县某办", parent=city.county_a_dept)
    people = [CadreFactory(unit=unit) for unit in (office, city.county_a_town, city.county_b_dept)]
    units.unit_move(actor=actor, unit_id=city.county_a_dept.pk, new_parent_id=city.county_b.pk)
    reassign_unit(city.county_a_town, city.county_b_dept)
    officer_a, officer_b = UserFactory(role=Role.OFFICER), UserFactory(role=Role.OFFICER)
    grant(officer_a, city.county_a)
    grant(officer_b, city.county_b)
    for officer, county in ((officer_a, city.county_a), (officer_b, city.county_b)):
        county.refresh_from_db()
        by_path = {
            c
            for c in Cadre.objects.unscoped_for_jobs_and_migrations().select_related("unit")
            if c.unit.path.startswith(county.path) and c in people
        }
        for by_root in (True, False):
            seen = Cadre.objects.visible_to(officer, by_root=by_root)
            assert set(seen.filter(pk__in=[p.pk for p in people])) == by_path
    assert (
        not Cadre.objects.visible_to(officer_a, by_root=True)
        .filter(pk__in=[p.pk for p in people])
        .exists()
    )


def test_parts_follow_the_same_rule(city: City) -> None:
    county = UserFactory(role=Role.OFFICER)
    grant(county, city.county_a)
    mine = CadreFactory(unit=city.county_a_town)
    other = CadreFactory(unit=city.county_b_dept)
    for cadre in (mine, other):
        Education.objects.create(
            cadre=cadre, mode=EducationMode.FULL_TIME, level=EducationLevel.MASTER, school="某大学"
        )
    query = str(Education.objects.visible_to(county, by_root=True).query)
    assert '"scope_root" = ' in query and "units_unit" not in query
    for by_root in (True, False):
        rows = Education.objects.visible_to(county, by_root=by_root)
        assert [e.cadre_id for e in rows] == [mine.pk]


@pytest.mark.parametrize(
    ("sort", "by_root"), [("name", True), ("-birth_date", True), ("unit", False), ("-unit", False)]
)
def test_the_list_matches_on_the_root_unless_sorted_by_unit(
    city: City, sort: str, by_root: bool
) -> None:
    """Sorted by unit the planner must see the unit path (it walks the county's units in path
    order); otherwise the root alone lets a name-ordered index serve deep pages."""
    county = UserFactory(role=Role.OFFICER)
    grant(county, city.county_a)
    mine = [CadreFactory(unit=city.county_a_town), CadreFactory(unit=city.county_a_dept)]
    CadreFactory(unit=city.county_b_dept)
    qs, _ = cadre_list(actor=county, params={"sort": sort})
    where_clause = str(qs.query).split(" WHERE ")[1]
    assert ('"path"' not in where_clause.split(" ORDER BY ")[0]) == by_root
    assert set(qs) == set(mine)
    counted, _ = cadre_list(actor=county, params={"sort": sort}, for_count=True)
    assert '"path"' in str(counted.query).split(" WHERE ")[1]  # counts probe the units
    assert counted.count() == len(mine)


def test_a_top_rule_does_not_reach_a_root_whose_id_it_prefixes(city: City) -> None:
    """`root starts with "/1/"` must not match "/12/…": the trailing slash is part of it."""
    other_root = UnitFactory(id=int(f"{city.root.pk}0"), name="另一市", parent=None)
    other_dept = UnitFactory(name="另一市某局", parent=other_root)
    assert other_dept.path.startswith(str(city.root.path).rstrip("/"))  # the trap is set
    whole = UserFactory(role=Role.OFFICER)
    grant(whole, city.root)
    mine, theirs = CadreFactory(unit=city.county_a_dept), CadreFactory(unit=other_dept)
    for by_root in (True, False):
        seen = set(Cadre.objects.visible_to(whole, by_root=by_root))
        assert mine in seen and theirs not in seen


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_a_cadre_written_while_its_unit_moves_gets_the_new_root(city: City) -> None:
    """Migration 0007: the cadre's trigger reads the unit under FOR KEY SHARE, so a cadre moved
    into a unit while another transaction moves that unit waits, and takes the new root."""
    cadre = CadreFactory(unit=city.county_a_town)
    dept = city.county_a_dept
    moved, writing, results = threading.Event(), threading.Event(), {}

    def move_the_unit() -> None:
        try:
            with transaction.atomic():
                Unit.objects.filter(pk=dept.pk).update(
                    parent=city.county_b, path=f"{city.county_b.path}{dept.pk}/"
                )
                moved.set()
                writing.wait(timeout=10)
                time.sleep(0.5)  # the writer is now waiting for this transaction
        finally:
            connections.close_all()

    def move_the_cadre() -> None:
        try:
            moved.wait(timeout=10)
            writing.set()
            Cadre.objects.filter(pk=cadre.pk).update(unit=dept)
            results["done"] = True
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move_the_unit), threading.Thread(target=move_the_cadre)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {"done": True}
    assert stored_root(cadre) == city.county_b.path
