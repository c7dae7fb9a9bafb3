"""知事识人 in the demo: key work items of 2025/2026, twenty task records rated on 谋事 / 干事 /
成事 with evidence, a few special assessments on central tasks and two findings of inaction.

Task records: leaders the research campaign observed carry their team's key work (the
observation is linked as evidence); standouts in a central task and other cadres with a
frontline service on a recent central task have a record on it, dated like that service; the
rest carry the key work of their unit. Ongoing work has no 成事 rating yet. Without central
tasks (no frontline demo) every record is about key work and no special assessment is made.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.assessment.constants import (
    AnnualGrade,
    InactionAdjustment,
    InactionSource,
    ObservationKind,
    TaskRating,
)
from apps.assessment.demo import texts
from apps.assessment.demo.grades import Grades
from apps.assessment.demo.research import Research
from apps.assessment.demo.world import RECENT, TODAY, Person, Service, World, between
from apps.assessment.models import (
    InactionFinding,
    KeyWork,
    SpecialAssessment,
    TaskRecord,
    VisitObservation,
)
from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit

KEY_WORK = 8
RECORDS = 20
CENTRAL = 5  # records on central tasks at most
OBSERVED = 4  # key work records confirmed by a research observation at most
SPECIAL_PER_TASK = 2
ASPECTS = ("planning", "execution", "result")


def rating(rng: random.Random, quality: float) -> str:
    score = quality + rng.gauss(0, 0.6)
    if score >= 0.8:
        return TaskRating.EXCELLENT
    if score >= -0.6:
        return TaskRating.GOOD
    return TaskRating.FAIR if score >= -1.8 else TaskRating.POOR


@dataclass
class Matters:
    key_work: list[KeyWork] = field(default_factory=list)
    records: list[TaskRecord] = field(default_factory=list)
    links: list[tuple[TaskRecord, VisitObservation]] = field(default_factory=list)
    specials: list[SpecialAssessment] = field(default_factory=list)
    findings: list[InactionFinding] = field(default_factory=list)


class MatterMaker:
    def __init__(self, rng: random.Random, world: World, research: Research, grades: Grades):
        self.rng = rng
        self.world = world
        self.research = research
        self.grades = grades
        self.out = Matters()
        self._seen: set[tuple[int, int, str]] = set()  # (cadre, matter id, kind)

    # --- key work --------------------------------------------------------------------------

    def make_key_work(self) -> None:
        rng, world = self.rng, self.world
        staffed = {p.unit_id for p in world.people}
        teams = {v.team.pk: v.team for v in self.research.visits}
        visited = sorted(teams.values(), key=lambda u: u.path)
        units = rng.sample(visited, min(KEY_WORK // 2, len(visited)))
        county = world.counties[0] if world.counties else world.root
        local = [
            u
            for u in world.units.values()
            if u.path.startswith(county.path)
            and u.pk in staffed
            and u.kind in (UnitKind.DEPARTMENT, UnitKind.GOVERNMENT)
            and u not in units
        ]
        others = [u for u in world.city_departments if u.pk in staffed and u not in units]
        pool = local if len(local) >= KEY_WORK - len(units) else local + others
        units += rng.sample(pool, min(KEY_WORK - len(units), len(pool)))
        for i, unit in enumerate(sorted(units, key=lambda u: u.path)):
            title, goal = self._title(unit)
            self.out.key_work.append(
                KeyWork(unit=unit, year=2025 + i % 2, title=title, description=goal)
            )

    def _title(self, unit: Unit) -> tuple[str, str]:
        for word, title, goal in texts.KEY_WORK_TITLES:
            if word in unit.name:
                return title, goal
        if unit.level == UnitLevel.TOWNSHIP:
            return texts.GENERIC_KEY_WORK[2 + self.rng.randint(0, 1)]
        if unit.kind == UnitKind.PARTY_COMMITTEE:
            return texts.GENERIC_KEY_WORK[1]
        if unit.kind == UnitKind.GOVERNMENT:
            return texts.GENERIC_KEY_WORK[4]
        return texts.GENERIC_KEY_WORK[0]

    # --- task records ----------------------------------------------------------------------

    def make_records(self) -> None:
        rng = self.rng
        self._observed()
        self._central()
        queues = []
        for item in self.out.key_work:
            units = self.world.team_units(item.unit)
            people = list(self.world.in_units(units, date(item.year, 3, 1)))
            rng.shuffle(people)
            queues.append((item, people))
        while len(self.out.records) < RECORDS and any(people for _, people in queues):
            for item, people in queues:  # round robin: every item gets its share
                while people and len(self.out.records) < RECORDS:
                    if self._on_key_work(item, people.pop()) is not None:
                        break

    def _observed(self) -> None:
        """Observed leaders carry their team's key work; the observation is the evidence."""
        by_team = {k.unit.pk: k for k in self.out.key_work}
        made = 0
        for obs in self.research.observations:
            item = by_team.get(obs.visit.team.pk)
            if item is None or obs.central_task is not None or made >= OBSERVED:
                continue
            person = self.world.by_pk[obs.cadre_id]
            if person.unit_on(date(item.year, 3, 1)) not in self.world.team_units(item.unit):
                continue  # not in the team when the work was done
            weak = obs.kind == ObservationKind.WEAKNESS
            record = self._on_key_work(item, person, shift=-1.5 if weak else 0.5)
            if record is not None:
                self.out.links.append((record, obs))
                made += 1

    def _central(self) -> None:
        """Standouts of the research first, then other recent frontline services."""
        rng = self.rng
        standouts = [o for o in self.research.observations if o.central_task is not None]
        services = [
            s for s in self.world.services if s.task.end_date is None or s.task.end_date >= RECENT
        ]
        rng.shuffle(services)
        picked: list[tuple[Service, VisitObservation | None]] = []
        for standout in standouts:
            own = [
                s
                for s in self.world.services_of(standout.cadre_id)
                if s.task == standout.central_task
            ]
            if own:
                picked.append((own[-1], standout))
        picked += [(s, None) for s in services]
        made = 0
        for service, obs in picked:
            if made >= CENTRAL:
                break
            person = self.world.by_pk[service.cadre_id]
            key = (person.pk, service.task.pk, "task")
            if key in self._seen or not person.working_on(service.start):
                continue
            self._seen.add(key)
            end = service.end if service.end is not None and service.end <= TODAY else None
            record = self._record(person, service.start, end, service.role, shift=0.5)
            record.central_task = service.task
            if obs is not None:
                self.out.links.append((record, obs))
            made += 1

    def _on_key_work(self, item: KeyWork, person: Person, shift: float = 0.0) -> TaskRecord | None:
        rng = self.rng
        key = (person.pk, id(item), "work")
        if key in self._seen:
            return None
        start = max(between(rng, date(item.year, 1, 5), date(item.year, 3, 31)), person.work_start)
        if item.year < TODAY.year:
            end: date | None = between(rng, date(item.year, 11, 1), date(item.year, 12, 31))
        else:
            end = None if rng.random() < 0.6 else between(rng, date(2026, 9, 1), TODAY)
        if not person.working_on(end or TODAY):
            return None
        self._seen.add(key)
        post = person.post_on(start)
        role = "staff" if post is None else ("principal" if post.principal else "deputy")
        record = self._record(person, start, end, texts.ROLES[role], shift=shift)
        record.key_work = item
        return record

    def _record(
        self, person: Person, start: date, end: date | None, role: str, *, shift: float
    ) -> TaskRecord:
        rng = self.rng
        values: dict[str, str] = {}
        for aspect in ASPECTS:
            if aspect == "result" and end is None:
                values[aspect], values[f"{aspect}_evidence"] = "", ""  # not finished yet
                continue
            grade = rating(rng, person.quality + shift)
            values[aspect] = grade
            values[f"{aspect}_evidence"] = texts.EVIDENCE[aspect][TaskRating(grade)]
        record = TaskRecord(cadre_id=person.pk, role=role, start_date=start, end_date=end)
        for name, value in values.items():
            setattr(record, name, value)
        self.out.records.append(record)
        return record

    # --- special assessment and inaction ---------------------------------------------------

    def make_specials(self) -> None:
        """专项考核 on each recent central task: a few cadres who served on it in the year
        assessed — after a finished task ended, else at the end of 2025."""
        rng = self.rng
        for task in self.world.tasks:
            if task.end_date is not None and task.end_date < RECENT:
                continue
            day = task.end_date + timedelta(days=25) if task.end_date else date(2025, 12, 20)
            if day > TODAY:
                continue
            served = sorted(
                {
                    s.cadre_id
                    for s in self.world.services
                    if s.task == task
                    and s.start < day
                    and (s.end is None or s.end.year >= day.year)  # served in the year assessed
                    and self.world.by_pk[s.cadre_id].working_on(day)
                }
            )
            for cadre_id in rng.sample(served, min(SPECIAL_PER_TASK, len(served))):
                quality = self.world.by_pk[cadre_id].quality + rng.gauss(0, 0.5)
                if quality >= 0.7:
                    result = AnnualGrade.EXCELLENT
                elif quality >= -1.8:
                    result = AnnualGrade.COMPETENT
                else:
                    result = AnnualGrade.BASICALLY_COMPETENT
                self.out.specials.append(
                    SpecialAssessment(
                        cadre_id=cadre_id,
                        central_task=task,
                        assessed_on=day,
                        result=result,
                        remarks=texts.SPECIAL_REMARKS[AnnualGrade(result)],
                    )
                )

    def make_findings(self) -> None:
        """Two findings: the 不称职 of the last year (adjustment not decided yet) and a leader
        whose weakness the research noted (reminded and admonished, 暂不调整)."""
        rng = self.rng
        for cadre_id, year in self.grades.incompetent[:1]:
            found = between(rng, date(year + 1, 3, 1), date(year + 1, 4, 15))
            self.out.findings.append(
                InactionFinding(
                    cadre_id=cadre_id,
                    source=InactionSource.ANNUAL,
                    found_on=found,
                    reason_code=7,
                    description=texts.INACTION_ANNUAL.format(year=year),
                )
            )
        taken = {f.cadre_id for f in self.out.findings}
        weak = [
            o
            for o in self.research.observations
            if o.kind == ObservationKind.WEAKNESS and o.cadre_id not in taken
        ]
        if not weak:
            return
        obs = min(weak, key=lambda o: (o.visit.visited_on, o.cadre_id))  # the earliest
        found = min(obs.visit.visited_on + timedelta(days=rng.randint(15, 30)), TODAY)
        self.out.findings.append(
            InactionFinding(
                cadre_id=obs.cadre_id,
                source=InactionSource.RESEARCH,
                found_on=found,
                reason_code=8,
                description=texts.INACTION_RESEARCH.format(team=obs.visit.team.name),
                adjustment=InactionAdjustment.NONE,
                decided_on=min(found + timedelta(days=rng.randint(7, 20)), TODAY),
            )
        )

    # --- writing ---------------------------------------------------------------------------

    def save(self) -> None:
        out = self.out
        KeyWork.objects.bulk_create(out.key_work)
        TaskRecord.objects.bulk_create(out.records)
        through = TaskRecord.observations.through
        through.objects.bulk_create(
            [through(taskrecord_id=r.pk, visitobservation_id=o.pk) for r, o in out.links]
        )
        SpecialAssessment.objects.bulk_create(out.specials)
        InactionFinding.objects.bulk_create(out.findings)
