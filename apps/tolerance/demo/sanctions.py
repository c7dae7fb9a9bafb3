"""The demo sanctions with mentors (帮带责任人), follow-up visits and reuse assessments.

Consistency with the cadres' records: a party sanction goes to a party member; no post or 职级
begins inside an influence period (REUSE-1), except the no-higher post a cadre moved to on the day
a transfer (调离岗位) was decided; a reuse links the post the cadre took after the period.
Every cadre in an influence period has one active mentor, except three left without one on
purpose (the red list shows them); visits follow every interval (REUSE-3), three cadres' visits
lapsed (the overdue list shows them).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from apps.accounts.models import ManagedBy
from apps.cadres.models import Appointment
from apps.core.rulesets import param
from apps.tolerance.constants import TYPE_KIND, ReuseRecommendation, SanctionKind, SanctionType
from apps.tolerance.demo.influence import influence_until, months_of
from apps.tolerance.demo.sanction_specs import (
    DIFFICULTIES,
    HELP,
    MENTOR_END,
    PLAN,
    REUSE_FINDINGS,
    SUMMARIES,
    THINKING,
    WORK,
)
from apps.tolerance.demo.world import TODAY, Person, World, add_months, between
from apps.tolerance.models import FollowUp, Mentor, ReuseAssessment, Sanction

FIRST_DAY = date(2021, 1, 1)  # decisions fall in 2021–2026
AUTHORITY: dict[str, str] = {
    SanctionKind.PARTY: "纪委",
    SanctionKind.ADMINISTRATIVE: "监委",
    SanctionKind.ORGANIZATIONAL: "委组织部",
}
DOC: dict[str, str] = {
    SanctionKind.PARTY: "纪处",
    SanctionKind.ADMINISTRATIVE: "监处",
    SanctionKind.ORGANIZATIONAL: "组处",
}


@dataclass(slots=True)
class Rec:
    sanction: Sanction
    person: Person
    mode: str
    reused_on: date | None = None  # start of the post taken after the period ("reuse")

    @property
    def active(self) -> bool:
        until = self.sanction.influence_until
        return until is None or until >= TODAY


def org_of(person: Person) -> str:
    return f"{person.place}委组织部" if person.managed_by == ManagedBy.COUNTY else "示范市委组织部"


class SanctionMaker:
    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng = rng
        self.world = world
        self.recs: list[Rec] = []
        self.mentors: list[Mentor] = []
        self.visits: list[FollowUp] = []
        self.reuses: list[ReuseAssessment] = []
        self.interval = int(param("sanctions.follow_up_interval_months", TODAY))

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

    # sanctions ---------------------------------------------------------------------------------
    def make(self) -> None:
        for i, (stype, mode, probation) in enumerate(PLAN):
            found = self.pick(stype, mode, probation, city_managed=i % 3 == 0)
            if found is not None:
                person, effective, reused_on = found
                self.add(person, stype, mode, probation, effective, reused_on)
        Sanction.objects.bulk_create([r.sanction for r in self.recs])

    def pick(
        self, stype: str, mode: str, probation: int | None, *, city_managed: bool
    ) -> tuple[Person, date, date | None] | None:
        """A fitting cadre, the effective date and (for a reuse) the later post's start."""
        months = months_of(stype, probation, TODAY)
        party = TYPE_KIND[stype] == SanctionKind.PARTY
        chosen: dict[str, date | None] = {}

        def free(p: Person, start: date, end: date) -> bool:
            ok_party = not party or (p.party_join is not None and p.party_join < start)
            return ok_party and p.working_on(start) and not p.promoted_within(start, end)

        def plain(day: date) -> Callable[[Person], bool]:
            until = influence_until(stype, day, probation) or TODAY
            return lambda p: (
                free(p, day, min(until, TODAY))
                and (mode != "observe" or not any(s > day for s in p.post_starts))
                and (stype != SanctionType.ORG_RANK_CHANGE or not p.post_title)
            )

        def moved(p: Person) -> bool:
            days = p.lateral_moves(FIRST_DAY, TODAY - timedelta(days=25))
            day = next((d for d in reversed(days) if p.working_on(d)), None)
            chosen["effective"] = day
            return day is not None

        def reused(p: Person) -> bool:
            for start in sorted(p.post_starts, reverse=True):
                day = add_months(start, -months) - self.days(60, 200)
                if date(2022, 6, 1) <= start <= TODAY - timedelta(days=30) and day >= FIRST_DAY:
                    until = influence_until(stype, day, probation) or start
                    if free(p, day, until):
                        chosen["effective"], chosen["reused_on"] = day, start
                        return True
            return False

        accept: Callable[[Person], bool]
        if mode == "moved":
            accept = moved
        elif mode == "reuse":
            accept = reused
        else:
            if mode == "active":
                lo = add_months(TODAY, -months) + timedelta(days=20)
                day = between(self.rng, max(lo, FIRST_DAY), TODAY - timedelta(days=25))
            else:
                hi = add_months(TODAY, -months) - timedelta(days=30)
                day = between(self.rng, FIRST_DAY, hi)
            chosen["effective"] = day
            accept = plain(day)
        person = self.world.pick(self.rng, accept, city_managed=city_managed)
        effective = chosen.get("effective")
        if person is None or effective is None:
            return None
        return person, effective, chosen.get("reused_on")

    def add(
        self,
        person: Person,
        stype: str,
        mode: str,
        probation: int | None,
        effective: date,
        reused_on: date | None,
    ) -> None:
        kind = TYPE_KIND[stype]
        county = person.managed_by == ManagedBy.COUNTY
        authority = AUTHORITY[kind]
        prefix = person.place[0] if county else "示"
        sanction = Sanction(
            cadre_id=person.pk,
            kind=kind,
            type=stype,
            probation_months=probation,
            decision_date=effective,
            effective_date=effective,
            authority=(person.place if county else "示范市") + authority,
            document_number=f"{prefix}{DOC[kind]}〔{effective.year}〕{self.rng.randint(2, 60)}号",
            summary=SUMMARIES[stype],
            influence_until=influence_until(stype, effective, probation),
        )
        self.recs.append(Rec(sanction, person, mode, reused_on))

    # mentors and visits ------------------------------------------------------------------------
    def mentor_for(self, person: Person, day: date) -> Mentor:
        leaders = self.world.leaders_in(person.county, self.world.taken)
        if not leaders:
            leaders = [
                p for p in self.world.people if p.post_title and p.pk not in self.world.taken
            ]
        leader = self.rng.choice(leaders) if leaders else None
        return Mentor(
            cadre_id=person.pk,
            mentor_name=leader.name if leader else "组织部门指定",
            mentor_post=(leader.post_title if leader else org_of(person))[:100],
            mentor_cadre_id=leader.pk if leader else None,
            assigned_on=day,
        )

    def make_mentors(self) -> None:
        """One active mentor per cadre in an influence period, three left on the red list."""
        active = [r for r in self.recs if r.active]
        older = [r for r in active if r.sanction.effective_date <= add_months(TODAY, -7)]
        self.rng.shuffle(older)
        red = set(map(id, older[:1]))  # one whose mentor retired …
        red |= set(map(id, [r for r in active if id(r) not in red][-2:]))  # … two never had one
        rest = [r for r in older if id(r) not in red]
        overdue, replaced = set(map(id, rest[:3])), set(map(id, rest[3:4]))
        for rec in self.recs:
            effective = rec.sanction.effective_date
            start = effective + self.days(5, 20)
            sanction = rec.sanction
            if id(rec) in red:
                if rec is older[0]:
                    end = between(self.rng, start + timedelta(days=60), TODAY - timedelta(days=10))
                    self.tenure(rec, start, end, MENTOR_END["retired"])
                continue
            if not rec.active:
                end = min(TODAY, (sanction.influence_until or TODAY) + self.days(1, 15))
                self.tenure(rec, start, end, MENTOR_END["expired"])
                continue
            if id(rec) in replaced:
                change = between(self.rng, start + timedelta(days=60), TODAY - timedelta(days=40))
                self.tenure(rec, start, change, MENTOR_END["replaced"])
                start = change
            self.tenure(rec, start, None, "", lapsed=id(rec) in overdue)

    def tenure(
        self, rec: Rec, start: date, end: date | None, reason: str, *, lapsed: bool = False
    ) -> None:
        """One mentor from `start` to `end` (open when None) with the visits of that time."""
        mentor = self.mentor_for(rec.person, start)
        mentor.sanction = rec.sanction
        mentor.ended_on, mentor.end_reason = end, reason
        self.mentors.append(mentor)
        until = rec.sanction.influence_until
        last = min(d for d in (end, until, TODAY) if d is not None)
        if lapsed:  # visits stopped four months ago: the next one is overdue
            last = min(last, add_months(TODAY, -4))
        visit = start + self.days(20, 40)
        while visit <= last:
            due = add_months(visit, self.interval)
            self.visits.append(
                FollowUp(
                    cadre_id=rec.person.pk,
                    sanction=rec.sanction,
                    mentor=mentor,
                    visited_on=visit,
                    visitors=f"{mentor.mentor_name}、{org_of(rec.person)}干部",
                    thinking=self.rng.choice(THINKING),
                    work=self.rng.choice(WORK),
                    difficulties=self.rng.choice(DIFFICULTIES),
                    help_given=self.rng.choice(HELP),
                    next_due=due if until is None or due <= until else None,
                )
            )
            visit = due - self.days(0, 10)  # visits happen on time or a little early

    # reuse ------------------------------------------------------------------------------------
    def make_reuses(self) -> None:
        """考察评估 after the period: reuse (with the later post linked) or observation."""
        for rec in self.recs:
            until = rec.sanction.influence_until
            if rec.mode not in ("reuse", "observe") or until is None:
                continue
            reused = rec.mode == "reuse" and rec.reused_on is not None
            if reused:
                assert rec.reused_on is not None
                day = between(
                    self.rng, until + timedelta(days=10), rec.reused_on - timedelta(days=15)
                )
                post = Appointment.objects.filter(
                    cadre_id=rec.person.pk, start_date=rec.reused_on
                ).first()
            else:
                day, post = min(TODAY, until + self.days(10, 40)), None
            self.reuses.append(
                ReuseAssessment(
                    cadre_id=rec.person.pk,
                    sanction=rec.sanction,
                    assessed_on=day,
                    assessors=f"{org_of(rec.person)}考察组",
                    findings=REUSE_FINDINGS["reuse" if reused else "observe"],
                    recommendation=ReuseRecommendation.REUSE
                    if reused
                    else ReuseRecommendation.OBSERVE,
                    new_appointment=post,
                )
            )

    def save_followers(self) -> None:
        Mentor.objects.bulk_create(self.mentors)
        FollowUp.objects.bulk_create(self.visits)
        ReuseAssessment.objects.bulk_create(self.reuses)
