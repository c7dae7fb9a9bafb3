"""Factories for Pillar 4 records."""

from datetime import date

import factory

from apps.cadres.tests.factories import CadreFactory
from apps.tolerance.constants import (
    Applicant,
    Area,
    Distinction,
    ListKind,
    PublicationScope,
    ReuseRecommendation,
    SanctionKind,
    SanctionType,
)
from apps.tolerance.models import (
    Clarification,
    Correction,
    FollowUp,
    Mentor,
    ReuseAssessment,
    Sanction,
    ToleranceCase,
    ToleranceList,
    ToleranceMethod,
    TypicalCase,
)
from apps.units.tests.factories import UnitFactory


class ToleranceMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToleranceMethod

    unit = factory.SubFactory(UnitFactory)
    title = "示范市党政干部容错纠错办法（试行）"
    version_label = factory.Sequence(lambda n: f"2026年第{n + 1}版")
    effective_from = date(2026, 1, 1)
    interpretation = "本办法所称容错，是指……"


class ToleranceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToleranceList

    method = factory.SubFactory(ToleranceMethodFactory)
    kind = ListKind.POSITIVE
    code = factory.Sequence(lambda n: f"Z{n + 1}")
    text = "在推进重点项目建设中先行先试出现失误"


class ToleranceCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToleranceCase

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.cadre.unit)
    applicant = Applicant.CADRE
    applicant_name = factory.LazyAttribute(lambda o: o.cadre.name)
    applied_on = date(2026, 3, 10)
    notified_on = date(2026, 3, 1)
    area = Area.KEY_PROJECT
    matter = "项目审批中为赶工期简化了部分程序，造成一定损失"


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    case = factory.SubFactory(ToleranceCaseFactory)
    measure = "完善项目审批流程，补办相关手续"
    owner = "县发展改革局"
    due_on = date(2026, 9, 30)


class ClarificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clarification

    cadre = factory.SubFactory(CadreFactory)
    accusation = "被反映在项目招标中优亲厚友"
    finding = "经核查，反映问题不属实"
    scope = PublicationScope.UNIT
    clarified_on = date(2026, 5, 20)
    authority = "县纪委监委"


class TypicalCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TypicalCase

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"某干部在重点项目建设中先行先试失误获容错{n}")
    area = Area.KEY_PROJECT
    situation = "某县在推进重点项目建设中，为抢抓工期……"
    decision = "经核实，符合容错情形，予以免责"
    distinction = Distinction.INEXPERIENCE
    lesson = "干事创业要大胆探索，也要严守程序底线"


class SanctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sanction

    cadre = factory.SubFactory(CadreFactory)
    kind = SanctionKind.PARTY
    type = SanctionType.PARTY_WARNING
    decision_date = date(2026, 1, 15)
    effective_date = date(2026, 1, 15)
    authority = "县纪委"
    document_number = factory.Sequence(lambda n: f"县纪发〔2026〕{n + 1}号")
    influence_until = date(2027, 1, 14)


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    cadre = factory.SubFactory(CadreFactory)
    mentor_name = "李明"
    mentor_post = "县委组织部副部长"
    assigned_on = date(2026, 2, 1)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    cadre = factory.SubFactory(CadreFactory)
    visited_on = date(2026, 4, 1)
    visitors = "李明"
    thinking = "能正确对待处分，思想稳定"
    work = "工作积极，完成任务较好"


class ReuseAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReuseAssessment

    cadre = factory.SubFactory(CadreFactory)
    assessed_on = date(2027, 2, 1)
    assessors = "县委组织部考察组"
    findings = "影响期内表现良好，年度考核称职"
    recommendation = ReuseRecommendation.REUSE
