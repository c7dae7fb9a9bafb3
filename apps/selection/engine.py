"""The eligibility engine: for a cadre's facts, a target (a post tier, or a 职级) and a day, run
every rule and return the verdict with its full chain (issue 8 item 1).

Waivers (破格提拔, ELG-9-2) are never silent: a failing check of a waivable rule that an approved
ExceptionalPromotion names becomes WAIVED with the ground shown, and the exceptional-promotion
hard limits (ELG-9-3) are then judged too. The parameter values used travel with the verdict.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from apps.cadres.constants import RankGrade
from apps.core.rulesets import params_on
from apps.selection import rules, rules_negative, rules_rank
from apps.selection.constants import MeritGround, Outcome
from apps.selection.facts import CadreFacts, Waiver
from apps.selection.params import RANK_STEPS
from apps.units.constants import TIER_ORDER, Tier

PREFIX = "selection."
BLOCKING = frozenset({Outcome.FAIL})
OUTCOME_LABELS: dict[str, str] = dict(Outcome.choices)


@dataclass(frozen=True)
class Target:
    """What the cadre is judged for: a leadership tier (with whether the post is a party post,
    ELG-8-6) or a 职级."""

    tier: str = ""
    rank: str = ""
    party_post: bool = False

    def __post_init__(self) -> None:
        if bool(self.tier) == bool(self.rank):
            raise ValueError("a target is a tier or a rank")
        if self.tier and self.tier not in TIER_ORDER:
            raise ValueError(f"unknown tier {self.tier}")
        if self.rank and self.rank not in RANK_STEPS:
            raise ValueError(f"no promotion rule for rank {self.rank}")

    @property
    def label(self) -> str:
        if self.rank:
            return RankGrade(self.rank).label
        return Tier(self.tier).label + ("（党的领导职务）" if self.party_post else "")


@dataclass(frozen=True)
class Verdict:
    cadre_id: int
    target: Target
    on: date
    checks: tuple[rules.Check, ...]
    params: dict[str, Any] = field(default_factory=dict)
    waiver: Waiver | None = None

    @property
    def eligible(self) -> bool:
        return not any(c.outcome in BLOCKING for c in self.checks)

    @property
    def failures(self) -> list[rules.Check]:
        return [c for c in self.checks if c.outcome in BLOCKING]

    @property
    def warnings(self) -> list[rules.Check]:
        return [c for c in self.checks if c.outcome in (Outcome.WARN, Outcome.UNKNOWN)]

    @property
    def passes_on(self) -> date | None:
        """The day every failing check is cured by time, when each of them says so."""
        failures = self.failures
        if not failures or any(c.passes_on is None for c in failures):
            return None
        return max(c.passes_on for c in failures if c.passes_on)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: stored with a Promotion, returned by the API and the command."""
        return {
            "cadre_id": self.cadre_id,
            "target": asdict(self.target) | {"label": self.target.label},
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "passes_on": self.passes_on.isoformat() if self.passes_on else None,
            "exceptional": _waiver_dict(self.waiver),
            "checks": [
                {
                    **asdict(c),
                    "passes_on": c.passes_on.isoformat() if c.passes_on else None,
                    "outcome_label": OUTCOME_LABELS[c.outcome],
                }
                for c in self.checks
            ],
            "params": self.params,
        }


def _waiver_dict(waiver: Waiver | None) -> dict[str, Any] | None:
    if waiver is None:
        return None
    return {
        "id": waiver.id,
        "ground": waiver.ground,
        "ground_label": MeritGround(waiver.ground).label,
        "explanation": waiver.explanation,
        "waived_rules": sorted(waiver.rules),
        "approved_on": waiver.approved_on.isoformat(),
    }


def load_params(on: date) -> dict[str, Any]:
    return params_on(PREFIX, on)


def _p(params: dict[str, Any], key: str) -> int:
    return int(params[PREFIX + key])


