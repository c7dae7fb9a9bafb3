"""An officer holding the inaction pillar (need-to-know findings of 不作为不担当)."""

import pytest

from apps.accounts.models import ManagedBy, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.core.scope import Pillar
from conftest import City


@pytest.fixture
def inaction_officer_a(city: City) -> User:
    user = UserFactory(username="inaction_officer_a", full_name="甲县干部监督专员")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.INACTION])
    return user
