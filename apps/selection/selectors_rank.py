"""Reads of 职级晋升 (issue 8 item 6): who, in the actor's scope, has served the wait for the next
职级 by the end of a year (RANK-18-1, RANK-19-1; ELG-24-2 blockers), and the rank headcount caps
(RANK-QUOTA-1) with how much of each is used.

`rank_due` prefilters in SQL by the source rung (the rank below or the equivalent leadership
tier, RANK_STEPS) and gathers the facts of each step's cadres in bulk (`facts.gather` with the
scoped queryset: one subquery per fact), then runs the engine on each.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from apps.cadres.constants import RANK_ORDER, RankGrade
from apps.cadres.filters import search as cadre_search
from apps.cadres.models import Cadre
from apps.core.bulk import id_batches
from apps.selection.engine import PREFIX, Target, evaluate, load_params
from apps.selection.facts import CadreFacts, gather
from apps.selection.forms_rank import RankDueFilterForm
from apps.selection.models import RankQuota
from apps.selection.params import RANK_STEPS
from apps.selection.rules_rank import RungTenure, rung_start, rung_tenure, source_label
from apps.tolerance.selectors_sanctions import influence_periods
from apps.units.constants import TIER_ORDER, Tier
from apps.units.models import Unit

RANK_LABELS: dict[str, str] = dict(RankGrade.choices)
TIER_LABELS: dict[str, str] = dict(Tier.choices)
# The steps in the ladder's order, highest target first (RANK-18-1 items (1)–(11)).
STEPS: tuple[str, ...] = tuple(sorted(RANK_STEPS, key=lambda r: RANK_ORDER[r]))
INVESTIGATION = "under_investigation"  # ELG-24-2(3)


# --- rank headcount caps (RANK-QUOTA-1) ------------------------------------------------------


def quota_max(base: int, percent: Decimal) -> int:
    """RANK-QUOTA-1 — 职数比例 (UNVERIFIED, local configuration): at most `percent` % of `base`,
    rounded down to whole persons (a cap is never exceeded by rounding): 49 × 20% → 9."""
    return int((Decimal(base) * Decimal(percent) / 100).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class QuotaUsage:
    """One RankQuota in force on a day with today's headcount in its unit's subtree."""

    quota: RankQuota
    base: int  # cadres holding a base rank (or any rank)
    allowed: int  # quota_max(base, max_percent)
    used: int  # cadres holding one of the capped ranks

    @property
    def headroom(self) -> int:
        return self.allowed - self.used

    @property
    def over(self) -> bool:
        return self.used > self.allowed

    @property
    def excess(self) -> int:
        return max(self.used - self.allowed, 0)

    @property
    def share(self) -> Decimal:
        """The used share of the base in %, one decimal (ui.md: the count beside it)."""
        if not self.base:
            return Decimal("0.0")
        return (Decimal(self.used) * 100 / self.base).quantize(Decimal("0.1"))

    @property
    def unit_path(self) -> str:
        return self.quota.unit.path

    def covers(self, rank: str, unit_path: str) -> bool:
        return rank in (self.quota.ranks or ()) and unit_path.startswith(self.unit_path)


def ranks_text(ranks: Iterable[str] | None, empty: str = "全部职级") -> str:
    labels = [
        RANK_LABELS.get(r, r) for r in sorted(ranks or (), key=lambda r: RANK_ORDER.get(r, 99))
    ]
    return "、".join(labels) or empty


def effective_quotas(actor: Any, on: date) -> list[RankQuota]:
    """The RankQuota rows visible to the actor in force on `on`: per (unit, label), the row with
    the latest effective_from ≤ on (a change is a new row from a date)."""
    rows = (
        RankQuota.objects.visible_to(actor)
        .filter(effective_from__lte=on)
        .select_related("unit")
        .order_by("unit__path", "label", "-effective_from", "-id")
    )
    seen: set[tuple[int, str]] = set()
    found = []
    for row in rows:
        key = (row.unit_id, row.label)
        if key not in seen:
            seen.add(key)
            found.append(row)
    return found


def _headcount(actor: Any, quota: RankQuota) -> tuple[int, int]:
    """(base, used) over the cadres of the quota unit's subtree the actor may see, by current
    职级. Like every count of cadre data it goes through the scope layer: the officer who keeps
    the unit's 职级 (its organization department) holds the whole subtree, so for them it is the
    unit's headcount; anyone seeing less sees the share of what they may see."""
    base_q = Q(rank_grade__in=quota.base_ranks) if quota.base_ranks else ~Q(rank_grade="")
    counts = (
        Cadre.objects.visible_to(actor)
        .filter(unit__path__startswith=quota.unit.path)
        .aggregate(
            base=Count("pk", filter=base_q),
            used=Count("pk", filter=Q(rank_grade__in=list(quota.ranks or ()))),
        )
    )
    return counts["base"], counts["used"]


