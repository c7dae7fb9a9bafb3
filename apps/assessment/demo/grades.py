"""Routine (平时) and annual (年度) grades of 2024 and 2025, with the follow-up flags and award
proposals that submitted sheets bring.

Routine: about 40% of the units grade their cadres each quarter; some began late and some
periods are incomplete, so completeness varies by unit and period. Annual: one sheet per unit
with participants and year; 2024 sheets are all submitted, a few 2025 sheets are still drafts
(partly graded). 优秀 goes to the cadres with the best routine record (ASM-PS-1), never over the
unit's quota (ASM-QUOTA-1, computed like the service: `quota_for`); caps from sanctions
(ASM-DIS-1) and the probation year give 不定等次 with a comment; 基本称职 is rare and 不称职
given once (2025). Flags follow `rules.consequences`, awards `rules.award_proposals`.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from apps.assessment import rules
from apps.assessment.constants import AnnualGrade, ProposalStatus, RoutineGrade, SheetStatus
from apps.assessment.demo import texts
from apps.assessment.demo.world import YEARS, Person, World, between, quarter_end
from apps.assessment.models import (
    AnnualAssessment,
    AnnualSheet,
    AwardProposal,
    FollowUpFlag,
    RoutineAssessment,
)
from apps.assessment.services.annual import quota_for

ROUTINE_SHARE = 0.4  # share of units that keep routine grades
DRAFT_SHARE = 0.05  # share of 2025 sheets still in draft
PERIODS = [(year, period) for year in YEARS for period in range(1, 5)]
BATCH = 2000
# how a routine grade moves the annual ranking (优秀 comes from those with many 好: ASM-PS-1)
ROUTINE_WEIGHT: dict[str, float] = {
    RoutineGrade.GOOD: 0.3,
    RoutineGrade.AVERAGE: -0.5,
    RoutineGrade.POOR: -0.5,
}


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def routine_grade(score: float) -> str:
    if score >= 0.15:
        return RoutineGrade.GOOD
    if score >= -1.7:
        return RoutineGrade.FAIR_GOOD
    if score >= -2.7:
        return RoutineGrade.AVERAGE
    return RoutineGrade.POOR


@dataclass
class Grades:
    """What the generator made; `routine` and `annual` are kept by cadre for later steps."""

    routine_rows: list[RoutineAssessment] = field(default_factory=list)
    sheets: list[AnnualSheet] = field(default_factory=list)
    annual_rows: list[AnnualAssessment] = field(default_factory=list)
    flags: list[FollowUpFlag] = field(default_factory=list)
    awards: list[AwardProposal] = field(default_factory=list)
    routine: dict[tuple[int, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    annual: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    incompetent: list[tuple[int, int]] = field(default_factory=list)  # (cadre, year)


class GradeMaker:
    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng = rng
        self.world = world
        self.out = Grades()

    # --- routine ---------------------------------------------------------------------------

    def make_routine(self) -> None:
        rng, world = self.rng, self.world
        first = quarter_end(*PERIODS[0])
        units = sorted({p.unit_on(first) for p in world.people})
        chosen = sorted(rng.sample(units, round(len(units) * ROUTINE_SHARE)))
        starts = {u: 0 if rng.random() < 0.7 else rng.randint(1, 4) for u in chosen}
        for index, (year, period) in enumerate(PERIODS):
            end = quarter_end(year, period)
            members: dict[int, list[Person]] = defaultdict(list)
            for person in world.in_units(set(chosen), end):
                members[person.unit_on(end)].append(person)
            for unit_id in chosen:
                if index < starts[unit_id]:
                    continue
                share = 1.0 if rng.random() < 0.6 else rng.uniform(0.55, 0.95)
                for person in members[unit_id]:
                    if rng.random() < share:
                        self._routine_row(person, unit_id, year, period)

    def _routine_row(self, person: Person, unit_id: int, year: int, period: int) -> None:
        rng = self.rng
        grade = routine_grade(person.quality + rng.gauss(0, 0.7))
        work = f"{texts.QUARTER_WORK[period - 1]}；{rng.choice(texts.DUTY_WORK)}"
        self.out.routine_rows.append(
            RoutineAssessment(
                cadre_id=person.pk,
                unit_id=unit_id,
                year=year,
                period=period,
                grade=grade,
                work_summary=work,
                comment=rng.choice(texts.ROUTINE_COMMENTS[RoutineGrade(grade)]),
            )
        )
        self.out.routine[(person.pk, year)].append(grade)

    # --- annual ----------------------------------------------------------------------------

    def make_annual(self) -> None:
        quota_rule: dict[int, dict[str, Any]] = {}
        for year in YEARS:
            _, quota_rule[year] = quota_for(year, 0)
            self._year(year, quota_rule[year])

    def _year(self, year: int, template: dict[str, Any]) -> None:
        rng, world = self.rng, self.world
        end = date(year, 12, 31)
        members: dict[int, list[Person]] = defaultdict(list)
        for person in world.people:
            if person.working_on(end):
                members[person.unit_on(end)].append(person)
        units = sorted(members)
        drafts: set[int] = set()
        if year == YEARS[-1] and len(units) >= 10:
            drafts = set(rng.sample(units, max(2, round(len(units) * DRAFT_SHARE))))
        for unit_id in units:
            people = members[unit_id]
            n = len(people)
            quota = rules.excellent_quota(n, template["percent"], template["small_unit_excellent"])
            record = {**template, "participants": n, "quota": quota}
            draft = unit_id in drafts
            sheet = AnnualSheet(
                unit_id=unit_id,
                year=year,
                status=SheetStatus.DRAFT if draft else SheetStatus.SUBMITTED,
                participants=n,
                excellent_quota=quota,
                quota_rule=record,
                submitted_at=None if draft else aware(self._hand_in(year)),
            )
            self.out.sheets.append(sheet)
            for person, grade, comment in self._grade_unit(people, quota, year):
                if draft and rng.random() < 0.4:
                    grade, comment = "", ""
                row = AnnualAssessment(
                    cadre_id=person.pk,
                    sheet=sheet,
                    year=year,
                    grade=grade,
                    comment=comment,
                    cap_note=rules.cap_note(world.cap(person.pk, year)),
                )
                self.out.annual_rows.append(row)
                if not draft and grade:
                    self.out.annual[person.pk][year] = grade

    def _hand_in(self, year: int) -> date:
        """Sheets are submitted in January and February of the following year."""
        return between(self.rng, date(year + 1, 1, 8), date(year + 1, 2, 28))

    def _grade_unit(
        self, people: list[Person], quota: int, year: int
    ) -> list[tuple[Person, str, str]]:
        rng, world = self.rng, self.world
        scored = []
        for person in people:
            routine = self.out.routine.get((person.pk, year), [])
            bonus = sum(ROUTINE_WEIGHT.get(g, 0.0) for g in routine) / 4  # ASM-PS-1
            scored.append((person.quality + bonus + rng.gauss(0, 0.4), person.pk, person))
        scored.sort(key=lambda t: (-t[0], t[1]))
        used = quota - 1 if quota > 1 and rng.random() < 0.25 else quota  # mostly all used
        result = []
        for score, _, person in scored:
            cap = world.cap(person.pk, year)
            probation = person.work_start > date(year, 1, 1)
            weak = any(
                g in (RoutineGrade.AVERAGE, RoutineGrade.POOR)
                for g in self.out.routine.get((person.pk, year), [])
            )
            if cap == rules.CAP_NOT_GRADED:
                grade, comment = AnnualGrade.NOT_GRADED, texts.SANCTION_COMMENT
            elif probation:
                grade, comment = AnnualGrade.NOT_GRADED, texts.PROBATION_COMMENT
            elif used and cap != rules.CAP_NO_EXCELLENT and not weak:
                grade, used = AnnualGrade.EXCELLENT, used - 1
            elif score < -2.4 and rng.random() < 0.45:
                grade = AnnualGrade.BASICALLY_COMPETENT
            else:
                grade = AnnualGrade.COMPETENT
            if grade != AnnualGrade.NOT_GRADED:
                comment = rng.choice(texts.ANNUAL_COMMENTS[AnnualGrade(grade)])
            result.append((person, str(grade), comment))
        return result

    def make_incompetent(self) -> None:
        """One 不称职 in the last year: the weakest leader graded 基本称职 or 称职 in a
        submitted sheet, never 不称职 the year before (that would mean dismissal)."""
        year = YEARS[-1]
        submitted = {id(s) for s in self.out.sheets if s.status == SheetStatus.SUBMITTED}
        candidates = [
            row
            for row in self.out.annual_rows
            if row.year == year
            and id(row.sheet) in submitted
            and row.grade in (AnnualGrade.BASICALLY_COMPETENT, AnnualGrade.COMPETENT)
            and self.world.by_pk[row.cadre_id].leader
        ]
        if not candidates:
            return
        row = min(candidates, key=lambda r: (self.world.by_pk[r.cadre_id].quality, r.cadre_id))
        row.grade = AnnualGrade.INCOMPETENT
        row.comment = texts.ANNUAL_COMMENTS[AnnualGrade.INCOMPETENT][0]
        self.out.annual[row.cadre_id][year] = row.grade
        self.out.incompetent.append((row.cadre_id, year))

    # --- consequences ----------------------------------------------------------------------

    def make_consequences(self) -> None:
        """Flags of each submitted row and the awards the grades earn, year by year."""
        rng = self.rng
        submitted = {id(s): s for s in self.out.sheets if s.status == SheetStatus.SUBMITTED}
        held: dict[int, list[rules.AwardKey]] = defaultdict(list)
        for year in YEARS:
            for row in self.out.annual_rows:
                sheet = submitted.get(id(row.sheet))
                if row.year != year or sheet is None:
                    continue
                assert sheet.submitted_at is not None
                handed = sheet.submitted_at.date()
                previous = self.out.annual[row.cadre_id].get(year - 1, "")
                for rule, text in rules.consequences(row.grade, [previous] if previous else []):
                    # 2024 flags were dealt with, half of 2025's; the demotion is under way
                    done = rule in texts.FLAG_DONE_NOTES and (
                        year < YEARS[-1] or rng.random() < 0.5
                    )
                    day = between(rng, handed + timedelta(20), handed + timedelta(80))
                    self.out.flags.append(
                        FollowUpFlag(
                            assessment=row,
                            rule=rule,
                            text=text,
                            done_on=day if done else None,
                            done_note=texts.FLAG_DONE_NOTES[rule] if done else "",
                        )
                    )
                grades = {y: g for y, g in self.out.annual[row.cadre_id].items() if y <= year}
                for key in rules.award_proposals(grades, held[row.cadre_id]):
                    held[row.cadre_id].append(key)
                    self._award(row.cadre_id, key, handed, confirm=year < YEARS[-1])

    def _award(self, cadre_id: int, key: rules.AwardKey, handed: date, *, confirm: bool) -> None:
        confirm = confirm or self.rng.random() < 0.4
        decided = between(self.rng, handed + timedelta(15), handed + timedelta(60))
        self.out.awards.append(
            AwardProposal(
                cadre_id=cadre_id,
                kind=key.kind,
                first_year=key.first_year,
                last_year=key.last_year,
                status=ProposalStatus.CONFIRMED if confirm else ProposalStatus.PROPOSED,
                decided_at=aware(decided, 15) if confirm else None,
            )
        )

    # --- writing ---------------------------------------------------------------------------

    def save(self) -> None:
        out = self.out
        RoutineAssessment.objects.bulk_create(out.routine_rows, batch_size=BATCH)
        AnnualSheet.objects.bulk_create(out.sheets, batch_size=BATCH)
        for row in out.annual_rows:
            row.sheet_id = row.sheet.pk  # set now that the sheets have ids
        AnnualAssessment.objects.bulk_create(out.annual_rows, batch_size=BATCH)
        for flag in out.flags:
            flag.assessment_id = flag.assessment.pk
        FollowUpFlag.objects.bulk_create(out.flags, batch_size=BATCH)
        AwardProposal.objects.bulk_create(out.awards, batch_size=BATCH)
