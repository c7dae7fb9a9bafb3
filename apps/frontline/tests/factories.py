"""Factories for frontline records (tasks, services, dispatches, incentives, memorials)."""

from datetime import date

import factory

from apps.cadres.tests.factories import CadreFactory
from apps.frontline.constants import DispatchKind, DispatchState, IncentiveCategory, TaskKind
from apps.frontline.models import (
    CentralTask,
    Dispatch,
    FamilyCareVisit,
    FrontlineService,
    IncentiveGrant,
    IncentiveMeasure,
    Sacrifice,
)
from apps.units.tests.factories import UnitFactory


class CentralTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentralTask

    name = factory.Sequence(lambda n: f"脱贫攻坚专项任务{n}")
    kind = TaskKind.POVERTY
    lead_unit = factory.SubFactory(UnitFactory)
    start_date = date(2020, 1, 1)


class FrontlineServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrontlineService

    cadre = factory.SubFactory(CadreFactory)
    task = factory.SubFactory(CentralTaskFactory)
    kind = factory.LazyAttribute(lambda o: o.task.kind if o.task else TaskKind.POVERTY)
    place = "甲县某村"
    role = "驻村工作队员"
    start_date = date(2021, 3, 1)
    end_date = date(2022, 2, 28)


class DispatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispatch

    cadre = factory.SubFactory(CadreFactory)
    kind = DispatchKind.FIRST_SECRETARY
    sending_unit = factory.LazyAttribute(lambda o: o.cadre.unit)
    target_unit = factory.SubFactory(UnitFactory)
    target_post = "驻村第一书记"
    village = "新民村"
    state = DispatchState.PLANNED
    planned_start = date(2026, 3, 1)
    planned_end = date(2028, 2, 29)


class IncentiveMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentiveMeasure

    unit = factory.SubFactory(UnitFactory)
    category = IncentiveCategory.POLITICAL
    item = factory.Sequence(lambda n: f"优先提拔使用{n}")


class IncentiveGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentiveGrant

    cadre = factory.SubFactory(CadreFactory)
    measure = factory.SubFactory(IncentiveMeasureFactory)
    granted_on = date(2025, 6, 1)
    reason = "脱贫攻坚一线表现突出"


class SacrificeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sacrifice

    cadre = factory.SubFactory(CadreFactory)
    died_on = date(2020, 8, 15)
    place = "甲县某村"
    circumstances = "抗洪抢险中因公殉职"


class FamilyCareVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyCareVisit

    sacrifice = factory.SubFactory(SacrificeFactory)
    visited_on = date(2026, 1, 10)
    visitors = "市委组织部"
    actions = "送去慰问金，了解子女就学情况"