def rank_quota_usage(*, actor: Any, on: date) -> list[QuotaUsage]:
    """Each rank cap visible to the actor and in force on `on`, with the headcount today."""
    usage = []
    for quota in effective_quotas(actor, on):
        base, used = _headcount(actor, quota)
        usage.append(QuotaUsage(quota, base, quota_max(base, quota.max_percent), used))
    return usage


def quota_history(*, actor: Any) -> QuerySet[RankQuota]:
    """Every configured row the actor may see, newest first within each (unit, label)."""
    return (
        RankQuota.objects.visible_to(actor)
        .select_related("unit", "created_by")
        .order_by("unit__path", "label", "-effective_from", "-id")
    )


def quota_status(quota: RankQuota, in_force: set[int], on: date) -> str:
    if quota.pk in in_force:
        return "生效中"
    return "未生效" if quota.effective_from > on else "已被新规定替代"


# --- the year's list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    """A cadre who has served the wait for `target` by the year end (RANK-18-1, RANK-19-1)."""

    cadre_id: int
    name: str
    name_pinyin: str
    unit_name: str
    unit_path: str
    post_title: str
    rank: str  # current 职级 value ("" if none)
    tier: str  # current leadership tier value ("" if none)
    target: str
    min_years: int
    tenure: RungTenure
    eligible_from: date  # the wait served and no known blocker in force
    already: bool  # eligible before the year began (已满足)
    blockers: tuple[str, ...]  # ELG-24-2 (and 不称职) reasons in force at the year end
    notes: tuple[str, ...]  # blockers that end within the year
    quota: QuotaUsage | None  # the most binding applicable cap

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)

    @property
    def target_label(self) -> str:
        return RANK_LABELS[self.target]

    @property
    def rank_label(self) -> str:
        return RANK_LABELS.get(self.rank, "")

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, "")

    @property
    def source_label(self) -> str:
        return source_label(self.tenure.source)

    @property
    def wait_text(self) -> str:
        """The wait after 优秀 reductions (N年M个月); 优秀 and uncounted years shown beside it."""
        years, months = divmod(self.tenure.required_months, 12)
        return f"{years}年" + (f"{months}个月" if months else "")

    @property
    def excellent_text(self) -> str:
        return "、".join(str(y) for y in self.tenure.excellent_years)

    @property
    def uncounted_text(self) -> str:
        return "、".join(str(y) for y in self.tenure.uncounted_years)

    @property
    def quota_text(self) -> str:
        if self.quota is None:
            return ""
        q = self.quota
        if q.over:
            return f"{q.quota.label}：已超出{q.excess}人"
        return f"{q.quota.label}：尚余{q.headroom}人"


def source_q(target: str) -> Q:
    """RANK-18-1: cadres holding a source rung of `target` now (its rank, or the equivalent
    tier), below the target."""
    sources = [str(s) for s in RANK_STEPS[target][0]]
    tiers = [s for s in sources if s in TIER_ORDER]
    ranks = [s for s in sources if s in RANK_ORDER]
    at_or_above = [r for r, i in RANK_ORDER.items() if i <= RANK_ORDER[target]]
    return (Q(tier__in=tiers) | Q(rank_grade__in=ranks)) & ~Q(rank_grade__in=at_or_above)


