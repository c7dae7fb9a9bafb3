"""Shared fixtures: a small city with two counties, officers scoped to each, and a leader."""

from dataclasses import dataclass
from typing import Any

import pytest

from apps.accounts.models import ManagedBy, Role, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit
from apps.units.tests.factories import UnitFactory

pytest_plugins = ["apps.core.testing.browser"]  # browser, shots fixtures


@dataclass
class City:
    root: Unit
    city_dept: Unit
    county_a: Unit
    county_a_dept: Unit
    county_a_town: Unit
    county_b: Unit
    county_b_dept: Unit


@pytest.fixture
def city(db: None) -> City:
    root = UnitFactory(name="示范市委", level=UnitLevel.CITY, kind=UnitKind.PARTY_COMMITTEE)
    county_a = UnitFactory(
        name="甲县", parent=root, level=UnitLevel.COUNTY, kind=UnitKind.PARTY_COMMITTEE
    )
    county_b = UnitFactory(
        name="乙县", parent=root, level=UnitLevel.COUNTY, kind=UnitKind.PARTY_COMMITTEE
    )
    return City(
        root=root,
        city_dept=UnitFactory(name="市财政局", parent=root),
        county_a=county_a,
        county_a_dept=UnitFactory(name="甲县财政局", parent=county_a, level=UnitLevel.COUNTY),
        county_a_town=UnitFactory(
            name="甲县城关镇", parent=county_a, level=UnitLevel.TOWNSHIP, kind=UnitKind.GOVERNMENT
        ),
        county_b=county_b,
        county_b_dept=UnitFactory(name="乙县财政局", parent=county_b, level=UnitLevel.COUNTY),
    )


@pytest.fixture
def officer_a(city: City) -> User:
    """County A's officer: 县管 cadres of county A."""
    user = UserFactory(username="officer_a", full_name="甲县干部科")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def officer_city(city: City) -> User:
    """The city officer: 市管 cadres wherever they serve."""
    user = UserFactory(username="officer_city", full_name="市委组织部干部一科")
    grant(user, city.root, levels=[ManagedBy.CITY])
    return user


@pytest.fixture
def leader_a(city: City) -> User:
    user = UserFactory(username="leader_a", role=Role.LEADER)
    grant(user, city.county_a, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Cached per-user data (unit filter options) must not leak between tests' rolled-back rows."""
    from django.core.cache import cache

    cache.clear()


def _seed_work_calendar() -> None:
    """The work calendar as migration core/0006 seeds it, if the table is empty."""
    import importlib

    from django.apps import apps as django_apps

    from apps.core.models import CalendarYear

    if not CalendarYear.objects.exists():
        importlib.import_module("apps.core.migrations.0006_seed_calendar").seed(django_apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A transactional test (the browser flows) flushes every table when it ends, the work
    calendar seeded by a migration included: seed it again once the flush is done, outside any
    test, so later tests of this worker — Django TestCase classes' setUpTestData too — find it."""
    result = yield
    if nextitem is None:  # the session's fixtures (the test database itself) are gone already
        return result
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if (marker and marker.kwargs.get("transaction")) or names & {"transactional_db", "live_server"}:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _seed_work_calendar()
    return result
