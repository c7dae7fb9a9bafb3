"""Selection demo data for 示范市: frontline quotas (昭通 60/80/50 as an example), the promotion
records behind the cadres' recent appointments (with their 任前公示 and 试用期), a planned batch
under publicity, reserve pools, a few negative flags and one 破格 record.

Registered with the cadres demo (`apps.cadres.demo.extensions`), after the pillars whose facts the
verdicts read. Everything follows from the cadres' histories and the rng; bulk rows, no audit of
their own (the cadres demo audits the whole load once).
"""

import random
from datetime import date, timedelta
from typing import Any

from apps.cadres.demo import ROOT_CODE, extensions
from apps.cadres.models import Appointment, Cadre, Post
from apps.core.dates import add_months
from apps.core.workdays import add_working_days
from apps.selection import engine, facts
from apps.selection.constants import (
    MeritGround,
    NegativeFlagKind,
    ProbationOutcome,
    PromotionKind,
    PromotionStatus,
    PublicityOutcome,
    QuotaEnforcement,
    ReserveSource,
)
from apps.selection.models import (
    ExceptionalPromotion,
    FrontlineQuota,
    NegativeFlag,
    Probation,
    Promotion,
    PromotionBatch,
    Publicity,
    RankQuota,
    ReserveEntry,
    ReservePool,
)
from apps.selection.rules_procedure import probation_applies
from apps.units.constants import TIER_ORDER, Tier, UnitKind, UnitLevel
from apps.units.models import Unit

TODAY = date(2026, 11, 25)
SINCE = date(2025, 6, 1)  # appointments from here on get their promotion records
Progress = Any


def _quotas(root: Unit) -> int:
    source = "参照昭通市一线提拔比例（示例，地方规定，请按本地文件修改）"
    rows = [
        (UnitLevel.CITY, "", 60, QuotaEnforcement.WARN),
        (UnitLevel.CITY, UnitKind.DEPARTMENT, 50, QuotaEnforcement.WARN),
        (UnitLevel.COUNTY, "", 80, QuotaEnforcement.WARN),
    ]
    FrontlineQuota.objects.bulk_create(
        FrontlineQuota(
            unit=root,
            unit_level=level,
            unit_kind=kind,
            min_percent=percent,
            enforcement=enforcement,
            effective_from=date(2026, 1, 1),
            source=source,
        )
        for level, kind, percent, enforcement in rows
    )
    return len(rows)


def _promotion(
    appt: Appointment, kind: str, decided: date, verdict: engine.Verdict, fact: Any
) -> Promotion:
    unit = appt.post.unit
    return Promotion(
        cadre_id=appt.cadre_id,
        kind=kind,
        status=PromotionStatus.CONFIRMED,
        post=appt.post,
        target_tier=appt.post.tier,
        unit=unit,
        unit_level=unit.level,
        unit_kind=unit.kind,
        decision_date=decided,
        doc_no=appt.appoint_doc_no,
        frontline=fact.frontline_qualifies,
        frontline_months=fact.frontline_months,
        eligible=verdict.eligible,
        verdict=verdict.as_dict(),
        appointment=appt,
        confirmed_on=appt.start_date,
    )