def best_tenure(
    facts: CadreFacts, target: str, on: date, params: dict[str, Any]
) -> RungTenure | None:
    """The wait as rules_rank.rank_tenure judges it (the source rung completing first)."""
    min_years = int(params[f"{PREFIX}rank_min_years.{target}"])
    reduction = int(params[f"{PREFIX}rank_excellent_reduction_months"])
    before = bool(int(params[f"{PREFIX}rank_excellent_before_rung"]))
    tenures = []
    for source in RANK_STEPS[target][0]:
        start = rung_start(facts, str(source), on)
        if start is not None:
            tenures.append(
                rung_tenure(
                    start,
                    on,
                    facts.grades,
                    min_years,
                    reduction_months=reduction,
                    excellent_before_rung=before,
                    source=str(source),
                )
            )
    return min(tenures, key=lambda t: t.complete_on) if tenures else None


def _pushed(day: date, facts: CadreFacts, influence_end: date | None) -> tuple[date, list[str]]:
    """The first day from `day` on which no blocker known to end is in force, with notes."""
    notes: list[str] = []
    spans: list[tuple[date, date, str]] = []
    if influence_end is not None:
        spans.append((date.min, influence_end, f"影响期至{influence_end.isoformat()}"))
    spans += [
        (flag.start, flag.end, f"审查调查至{flag.end.isoformat()}")
        for flag in facts.flags
        if flag.kind == INVESTIGATION and not flag.exempt and flag.end is not None
    ]
    changed = True
    while changed:
        changed = False
        for start, end, note in spans:
            if start <= day <= end:
                day, changed = end + timedelta(days=1), True
                notes.append(note)
    return day, notes


def _blockers(facts: CadreFacts, target: str, on: date, params: dict[str, Any]) -> list[str]:
    """The failing checks at the year end, as short reasons (ELG-24-2; 不称职 under RANK-19-1)."""
    verdict = evaluate(facts, Target(rank=target), on, params)
    reasons = []
    for check in verdict.failures:
        text = f"{check.title}：{check.fact}"
        if check.note:
            text += f"（{check.note}）"
        reasons.append(f"{check.rule} {text}")
    return reasons


def _applicable(usage: list[QuotaUsage], target: str, unit_path: str) -> QuotaUsage | None:
    found = [u for u in usage if u.covers(target, unit_path)]
    return min(found, key=lambda u: (u.headroom, -len(u.unit_path))) if found else None


def _cadre_info(queryset: QuerySet[Cadre], ids: list[int]) -> dict[int, tuple[Any, ...]]:
    info: dict[int, tuple[Any, ...]] = {}
    for batch in id_batches(ids):
        rows = queryset.filter(pk__in=batch).values_list(
            "pk", "name_pinyin", "unit__name", "unit__path", "current_post_title"
        )
        info.update({row[0]: row[1:] for row in rows})
    return info


def scoped_cadres(*, actor: Any, unit_id: int | None = None, q: str = "") -> QuerySet[Cadre]:
    """The actor's cadres, narrowed to a unit subtree and a name search."""
    queryset = Cadre.objects.visible_to(actor)
    if unit_id:
        path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        queryset = queryset.filter(unit__path__startswith=path)
    return cadre_search(queryset, q or "")


