"""Candidate search (issue 8 item 2): for a target (a post's tier, a tier, or a 职级) on a day, the
eligible cadres in the actor's scope with their frontline, assessment and training facts, plus
the near-misses time will cure; and `explain`, the verdict of one named cadre who is missing.

Speed (≤ 2 s for a 50,000-cadre city, docs/benchmarks.md): the scoped cadres are first narrowed
in SQL to those who can pass the step rule (ELG-9-1 for a tier, RANK-18-1 for a 职级); their
facts are then read in bulk (`facts.gather` on the queryset: one subquery per fact) and the pure
rules run in Python with the parameters loaded once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.assessment.constants import AnnualGrade
from apps.cadres.constants import EDUCATION_ORDER, RANK_ORDER, EducationLevel, RankGrade
from apps.cadres.filters import search, years_ago
from apps.cadres.models import Appointment, Cadre
from apps.cadres.rules import age_on
from apps.core import audit
from apps.core.bulk import id_batches
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditOutcome
from apps.frontline.selectors import has_grassroots_service
from apps.selection import engine, rules
from apps.selection import facts as facts_mod
from apps.selection.constants import Outcome
from apps.selection.engine import Target, Verdict
from apps.selection.facts import CadreFacts
from apps.selection.models import (
    ExceptionalPromotion,
    Probation,
    Promotion,
    Publicity,
    ReserveEntry,
)
from apps.selection.params import RANK_STEPS
from apps.selection.rules_rank import rung_start
from apps.units.constants import TIER_ORDER, Tier
from apps.units.models import Unit

GRADE_LABELS: dict[str, str] = dict(AnnualGrade.choices)
EDUCATION_LABELS: dict[str, str] = dict(EducationLevel.choices)
RANK_LABELS: dict[str, str] = dict(RankGrade.choices)
TIER_LABELS: dict[str, str] = dict(Tier.choices)
TIERS: tuple[str, ...] = tuple(Tier.values)
SORTS = ("-frontline", "frontline", "age", "-age", "-tenure", "tenure", "name", "-name")
DEFAULT_SORT = "-frontline"
AUDIT_ACTION = "selection.eligibility.view"  # reading a cadre's verdict reads their record
EXPLAIN_LIMIT = 5  # cadres matching a name shown by `explain`


@dataclass(frozen=True)
class CandidateFilters:
    """The search's narrowing (the target is separate): unit subtree, frontline only, gender,
    maximum age, minimum education, whether near-misses are listed, and the sort."""

    unit_id: int | None = None
    frontline_only: bool = False
    gender: str = ""
    age_max: int | None = None
    education: str = ""
    include_near: bool = False
    sort: str = DEFAULT_SORT


@dataclass(frozen=True)
class CandidateRow:
    cadre_id: int
    name: str
    pinyin: str
    unit: str
    post: str
    tier: str  # label
    rank: str  # label
    age: int
    education: str  # label
    frontline_months: Decimal
    frontline_qualifies: bool
    grades: tuple[tuple[int, str], ...]  # last three years, (year, label or "—")
    training_hours: Decimal | None
    in_reserve: bool
    warnings: int
    tenure_months: int  # in the current tier/rank (the step's source), 0 when unknown
    eligible: bool
    passes_on: date | None  # near-miss: the day time cures every failure
    failures: tuple[str, ...] = ()  # near-miss: titles of the failing checks
    waived: bool = False  # eligible through a 破格 ground


@dataclass
class Screening:
    target: Target
    on: date
    rows: list[CandidateRow] = field(default_factory=list)  # eligible (+ near-misses if asked)
    screened: int = 0  # cadres who passed the SQL prefilter and were judged
    eligible: int = 0
    near: int = 0  # failing only on checks time will cure


def step_prefilter(target: Target, on: date) -> Q:
    """Cadres who can pass the step rule (engine notes): for a tier, an effective tier one step
    below (two with a 破格 ground for that tier; none at all for 乡科级副职); for a 职级, holders
    of a RANK-18-1 source not already at or above it."""
    if target.rank:
        sources = [str(s) for s in RANK_STEPS[target.rank][0]]
        at_or_above = [r for r, i in RANK_ORDER.items() if i <= RANK_ORDER[target.rank]]
        return (Q(rank_grade__in=sources) | Q(tier__in=sources)) & ~Q(rank_grade__in=at_or_above)
    index = TIER_ORDER[target.tier]

    def holding(tier_index: int) -> Q:
        if tier_index >= len(TIERS):
            return Q(pk__in=[])
        tier = TIERS[tier_index]
        ranks = [r for r, t in rules.RANK_TIER.items() if t == tier]
        return Q(tier=tier) | Q(tier="", rank_grade__in=ranks)

    if target.tier == Tier.SECTION_DEPUTY:
        return Q(tier="") & ~Q(rank_grade__in=list(rules.RANK_TIER))
    waiver = ExceptionalPromotion.objects.unscoped_for_jobs_and_migrations().filter(
        cadre_id=OuterRef("pk"),
        target_tier=target.tier,
        deleted_at__isnull=True,
        approved_on__lte=on,
    )
    return holding(index + 1) | (holding(index + 2) & Q(Exists(waiver)))


def grassroots_prefilter(target: Target, on: date, params: dict[str, Any]) -> Q:
    """Cadres who can ever meet ELG-8-1's grassroots experience (提任县处级以上): some post in a
    grassroots unit or frontline period counted as grassroots begun by `on`, or a 破格 ground
    for the target tier (which may waive it). Anyone else fails ELG-8-1 with nothing running that
    time could cure: neither eligible nor a near-miss, so not worth reading their facts — a
    whole city's non-leading staff at 50,000 cadres (docs/benchmarks.md)."""
    if target.tier not in rules.DIVISION_AND_ABOVE:
        return Q()
    if int(params.get(f"{engine.PREFIX}min_grassroots_years", 0)) == 0:
        return Q()
    posts = Appointment.objects.unscoped_for_jobs_and_migrations().filter(
        cadre_id=OuterRef("pk"),
        post__unit__level__in=sorted(facts_mod.GRASSROOTS_LEVELS),
        start_date__lt=on,
    )
    waiver = ExceptionalPromotion.objects.unscoped_for_jobs_and_migrations().filter(
        cadre_id=OuterRef("pk"), target_tier=target.tier, deleted_at__isnull=True
    )
    return Q(Exists(posts)) | Q(has_grassroots_service(on)) | Q(Exists(waiver))


