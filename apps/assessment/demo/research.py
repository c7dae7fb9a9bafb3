"""The research campaign 2026年市管领导班子全覆盖调研, owned by the city root: about 20 leadership
teams (city departments and the county party committees), half of them visited, and two teams
whose own earlier due date has passed without a visit (overdue). A visit rates the team on the
four aspects, lists whom the visitors talked to, notes follow-up items and records observations
on named leaders of the team (strength, weakness, standout in a central task they served on).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.assessment.constants import ObservationKind, TeamRating
from apps.assessment.demo import texts
from apps.assessment.demo.world import RECENT, TODAY, Person, World, between
from apps.assessment.models import (
    CampaignTeam,
    ResearchCampaign,
    ResearchVisit,
    VisitObservation,
)
from apps.units.models import Unit

START = date(2026, 3, 2)
DUE = date(2026, 12, 31)
EARLY_DUE = date(2026, 9, 30)  # the two overdue teams' own due date
LAST_VISIT = TODAY - timedelta(days=5)
CITY_TEAMS = 14
OVERDUE = 2
RATINGS = [TeamRating.GOOD] * 5 + [TeamRating.FAIR_GOOD] * 4 + [TeamRating.AVERAGE]


@dataclass
class Research:
    campaign: ResearchCampaign | None = None
    teams: list[CampaignTeam] = field(default_factory=list)
    visits: list[ResearchVisit] = field(default_factory=list)
    observations: list[VisitObservation] = field(default_factory=list)


class ResearchMaker:
    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng = rng
        self.world = world
        self.out = Research()

    def make(self) -> None:
        rng, world = self.rng, self.world
        departments = world.city_departments
        picked = rng.sample(departments, min(CITY_TEAMS, len(departments)))
        teams = sorted([*picked, *world.counties], key=lambda u: u.path)
        if not teams:
            return
        campaign = ResearchCampaign(
            unit=world.root,
            name=texts.CAMPAIGN_NAME,
            start_date=START,
            due_date=DUE,
            description=texts.CAMPAIGN_DESCRIPTION,
        )
        self.out.campaign = campaign
        visited = {u.pk for u in rng.sample(teams, len(teams) // 2)}
        weak = rng.choice(sorted(visited)) if visited else None  # one team rated 一般 somewhere
        waiting = [u for u in teams if u.pk not in visited]
        overdue = {u.pk for u in rng.sample(waiting, min(OVERDUE, len(waiting)))}
        for unit in teams:
            due = EARLY_DUE if unit.pk in overdue else None
            self.out.teams.append(CampaignTeam(campaign=campaign, team=unit, due_date=due))
        for unit in teams:
            if unit.pk in visited:
                self._visit(campaign, unit, weak=unit.pk == weak)

    def _visit(self, campaign: ResearchCampaign, team: Unit, *, weak: bool) -> None:
        rng = self.rng
        day = between(rng, START + timedelta(days=14), LAST_VISIT)
        leaders = self.world.leaders_of(team, day)
        members = max(len(leaders), 3)
        middle, grassroots = rng.randint(6, 15), rng.randint(2, 6)
        ratings = [rng.choice(RATINGS) for _ in range(4)]
        ratings[3] = TeamRating.GOOD if rng.random() < 0.7 else TeamRating.FAIR_GOOD
        if weak:
            ratings[2] = TeamRating.AVERAGE
        worst = max(ratings, key=RATINGS.index)  # the notes follow the weakest aspect
        follow = rng.sample(texts.FOLLOW_UPS, rng.randint(0, 2))
        visit = ResearchVisit(
            campaign=campaign,
            team=team,
            visited_on=day,
            visitors="市委组织部调研组：" + "、".join(rng.sample(texts.VISITORS, 3)),
            interviewees=(
                f"班子成员{members}人，中层干部{middle}人，基层干部和服务对象代表{grassroots}人"
            ),
            interview_count=members + middle + grassroots,
            unity=ratings[0],
            decision_making=ratings[1],
            execution=ratings[2],
            integrity=ratings[3],
            team_notes=texts.TEAM_NOTES[TeamRating(worst)],
            follow_up="\n".join(f"{i}. {item}" for i, item in enumerate(follow, 1)),
        )
        self.out.visits.append(visit)
        self._observe(visit, leaders, weak=worst == TeamRating.AVERAGE)

    def _observe(self, visit: ResearchVisit, leaders: list[Person], *, weak: bool) -> None:
        """One to three observations on the team's leaders; a team rated 一般 on some aspect
        gets a weakness noted about one of them."""
        rng = self.rng
        extra = rng.randint(1 if weak else 0, 2)
        named = leaders[:1] + rng.sample(leaders[1:], max(0, min(len(leaders) - 1, extra)))
        for i, person in enumerate(named):
            served = [
                s
                for s in self.world.services_of(person.pk)
                if s.start <= visit.visited_on
                and (s.task.end_date is None or s.task.end_date >= RECENT)
            ]
            task = None
            if weak and i == len(named) - 1 and (i > 0 or len(named) == 1):
                kind = ObservationKind.WEAKNESS
            elif served and rng.random() < 0.7:
                kind, task = ObservationKind.STANDOUT, served[-1].task
            elif rng.random() < 0.25:
                kind = ObservationKind.STANDOUT
            else:
                kind = ObservationKind.STRENGTH
            pool = texts.OBSERVATIONS[kind] if kind != ObservationKind.STANDOUT or task else ()
            text = rng.choice(pool or texts.STANDOUT_AT_WORK)
            self.out.observations.append(
                VisitObservation(
                    visit=visit,
                    cadre_id=person.pk,
                    kind=kind,
                    central_task=task,
                    text=text.format(task=task.name if task else ""),
                )
            )

    def save(self) -> None:
        out = self.out
        if out.campaign is None:
            return
        out.campaign.save()  # the rows below pick up the saved parents' ids
        CampaignTeam.objects.bulk_create(out.teams)
        ResearchVisit.objects.bulk_create(out.visits)
        VisitObservation.objects.bulk_create(out.observations)
