"""Factories for selection records (promotions, publicity, probation, reserve pools)."""

from datetime import date

import factory

from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.selection.constants import PromotionKind, ReserveSource
from apps.selection.models import (
    NegativeFlag,
    Probation,
    Promotion,
    PromotionBatch,
    Publicity,
    ReserveEntry,
    ReservePool,
)
from apps.units.constants import Tier


class PromotionBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionBatch

    title = factory.Sequence(lambda n: f"2026年第{n}批干部任免")
    decision_date = date(2026, 11, 2)


class PromotionFactory(factory.django.DjangoModelFactory):
    """A planned 提拔 to a post of the cadre's unit (unit level and kind copied from the post)."""

    class Meta:
        model = Promotion

    cadre = factory.SubFactory(CadreFactory)
    kind = PromotionKind.PROMOTE
    post = factory.LazyAttribute(
        lambda o: PostFactory(unit=o.cadre.unit, tier=Tier.DIVISION_DEPUTY)
    )
    target_tier = factory.LazyAttribute(lambda o: o.post.tier if o.post else "")
    unit = factory.LazyAttribute(lambda o: o.post.unit if o.post else o.cadre.unit)
    unit_level = factory.LazyAttribute(lambda o: o.unit.level)
    unit_kind = factory.LazyAttribute(lambda o: o.unit.kind)
    decision_date = date(2026, 11, 2)


class PublicityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publicity

    promotion = factory.SubFactory(PromotionFactory)
    start_date = date(2026, 11, 3)
    working_days = 5
    end_date = date(2026, 11, 9)


class ProbationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Probation

    promotion = factory.SubFactory(PromotionFactory)
    start_date = date(2025, 12, 1)
    end_date = date(2026, 11, 30)


class NegativeFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegativeFlag

    cadre = factory.SubFactory(CadreFactory)
    kind = "low_recognition"
    note = "民主推荐得票率低"
    start_date = date(2026, 1, 1)


class ReservePoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReservePool

    target_tier = Tier.DIVISION_DEPUTY
    name = factory.LazyAttribute(lambda o: f"{o.unit.name}县处级副职后备干部")


class ReserveEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReserveEntry

    pool = factory.SubFactory(ReservePoolFactory)
    cadre = factory.SubFactory(CadreFactory)
    entry_date = date(2026, 3, 1)
    source = ReserveSource.RECOMMENDATION
