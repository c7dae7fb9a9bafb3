"""The demo city as the Pillar 4 generator sees it: TODAY, date helpers and the cadres who may
carry a tolerance case, a sanction or a clarification.

A candidate works in a county (not a city organ), is alive (no frontline `Sacrifice`), is not
about to retire and joined work long enough ago; the dates of their appointments and 职级
records are kept so a sanction's influence period never covers a promotion (REUSE-1).
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.accounts.models import ManagedBy
from apps.cadres.models import Appointment, Cadre, RankRecord
from apps.units.constants import TIER_ORDER, UnitLevel
from apps.units.models import Unit

TODAY = date(2026, 11, 25)  # the demo's "today", as in the frontline demo
MAX_PEOPLE = 4000  # candidates considered at most, so a bench-sized city stays light
CHUNK = 500
Progress = Callable[[str], None]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clipped to the month's end."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days)) if hi > lo else lo


def county_place(county: Unit | None) -> str:
    """青山县委 -> 青山县; None (a city organ) -> 示范市."""
    return county.name.removesuffix("委") if county is not None else "示范市"


@dataclass(slots=True)
class Person:
    """A candidate cadre: enough of the record to keep the generated rows consistent."""

    pk: int
    name: str
    unit: Unit
    county: Unit
    managed_by: str
    birth: date
    work_start: date
    party_join: date | None
    post_title: str
    posts: list[tuple[date, date | None, int]] = field(default_factory=list)  # start, end, tier
    rank_starts: list[date] = field(default_factory=list)  # 职级 records begun

    @property
    def post_starts(self) -> list[date]:
        return [start for start, _, _ in self.posts]

    def age_on(self, day: date) -> int:
        born = self.birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def working_on(self, day: date) -> bool:
        """Old enough in service on `day`, and still in service at TODAY."""
        return (
            self.work_start + timedelta(days=365) <= day
            and self.age_on(day) >= 24
            and self.age_on(TODAY) <= 58
        )

    def promoted_within(self, start: date, end: date) -> bool:
        """Whether a post or 职级 began in [start, end] (an influence period bans that)."""
        return any(start <= day <= end for day in (*self.post_starts, *self.rank_starts))

    def moved_since(self, day: date) -> bool:
        """Whether a post began after `day` (the unit of a case must be the unit then)."""
        return any(start > day for start in self.post_starts)

    def lateral_moves(self, lo: date, hi: date) -> list[date]:
        """Days in [lo, hi] on which a post ended and any post begun in the following 24 months
        was no higher (a larger TIER_ORDER index is a lower tier), with no 职级 begun then: the
        record of a cadre moved out of a post (调离岗位) and not promoted afterwards."""
        days = []
        for _, end, tier in self.posts:
            if end is None or not lo <= end <= hi:
                continue
            window = (end, min(TODAY, end + timedelta(days=730)))
            later = [t for start, _, t in self.posts if window[0] <= start <= window[1]]
            ranks = any(window[0] <= day <= window[1] for day in self.rank_starts)
            if not ranks and all(t >= tier for t in later):
                days.append(end)
        return sorted(days)

    @property
    def place(self) -> str:
        return county_place(self.county)


class World:
    """The demo city's counties and candidate cadres, ordered by id (ids follow the plan)."""

    def __init__(self, root: Unit) -> None:
        units = {u.pk: u for u in Unit.objects.filter(path__startswith=root.path).order_by("id")}
        self.root = root
        self.counties = [
            u for u in units.values() if u.parent_id == root.pk and u.level == UnitLevel.COUNTY
        ]
        self.county_of = {
            pk: next((c for c in self.counties if u.path.startswith(c.path)), None)
            for pk, u in units.items()
        }
        self.people = self._people(units)
        self.taken: set[int] = set()

    def _people(self, units: dict[int, Unit]) -> list[Person]:
        cadres = Cadre.objects.unscoped_for_jobs_and_migrations().filter(
            unit__path__startswith=self.root.path,
            deleted_at__isnull=True,
            sacrifice__isnull=True,  # the frontline memorial cadre gets nothing after death
        )
        total = cadres.count()
        step = -(-total // MAX_PEOPLE) or 1
        fields = (
            "pk", "name", "unit_id", "managed_by", "birth_date", "work_start_date",
            "party_join_date", "current_post_title",
        )  # fmt: skip
        rows = cadres.order_by("id").values_list(*fields)
        people: list[Person] = []
        for i, (pk, name, uid, managed, birth, work, party, post) in enumerate(
            rows.iterator(chunk_size=5000)
        ):
            county = self.county_of.get(uid)
            if i % step or county is None or managed == ManagedBy.PROVINCE:
                continue
            people.append(Person(pk, name, units[uid], county, managed, birth, work, party, post))
        self._histories(people)
        return people

    @staticmethod
    def _histories(people: list[Person]) -> None:
        by_pk = {p.pk: p for p in people}
        pks = list(by_pk)
        for i in range(0, len(pks), CHUNK):
            part = pks[i : i + CHUNK]
            posts = Appointment.objects.filter(cadre_id__in=part).values_list(
                "cadre_id", "start_date", "end_date", "post__tier"
            )
            for cid, start, end, tier in posts:
                by_pk[cid].posts.append((start, end, TIER_ORDER.get(tier, len(TIER_ORDER))))
            ranks = RankRecord.objects.filter(cadre_id__in=part)
            for cid, start in ranks.values_list("cadre_id", "start_date"):
                by_pk[cid].rank_starts.append(start)

    def pick(
        self,
        rng: random.Random,
        accept: Callable[[Person], bool],
        *,
        city_managed: bool | None = None,
    ) -> Person | None:
        """A cadre not used yet who passes `accept`, drawn in a shuffled order; `city_managed`
        prefers 市管 (True) or 县管 (False) cadres and falls back to either."""
        free = [p for p in self.people if p.pk not in self.taken]
        rng.shuffle(free)
        if city_managed is not None:
            free.sort(key=lambda p: (p.managed_by == ManagedBy.CITY) != city_managed)
        person = next((p for p in free if accept(p)), None)
        if person is not None:
            self.taken.add(person.pk)
        return person

    def leaders_in(self, county: Unit, exclude: Iterable[int]) -> list[Person]:
        """Cadres of the county holding a leadership post now (mentor candidates)."""
        skip = set(exclude)
        return [p for p in self.people if p.county == county and p.post_title and p.pk not in skip]
