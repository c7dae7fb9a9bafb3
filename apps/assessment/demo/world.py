"""The demo city as the assessment generator sees it: TODAY, units, the cadres who take part in
assessments with the units they worked in, the frontline rows they carried and the sanction caps.

Who takes part: cadres of the demo city who are not deleted and not managed by the province (the
city does not assess its own 书记 and 市长). A cadre's unit on a day is the unit of the post they
held that day, else their current unit (non-leaders keep theirs). The memorial cadre of the
frontline demo takes part only while alive. In a bench-sized city only every k-th unit (by id)
is assessed, so that at most about MAX_PEOPLE cadres are graded; the units kept are complete.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, QuerySet

from apps.accounts.models import ManagedBy
from apps.cadres.models import Appointment, Cadre
from apps.frontline.models import CentralTask, FrontlineService, Sacrifice
from apps.tolerance.models import Sanction
from apps.tolerance.selectors_sanctions import assessment_caps
from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit

TODAY = date(2026, 11, 25)  # the demo's "today", as in the frontline and tolerance demos
YEARS = (2024, 2025)  # years of routine and annual grades (2026 is not over)
RECENT = date(2024, 1, 1)  # central tasks still running since then count for 2024–2026 evidence
MAX_PEOPLE = 12_000
CHUNK = 500
POST_FIELDS = ("cadre_id", "start_date", "end_date", "post__unit_id", "post__title", "post__tier")
Progress = Callable[[str], None]


def between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days)) if hi > lo else lo


def quarter_end(year: int, period: int) -> date:
    month = 3 * period
    return date(year, month, 31 if month in (3, 12) else 30)


@dataclass(slots=True)
class Post:
    start: date
    end: date | None
    unit_id: int
    title: str
    principal: bool


@dataclass(slots=True)
class Person:
    """A cadre taking part in assessments; `quality` is a latent score (standard normal) that
    makes one cadre's routine grades, annual grade and task ratings agree with each other."""

    pk: int
    name: str
    unit_id: int
    managed_by: str
    work_start: date
    post_title: str
    quality: float
    posts: list[Post] = field(default_factory=list)
    died: date | None = None

    def post_on(self, day: date) -> Post | None:
        return next(
            (p for p in self.posts if p.start <= day and (p.end is None or day <= p.end)), None
        )

    def unit_on(self, day: date) -> int:
        post = self.post_on(day)
        return post.unit_id if post is not None else self.unit_id

    def working_on(self, day: date, *, settled_days: int = 0) -> bool:
        """In service on `day` (for `settled_days` at least) and alive."""
        alive = self.died is None or day < self.died
        return alive and self.work_start + timedelta(days=settled_days) <= day

    @property
    def leader(self) -> bool:
        return bool(self.post_title)


@dataclass(slots=True)
class Service:
    """A frontline period of a cadre on a central task (from the frontline demo)."""

    cadre_id: int
    task: CentralTask
    role: str
    start: date
    end: date | None
    place: str


