"""The demo city as the frontline generator sees it: constants, people and townships."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from apps.cadres.models import Appointment, Cadre, Education, FamilyMember, RankRecord, ResumeEntry
from apps.frontline.catalogue import seed_catalogue
from apps.frontline.constants import (
    DispatchKind,
    IncentiveCategory,
    TaskKind,
    TermGrade,
)
from apps.frontline.models import IncentiveMeasure
from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit

TODAY = date(2026, 11, 25)  # the demo's "today": reminders and overdue visits are relative to it
REMINDER_DAYS = 90
FULL_SIZE = 3000  # cadres of the default demo; smaller loads get proportionally fewer rows
MAX_PEOPLE = 12_000  # cadres considered at most, so a million-cadre bench load stays light
OPEN = date.max
Progress = Callable[[str], None]
Pool = tuple[list["Person"], set[int]]
_FS, _WT = DispatchKind.FIRST_SECRETARY, DispatchKind.WORK_TEAM
_SEC, _APP = DispatchKind.SECONDMENT, DispatchKind.APPOINTMENT
TERM_MONTHS: dict[str, int] = {
    _FS: 24,
    _WT: 24,
    _SEC: 12,
    _APP: 36,
}  # FRONT-2: first secretaries 2 years
MAX_AGE: dict[str, int] = {_FS: 50, _WT: 52, _SEC: 50, _APP: 48}  # FRONT-3: mostly young cadres
KIND_WEIGHTS = [_FS] * 40 + [_WT] * 30 + [_SEC] * 18 + [_APP] * 12
FLOOD = (date(2024, 7, 3), date(2024, 8, 16))

# key, name, kind, lead ("root" = 市委, "gov" = 市人民政府), start, end
TASKS = (
    ("poverty", "脱贫攻坚", TaskKind.POVERTY, "root", date(2016, 1, 1), date(2020, 12, 31)),
    ("revival", "巩固拓展脱贫攻坚成果同乡村振兴有效衔接", TaskKind.POVERTY, "root",
     date(2021, 1, 1), None),
    ("epidemic", "新冠肺炎疫情防控", TaskKind.EPIDEMIC, "gov", date(2020, 1, 23),
     date(2022, 12, 31)),
    ("flood", "2024年抗洪救灾", TaskKind.DISASTER, "gov", *FLOOD),
    ("project", "示范市高铁站建设", TaskKind.KEY_PROJECT, "gov", date(2023, 3, 1), None),
)  # fmt: skip
TASK_NOTES = {
    "poverty": "精准扶贫、精准脱贫，确保现行标准下农村贫困人口全部脱贫、贫困县全部摘帽。",
    "revival": "守住不发生规模性返贫底线，向重点乡村持续选派驻村第一书记和工作队。",
    "epidemic": "外防输入、内防反弹，抽调干部下沉社区、卡口和集中隔离点。",
    "flood": "7月上旬持续强降雨引发洪涝和山体滑坡，组织干部抢险救援、转移安置群众。",
    "project": "全市重点项目，抽调干部参与征地拆迁、协调服务和安全生产监管。",
}
# Services without a dispatch: task key -> (share in %, roles, full time in a village)
SERVICE_MIX = {
    "poverty": (30, ("驻村工作队员", "驻村工作队员", "驻村工作队队长", "驻村第一书记"), True),
    "revival": (10, ("结对帮扶干部", "乡村振兴指导员"), False),
    "epidemic": (30, ("防控专班成员", "卡口执勤组组长", "社区防控下沉干部"), False),
    "flood": (15, ("抢险突击队队长", "抢险突击队员", "群众转移安置组成员"), False),
    "project": (15, ("征地拆迁工作组成员", "项目建设指挥部协调组成员"), False),
}
VILLAGES = (
    "新民", "和平", "团结", "胜利", "红旗", "光明", "幸福", "永安", "青松", "石板", "大坪", "小河",
    "马鞍", "龙潭", "杨柳", "竹林", "梨园", "核桃", "羊街", "岔河", "坪子", "兴隆", "高峰", "上寨",
)  # fmt: skip
EPIDEMIC_POSTS = ("疫情防控卡口", "集中隔离点", "社区防控点", "核酸采样点")
REASONS: dict[str, str] = {
    _FS: "政治素质好、熟悉农村工作，选派到{}任驻村第一书记，抓党建促乡村振兴",
    _WT: "选派到{}驻村工作队，落实防止返贫动态监测和帮扶",
    _SEC: "到{}挂职锻炼，丰富基层工作经历，服务重点任务",
    _APP: "到{}任职，充实乡镇领导班子力量",
}
GRADES = [TermGrade.EXCELLENT] * 7 + [TermGrade.COMPETENT] * 12 + [TermGrade.BASICALLY_COMPETENT]
TERM_COMMENTS = {
    TermGrade.EXCELLENT: "任期内抓党建促发展成效明显，群众满意度高，期满考核优秀",
    TermGrade.COMPETENT: "能够履行驻村（挂职）职责，完成各项工作任务，期满考核称职",
    TermGrade.BASICALLY_COMPETENT: "基本完成工作任务，在岗时间不够充分，期满考核基本称职",
}
GRANT_REASONS: dict[str, str] = {
    IncentiveCategory.POLITICAL: "工作成效突出，按一线干部激励措施予以落实",
    IncentiveCategory.LIVELIHOOD: "按规定落实生活保障待遇",
    IncentiveCategory.EMOTIONAL: "组织部门开展关心关爱",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clipped to the month's end."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days)) if hi > lo else lo


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def deputy_title(unit_name: str) -> str:
    if unit_name.endswith("部"):
        return "副部长"
    return "副主任" if unit_name.endswith(("委员会", "办公室")) else "副局长"


@dataclass(slots=True)
class Person:
    """A cadre as the generator sees them; `taken` holds their frontline periods so far."""

    pk: int
    unit: Unit
    county: Unit | None
    birth: date
    work_start: date
    posts: list[tuple[date, date]]  # leadership appointments
    taken: list[tuple[date, date]] = field(default_factory=list)
    reserved: bool = False

    def age_on(self, day: date) -> int:
        born = self.birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def fits(self, span: tuple[date, date], full_time: bool, max_age: int) -> bool:
        start, end = span
        return (
            not self.reserved
            and self.work_start + timedelta(days=180) <= start
            and 22 <= self.age_on(start) <= max_age
            and self.age_on(min(end, TODAY)) < 60
            and not any(overlaps(span, t) for t in self.taken)
            and not (full_time and any(overlaps(span, p) for p in self.posts))
        )


@dataclass(slots=True)
class Town:
    unit: Unit
    county: Unit
    street: bool
    poverty_county: bool
    remote: bool = False
    high_altitude: bool = False

    def place(self, rng: random.Random, suffix: str = "") -> tuple[str, str]:
        """(village, place): a village of the township (a 社区 of a street), its full name."""
        village = rng.choice(VILLAGES) + ("社区" if self.street else "村")
        return village, f"{self.area}{suffix or village}"

    @property
    def area(self) -> str:
        """青山县委 + 龙泉镇 -> 青山县龙泉镇."""
        return self.county.name.removesuffix("委") + self.unit.short_name

    def flags(self) -> dict[str, Any]:
        return {
            "place_unit": self.unit,
            "remote": self.remote,
            "high_altitude": self.high_altitude,
            "poverty_county": self.poverty_county,
        }


class World:
    """The demo city read back from the database, ordered by id (ids follow the plan)."""

    def __init__(self, rng: random.Random, root: Unit) -> None:
        units = list(Unit.objects.filter(path__startswith=root.path).order_by("id"))
        top = [u for u in units if u.parent_id == root.pk]
        self.root = root
        self.gov = next((u for u in top if u.kind == UnitKind.GOVERNMENT), root)
        self.counties = [u for u in top if u.level == UnitLevel.COUNTY]
        self.county_of = {
            u.pk: next((c for c in self.counties if u.path.startswith(c.path)), None) for u in units
        }
        poor = self.counties[-2:] if len(self.counties) >= 4 else self.counties[-1:]
        self.towns: list[Town] = []
        for u in units:
            county = self.county_of[u.pk]
            if u.level == UnitLevel.TOWNSHIP and u.kind == UnitKind.GOVERNMENT and county:
                town = Town(u, county, u.name.endswith("街道"), poverty_county=county in poor)
                town.remote = town.poverty_county and not town.street and rng.random() < 0.5
                town.high_altitude = town.remote and county == poor[-1] and rng.random() < 0.5
                self.towns.append(town)
        self.depts = [
            u for u in units if u.level == UnitLevel.COUNTY and u.kind == UnitKind.DEPARTMENT
        ]
        self.people = self._people(root, {u.pk: u for u in units})

    def _people(self, root: Unit, units: dict[int, Unit]) -> list[Person]:
        cadres = Cadre.objects.unscoped_for_jobs_and_migrations().filter(
            unit__path__startswith=root.path, deleted_at__isnull=True
        )
        self.total = cadres.count()
        step = -(-self.total // MAX_PEOPLE)  # a big city (bench): every step-th cadre will do
        rows = cadres.order_by("id").values_list("pk", "unit_id", "birth_date", "work_start_date")
        people = [
            Person(pk, units[uid], self.county_of[uid], birth, work, [])
            for i, (pk, uid, birth, work) in enumerate(rows.iterator(chunk_size=5000))
            if i % step == 0
        ]
        by_pk = {p.pk: p for p in people}
        appointments = Appointment.objects.filter(cadre__in=cadres).order_by("cadre", "start_date")
        fields = appointments.values_list("cadre_id", "start_date", "end_date")
        for cid, start, end in fields.iterator(chunk_size=5000):
            if cid in by_pk:
                by_pk[cid].posts.append((start, end or OPEN))
        return people

    def towns_in(self, county: Unit, *, villages: bool = True) -> list[Town]:
        towns = [t for t in self.towns if t.county == county]
        rural = [t for t in towns if not t.street]
        return (rural or towns) if villages else towns


def may_die(person: Person, died_on: date) -> bool:
    """Whether nothing in the cadre's record starts after `died_on` (职级, 简历, study, family,
    party membership) and their age fits."""
    if person.age_on(died_on) < 28 or not person.fits((FLOOD[0], died_on), False, 50):
        return False
    pk, later = person.pk, Q(start_date__gt=died_on)
    return not (
        RankRecord.objects.filter(later, cadre_id=pk).exists()
        or ResumeEntry.objects.filter(later, cadre_id=pk).exists()
        or Education.objects.filter(cadre_id=pk, end_date__gt=died_on).exists()
        or FamilyMember.objects.filter(cadre_id=pk, birth_date__gt=died_on).exists()
        or Cadre.objects.unscoped_for_jobs_and_migrations()
        .filter(pk=pk, party_join_date__gt=died_on)
        .exists()
    )


def seed_measures(root: Unit) -> list[IncentiveMeasure]:
    """The incentive catalogue on the city root: the shared model catalogue where available."""
    seed_catalogue(root)
    return list(IncentiveMeasure.objects.filter(unit=root, is_active=True).order_by("id"))
