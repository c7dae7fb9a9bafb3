"""Generates the frontline rows (tasks, services, dispatches, grants, memorial) in memory."""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from apps.cadres.models import (
    Cadre,
    FamilyMember,
)
from apps.frontline.constants import (
    DispatchState,
    IncentiveCategory,
    TermGrade,
)
from apps.frontline.demo.world import (
    _APP,
    _FS,
    _SEC,
    _WT,
    EPIDEMIC_POSTS,
    FLOOD,
    FULL_SIZE,
    GRADES,
    GRANT_REASONS,
    KIND_WEIGHTS,
    MAX_AGE,
    OPEN,
    REASONS,
    REMINDER_DAYS,
    SERVICE_MIX,
    TASK_NOTES,
    TASKS,
    TERM_COMMENTS,
    TERM_MONTHS,
    TODAY,
    Person,
    Pool,
    Town,
    World,
    add_months,
    between,
    deputy_title,
    may_die,
    seed_measures,
)
from apps.frontline.models import (
    CentralTask,
    Dispatch,
    FamilyCareVisit,
    FrontlineService,
    IncentiveGrant,
    IncentiveMeasure,
    Sacrifice,
)
from apps.units.constants import UnitLevel
from apps.units.models import Unit


class Generator:
    """Builds the rows in memory (tasks are saved first: the others point at them)."""

    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng = rng
        self.w = world
        self.scale = min(1.0, world.total / FULL_SIZE)
        self.tasks: dict[str, CentralTask] = {}
        self.dispatches: list[Dispatch] = []
        self.services: list[FrontlineService] = []
        self.used: list[Person] = []  # cadres with a frontline record, in order of first use
        self.pools: dict[str, Pool] = {}
        self.flood_counties: list[Unit] = []
        self.dead: set[int] = set()

    def count(self, full: int, floor: int) -> int:
        return max(floor, round(full * self.scale))

    def pool(self, key: str, accept: Callable[[Person], bool]) -> Pool:
        if key not in self.pools:
            people = [p for p in self.w.people if accept(p)]
            self.pools[key] = people, {p.pk for p in people}
        return self.pools[key]

    def local(self, county: Unit) -> Pool:
        """Cadres of the county and of the city's own units."""
        return self.pool(f"county-{county.pk}", lambda p: p.county in (None, county))

    def pick(
        self, pool: Pool, span: tuple[date, date], *, full_time: bool, max_age: int = 58
    ) -> Person | None:
        """A cadre of the pool free for `span`; now and then one who already served before."""
        people, pks = pool
        for _ in range(80):
            reuse = self.used and self.rng.random() < 0.2
            person = self.rng.choice(self.used if reuse else people) if people else None
            if person is not None and person.pk in pks and person.fits(span, full_time, max_age):
                if not person.taken:
                    self.used.append(person)
                person.taken.append(span)
                return person
        return None

    def make_tasks(self) -> None:
        counties = self.w.counties
        rural = counties[len(counties) // 2 :] or counties
        self.flood_counties = self.rng.sample(rural, min(2, len(rural)))
        joined = {"flood": self.flood_counties, "project": counties[:1]}
        for key, name, kind, lead, start, end in TASKS:
            self.tasks[key] = CentralTask(
                name=name,
                kind=kind,
                lead_unit=self.w.root if lead == "root" else self.w.gov,
                start_date=start,
                end_date=end,
                description=TASK_NOTES[key],
            )
        CentralTask.objects.bulk_create(self.tasks.values())
        through = CentralTask.participating_units.through
        through.objects.bulk_create(
            through(centraltask_id=task.pk, unit_id=unit.pk)
            for key, task in self.tasks.items()
            for unit in joined.get(key, counties)
        )

    def service(self, person: Person, key: str, town: Town | None, **fields: Any) -> None:
        task = self.tasks[key]
        row = {**(town.flags() if town else {}), **fields}
        self.services.append(FrontlineService(cadre_id=person.pk, task=task, kind=task.kind, **row))

    # 点将 ------------------------------------------------------------------------------------
    def dispatch_plan(self) -> list[tuple[str, str, bool]]:
        """(state, kind, ends within the reminder window) of every dispatch to make."""
        n = self.count(60, 16)
        ending, pending = self.count(8, 3), self.count(6, 2)
        plan: list[tuple[str, str, bool]] = [
            (DispatchState.IN_POST, (_FS, _WT)[i % 2], True) for i in range(ending)
        ]
        states = [DispatchState.PLANNED, DispatchState.APPROVED] * pending
        plan += [(s, (_FS, _WT, _SEC)[i % 3], False) for i, s in enumerate(states[:pending])]
        plan += [(DispatchState.RETURNED, "", False)] * round(n * 0.25)
        plan += [(DispatchState.IN_POST, "", False)] * max(0, n - len(plan))
        return [(s, k or self.rng.choice(KIND_WEIGHTS), ends) for s, k, ends in plan]

    def dispatch_dates(self, state: str, kind: str, ends: bool) -> tuple[date, date, date | None]:
        """(planned start, planned end, actual start)."""
        months, rng = TERM_MONTHS[kind], self.rng
        if ends:
            start = add_months(TODAY + timedelta(days=rng.randint(5, REMINDER_DAYS - 2)), -months)
        elif state in (DispatchState.PLANNED, DispatchState.APPROVED):
            start = TODAY + timedelta(days=rng.randint(10, 100))
        elif state == DispatchState.RETURNED:
            latest = add_months(TODAY, -months) - timedelta(days=40)
            if kind in (_FS, _WT) and rng.random() < 0.3:  # one of 脱贫攻坚's last rounds
                start = between(rng, date(2018, 3, 1), date(2018, 12, 31))
            else:
                start = between(rng, date(2021, 5, 1), latest)
        else:  # in post, the term ending after the reminder window
            start = between(
                rng, add_months(TODAY + timedelta(days=REMINDER_DAYS + 10), -months), TODAY
            )
        serving = state in (DispatchState.IN_POST, DispatchState.RETURNED)
        actual = min(TODAY, start + timedelta(days=rng.randint(0, 10))) if serving else None
        return start, add_months(start, months), actual

    def make_dispatches(self) -> None:
        organs = self.pool("organs", lambda p: not p.posts and p.unit.level != UnitLevel.TOWNSHIP)
        city = self.pool("city", lambda p: not p.posts and p.county is None)
        for state, kind, ends in self.dispatch_plan():
            start, end, actual = self.dispatch_dates(state, kind, ends)
            span = (actual or start, OPEN if state == DispatchState.IN_POST else end)
            person = self.pick(city if kind == _SEC else organs, span, full_time=True,
                               max_age=MAX_AGE[kind])  # fmt: skip
            if person is not None:
                self.one_dispatch(person, state, kind, (start, end), actual)

    def target(self, kind: str, county: Unit, start: date) -> tuple[Unit, Town | None, str, str]:
        """(target unit, township, target post, task key) of a dispatch."""
        towns = self.w.towns_in(county)
        town = self.rng.choice(towns) if towns else None
        key = "poverty" if start < date(2021, 1, 1) else "revival"
        if kind in (_FS, _WT) and town is not None:
            roles = ("驻村第一书记",) if kind == _FS else ("驻村工作队员", "驻村工作队队长")
            return town.unit, town, self.rng.choice(roles), key
        if kind == _APP and town is not None:
            post = "街道办事处副主任" if town.street else f"副{town.unit.name[-1]}长"
            return town.unit, town, post, key
        depts = [d for d in self.w.depts if d.path.startswith(county.path)] or [county]
        dept = self.rng.choice(depts)  # 挂职 in a county department
        if start >= date(2023, 3, 1) and self.rng.random() < 0.4:
            key = "project"
        return dept, None, f"{deputy_title(dept.name)}（挂职）", key

    def one_dispatch(
        self, person: Person, state: str, kind: str, term: tuple[date, date], actual: date | None
    ) -> None:
        rng = self.rng
        county = person.county or rng.choice(self.w.counties)
        unit, town, post, key = self.target(kind, county, term[0])
        if town is None:  # 挂职 in a county department
            village, place = "", unit.name
        elif kind == _APP:
            village, place = "", town.area
        else:
            village, place = town.place(rng)
        d = Dispatch(
            cadre_id=person.pk, kind=kind, task=self.tasks[key], sending_unit=person.unit,
            target_unit=unit, target_post=post, village=village, full_time=True,
            counts_as_grassroots=kind != _SEC, state=state, planned_start=term[0],
            planned_end=term[1], actual_start=actual, reason=REASONS[kind].format(place),
        )  # fmt: skip
        if state != DispatchState.PLANNED:
            approved = min(term[0] - timedelta(days=rng.randint(12, 30)), TODAY)
            prefix = f"{person.county.name[0]}组通" if person.county else "示组通"
            d.document_number = f"{prefix}〔{approved.year}〕{rng.randint(3, 90)}号"
            d.approved_at = timezone.make_aware(datetime.combine(approved, time(10)))
        if state == DispatchState.RETURNED:
            d.actual_end, d.term_grade = term[1], rng.choice(GRADES)
            d.term_assessed_on = min(TODAY, term[1] + timedelta(days=rng.randint(5, 25)))
            d.term_comment = TERM_COMMENTS[TermGrade(d.term_grade)]
            d.end_note = "任期届满，经考核按期返回原单位"
        self.dispatches.append(d)
        if actual is not None:
            self.service(
                person, key, town, place=place, place_unit=unit, role=post, start_date=actual,
                end_date=d.actual_end, counts_as_grassroots=d.counts_as_grassroots, dispatch=d,
            )  # fmt: skip

    # 一线经历 without a dispatch --------------------------------------------------------------
    def service_dates(self, key: str) -> tuple[date, date | None]:
        rng = self.rng
        if key == "poverty":
            start = between(rng, date(2016, 3, 1), date(2019, 6, 30))
            return start, min(date(2020, 12, 31), add_months(start, rng.randint(12, 30)))
        if key == "epidemic":
            start = between(rng, date(2020, 1, 23), date(2022, 11, 15))
            return start, min(date(2022, 12, 31), start + timedelta(days=rng.randint(14, 90)))
        if key == "flood":
            start = between(rng, FLOOD[0], FLOOD[0] + timedelta(days=12))
            return start, start + timedelta(days=rng.randint(10, 30))
        if key == "revival":
            start = between(rng, date(2021, 3, 1), date(2025, 6, 30))
        else:
            start = between(rng, date(2023, 3, 1), date(2026, 9, 30))
        end = add_months(start, rng.randint(6, 18))
        return start, None if end > TODAY or rng.random() < 0.1 else end  # a few still serve

    def make_services(self) -> None:
        keys = [key for key, (share, *_) in SERVICE_MIX.items() for _ in range(share)]
        only = {"flood": self.flood_counties, "project": self.w.counties[:1]}
        for _ in range(self.count(250, 40)):
            key = self.rng.choice(keys)
            _, roles, full_time = SERVICE_MIX[key]
            county = self.rng.choice(only.get(key) or self.w.counties)
            towns = self.w.towns_in(county, villages=key != "epidemic")
            start, end = self.service_dates(key)
            span = (start, end or OPEN)
            person = self.pick(self.local(county), span, full_time=full_time) if towns else None
            if person is None:
                continue
            town = self.rng.choice(towns)
            suffix = self.rng.choice(EPIDEMIC_POSTS) if key == "epidemic" else ""
            _, place = town.place(self.rng, suffix)
            if key == "project":
                place = f"示范市高铁站项目（{town.area}）"
            self.service(
                person, key, town, place=place, role=self.rng.choice(roles), start_date=start,
                end_date=end, counts_as_grassroots=full_time,
            )  # fmt: skip

    # 牺牲 and 激励 ---------------------------------------------------------------------------
    def make_sacrifice(self) -> int:
        """A cadre who died in the flood relief; nothing in their record goes past that day."""
        rng = self.rng
        died_on = FLOOD[0] + timedelta(days=rng.randint(6, 20))
        people = [p for p in self.w.people if not p.posts and p.county in self.flood_counties]
        rng.shuffle(people)
        person = next((p for p in people[:80] if may_die(p, died_on)), None)
        if person is None or person.county is None:
            return 0
        person.reserved = True
        self.dead.add(person.pk)
        towns = self.w.towns_in(person.county)
        town = rng.choice(towns) if towns else None
        village, place = town.place(rng) if town else ("", person.county.name.removesuffix("委"))
        self.service(
            person, "flood", town, place=place, role="抢险突击队队长", start_date=FLOOD[0],
            end_date=died_on, performance_notes="转移群众途中遭遇山体滑坡，因公殉职",
        )  # fmt: skip
        cadre = Cadre.objects.unscoped_for_jobs_and_migrations().get(pk=person.pk)
        kin = FamilyMember.objects.filter(cadre=cadre).order_by("sort_order").first()
        memorial = Sacrifice.objects.create(
            cadre=cadre, died_on=died_on, task=self.tasks["flood"], place=place,
            circumstances=f"2024年7月抗洪救灾中带领抢险突击队连续奋战，在{village or place}"
            "转移受困群众途中遭遇山体滑坡，为保护群众壮烈牺牲。",
            honours="追授“示范市优秀共产党员”称号" if cadre.party_join_date else "追记一等功",
            family_contact=f"{kin.relation} {kin.name}" if kin else "", care_interval_days=90,
        )  # fmt: skip
        org = f"{person.county.name}组织部"
        first = died_on + timedelta(days=rng.randint(20, 40))
        latest = TODAY - timedelta(days=rng.randint(120, 170))  # so its next visit is overdue
        FamilyCareVisit.objects.bulk_create(
            FamilyCareVisit(
                sacrifice=memorial,
                visited_on=day,
                visitors=who,
                actions=what,
                next_due=day + timedelta(days=memorial.care_interval_days),
            )
            for day, who, what in (
                (first, f"市委组织部、{org}", "送去抚恤金和慰问金，协调解决子女就学"),
                (latest, org, "走访慰问家属，了解生活和身体状况"),
            )
        )
        return 1

    def make_grants(self) -> int:
        """A few grants of the catalogue's measures to cadres for their frontline service."""
        by_category: dict[str, list[IncentiveMeasure]] = {}
        for m in seed_measures(self.w.root):
            if "牺牲" not in m.item:  # that one is for the families of the fallen
                by_category.setdefault(m.category, []).append(m)
        services = [s for s in self.services if s.cadre_id not in self.dead]
        grants: dict[tuple[int, int], IncentiveGrant] = {}
        for _ in range(self.count(20, 6) * 3):
            if len(grants) >= self.count(20, 6) or not services:
                break
            s = self.rng.choice(services)
            category, day = self.grant_kind(s)
            if not by_category.get(category) or day > TODAY:
                continue
            measure = self.rng.choice(by_category[category])
            political = category == IncentiveCategory.POLITICAL
            doc = f"示组通〔{day.year}〕{self.rng.randint(3, 90)}号" if political else ""
            task = s.task.name if s.task else "一线工作"
            grants.setdefault((s.cadre_id, measure.pk), IncentiveGrant(
                cadre_id=s.cadre_id, measure=measure, granted_on=day, service=s,
                document_number=doc, reason=f"{task}中担任{s.role}，{GRANT_REASONS[category]}",
            ))  # fmt: skip
        IncentiveGrant.objects.bulk_create(grants.values())
        return len(grants)

    def grant_kind(self, s: FrontlineService) -> tuple[str, date]:
        """Political measures after the service; livelihood and care while serving."""
        if s.end_date is not None and self.rng.random() < 0.6:
            days = self.rng.randint(30, 150)
            return IncentiveCategory.POLITICAL, s.end_date + timedelta(days=days)
        category = self.rng.choice((IncentiveCategory.LIVELIHOOD, IncentiveCategory.EMOTIONAL))
        return category, between(self.rng, s.start_date, min(s.end_date or TODAY, TODAY))