class World:
    """Units of the demo city and the people assessed, ordered by id (ids follow the plan)."""

    def __init__(self, rng: random.Random, root: Unit) -> None:
        self.root = root
        self.units = {
            u.pk: u for u in Unit.objects.filter(path__startswith=root.path).order_by("id")
        }
        top = [u for u in self.units.values() if u.parent_id == root.pk]
        self.counties = [u for u in top if u.level == UnitLevel.COUNTY]
        self.city_departments = [
            u
            for u in self.units.values()
            if u.level == UnitLevel.CITY and u.kind == UnitKind.DEPARTMENT
        ]
        self.people = self._people(rng)
        self.by_pk = {p.pk: p for p in self.people}
        self.tasks = list(
            CentralTask.objects.filter(lead_unit__path__startswith=root.path).order_by(
                "start_date", "id"
            )
        )
        self.services = self._services()
        self._sanctioned = set(
            Sanction.objects.unscoped_for_jobs_and_migrations()
            .filter(cadre_id__in=list(self.by_pk))
            .values_list("cadre_id", flat=True)
        )
        self._caps: dict[tuple[int, int], str | None] = {}

    # --- people ----------------------------------------------------------------------------

    @staticmethod
    def _kept_units(cadres: QuerySet[Cadre]) -> set[int]:
        """Every unit, or every k-th unit (by id) of a bench-sized city."""
        counts = dict(
            cadres.order_by()
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
        step = -(-sum(counts.values()) // MAX_PEOPLE) or 1
        return {pk for i, pk in enumerate(sorted(counts)) if i % step == 0}

    def _people(self, rng: random.Random) -> list[Person]:
        cadres = (
            Cadre.objects.unscoped_for_jobs_and_migrations()
            .filter(unit__path__startswith=self.root.path, deleted_at__isnull=True)
            .exclude(managed_by=ManagedBy.PROVINCE)
        )
        kept = self._kept_units(cadres)
        fields = ("pk", "name", "unit_id", "managed_by", "work_start_date", "current_post_title")
        people = [
            Person(pk, name, uid, managed, work, post or "", rng.gauss(0, 1))
            for pk, name, uid, managed, work, post in cadres.order_by("id")
            .values_list(*fields)
            .iterator(chunk_size=5000)
            if uid in kept
        ]
        by_pk = {p.pk: p for p in people}
        pks = list(by_pk)
        for i in range(0, len(pks), CHUNK):
            rows = (
                Appointment.objects.filter(cadre_id__in=pks[i : i + CHUNK])
                .order_by("cadre_id", "start_date", "id")
                .values_list(*POST_FIELDS)
            )
            for cid, start, end, uid, title, tier in rows:
                principal = str(tier).endswith("_principal")
                by_pk[cid].posts.append(Post(start, end, uid, title, principal))
        for cid, died in Sacrifice.objects.unscoped_for_jobs_and_migrations().values_list(
            "cadre_id", "died_on"
        ):
            if cid in by_pk:
                by_pk[cid].died = died
        return people

    def _services(self) -> list[Service]:
        if not self.tasks:
            return []
        tasks = {t.pk: t for t in self.tasks}
        rows = (
            FrontlineService.objects.unscoped_for_jobs_and_migrations()
            .filter(task_id__in=list(tasks), deleted_at__isnull=True)
            .order_by("id")
            .values_list("cadre_id", "task_id", "role", "start_date", "end_date", "place")
        )
        return [
            Service(cid, tasks[tid], role, start, end, place)
            for cid, tid, role, start, end, place in rows
            if cid in self.by_pk
        ]

    # --- lookups ---------------------------------------------------------------------------

    def cap(self, cadre_id: int, year: int) -> str | None:
        """ASM-DIS-1 cap of the cadre's annual grade for `year`, read through the tolerance
        pillar's `assessment_caps` (asked only about cadres who hold a sanction at all)."""
        if cadre_id not in self._sanctioned:
            return None
        key = (cadre_id, year)
        if key not in self._caps:
            self._caps[key] = assessment_caps(cadre_id, year)
        return self._caps[key]

    def county_of(self, unit: Unit) -> Unit | None:
        return next((c for c in self.counties if unit.path.startswith(c.path)), None)

    def team_units(self, team: Unit) -> set[int]:
        """The units whose leaders form a leadership team: the unit itself and, for a county
        party committee, the county government as well (县委县政府领导班子)."""
        ids = {team.pk}
        if team.kind == UnitKind.PARTY_COMMITTEE and team.level == UnitLevel.COUNTY:
            ids |= {
                u.pk
                for u in self.units.values()
                if u.parent_id == team.pk
                and u.kind == UnitKind.GOVERNMENT
                and u.level == UnitLevel.COUNTY
            }
        return ids

    def leaders_of(self, team: Unit, day: date) -> list[Person]:
        """People holding a post in the team's units on `day`, principals first, by id."""
        units = self.team_units(team)
        found = []
        for person in self.people:
            post = person.post_on(day)
            if post is not None and post.unit_id in units and person.working_on(day):
                found.append((not post.principal, person.pk, person))
        return [p for _, _, p in sorted(found, key=lambda t: (t[0], t[1]))]

    def in_units(self, units: set[int], day: date) -> Iterator[Person]:
        for person in self.people:
            if person.working_on(day, settled_days=180) and person.unit_on(day) in units:
                yield person

    def services_of(self, cadre_id: int) -> list[Service]:
        return [s for s in self.services if s.cadre_id == cadre_id]
