"""Cadre.scope_root follows the unit on every road into the table (database triggers, migration
0005), and the scope layer's extra `scope_root = …` never changes who sees what."""

from datetime import date

import pytest

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.models import Cadre
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.unit_hooks import reassign_unit
from apps.core.scope import path_depth, scope_root_of
from apps.units import services as units
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


def test_the_extra_condition_only_for_rules_two_levels_deep(city: City) -> None:
    county, whole = UserFactory(role=Role.OFFICER), UserFactory(role=Role.OFFICER)
    grant(county, city.county_a_town)
    grant(whole, city.root)
    where = lambda user: str(Cadre.objects.visible_to(user).query).split(" WHERE ")[1]  # noqa: E731
    assert '"scope_root" = ' in where(county)
    assert "scope_root" not in where(whole)
    inside = CadreFactory(unit=city.county_a_town)
    CadreFactory(unit=city.county_a_dept)  # same root, outside the township's subtree
    assert list(Cadre.objects.visible_to(county)) == [inside]
    assert Cadre.objects.visible_to(whole).count() == 2