def _history(rng: random.Random, root: Unit) -> tuple[int, int, int]:
    """Promotion records (with publicity and probation) for appointments since SINCE."""
    appts = list(
        Appointment.objects.filter(
            start_date__gte=SINCE, start_date__lte=TODAY, cadre__unit__path__startswith=root.path
        ).select_related("post__unit", "cadre")
    )
    promotions, publicities, probations = [], [], []
    for appt in appts:
        earlier = Appointment.objects.filter(cadre_id=appt.cadre_id, start_date__lt=appt.start_date)
        best = min(
            (TIER_ORDER[t] for t in earlier.values_list("post__tier", flat=True)), default=99
        )
        up = TIER_ORDER[appt.post.tier] < best
        kind = PromotionKind.PROMOTE if up else PromotionKind.EXCHANGE
        decided = appt.start_date - timedelta(days=rng.randint(14, 30))
        fact = facts.facts_of(appt.cadre_id, decided)
        party = appt.post.unit.kind == UnitKind.PARTY_COMMITTEE
        verdict = engine.evaluate(
            fact, engine.Target(tier=appt.post.tier, party_post=party), decided
        )
        promotion = _promotion(appt, kind, decided, verdict, fact)
        promotion.from_tier = "" if best == 99 else Tier.values[best]
        promotions.append(promotion)
    Promotion.objects.bulk_create(promotions)
    for p in promotions:
        if p.kind != PromotionKind.PROMOTE:
            continue
        start = p.decision_date + timedelta(days=1)
        publicities.append(
            Publicity(
                promotion=p,
                start_date=start,
                working_days=5,
                end_date=add_working_days(start, 5),
                scope_text="全市（县）范围",
                outcome=PublicityOutcome.NO_OBJECTION,
                closed_on=add_working_days(start, 6),
            )
        )
        if probation_applies(p.kind, p.target_tier, p.unit_kind):
            end = add_months(p.confirmed_on or p.decision_date, 12) - timedelta(days=1)
            done = end < TODAY
            probations.append(
                Probation(
                    promotion=p,
                    start_date=p.confirmed_on or p.decision_date,
                    end_date=end,
                    outcome=ProbationOutcome.CONFIRMED if done else ProbationOutcome.PENDING,
                    assessed_on=end if done else None,
                    assessment_note="试用期满考核：胜任现职" if done else "",
                )
            )
    Publicity.objects.bulk_create(publicities)
    Probation.objects.bulk_create(probations)
    return len(promotions), len(publicities), len(probations)


def _eligible(county: Unit, target: str, limit: int) -> list[tuple[Cadre, engine.Verdict]]:
    below = Tier.values[TIER_ORDER[target] + 1]
    cadres = Cadre.objects.filter(unit__path__startswith=county.path, tier=below, deleted_at=None)
    gathered = facts.gather(cadres, TODAY)
    params = engine.load_params(TODAY)
    found = []
    for cadre in cadres.order_by("name_pinyin", "id"):
        verdict = engine.evaluate(gathered[cadre.pk], engine.Target(tier=target), TODAY, params)
        if verdict.eligible:
            found.append((cadre, verdict))
        if len(found) >= limit:
            break
    return found


def _batch(rng: random.Random, county: Unit) -> int:
    """A planned batch of the first county under publicity (ended, to be closed)."""
    decided = date(2026, 11, 16)
    batch = PromotionBatch.objects.create(
        unit=county, title=f"{county.name}2026年第5批干部任免", decision_date=decided
    )
    posts = list(
        Post.objects.filter(unit__path__startswith=county.path, tier=Tier.DIVISION_DEPUTY)
        .exclude(unit=county)
        .order_by("id")
    )
    made = 0
    for (cadre, verdict), post in zip(
        _eligible(county, Tier.DIVISION_DEPUTY, 3), posts, strict=False
    ):
        fact = facts.facts_of(cadre.pk, decided)
        promotion = Promotion.objects.create(
            cadre=cadre,
            kind=PromotionKind.PROMOTE,
            batch=batch,
            post=post,
            target_tier=post.tier,
            from_tier=cadre.tier,
            from_rank=cadre.rank_grade,
            unit=post.unit,
            unit_level=post.unit.level,
            unit_kind=post.unit.kind,
            decision_date=decided,
            frontline=fact.frontline_qualifies,
            frontline_months=fact.frontline_months,
            eligible=verdict.eligible,
            verdict=verdict.as_dict(),
        )
        start = date(2026, 11, 17)
        Publicity.objects.create(
            promotion=promotion,
            start_date=start,
            working_days=5,
            end_date=add_working_days(start, 5),
            scope_text=f"{county.name}范围",
        )
        made += 1
    return made


