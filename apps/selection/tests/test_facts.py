"""Gathering facts from real rows (apps/selection/facts.py): posts and their unit levels, rank
records, frontline services counted as grassroots, submitted annual grades, sanctions' influence
periods, tolerated cases, negative flags, probation, 破格 records and the last promotion — one
query per fact, for a list of ids or a scoped queryset."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.assessment.constants import SheetStatus
from apps.assessment.models import AnnualSheet
from apps.assessment.tests.factories import AnnualAssessmentFactory, AnnualSheetFactory
from apps.cadres.models import Appointment, Cadre, RankRecord
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.frontline.tests.factories import FrontlineServiceFactory
from apps.selection import facts_json
from apps.selection.constants import ProbationOutcome, PromotionKind, PromotionStatus
from apps.selection.engine import Target, evaluate
from apps.selection.facts import Period, facts_of, gather, promoted_on
from apps.selection.models import ExceptionalPromotion
from apps.selection.tests.factories import (
    NegativeFlagFactory,
    ProbationFactory,
    PromotionFactory,
)
from apps.selection.tests.test_rules import post
from apps.tolerance.constants import CaseStage
from apps.tolerance.constants import Outcome as CaseOutcome
from apps.tolerance.tests.factories import SanctionFactory, ToleranceCaseFactory

ON = date(2026, 11, 25)


def appoint(cadre: Cadre, unit: object, tier: str, start: date, end: date | None = None) -> None:
    Appointment.objects.create(
        cadre=cadre, post=PostFactory(unit=unit, tier=tier), start_date=start, end_date=end
    )


def graded(cadre: Cadre, year: int, grade: str, submitted: bool = True) -> None:
    status = SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT
    sheet = AnnualSheet.objects.filter(unit=cadre.unit, year=year, status=status).first()
    sheet = sheet or AnnualSheetFactory(unit=cadre.unit, year=year, status=status)
    AnnualAssessmentFactory(cadre=cadre, sheet=sheet, year=year, grade=grade)


@pytest.fixture
def cadre(city: object) -> Cadre:
    return CadreFactory(
        unit=city.county_a_town,  # type: ignore[attr-defined]
        tier="section_principal",
        rank_grade="principal_staff_2",
        political_status="cpc",
        party_join_date=date(2005, 6, 1),
        highest_education="bachelor",
        work_start_date=date(2008, 7, 1),
    )


def test_posts_ranks_and_the_plain_fields(city: object, cadre: Cadre) -> None:
    appoint(cadre, city.county_a_town, "section_deputy", date(2016, 1, 1), date(2020, 1, 1))  # type: ignore[attr-defined]
    appoint(cadre, city.city_dept, "section_principal", date(2020, 1, 1))  # type: ignore[attr-defined]
    appoint(cadre, city.county_a_dept, "division_deputy", date(2027, 1, 1))  # type: ignore[attr-defined]
    RankRecord.objects.create(
        cadre=cadre, rank_grade="principal_staff_2", start_date=date(2021, 1, 1)
    )
    facts = facts_of(cadre.pk, ON)
    assert (facts.tier, facts.rank, facts.highest_education) == (
        "section_principal",
        "principal_staff_2",
        "bachelor",
    )
    assert facts.work_start_date == date(2008, 7, 1) and facts.political_status == "cpc"
    assert sorted((p.start, p.end, p.tier, p.unit_level) for p in facts.posts) == [
        (date(2016, 1, 1), date(2020, 1, 1), "section_deputy", "township"),
        (date(2020, 1, 1), None, "section_principal", "city"),
    ]  # the 2027 post has not begun on ON
    assert [(r.start, r.rank) for r in facts.ranks] == [(date(2021, 1, 1), "principal_staff_2")]
    assert facts.last_promotion == date(2020, 1, 1)  # the posts show the last 提拔


def test_frontline_grassroots_periods_end_on_their_last_day(city: object, cadre: Cadre) -> None:
    """A frontline service's end date is its last day served: a year of service from 2021-03-01
    to 2022-02-28 is twelve months; one not counted as grassroots is left out."""
    FrontlineServiceFactory(
        cadre=cadre,
        start_date=date(2021, 3, 1),
        end_date=date(2022, 2, 28),
        counts_as_grassroots=True,
    )
    FrontlineServiceFactory(
        cadre=cadre, start_date=date(2023, 3, 1), end_date=None, counts_as_grassroots=False
    )
    facts = facts_of(cadre.pk, ON)
    assert facts.grassroots == (Period(date(2021, 3, 1), date(2022, 3, 1)),)
    assert facts.frontline_months > Decimal(12)


def test_grassroots_township_post_overlapping_frontline_counted_once(
    city: object, cadre: Cadre
) -> None:
    appoint(cadre, city.county_a_town, "section_deputy", date(2019, 7, 1), date(2020, 7, 1))  # type: ignore[attr-defined]
    appoint(cadre, city.city_dept, "section_principal", date(2020, 7, 1))  # type: ignore[attr-defined]
    FrontlineServiceFactory(
        cadre=cadre,
        start_date=date(2020, 1, 1),
        end_date=date(2020, 12, 31),
        counts_as_grassroots=True,
    )
    verdict = evaluate(facts_of(cadre.pk, ON), Target(tier="division_deputy"), ON)
    grassroots = next(c for c in verdict.checks if c.title == "基层工作经历")
    assert grassroots.fact == "1年6个月" and grassroots.outcome == "fail"


def test_only_submitted_grades(cadre: Cadre) -> None:
    graded(cadre, 2024, "excellent")
    graded(cadre, 2025, "basically_competent", submitted=False)
    assert facts_of(cadre.pk, ON).grades == {2024: "excellent"}


def test_influence_periods_from_sanctions(cadre: Cadre) -> None:
    SanctionFactory(
        cadre=cadre, effective_date=date(2026, 1, 15), influence_until=date(2027, 1, 14)
    )
    facts = facts_of(cadre.pk, ON)
    assert facts.influence and facts.influence_until == date(2027, 1, 14)
    assert not facts_of(cadre.pk, date(2027, 1, 15)).influence
    assert not facts_of(cadre.pk, date(2026, 1, 14)).influence
    SanctionFactory(cadre=cadre, effective_date=date(2026, 3, 1), influence_until=None)
    permanent = facts_of(cadre.pk, ON)
    assert permanent.influence and permanent.influence_until is None


def test_revoked_and_deleted_sanctions_do_not_count(cadre: Cadre) -> None:
    SanctionFactory(cadre=cadre, revoked_on=date(2026, 5, 1))
    SanctionFactory(cadre=cadre, deleted_at=timezone.now())
    assert not facts_of(cadre.pk, ON).influence


def test_tolerated_cases_counted(cadre: Cadre) -> None:
    ToleranceCaseFactory(
        cadre=cadre,
        stage=CaseStage.CLOSED,
        outcome=CaseOutcome.TOLERATED,
        concluded_on=date(2026, 6, 1),
    )
    ToleranceCaseFactory(cadre=cadre)  # still open
    assert facts_of(cadre.pk, ON).tolerated == 1


def test_negative_flags_deleted_and_future_left_out(cadre: Cadre) -> None:
    NegativeFlagFactory(cadre=cadre, kind="canvassing", start_date=date(2026, 1, 1))
    NegativeFlagFactory(
        cadre=cadre,
        kind="naked_official",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        special_post_exempt=True,
    )
    NegativeFlagFactory(cadre=cadre, start_date=date(2026, 1, 1), deleted_at=timezone.now())
    NegativeFlagFactory(cadre=cadre, start_date=date(2027, 1, 1))
    flags = sorted(facts_of(cadre.pk, ON).flags, key=lambda f: f.start)
    assert [(f.kind, f.end, f.exempt) for f in flags] == [
        ("naked_official", date(2025, 12, 31), True),
        ("canvassing", None, False),
    ]


def test_probation_and_recorded_promotions(city: object, cadre: Cadre) -> None:
    ground = ExceptionalPromotion.objects.create(
        cadre=cadre,
        target_tier="section_principal",
        ground="hardship_area",
        explanation="在艰苦地区实绩突出",
        waived_rules=["ELG-8-3"],
        approved_on=date(2025, 11, 1),
    )
    promotion = PromotionFactory(
        cadre=cadre,
        status=PromotionStatus.CONFIRMED,
        decision_date=date(2025, 11, 20),
        confirmed_on=date(2025, 12, 1),
        exceptional=ground,
    )
    ProbationFactory(promotion=promotion, start_date=date(2025, 12, 1), end_date=date(2026, 11, 30))
    PromotionFactory(  # planned only
        cadre=cadre, decision_date=date(2026, 11, 2)
    )
    PromotionFactory(  # a 交流 is not a 提拔
        cadre=cadre,
        kind=PromotionKind.EXCHANGE,
        status=PromotionStatus.CONFIRMED,
        decision_date=date(2026, 3, 1),
        confirmed_on=date(2026, 3, 1),
    )
    facts = facts_of(cadre.pk, ON)
    assert facts.last_promotion == date(2025, 12, 1)
    assert facts.last_promotion_waived == frozenset({"ELG-8-3"})
    assert facts.probation_until == date(2026, 11, 30)
    assert facts_of(cadre.pk, date(2026, 12, 1)).probation_until is None
    (waiver,) = facts.waivers
    assert (waiver.target_tier, waiver.rules, waiver.approved_on) == (
        "section_principal",
        frozenset({"ELG-8-3"}),
        date(2025, 11, 1),
    )
    assert facts_of(cadre.pk, date(2025, 11, 30)).last_promotion is None
    promotion.probation.outcome = ProbationOutcome.CONFIRMED
    promotion.probation.save()
    assert facts_of(cadre.pk, ON).probation_until is None


def test_promoted_on_from_posts() -> None:
    assert promoted_on([]) is None
    posts = [
        post(date(2012, 1, 1), date(2016, 1, 1), "section_deputy"),
        post(date(2016, 1, 1), date(2020, 1, 1), "section_principal"),
        post(date(2020, 1, 1), None, "section_principal", post_id=2),  # lateral move
        post(date(2021, 1, 1), None, "section_deputy", post_id=3),  # a concurrent lower post
    ]
    assert promoted_on(posts) == date(2016, 1, 1)


def test_gather_many_in_a_fixed_number_of_queries(
    city: object, django_assert_max_num_queries: object
) -> None:
    cadres = [CadreFactory(unit=city.county_a_dept) for _ in range(5)]  # type: ignore[attr-defined]
    for item in cadres:
        appoint(item, city.county_a_dept, "section_deputy", date(2018, 1, 1))  # type: ignore[attr-defined]
        graded(item, 2025, "competent")
        NegativeFlagFactory(cadre=item)
    ids = [c.pk for c in cadres]
    with django_assert_max_num_queries(13) as one:  # type: ignore[operator]
        gather(ids[:1], ON)
    with django_assert_max_num_queries(len(one.captured_queries)):  # type: ignore[operator]
        found = gather(ids, ON)
    assert set(found) == set(ids)
    queryset = gather(Cadre.objects.filter(pk__in=ids[:3]), ON)
    assert set(queryset) == set(ids[:3])
    assert queryset[ids[0]] == found[ids[0]]


def test_gathered_facts_survive_the_json_round_trip(city: object, cadre: Cadre) -> None:
    appoint(cadre, city.county_a_town, "section_principal", date(2020, 1, 1))  # type: ignore[attr-defined]
    FrontlineServiceFactory(
        cadre=cadre, start_date=date(2021, 3, 1), end_date=None, counts_as_grassroots=True
    )
    graded(cadre, 2025, "excellent")
    SanctionFactory(cadre=cadre, effective_date=date(2026, 1, 15))
    NegativeFlagFactory(cadre=cadre)
    ExceptionalPromotion.objects.create(
        cadre=cadre,
        target_tier="division_deputy",
        ground="team_structure",
        explanation="班子结构需要",
        waived_rules=["ELG-8-3"],
        approved_on=date(2026, 10, 1),
    )
    facts = facts_of(cadre.pk, ON)
    again = facts_json.facts_from_json(facts_json.facts_to_json(facts))
    assert again == facts
    target = Target(tier="division_deputy")
    assert evaluate(again, target, ON).as_dict() == evaluate(facts, target, ON).as_dict()
    assert replace(facts, tolerated=1) != again
