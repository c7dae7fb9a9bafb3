"""REST endpoints of the selection pillar (/api/v1/selection/): eligibility verdicts for auditors
and other systems (issue 8 item 8), and the rule parameters in force.

- GET  /eligibility/{cadre_id}: a cadre in the caller's scope (else 404, the denial audited),
  judged for a tier or a 职级 on a day; the read is audited like the cadre page;
- POST /eligibility/evaluate: facts given as JSON (no cadre data is read) → the verdict chain;
  audited with a digest of the facts, so an independent check can be traced;
- GET  /rules: every selection rule parameter in force on a day, with its rules.md id.
"""

import hashlib
import json
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router

from apps.accounts.api_auth import READ_AUTH, api_actor
from apps.cadres.schemas import MAX_ID
from apps.cadres.selectors import cadre_get
from apps.core import audit
from apps.core.exceptions import DomainError
from apps.core.models import RuleParameter
from apps.core.rulesets import REGISTRY
from apps.selection.engine import PREFIX, Target, evaluate, load_params
from apps.selection.facts import facts_of
from apps.selection.facts_json import facts_from_json
from apps.selection.params import RANK_STEPS
from apps.units.constants import TIER_ORDER, Tier

from .schemas import EligibilityParams, EvaluateIn, RulesOut, VerdictOut

router = Router(tags=["选拔任用"], auth=READ_AUTH)

Id = Annotated[int, Path(title="干部编号", ge=1, le=MAX_ID)]


def make_target(tier: str | None, rank: str | None, party_post: bool) -> Target:
    """The target of a request, or a DomainError (400) naming the field."""
    if bool(tier) == bool(rank):
        message = "请指定拟任职务层次（tier）或拟晋升职级（rank）中的一项"
        raise DomainError(message, code="invalid_target", fields={"tier": message})
    if tier and tier not in TIER_ORDER:
        options = "、".join(f"{label}（{code}）" for code, label in Tier.choices)
        message = f"拟任职务层次（tier）：取值无效，可选：{options}"
        raise DomainError(message, code="invalid_target", fields={"tier": message})
    if rank and rank not in RANK_STEPS:
        message = "拟晋升职级（rank）：该职级没有晋升资格规定（二级科员为最低职级）"
        raise DomainError(message, code="invalid_target", fields={"rank": message})
    if rank and party_post:
        message = "是否党的领导职务（party_post）：只适用于领导职务"
        raise DomainError(message, code="invalid_target", fields={"party_post": message})
    return Target(tier=tier or "", rank=rank or "", party_post=party_post)


def _target_detail(target: Target, on: date) -> dict[str, Any]:
    return {"tier": target.tier, "rank": target.rank, "party_post": target.party_post, "on": on}


@router.get("/eligibility/{int:cadre_id}", response=VerdictOut, summary="干部任职资格审查")
def eligibility(request: HttpRequest, cadre_id: Id, params: Query[EligibilityParams]) -> Any:
    """The verdict chain of a cadre in scope for a post tier (`tier`, with `party_post`) or a
    职级 (`rank`) on `on` (default today)."""
    target = make_target(params.tier, params.rank, params.party_post)
    actor = api_actor(request)
    cadre = cadre_get(actor=actor, cadre_id=cadre_id)  # scoped (404) and audited
    day = params.on or timezone.localdate()
    verdict = evaluate(facts_of(cadre.pk, day), target, day)
    audit.record(
        action="selection.eligibility.view",
        actor=actor,
        target=cadre,
        detail=_target_detail(target, day) | {"eligible": verdict.eligible},
    )
    return verdict.as_dict()


@router.post("/eligibility/evaluate", response=VerdictOut, summary="按给定干部情况审查任职资格")
def evaluate_facts(request: HttpRequest, payload: EvaluateIn) -> Any:
    """Facts given by the caller (JSON, see the user docs) judged for the target on `on`; no
    record of the system is read. The verdict's `cadre_id` is the one given (0 if none)."""
    target = make_target(payload.target.tier, payload.target.rank, payload.target.party_post)
    facts = facts_from_json(payload.facts)
    verdict = evaluate(facts, target, payload.on)
    digest = hashlib.sha256(
        json.dumps(payload.facts, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    audit.record(
        action="selection.eligibility.evaluate",
        actor=api_actor(request),
        target_type="selection.facts",
        target_id=facts.cadre_id or "",
        target_repr=facts.name,
        detail=_target_detail(target, payload.on)
        | {"eligible": verdict.eligible, "facts_sha256": digest},
    )
    return verdict.as_dict()


def rules_in_force(on: date) -> list[dict[str, Any]]:
    """Every selection rule parameter with its value in force on `on` (one query for the values,
    one for the local rows)."""
    values = load_params(on)
    rows = (
        RuleParameter.objects.filter(key__startswith=PREFIX, effective_from__lte=on)
        .order_by("key", "effective_from", "id")
        .values_list("key", "effective_from")
    )
    local: dict[str, date] = dict(rows)  # ascending: the latest effective row wins
    return [
        {
            "key": key,
            "label": spec.label,
            "rule": spec.rule,
            "status": spec.status,
            "unit": spec.unit,
            "value": values[key],
            "default": spec.default,
            "local": key in local,
            "effective_from": local.get(key),
        }
        for key, spec in sorted(REGISTRY.items())
        if key.startswith(PREFIX)
    ]


@router.get("/rules", response=RulesOut, summary="选拔任用规则参数")
def rules(request: HttpRequest, on: date | None = None) -> Any:
    """The parameters the eligibility engine applies on `on` (default today): national defaults
    or local values, each with its rules.md id and verification status."""
    day = on or timezone.localdate()
    return {"on": day, "params": rules_in_force(day)}