def _narrowed(actor: Any, filters: CandidateFilters, on: date) -> QuerySet[Cadre]:
    qs = Cadre.objects.visible_to(actor)
    if filters.unit_id is not None:
        path = Unit.objects.visible_to(actor).filter(pk=filters.unit_id).values("path").first()
        if path is None:
            return qs.none()
        qs = qs.filter(unit__path__startswith=path["path"])
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.age_max is not None:
        qs = qs.filter(birth_date__gt=years_ago(on, filters.age_max + 1))
    if filters.education:
        rank = EDUCATION_ORDER[filters.education]
        qs = qs.filter(highest_education__in=[v for v, i in EDUCATION_ORDER.items() if i <= rank])
    return qs


def _tenure_months(f: CadreFacts, on: date) -> int:
    """Months in the rung the step counts from (current tier, else 职级)."""
    source = f.tier or f.rank
    if not source:
        return 0
    start = rung_start(f, source, on)
    if start is None:
        return 0
    return (on.year - start.year) * 12 + on.month - start.month - (on.day < start.day)


def near_miss(verdict: Verdict) -> bool:
    """Failing, but only on checks that time cures (each failure carries its passes_on)."""
    return not verdict.eligible and verdict.passes_on is not None


def _row(
    f: CadreFacts, info: tuple[Any, ...], verdict: Verdict, reserve: set[int], on: date
) -> CandidateRow:
    _pk, pinyin, unit, post = info
    years = range(on.year - 3, on.year)
    grades = tuple((y, GRADE_LABELS.get(f.grades.get(y, ""), "—")) for y in reversed(years))
    failures = tuple(c.title for c in verdict.failures)
    return CandidateRow(
        cadre_id=f.cadre_id,
        name=f.name,
        pinyin=pinyin,
        unit=unit,
        post=post,
        tier=TIER_LABELS.get(f.tier, ""),
        rank=RANK_LABELS.get(f.rank, ""),
        age=age_on(f.birth_date, on),
        education=EDUCATION_LABELS.get(f.highest_education, ""),
        frontline_months=f.frontline_months,
        frontline_qualifies=f.frontline_qualifies,
        grades=grades,
        training_hours=f.training_hours,
        in_reserve=f.cadre_id in reserve,
        warnings=len(verdict.warnings),
        tenure_months=_tenure_months(f, on),
        eligible=verdict.eligible,
        passes_on=None if verdict.eligible else verdict.passes_on,
        failures=failures,
        waived=any(c.outcome == Outcome.WAIVED for c in verdict.checks),
    )


