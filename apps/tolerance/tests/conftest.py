"""Officers holding the sensitive pillars (need-to-know), next to the plain ones of the root
conftest (`officer_a` has no pillar)."""

import pytest

from apps.accounts.models import ManagedBy, Role, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.core.scope import Pillar
from conftest import City


@pytest.fixture
def tol_officer_a(city: City) -> User:
    """County A's officer for 容错纠错 (县管 cadres of county A, tolerance pillar)."""
    user = UserFactory(username="tol_officer_a", full_name="甲县容错纠错专员")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
    return user


@pytest.fixture
def sanctions_officer_a(city: City) -> User:
    """County A's officer for sanctions and follow-up (sanctions pillar)."""
    user = UserFactory(username="sanctions_officer_a", full_name="甲县受处分干部帮带专员")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.SANCTIONS])
    return user


@pytest.fixture
def pillar_officer_b(city: City) -> User:
    """County B's officer holding both pillars (must still see nothing of county A)."""
    user = UserFactory(username="pillar_officer_b", full_name="乙县干部科")
    grant(
        user,
        city.county_b,
        levels=[ManagedBy.COUNTY],
        pillars=[Pillar.TOLERANCE, Pillar.SANCTIONS],
    )
    return user


@pytest.fixture
def pillar_leader_a(city: City) -> User:
    """A read-only leader of county A with both pillars."""
    user = UserFactory(username="pillar_leader_a", role=Role.LEADER)
    grant(
        user,
        city.county_a,
        levels=[ManagedBy.COUNTY],
        pillars=[Pillar.TOLERANCE, Pillar.SANCTIONS],
    )
    return user