def _step_rows(
    queryset: QuerySet[Cadre],
    target: str,
    year: int,
    params: dict[str, Any],
    usage: list[QuotaUsage],
    show_blocked: bool,
) -> list[DueRow]:
    on, first = date(year, 12, 31), date(year, 1, 1)
    step = queryset.filter(source_q(target))
    facts = gather(step, on)
    early = influence_periods(step, first)  # influence periods that may end within the year
    min_years = int(params[f"{PREFIX}rank_min_years.{target}"])
    found: list[tuple[CadreFacts, RungTenure, date, list[str], list[str]]] = []
    for cadre_facts in facts.values():
        tenure = best_tenure(cadre_facts, target, on, params)
        if tenure is None or tenure.complete_on > on:
            continue
        blockers = _blockers(cadre_facts, target, on, params)
        if blockers and not show_blocked:
            continue
        period = early.get(cadre_facts.cadre_id)
        ends = period.until if period and period.until and period.until < on else None
        eligible_from, notes = _pushed(tenure.complete_on, cadre_facts, ends)
        found.append((cadre_facts, tenure, eligible_from, blockers, notes))
    info = _cadre_info(step, [f.cadre_id for f, *_ in found])
    rows = []
    for cadre_facts, tenure, eligible_from, blockers, notes in found:
        pinyin, unit_name, unit_path, post = info[cadre_facts.cadre_id]
        rows.append(
            DueRow(
                cadre_id=cadre_facts.cadre_id,
                name=cadre_facts.name,
                name_pinyin=pinyin,
                unit_name=unit_name,
                unit_path=unit_path,
                post_title=post,
                rank=cadre_facts.rank,
                tier=cadre_facts.tier,
                target=target,
                min_years=min_years,
                tenure=tenure,
                eligible_from=eligible_from,
                already=eligible_from < first,
                blockers=tuple(blockers),
                notes=tuple(notes),
                quota=_applicable(usage, target, unit_path),
            )
        )
    return rows


def rank_due(
    *,
    actor: Any,
    year: int,
    rank: str | None = None,
    unit_id: int | None = None,
    q: str = "",
    show_blocked: bool = False,
) -> list[DueRow]:
    """RANK-18-1, RANK-19-1, ELG-24-2 — 并行规定 第十八条、第十九条、第二十一条: the cadres in the
    actor's scope who have served the wait for the next 职级 by 31 December of `year` (优秀 years
    shorten it, 基本称职/不定等次 years do not count), one row per step. Cadres blocked at the
    year end (影响期, 审查调查, 不称职) only when `show_blocked`, with the reasons. Unsorted."""
    on = date(year, 12, 31)
    params = load_params(on)
    usage = rank_quota_usage(actor=actor, on=on)
    queryset = scoped_cadres(actor=actor, unit_id=unit_id, q=q)
    steps = [rank] if rank else list(STEPS)
    rows: list[DueRow] = []
    for target in steps:
        if target not in RANK_STEPS:
            continue
        rows += _step_rows(queryset, target, year, params, usage, show_blocked)
    return rows


SORTS: dict[str, Any] = {
    "eligible_from": lambda r: (r.eligible_from, r.name_pinyin, r.cadre_id, RANK_ORDER[r.target]),
    "name": lambda r: (r.name_pinyin, r.cadre_id, RANK_ORDER[r.target]),
    "unit": lambda r: (r.unit_path, r.name_pinyin, r.cadre_id, RANK_ORDER[r.target]),
    "target": lambda r: (RANK_ORDER[r.target], r.eligible_from, r.name_pinyin, r.cadre_id),
}
DEFAULT_SORT = "eligible_from"


def rank_due_list(
    *, actor: Any, params: QueryDict, today: date
) -> tuple[list[DueRow], RankDueFilterForm]:
    """The page's (and the export's) rows: filtered by the bound form (invalid: no rows) and
    sorted by `sort` ("-" for descending)."""
    form = RankDueFilterForm(params, today=today)
    if not form.is_valid():
        return [], form
    data = form.cleaned_data
    rows = rank_due(
        actor=actor,
        year=data["year"],
        rank=data.get("rank") or None,
        unit_id=data.get("unit"),
        q=data.get("q") or "",
        show_blocked=bool(data.get("blocked")),
    )
    if data.get("when") == "new":
        rows = [r for r in rows if not r.already]
    elif data.get("when") == "earlier":
        rows = [r for r in rows if r.already]
    sort = params.get("sort") or DEFAULT_SORT
    key = SORTS.get(sort.removeprefix("-"), SORTS[DEFAULT_SORT])
    rows.sort(key=key, reverse=sort.startswith("-") and sort[1:] in SORTS)
    return rows, form
