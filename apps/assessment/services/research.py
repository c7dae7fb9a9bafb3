"""Writes of research campaigns (调研) and their visits to leadership teams.

A campaign belongs to its organizing unit (a registry row): its officers create it and choose the
teams to cover, inside their CHANGE scope. A visit belongs to the team it went to: any officer
whose CHANGE scope covers the team records it, in a campaign they can see. Observations name
cadres, and each named cadre must lie in the actor's CHANGE scope.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.assessment.constants import ObservationKind, TeamRating
from apps.assessment.models import (
    CampaignTeam,
    ResearchCampaign,
    ResearchVisit,
    VisitObservation,
)
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action, assert_in_scope
from apps.frontline.models import CentralTask
from apps.units.constants import UnitLevel
from apps.units.models import Unit

RATING_FIELDS = {
    "unity": "团结协作",
    "decision_making": "科学决策",
    "execution": "狠抓落实",
    "integrity": "廉洁自律",
}
CAMPAIGN_FIELDS = ["unit", "name", "start_date", "due_date", "description"]
VISIT_FIELDS = [
    "campaign",
    "team",
    "visited_on",
    "visitors",
    "interviewees",
    "interview_count",
    *RATING_FIELDS,
    "team_notes",
    "follow_up",
]
OUT_OF_SCOPE_CADRE = "不能记录{name}的调研发现：该干部不在您的管理范围内"
MAX_TEAMS_PER_ADD = 2000


def _raise(errors: dict[str, str], code: str) -> None:
    if errors:
        raise DomainError("；".join(errors.values()), code=code, fields=errors)


# --- campaigns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    """What the campaign form submits."""

    unit_id: int
    name: str
    start_date: date
    due_date: date
    description: str = ""


@transaction.atomic
def campaign_create(*, actor: Any, data: CampaignInput) -> ResearchCampaign:
    """Register a campaign organized by a unit inside the actor's CHANGE scope (audited)."""
    errors: dict[str, str] = {}
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=data.unit_id).first()
    if unit is None:
        errors["unit"] = "组织单位不存在或不在您的数据范围内"
    if not data.name.strip():
        errors["name"] = "请填写调研名称"
    if data.due_date < data.start_date:
        errors["due_date"] = "完成时限不能早于开始日期"
    _raise(errors, "invalid_campaign")
    assert unit is not None
    campaign = ResearchCampaign.objects.create(
        unit=unit,
        name=data.name.strip(),
        start_date=data.start_date,
        due_date=data.due_date,
        description=data.description.strip(),
        created_by=actor,
    )
    assert_in_scope(ResearchCampaign.objects.all(), campaign.pk, actor, Action.CHANGE)
    audit.record(
        action="assessment.campaign.create",
        actor=actor,
        target=campaign,
        after=audit.snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


def campaign_for_change(actor: Any, campaign_id: int) -> ResearchCampaign:
    """The campaign locked for a change, if the actor's CHANGE scope covers its unit."""
    campaign = (
        ResearchCampaign.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise OutOfScopeError()
    return campaign


def _check_team_due(campaign: ResearchCampaign, due_date: date | None) -> None:
    if due_date is not None and due_date < campaign.start_date:
        message = f"应完成日期不能早于调研开始日期（{campaign.start_date:%Y-%m-%d}）"
        raise DomainError(message, code="invalid_due_date", fields={"due_date": message})


def _add(
    actor: Any, campaign: ResearchCampaign, units: list[Unit], due_date: date | None
) -> list[CampaignTeam]:
    """Add the units not yet in the campaign; audit one event with the units added."""
    present = set(
        CampaignTeam.objects.filter(campaign=campaign, team__in=units).values_list(
            "team_id", flat=True
        )
    )
    new = [
        CampaignTeam(campaign=campaign, team=u, due_date=due_date)
        for u in units
        if u.pk not in present
    ]
    CampaignTeam.objects.bulk_create(new)
    if new:
        audit.record(
            action="assessment.campaign.add_teams",
            actor=actor,
            target=campaign,
            after={"teams": [t.team_id for t in new], "due_date": due_date},
            detail={"skipped": sorted(present)},
        )
    return new


@transaction.atomic
def campaign_add_teams(
    *, actor: Any, campaign_id: int, unit_ids: Sequence[int], due_date: date | None = None
) -> list[CampaignTeam]:
    """Add leadership teams (the units they lead) to the campaign; every unit must lie in the
    actor's CHANGE scope. Teams already listed are kept as they are. Returns the new rows."""
    campaign = campaign_for_change(actor, campaign_id)
    _check_team_due(campaign, due_date)
    wanted = set(unit_ids)
    if not wanted:
        message = "请选择要调研的领导班子（单位）"
        raise DomainError(message, code="no_teams", fields={"units": message})
    units = list(
        Unit.objects.visible_to(actor, Action.CHANGE).filter(pk__in=wanted).order_by("path")
    )
    if len(units) != len(wanted):
        message = "所选单位不存在或不在您的数据范围内"
        raise DomainError(message, code="team_out_of_scope", fields={"units": message})
    return _add(actor, campaign, units, due_date)


@transaction.atomic
def campaign_add_level(
    *,
    actor: Any,
    campaign_id: int,
    parent_id: int,
    level: str,
    due_date: date | None = None,
) -> list[CampaignTeam]:
    """Add every active unit of `level` below `parent` (its subtree, the parent itself
    excluded), e.g. all city-level units' leadership teams under 示范市委."""
    campaign = campaign_for_change(actor, campaign_id)
    _check_team_due(campaign, due_date)
    errors: dict[str, str] = {}
    parent = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=parent_id).first()
    if parent is None:
        errors["parent"] = "上级单位不存在或不在您的数据范围内"
    if level not in UnitLevel.values:
        errors["level"] = "请选择单位层级"
    _raise(errors, "invalid_level_add")
    assert parent is not None
    units = list(
        Unit.objects.visible_to(actor, Action.CHANGE)
        .active()
        .subtree(parent)
        .exclude(pk=parent.pk)
        .filter(level=level)
        .order_by("path")[: MAX_TEAMS_PER_ADD + 1]
    )
    if not units:
        message = f"{parent.name}下没有{UnitLevel(level).label}单位"
        raise DomainError(message, code="no_teams", fields={"level": message})
    if len(units) > MAX_TEAMS_PER_ADD:
        message = f"一次最多添加{MAX_TEAMS_PER_ADD}个班子，请缩小范围"
        raise DomainError(message, code="too_many_teams", fields={"parent": message})
    return _add(actor, campaign, units, due_date)


@transaction.atomic
def campaign_remove_team(*, actor: Any, campaign_id: int, team_id: int) -> CampaignTeam:
    """Take a team off the campaign's list; refused once the team has been visited."""
    campaign = campaign_for_change(actor, campaign_id)
    row = (
        CampaignTeam.objects.visible_to(actor, Action.CHANGE)
        .select_related("team")
        .filter(campaign=campaign, team_id=team_id)
        .first()
    )
    if row is None:
        raise OutOfScopeError()
    if ResearchVisit.objects.filter(campaign=campaign, team_id=team_id).exists():
        raise DomainError(f"{row.team.name}已有调研记录，不能移出调研对象", code="team_visited")
    row.delete()
    audit.record(
        action="assessment.campaign.remove_team",
        actor=actor,
        target=campaign,
        before={"team": team_id},
    )
    return row


# --- visits and observations ---------------------------------------------------------------


@dataclass(frozen=True)
class ObservationInput:
    """An observation about a named cadre."""

    cadre_id: int
    kind: str
    text: str
    central_task_id: int | None = None


@dataclass(frozen=True)
class VisitInput:
    """What the visit form submits (observations may also be added later)."""

    team_id: int
    visited_on: date
    visitors: str
    interviewees: str
    unity: str
    decision_making: str
    execution: str
    integrity: str
    interview_count: int = 0
    team_notes: str = ""
    follow_up: str = ""
    observations: Sequence[ObservationInput] = field(default_factory=tuple)


def period_end(campaign: ResearchCampaign, team_due: date | None) -> date:
    """The last day visits of a team count for the campaign: the campaign's time limit, or the
    team's own later due date (an extension granted to that team)."""
    return max(campaign.due_date, team_due or campaign.due_date)


def _check_visit(
    campaign: ResearchCampaign, team: CampaignTeam, data: VisitInput, today: date
) -> None:
    errors: dict[str, str] = {}
    end = period_end(campaign, team.due_date)
    if data.visited_on > today:
        errors["visited_on"] = "调研日期不能晚于今天"
    elif not campaign.start_date <= data.visited_on <= end:
        errors["visited_on"] = (
            f"调研日期须在调研期间内（{campaign.start_date:%Y-%m-%d}至{end:%Y-%m-%d}）"
        )
    if not data.visitors.strip():
        errors["visitors"] = "请填写调研人员"
    if not data.interviewees.strip():
        errors["interviewees"] = "请填写谈话对象"
    if data.interview_count < 0:
        errors["interview_count"] = "谈话人数不能为负数"
    for name, label in RATING_FIELDS.items():
        if getattr(data, name) not in TeamRating.values:
            errors[name] = f"请评价{label}情况"
    _raise(errors, "invalid_visit")


@transaction.atomic
def visit_add(
    *, actor: Any, campaign_id: int, data: VisitInput, today: date | None = None
) -> ResearchVisit:
    """Record a visit to a team of the campaign; the team must lie in the actor's CHANGE
    scope, the date inside the campaign period and not in the future (audited)."""
    campaign = ResearchCampaign.objects.visible_to(actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise OutOfScopeError()
    team = (
        CampaignTeam.objects.visible_to(actor, Action.CHANGE)
        .select_related("team")
        .filter(campaign=campaign, team_id=data.team_id)
        .first()
    )
    if team is None:
        message = "所选领导班子不在本次调研对象中，或不在您的数据范围内"
        raise DomainError(message, code="team_not_in_campaign", fields={"team": message})
    _check_visit(campaign, team, data, today or timezone.localdate())
    visit = ResearchVisit(
        campaign=campaign,
        team=team.team,
        visited_on=data.visited_on,
        visitors=data.visitors.strip(),
        interviewees=data.interviewees.strip(),
        interview_count=data.interview_count,
        unity=data.unity,
        decision_making=data.decision_making,
        execution=data.execution,
        integrity=data.integrity,
        team_notes=data.team_notes.strip(),
        follow_up=data.follow_up.strip(),
        created_by=actor,
    )
    visit.save()
    assert_in_scope(ResearchVisit.objects.all(), visit.pk, actor, Action.CHANGE)
    audit.record(
        action="assessment.visit.add",
        actor=actor,
        target=visit,
        after=audit.snapshot(visit, VISIT_FIELDS),
    )
    for item in data.observations:
        _observe(actor, visit, item)
    return visit


def _observe(actor: Any, visit: ResearchVisit, data: ObservationInput) -> VisitObservation:
    errors: dict[str, str] = {}
    cadre = Cadre.objects.visible_to(actor, Action.CHANGE).filter(pk=data.cadre_id).first()
    if cadre is None:
        # Name the cadre only if the actor may at least see them; else just the refusal.
        seen = Cadre.objects.visible_to(actor).filter(pk=data.cadre_id).first()
        errors["cadre"] = OUT_OF_SCOPE_CADRE.format(name=seen.name if seen else "所选干部")
    if data.kind not in ObservationKind.values:
        errors["kind"] = "请选择调研发现的类别"
    if not data.text.strip():
        errors["text"] = "请填写具体表现"
    task = None
    if data.central_task_id is not None:
        visible = CentralTask.objects.visible_to(actor).values("pk")
        task = CentralTask.objects.filter(pk=data.central_task_id, pk__in=visible).first()
        if task is None:
            errors["central_task"] = "中心任务不存在或不在您的数据范围内"
    _raise(errors, "invalid_observation" if "cadre" not in errors else "cadre_out_of_scope")
    assert cadre is not None
    observation = VisitObservation.objects.create(
        visit=visit, cadre=cadre, kind=data.kind, central_task=task, text=data.text.strip()
    )
    audit.record(
        action="assessment.observation.add",
        actor=actor,
        target=observation,
        after=audit.snapshot(observation, ["visit", "cadre", "kind", "central_task", "text"]),
        detail={"cadre": observation.cadre_id, "visit": visit.pk},
    )
    return observation


def visit_for_change(actor: Any, visit_id: int) -> ResearchVisit:
    """The visit locked for a change, if the actor's CHANGE scope covers its team."""
    visit = (
        ResearchVisit.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise OutOfScopeError()
    return visit


@transaction.atomic
def observation_add(*, actor: Any, visit_id: int, data: ObservationInput) -> VisitObservation:
    """Add an observation about a named cadre to a visit; the cadre must lie in the actor's
    CHANGE scope (a clear refusal otherwise)."""
    visit = visit_for_change(actor, visit_id)
    return _observe(actor, visit, data)


@transaction.atomic
def visit_follow_up_update(*, actor: Any, visit_id: int, follow_up: str) -> ResearchVisit:
    """Rewrite the visit's follow-up items (需跟进事项), e.g. noting what has been done."""
    visit = visit_for_change(actor, visit_id)
    before = visit.follow_up
    visit.follow_up = follow_up.strip()
    visit.save(update_fields=["follow_up", "updated_at"])
    audit.record(
        action="assessment.visit.follow_up",
        actor=actor,
        target=visit,
        before={"follow_up": before},
        after={"follow_up": visit.follow_up},
    )
    return visit