SORT_KEYS: dict[str, Callable[[CandidateRow], Any]] = {
    "frontline": lambda r: (r.frontline_months, r.pinyin, r.cadre_id),
    "age": lambda r: (r.age, r.pinyin, r.cadre_id),
    "tenure": lambda r: (r.tenure_months, r.pinyin, r.cadre_id),
    "name": lambda r: (r.pinyin, r.cadre_id),
}


def sort_rows(rows: list[CandidateRow], sort: str) -> list[CandidateRow]:
    """Eligible first, then near-misses; within each by the chosen key (± for direction)."""
    key = sort.lstrip("-")
    keyfn = SORT_KEYS.get(key, SORT_KEYS["frontline"])
    ordered = sorted(rows, key=keyfn, reverse=sort.startswith("-"))
    return sorted(ordered, key=lambda r: not r.eligible)  # stable: keeps the order within


def _shown_info(ids: list[int], on: date) -> tuple[dict[int, tuple[Any, ...]], set[int]]:
    """Pinyin, unit and post of the rows shown, and which of them are in a reserve pool
    (active entry on `on`): read for the few shown, not for everyone judged."""
    info: dict[int, tuple[Any, ...]] = {}
    reserve: set[int] = set()
    cadres = Cadre.objects.unscoped_for_jobs_and_migrations()  # ids come from the scoped query
    entries = ReserveEntry.objects.unscoped_for_jobs_and_migrations().filter(
        Q(exit_date__isnull=True) | Q(exit_date__gt=on), entry_date__lte=on
    )
    for chunk in id_batches(ids):
        rows = cadres.filter(pk__in=chunk).values_list(
            "pk", "name_pinyin", "unit__name", "current_post_title"
        )
        info.update((row[0], row) for row in rows)
        reserve.update(entries.filter(cadre_id__in=chunk).values_list("cadre_id", flat=True))
    return info, reserve


def judged_facts(
    *, actor: Any, target: Target, on: date, filters: CandidateFilters, params: dict[str, Any]
) -> dict[int, CadreFacts]:
    """The facts of every cadre the screening judges: scoped, narrowed by the filters and the
    prefilters (step, grassroots), read in bulk."""
    grassroots = grassroots_prefilter(target, on, params)
    cadres = _narrowed(actor, filters, on).filter(step_prefilter(target, on), grassroots)
    # The grassroots prefilter is costly to repeat in every fact's subquery and leaves few ids:
    # read them once. Otherwise each fact reads through the (cheap) scoped subquery.
    source: Any = list(cadres.values_list("pk", flat=True)) if grassroots else cadres
    return facts_mod.gather(source, on)


def screen(*, actor: Any, target: Target, on: date, filters: CandidateFilters) -> Screening:
    """The full screening: scoped cadres prefiltered in SQL, facts in bulk, every verdict; the
    shown rows' extra columns are read for them alone."""
    params = engine.load_params(on)
    gathered = judged_facts(actor=actor, target=target, on=on, filters=filters, params=params)
    result = Screening(target=target, on=on)
    shown: list[tuple[CadreFacts, Verdict]] = []
    for f in gathered.values():
        if filters.frontline_only and not f.frontline_qualifies:
            continue
        result.screened += 1
        verdict = engine.evaluate(f, target, on, params=params)
        eligible = verdict.eligible  # a property: computed once per cadre here
        near = not eligible and verdict.passes_on is not None
        result.eligible += eligible
        result.near += near
        if eligible or (near and filters.include_near):
            shown.append((f, verdict))
    info, reserve = _shown_info([f.cadre_id for f, _ in shown], on)
    rows = [_row(f, info[f.cadre_id], verdict, reserve, on) for f, verdict in shown]
    result.rows = sort_rows(rows, filters.sort)
    return result


