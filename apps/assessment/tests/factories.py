"""Factories for assessment records."""

from datetime import date

import factory

from apps.assessment.constants import (
    AnnualGrade,
    InactionSource,
    ObservationKind,
    RoutineGrade,
    TaskRating,
    TeamRating,
)
from apps.assessment.models import (
    AnnualAssessment,
    AnnualSheet,
    InactionFinding,
    KeyWork,
    ResearchCampaign,
    ResearchVisit,
    RoutineAssessment,
    SpecialAssessment,
    TaskRecord,
    VisitObservation,
)
from apps.cadres.tests.factories import CadreFactory
from apps.frontline.tests.factories import CentralTaskFactory
from apps.units.tests.factories import UnitFactory


class ResearchCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchCampaign

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"2026年领导班子全覆盖调研{n}")
    start_date = date(2026, 3, 1)
    due_date = date(2026, 10, 31)


class ResearchVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchVisit

    campaign = factory.SubFactory(ResearchCampaignFactory)
    team = factory.SubFactory(UnitFactory)
    visited_on = date(2026, 4, 15)
    visitors = "市委组织部调研组"
    interviewees = "班子成员及中层干部"
    interview_count = 12
    unity = TeamRating.GOOD
    decision_making = TeamRating.GOOD
    execution = TeamRating.FAIR_GOOD
    integrity = TeamRating.GOOD


class VisitObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitObservation

    visit = factory.SubFactory(ResearchVisitFactory)
    cadre = factory.SubFactory(CadreFactory)
    kind = ObservationKind.STANDOUT
    text = "在防汛救灾中靠前指挥，表现突出"


class KeyWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyWork

    unit = factory.SubFactory(UnitFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"重点工作{n}")


class TaskRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskRecord

    cadre = factory.SubFactory(CadreFactory)
    central_task = factory.SubFactory(CentralTaskFactory)
    role = "牵头负责"
    start_date = date(2025, 3, 1)
    planning = TaskRating.GOOD
    execution = TaskRating.EXCELLENT
    result = TaskRating.GOOD


class RoutineAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutineAssessment

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.cadre.unit)
    year = 2026
    period = 1
    grade = RoutineGrade.GOOD


class AnnualSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualSheet

    unit = factory.SubFactory(UnitFactory)
    year = 2026


class AnnualAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualAssessment

    cadre = factory.SubFactory(CadreFactory)
    sheet = factory.SubFactory(
        AnnualSheetFactory,
        unit=factory.SelfAttribute("..cadre.unit"),
        year=factory.SelfAttribute("..year"),
    )
    year = 2026
    grade = AnnualGrade.COMPETENT


class SpecialAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialAssessment

    cadre = factory.SubFactory(CadreFactory)
    central_task = factory.SubFactory(CentralTaskFactory)
    assessed_on = date(2026, 6, 30)
    result = AnnualGrade.EXCELLENT


class InactionFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InactionFinding

    cadre = factory.SubFactory(CadreFactory)
    source = InactionSource.ANNUAL
    found_on = date(2026, 2, 1)
    reason_code = 3
    description = "在急难险重任务中消极逃避"
