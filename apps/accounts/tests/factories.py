"""Factories for users and scope grants."""

from collections.abc import Iterable

import factory

from apps.accounts.models import ManagedBy, Role, ScopeGrant, User
from apps.units.models import Unit

PASSWORD = "Test-Passw0rd!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.OFFICER
    password = factory.django.Password(PASSWORD)


def grant(
    user: User,
    unit: Unit,
    levels: Iterable[str] = (ManagedBy.CITY, ManagedBy.COUNTY),
    pillars: Iterable[str] = (),
) -> ScopeGrant:
    """Give `user` the subtree of `unit` for the given management levels and pillars."""
    return ScopeGrant.objects.create(
        user=user, unit=unit, managed_levels=list(levels), pillars=list(pillars)
    )