def _pools(rng: random.Random, counties: list[Unit]) -> int:
    entries = []
    for county in counties:
        pool = ReservePool.objects.create(
            unit=county, target_tier=Tier.DIVISION_DEPUTY, name=f"{county.name}县处级副职后备干部"
        )
        for cadre, _ in _eligible(county, Tier.DIVISION_DEPUTY, 8)[3:8]:
            entries.append(
                ReserveEntry(
                    pool=pool,
                    cadre=cadre,
                    entry_date=date(2026, rng.randint(1, 9), rng.randint(1, 28)),
                    source=rng.choice(ReserveSource.values),
                    reason="政治素质好，在中心工作中表现突出，群众公认度高。",
                )
            )
    ReserveEntry.objects.bulk_create(entries)
    return len(entries)


def _flags_and_exception(rng: random.Random, county: Unit) -> int:
    cadres = list(
        Cadre.objects.filter(
            unit__path__startswith=county.path, tier=Tier.SECTION_PRINCIPAL
        ).order_by("-id")[:2]
    )
    kinds = [NegativeFlagKind.LOW_RECOGNITION, NegativeFlagKind.UNDER_INVESTIGATION]
    NegativeFlag.objects.bulk_create(
        NegativeFlag(
            cadre=cadre,
            kind=kind,
            note="民主推荐得票率未过半"
            if kind == NegativeFlagKind.LOW_RECOGNITION
            else "问题线索核查中",
            start_date=date(2026, 9, 1),
        )
        for cadre, kind in zip(cadres, kinds, strict=False)
    )
    deputy = (
        Cadre.objects.filter(unit__path__startswith=county.path, tier=Tier.SECTION_DEPUTY)
        .order_by("id")
        .first()
    )
    if deputy is not None:
        ExceptionalPromotion.objects.create(
            cadre=deputy,
            target_tier=Tier.SECTION_PRINCIPAL,
            ground=MeritGround.CRISIS_PERFORMANCE,
            explanation="在2026年抗洪抢险中带领群众转移安置，连续奋战二十余天，表现特别突出，经县委常委会研究同意破格提拔。",
            waived_rules=["ELG-8-3"],
            approved_on=date(2026, 10, 20),
            doc_no="县委常委会会议纪要〔2026〕18号",
        )
    return len(cadres)


def load(rng: random.Random, progress: Progress) -> dict[str, int]:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    counties = list(root.children.filter(level=UnitLevel.COUNTY).order_by("code", "id"))
    quotas = _quotas(root)
    promotions, publicities, probations = _history(rng, root)
    planned = _batch(rng, counties[0]) if counties else 0
    entries = _pools(rng, counties)
    flags = _flags_and_exception(rng, counties[0]) if counties else 0
    rank_quotas = 0
    try:
        from apps.selection.demo.rank_quota import load_rank_quotas
    except ImportError:
        pass
    else:
        load_rank_quotas(root)
        rank_quotas = RankQuota.objects.count()
    progress(
        f"选拔任用：任用记录 {promotions} 条（任前公示 {publicities}、试用期 {probations}），"
        f"拟任 {planned} 人，后备干部 {entries} 人"
    )
    return {
        "frontline_quotas": quotas,
        "promotions": promotions + planned,
        "publicities": publicities + planned,
        "probations": probations,
        "reserve_entries": entries,
        "negative_flags": flags,
        "rank_quotas": rank_quotas,
    }


def reset() -> None:
    Probation.objects.all().delete()
    Publicity.objects.all().delete()
    Promotion.objects.all().delete()
    PromotionBatch.objects.all().delete()
    ExceptionalPromotion.objects.all().delete()
    NegativeFlag.objects.all().delete()
    ReserveEntry.objects.all().delete()
    ReservePool.objects.all().delete()
    FrontlineQuota.objects.all().delete()
    RankQuota.objects.all().delete()


extensions.register("selection", load, reset, after=("frontline", "tolerance", "assessment"))
