"""The facts the eligibility rules judge, as plain values (architecture.md: "Selection's
eligibility engine gathers these facts once per cadre, or in bulk for a screening, then runs pure
rules over them").

`gather` reads every fact of many cadres in a fixed number of queries (per 2,000 cadres), never
per rule or per cadre. The caller has already scoped the cadres; the pillars' facts are read
through their published selectors. Facts can also be built by hand (`facts_from_json`) so that
auditors and other systems can check a decision independently (issue 8 item 8).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from apps.assessment.selectors import submitted_grades
from apps.cadres.models import Appointment, Cadre, RankRecord
from apps.core.bulk import CadreIds, id_batches
from apps.frontline.selectors import frontline_credits, grassroots_periods
from apps.selection.constants import ProbationOutcome, PromotionKind, PromotionStatus
from apps.selection.models import ExceptionalPromotion, NegativeFlag, Probation, Promotion
from apps.tolerance.selectors import tolerated_counts
from apps.tolerance.selectors_sanctions import influence_periods
from apps.units.constants import TIER_ORDER, UnitLevel

# 基层工作经历: work in county-level and township units (三龄两历 认定口径; derived, see ELG-8-1).
GRASSROOTS_LEVELS = frozenset({UnitLevel.COUNTY, UnitLevel.TOWNSHIP})


# The fact classes are plain slotted dataclasses, not frozen ones: a screening builds hundreds of
# thousands of them and a frozen dataclass is several times slower to build. Treat them as values:
# never change one in place (use dataclasses.replace).


@dataclass(slots=True)
class Period:
    """A span from `start` (served) to `end` (the day it ended, not served in it: an
    appointment's 免职时间, when the next post usually begins; None = still running)."""

    start: date
    end: date | None


@dataclass(slots=True)
class PostPeriod(Period):
    tier: str
    post_id: int
    unit_level: str


@dataclass(slots=True)
class RankPeriod(Period):
    rank: str


@dataclass(slots=True)
class FlagFact:
    kind: str
    start: date
    end: date | None
    exempt: bool = False


@dataclass(frozen=True)
class Waiver:
    """An approved 破格 ground (ExceptionalPromotion) for a target tier."""

    id: int
    target_tier: str
    rules: frozenset[str]
    ground: str
    explanation: str
    approved_on: date


@dataclass(slots=True)
class CadreFacts:
    cadre_id: int
    name: str
    birth_date: date
    work_start_date: date | None
    party_join_date: date | None
    political_status: str
    health: str
    highest_education: str
    tier: str
    rank: str
    posts: tuple[PostPeriod, ...] = ()
    ranks: tuple[RankPeriod, ...] = ()
    grassroots: tuple[Period, ...] = ()  # frontline periods counted as grassroots (FRONT-4)
    frontline_months: Decimal = Decimal(0)
    frontline_qualifies: bool = False
    grades: dict[int, str] = field(default_factory=dict)
    influence: bool = False
    influence_until: date | None = None  # last day; None with `influence` = permanent
    flags: tuple[FlagFact, ...] = ()
    tolerated: int = 0
    training_hours: Decimal | None = None  # None: no training records (pillar 2 not recorded)
    last_promotion: date | None = None  # the last 提拔 (a record, or a post of a higher tier)
    probation_until: date | None = None  # last day of a running probation
    waivers: tuple[Waiver, ...] = ()
    last_promotion_waived: frozenset[str] = frozenset()  # rules its 破格 waived (ELG-9-3)


# Pillar 2 (training) sits beside selection, not below it: it registers its credit-hour fact here
# (a hook, architecture.md) and until it does the training rule reports "unknown".
TrainingSource = Callable[[Any, date], dict[int, Decimal]]  # (ids or subquery, day)
_training_sources: list[TrainingSource] = []


def register_training_source(source: TrainingSource) -> None:
    _training_sources.append(source)


CADRE_FIELDS = (
    "id",
    "name",
    "birth_date",
    "work_start_date",
    "party_join_date",
    "political_status",
    "health",
    "highest_education",
    "tier",
    "rank_grade",
)


def _posts(ids: Any, on: date) -> dict[int, list[PostPeriod]]:
    posts: dict[int, list[PostPeriod]] = {}
    rows = (
        Appointment.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=ids, start_date__lte=on)
        .values_list(
            "cadre_id", "start_date", "end_date", "post__tier", "post_id", "post__unit__level"
        )
    )
    for cadre_id, start, end, tier, post_id, level in rows:
        posts.setdefault(cadre_id, []).append(PostPeriod(start, end, tier, post_id, level))
    return posts


def _ranks(ids: Any, on: date) -> dict[int, list[RankPeriod]]:
    ranks: dict[int, list[RankPeriod]] = {}
    rows = (
        RankRecord.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=ids, start_date__lte=on)
        .values_list("cadre_id", "start_date", "end_date", "rank_grade")
    )
    for cadre_id, start, end, rank in rows:
        ranks.setdefault(cadre_id, []).append(RankPeriod(start, end, rank))
    return ranks


def _flags(ids: Any, on: date) -> dict[int, list[FlagFact]]:
    flags: dict[int, list[FlagFact]] = {}
    rows = (
        NegativeFlag.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=ids, deleted_at__isnull=True, start_date__lte=on)
        .values_list("cadre_id", "kind", "start_date", "end_date", "special_post_exempt")
    )
    for cadre_id, kind, start, end, exempt in rows:
        flags.setdefault(cadre_id, []).append(FlagFact(kind, start, end, exempt))
    return flags