@dataclass(frozen=True)
class Explanation:
    """A named cadre's verdict for the target, or why there is none."""

    cadre_id: int
    name: str
    unit: str
    verdict: Verdict
    near: bool


def explain(*, actor: Any, target: Target, on: date, text: str) -> list[Explanation]:
    """The cadres in scope matching a name, pinyin or initials (at most EXPLAIN_LIMIT) with their
    verdicts. Someone out of scope is simply not found: the answer never reveals them."""
    text = text.strip()
    if not text:
        return []
    found = list(
        search(Cadre.objects.visible_to(actor), text)
        .select_related("unit")
        .order_by("name_pinyin", "id")[:EXPLAIN_LIMIT]
    )
    if not found:
        return []
    gathered = facts_mod.gather([c.pk for c in found], on)
    params = engine.load_params(on)
    out = []
    for cadre in found:
        verdict = engine.evaluate(gathered[cadre.pk], target, on, params=params)
        out.append(Explanation(cadre.pk, cadre.name, cadre.unit.name, verdict, near_miss(verdict)))
        audit.record(
            action=AUDIT_ACTION,
            actor=actor,
            target=cadre,
            detail={"on": on.isoformat(), "targets": [target.label], "query": text},
        )
    return out


def next_targets(f: CadreFacts) -> list[Target]:
    """The natural next steps of a cadre: the tier above their effective tier (乡科级副职 for
    someone without one) and the 职级 whose RANK-18-1 source they hold."""
    current = rules.effective_tier(f)
    found: list[Target] = []
    if not current:
        found.append(Target(tier=Tier.SECTION_DEPUTY))
    elif TIER_ORDER[current] > 0:
        found.append(Target(tier=TIERS[TIER_ORDER[current] - 1]))
    held = {f.rank, f.tier} - {""}
    steps = [r for r, (sources, _years) in RANK_STEPS.items() if held & {str(s) for s in sources}]
    above = [r for r in steps if not f.rank or RANK_ORDER[r] < RANK_ORDER[f.rank]]
    if above:
        found.append(Target(rank=max(above, key=lambda r: RANK_ORDER[r])))  # the lowest rung up
    return found


def eligibility_of(
    *, actor: Any, cadre_id: int, target: Target | None, on: date
) -> tuple[Cadre, list[Verdict]]:
    """A cadre in scope with the verdict for `target` (or for each natural next step when None);
    the read is audited. Out of scope: audited as denied, OutOfScopeError (the view 404s)."""
    cadre = Cadre.objects.visible_to(actor).select_related("unit").filter(pk=cadre_id).first()
    if cadre is None:
        audit.record(
            action=AUDIT_ACTION,
            actor=actor,
            target_type="cadres.cadre",
            target_id=cadre_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    f = facts_mod.facts_of(cadre_id, on)
    targets = [target] if target is not None else next_targets(f)
    params = engine.load_params(on)
    verdicts = [engine.evaluate(f, t, on, params=params) for t in targets]
    audit.record(
        action=AUDIT_ACTION,
        actor=actor,
        target=cadre,
        detail={
            "on": on.isoformat(),
            "targets": [t.label for t in targets],
            "eligible": [v.eligible for v in verdicts],
        },
    )
    return cadre, verdicts


def history(*, actor: Any, cadre_id: int) -> dict[str, Any]:
    """The cadre's promotions (with publicity and probation), each read through the scope."""
    promotions = list(
        Promotion.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("post", "unit", "batch")
        .order_by("-decision_date", "-id")
    )
    publicity = {
        p.promotion_id: p
        for p in Publicity.objects.visible_to(actor).filter(promotion__cadre_id=cadre_id)
    }
    probation = {
        p.promotion_id: p
        for p in Probation.objects.visible_to(actor).filter(promotion__cadre_id=cadre_id)
    }
    return {
        "history": [
            {"promotion": p, "publicity": publicity.get(p.pk), "probation": probation.get(p.pk)}
            for p in promotions
        ]
    }
