"""Factories for the unit tree: paths are computed like the service does."""

from typing import Any

import factory

from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"U{n:06d}")
    level = UnitLevel.CITY
    kind = UnitKind.DEPARTMENT
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        parent = kwargs.get("parent")
        unit = model_class(*args, path=f"pending:{kwargs['code']}", **kwargs)
        unit.save()
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        unit.save(update_fields=["path", "depth"])
        return unit