def _last_promotions(ids: Any, on: date) -> dict[int, tuple[date, frozenset[str]]]:
    """The last confirmed 提拔 recorded by `on` and the rules its 破格 record waived."""
    last: dict[int, tuple[date, frozenset[str]]] = {}
    rows = (
        Promotion.objects.unscoped_for_jobs_and_migrations()
        .filter(
            cadre_id__in=ids,
            kind=PromotionKind.PROMOTE,
            status=PromotionStatus.CONFIRMED,
            decision_date__lte=on,
        )
        .values_list("cadre_id", "confirmed_on", "decision_date", "exceptional__waived_rules")
    )
    for cadre_id, confirmed, decided, waived in rows:
        day = confirmed or decided
        if day <= on and (cadre_id not in last or day > last[cadre_id][0]):
            last[cadre_id] = (day, frozenset(waived or ()))
    return last


def promoted_on(posts: Iterable[PostPeriod]) -> date | None:
    """The day the cadre last reached a tier higher than any held before (the start of that
    post): the last 提拔 as the posts show it, records or not (ELG-9-3)."""
    highest: int | None = None
    last: date | None = None
    for post in sorted(posts, key=lambda p: (p.start, TIER_ORDER.get(p.tier, 99))):
        index = TIER_ORDER.get(post.tier)
        if index is not None and (highest is None or index < highest):
            highest, last = index, post.start
    return last


def _latest(*days: date | None) -> date | None:
    found = [d for d in days if d is not None]
    return max(found) if found else None


def _probations(ids: Any, on: date) -> dict[int, date]:
    rows = (
        Probation.objects.unscoped_for_jobs_and_migrations()
        .filter(
            promotion__cadre_id__in=ids,
            outcome=ProbationOutcome.PENDING,
            start_date__lte=on,
            end_date__gte=on,
        )
        .values_list("promotion__cadre_id", "end_date")
    )
    return dict(rows)


def _waivers(ids: Any) -> dict[int, list[Waiver]]:
    waivers: dict[int, list[Waiver]] = {}
    rows = (
        ExceptionalPromotion.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=ids, deleted_at__isnull=True)
        .values_list(
            "cadre_id", "id", "target_tier", "waived_rules", "ground", "explanation", "approved_on"
        )
    )
    for cadre_id, pk, tier, rules, ground, text, approved in rows:
        waivers.setdefault(cadre_id, []).append(
            Waiver(pk, tier, frozenset(rules or ()), ground, text, approved)
        )
    return waivers


def _inclusive(start: date, last: date | None) -> Period:
    """A period given by its last day served (frontline services) as a Period."""
    return Period(start, None if last is None else last + timedelta(days=1))


def gather(cadre_ids: CadreIds, on: date) -> dict[int, CadreFacts]:
    """Every fact the rules need for the given (already scoped) cadres, judged on `on`: a list
    of ids, or a queryset of cadres (a screening), read as one subquery per fact."""
    result: dict[int, CadreFacts] = {}
    for chunk in id_batches(cadre_ids):
        cadres = Cadre.objects.unscoped_for_jobs_and_migrations().filter(id__in=chunk)
        posts = _posts(chunk, on)
        ranks = _ranks(chunk, on)
        flags = _flags(chunk, on)
        credits = frontline_credits(chunk, on)
        grassroots = grassroots_periods(chunk, on)
        grades = submitted_grades(chunk)
        influence = influence_periods(chunk, on)
        tolerated = tolerated_counts(chunk)
        promotions = _last_promotions(chunk, on)
        probations = _probations(chunk, on)
        waivers = _waivers(chunk)
        training: dict[int, Decimal] | None = None
        for source in _training_sources:
            training = {**(training or {}), **source(chunk, on)}
        for row in cadres.values_list(*CADRE_FIELDS):
            pk = row[0]
            credit = credits.get(pk)
            period = influence.get(pk)
            held = tuple(posts.get(pk, ()))
            recorded = promotions.get(pk)
            result[pk] = CadreFacts(
                cadre_id=pk,
                name=row[1],
                birth_date=row[2],
                work_start_date=row[3],
                party_join_date=row[4],
                political_status=row[5],
                health=row[6],
                highest_education=row[7],
                tier=row[8],
                rank=row[9],
                posts=held,
                ranks=tuple(ranks.get(pk, ())),
                grassroots=tuple(_inclusive(s, e) for s, e in grassroots.get(pk, ())),
                frontline_months=credit.total_months if credit else Decimal(0),
                frontline_qualifies=bool(credit and credit.qualifies),
                grades=grades.get(pk, {}),
                influence=period is not None,
                influence_until=period.until if period else None,
                flags=tuple(flags.get(pk, ())),
                tolerated=tolerated.get(pk, 0),
                training_hours=None if training is None else training.get(pk, Decimal(0)),
                last_promotion=_latest(recorded[0] if recorded else None, promoted_on(held)),
                last_promotion_waived=recorded[1] if recorded else frozenset(),
                probation_until=probations.get(pk),
                waivers=tuple(waivers.get(pk, ())),
            )
    return result


def facts_of(cadre_id: int, on: date) -> CadreFacts:
    return gather([cadre_id], on)[cadre_id]