def tier_checks(
    facts: CadreFacts, target: Target, on: date, p: dict[str, Any]
) -> list[rules.Check]:
    tier = target.tier
    return [
        rules.step(facts, tier),
        rules.work_years(facts, tier, on, _p(p, "min_work_years")),
        rules.grassroots_years(facts, tier, on, _p(p, "min_grassroots_years")),
        rules.lower_posts(facts, tier, on, _p(p, "min_lower_posts")),
        rules.tenure(
            facts,
            tier,
            on,
            _p(p, "deputy_to_principal_years"),
            _p(p, "lower_principal_to_upper_deputy_years"),
        ),
        rules.education(facts, tier),
        rules.training(
            facts, tier, _p(p, "training_hours_senior_5y"), _p(p, "training_hours_junior_year")
        ),
        rules.health(facts),
        rules.party_age(
            facts, tier, on, int(p.get(f"{PREFIX}party_age_years.{tier}", 0)), target.party_post
        ),
        rules.age_limit(facts, tier, on, int(p.get(f"{PREFIX}max_age.{tier}", 0))),
        rules_negative.last_year_grades(facts, on, _p(p, "recent_competent_years")),
        rules_negative.influence(facts, on),
        *rules_negative.flags(
            facts,
            on,
            rules.BLOCKING_FLAGS,
            "ELG-24-1",
            "《党政领导干部选拔任用工作条例》第二十四条",
        ),
        rules_negative.tolerated(facts),
    ]


def rank_checks(
    facts: CadreFacts, target: Target, on: date, p: dict[str, Any]
) -> list[rules.Check]:
    rank = target.rank
    sources = tuple(str(s) for s in RANK_STEPS[rank][0])
    step = rules_rank.rank_step(facts, rank, sources)
    checks = [step]
    if step.outcome == Outcome.PASS:
        checks.append(
            rules_rank.rank_tenure(
                facts,
                rank,
                on,
                sources,
                int(p[f"{PREFIX}rank_min_years.{rank}"]),
                reduction_months=_p(p, "rank_excellent_reduction_months"),
                excellent_before_rung=bool(_p(p, "rank_excellent_before_rung")),
            )
        )
    checks += [
        rules_negative.influence(facts, on, rule="ELG-24-2", item="（二）"),
        *rules_negative.flags(
            facts,
            on,
            rules.RANK_BLOCKING_FLAGS,
            "ELG-24-2",
            "《公务员职务与职级并行规定》第二十一条",
        ),
        rules_negative.tolerated(facts),
    ]
    return checks


def _waiver_for(facts: CadreFacts, target: Target, on: date) -> Waiver | None:
    if not target.tier:
        return None  # 破格 concerns leadership posts; 职级 has no exceptional route
    found = [w for w in facts.waivers if w.target_tier == target.tier and w.approved_on <= on]
    return max(found, key=lambda w: (w.approved_on, w.id)) if found else None


def _apply_waiver(
    checks: list[rules.Check],
    waiver: Waiver,
    facts: CadreFacts,
    target: Target,
    on: date,
    p: dict[str, Any],
) -> tuple[list[rules.Check], bool]:
    """The checks with the waiver applied, and whether it changed any."""
    out: list[rules.Check] = []
    used: set[str] = set()
    for check in checks:
        if check.outcome == Outcome.FAIL and check.waivable and check.rule in waiver.rules:
            used.add(check.rule)
            ground = MeritGround(waiver.ground).label
            note = f"破格：{ground}（{waiver.approved_on.isoformat()}研究决定）"
            out.append(rules.Check(**{**asdict(check), "outcome": Outcome.WAIVED, "note": note}))
        else:
            out.append(check)
    if used:
        out += rules.exceptional_limits(
            facts, target.tier, on, _p(p, "pouge_min_months_since_promotion"), frozenset(used)
        )
    return out, bool(used)


def evaluate(
    facts: CadreFacts, target: Target, on: date, params: dict[str, Any] | None = None
) -> Verdict:
    """The verdict for one cadre. Pass `params` (load_params(on)) when judging many.
    `Verdict.waiver` is the 破格 record the verdict relies on (None when no check needed it)."""
    p = params if params is not None else load_params(on)
    checks = tier_checks(facts, target, on, p) if target.tier else rank_checks(facts, target, on, p)
    waiver = _waiver_for(facts, target, on)
    if waiver is not None:
        checks, used = _apply_waiver(checks, waiver, facts, target, on, p)
        waiver = waiver if used else None  # the verdict names a waiver only when it relies on it
    return Verdict(facts.cadre_id, target, on, tuple(checks), dict(p), waiver)
