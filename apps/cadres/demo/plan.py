"""The unit tree of 示范市 as plain data (no database): units, leadership posts, 职数, seats.

Everything is indexed by position so the plan is identical for a seed whatever ids the
database later hands out. Parents always come before their children.
"""

import random
from dataclasses import dataclass, field

from apps.accounts.models import ManagedBy
from apps.units.constants import Tier, UnitKind, UnitLevel

from . import names

CODE_PREFIX = "SFS"  # 示范市: every demo unit's code starts with it (used by --reset)
ROOT_CODE = f"{CODE_PREFIX}000000"
BASE_CITY_DEPTS = len(names.CITY_DEPARTMENTS)
BASE_COUNTY_DEPTS = len(names.COUNTY_DEPARTMENTS)
BASE_TOWNSHIPS = 10
UNITS_PER_EXTRA_COUNTY = 2000  # beyond the skeleton, one more county per this many units


@dataclass(slots=True)
class UnitSpec:
    """One planned unit; `parent` and `county` are indexes into the plan."""

    name: str
    short_name: str
    code: str
    level: str
    kind: str
    parent: int | None
    sort_order: int
    county: int | None  # index into Plan.counties; None for city-level units
    weight: float  # share of non-leader cadres placed here


@dataclass(slots=True)
class PostSpec:
    unit: int
    title: str
    tier: str
    sort_order: int
    seats: int  # current holders the generator places
    managed_by: str


@dataclass(slots=True)
class County:
    name: str
    region: str
    unit: int  # the county party committee
    doc_prefix: str


@dataclass
class Plan:
    units: list[UnitSpec] = field(default_factory=list)
    posts: list[PostSpec] = field(default_factory=list)
    quotas: dict[tuple[int, str], int] = field(default_factory=dict)
    counties: list[County] = field(default_factory=list)
    over_establishment: list[int] = field(default_factory=list)
    seats: list[int] = field(default_factory=list)  # post index per seat, in fill order
    # posts by (tier, county index or -1 for the city), for earlier career steps
    pools: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    def add_unit(self, spec: UnitSpec) -> int:
        self.units.append(spec)
        return len(self.units) - 1


def _titles(name: str) -> tuple[str, str]:
    """(principal, deputy) titles of a department from its name."""
    if name.endswith(("工作委员会", "政法委员会")):
        return "书记", "副书记"
    if name.endswith("党校"):
        return "常务副校长", "副校长"
    if name.endswith("部"):
        return "部长", "副部长"
    if name.endswith(("委员会", "办公室", "中心")):
        return "主任", "副主任"
    return "局长", "副局长"


def _sizes(n_units: int | None) -> tuple[int, int, int, int]:
    """(city departments, counties, departments per county, townships per county)."""
    skeleton = 2 + BASE_CITY_DEPTS + 6 * (2 + BASE_COUNTY_DEPTS + BASE_TOWNSHIPS)
    if n_units is None or n_units >= skeleton:
        counties = 6 if n_units is None else max(6, n_units // UNITS_PER_EXTRA_COUNTY)
        return BASE_CITY_DEPTS, counties, BASE_COUNTY_DEPTS, BASE_TOWNSHIPS
    ratio = max(n_units, 12) / skeleton
    return (
        max(3, round(BASE_CITY_DEPTS * ratio)),
        max(2, min(6, round(6 * ratio**0.5))),
        max(2, round(BASE_COUNTY_DEPTS * ratio)),
        max(2, round(BASE_TOWNSHIPS * ratio)),
    )


def _county_names(count: int) -> list[tuple[str, str]]:
    result = list(names.BASE_COUNTIES[:count])
    i = 0
    while len(result) < count:
        first = names.EXTRA_COUNTY_FIRST[i % len(names.EXTRA_COUNTY_FIRST)]
        second = names.EXTRA_COUNTY_SECOND[(i // len(names.EXTRA_COUNTY_FIRST)) % 16]
        result.append((f"{first}{second}县", str(539931 + len(result) - 6)))
        i += 1
    return result


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.plan = Plan()
        self.children: dict[int | None, int] = {}
        self.unit_posts: dict[int, int] = {}

    def unit(self, name: str, level: str, kind: str, parent: int | None, **extra: object) -> int:
        idx = len(self.plan.units)
        siblings = self.children[parent] = self.children.get(parent, -1) + 1
        spec = UnitSpec(
            name=name,
            short_name=str(extra.get("short_name", name))[:50],
            code=f"{CODE_PREFIX}{idx:06d}",
            level=level,
            kind=kind,
            parent=parent,
            sort_order=siblings,
            county=extra.get("county"),  # type: ignore[arg-type]
            weight=float(extra.get("weight", 10)),  # type: ignore[arg-type]
        )
        return self.plan.add_unit(spec)

    def post(self, unit: int, title: str, tier: str, seats: int, managed_by: str) -> None:
        order = self.unit_posts[unit] = self.unit_posts.get(unit, -1) + 1
        self.plan.posts.append(PostSpec(unit, title, tier, order, seats, managed_by))
        key = (unit, tier)
        self.plan.quotas[key] = self.plan.quotas.get(key, 0) + seats
        county = self.plan.units[unit].county
        self.plan.pools.setdefault((tier, -1 if county is None else county), []).append(
            len(self.plan.posts) - 1
        )

    def leaders(self, unit: int, titles: tuple[str, str], tiers: tuple[str, str], mb: str) -> None:
        self.post(unit, titles[0], tiers[0], 1, mb)
        self.post(unit, titles[1], tiers[1], self.rng.randint(2, 3), mb)


def build_plan(seed: int, n_units: int | None = None) -> Plan:
    """The deterministic unit tree for `seed`; about `n_units` units (default: the skeleton)."""
    b = _Builder(random.Random(f"{seed}-units"))  # noqa: S311 (reproducible demo data)
    n_city, n_counties, n_county_depts, n_towns = _sizes(n_units)
    city = ManagedBy.CITY
    root = b.unit("示范市委", UnitLevel.CITY, UnitKind.PARTY_COMMITTEE, None, weight=15)
    gov = b.unit("示范市人民政府", UnitLevel.CITY, UnitKind.GOVERNMENT, root, weight=15)
    b.post(root, "书记", Tier.BUREAU_PRINCIPAL, 1, ManagedBy.PROVINCE)
    b.post(root, "副书记", Tier.BUREAU_DEPUTY, 2, ManagedBy.PROVINCE)
    b.post(gov, "市长", Tier.BUREAU_PRINCIPAL, 1, ManagedBy.PROVINCE)
    b.post(gov, "副市长", Tier.BUREAU_DEPUTY, 4, ManagedBy.PROVINCE)
    b.post(gov, "秘书长", Tier.DIVISION_PRINCIPAL, 1, city)
    departments: list[int] = []
    for name, parent in names.CITY_DEPARTMENTS[:n_city]:
        dept = b.unit(
            name,
            UnitLevel.CITY,
            UnitKind.DEPARTMENT,
            root if parent == "committee" else gov,
            weight=30,
        )
        b.leaders(dept, _titles(name), (Tier.DIVISION_PRINCIPAL, Tier.DIVISION_DEPUTY), city)
        departments.append(dept)
    towns: list[int] = []
    for c_idx, (c_name, region) in enumerate(_county_names(n_counties)):
        towns += _county(b, root, c_idx, c_name, region, n_county_depts, n_towns, departments)
    _institutions(b, n_units, departments + towns)
    _over_establishment(b, departments)
    _seat_order(b)
    return b.plan


def _county(
    b: _Builder,
    root: int,
    c_idx: int,
    c_name: str,
    region: str,
    n_depts: int,
    n_towns: int,
    departments: list[int],
) -> list[int]:
    """One county/district: 县委, 县政府, departments and townships; returns the townships."""
    suffix = c_name[-1]  # 县 or 区
    city, county_mb = ManagedBy.CITY, ManagedBy.COUNTY
    committee = b.unit(
        f"{c_name}委", UnitLevel.COUNTY, UnitKind.PARTY_COMMITTEE, root, county=c_idx, weight=12
    )
    b.plan.counties.append(County(c_name, region, committee, c_name[0]))
    gov = b.unit(
        f"{c_name}人民政府",
        UnitLevel.COUNTY,
        UnitKind.GOVERNMENT,
        committee,
        county=c_idx,
        weight=12,
    )
    b.post(committee, "书记", Tier.DIVISION_PRINCIPAL, 1, city)
    b.post(committee, "副书记", Tier.DIVISION_DEPUTY, 2, city)
    b.post(gov, f"{suffix}长", Tier.DIVISION_PRINCIPAL, 1, city)
    b.post(gov, f"副{suffix}长", Tier.DIVISION_DEPUTY, 4, city)
    section = (Tier.SECTION_PRINCIPAL, Tier.SECTION_DEPUTY)
    for template, parent in names.COUNTY_DEPARTMENTS[:n_depts]:
        name = template.format(c=c_name)
        dept = b.unit(
            name,
            UnitLevel.COUNTY,
            UnitKind.DEPARTMENT,
            committee if parent == "committee" else gov,
            county=c_idx,
            weight=20,
            short_name=name.removeprefix(c_name),
        )
        b.leaders(dept, _titles(name), section, county_mb)
        departments.append(dept)
    towns = []
    for i, town in enumerate(b.rng.sample(names.TOWN_NAMES, min(n_towns, len(names.TOWN_NAMES)))):
        street = suffix == "区" and i < 3
        kind = "街道" if street else ("乡" if i % 4 == 3 else "镇")
        unit = b.unit(
            f"{c_name}{town}{kind}",
            UnitLevel.TOWNSHIP,
            UnitKind.GOVERNMENT,
            committee,
            county=c_idx,
            weight=25,
            short_name=f"{town}{kind}",
        )
        head = "街道办事处主任" if street else f"{kind}长"
        b.post(unit, "党工委书记" if street else "党委书记", Tier.SECTION_PRINCIPAL, 1, county_mb)
        b.post(unit, head, Tier.SECTION_PRINCIPAL, 1, county_mb)
        b.post(unit, "党工委副书记" if street else "党委副书记", Tier.SECTION_DEPUTY, 1, county_mb)
        b.post(unit, f"副{head}", Tier.SECTION_DEPUTY, b.rng.randint(2, 3), county_mb)
        towns.append(unit)
    return towns


def _institutions(b: _Builder, n_units: int | None, hosts: list[int]) -> None:
    """Fill up to `n_units` with 事业单位 under departments and townships, round robin."""
    if n_units is None or not hosts:
        return
    count: dict[int, int] = {}
    i = 0
    while len(b.plan.units) < n_units:
        host = hosts[i % len(hosts)]
        i += 1
        parent = b.plan.units[host]
        n = count[host] = count.get(host, 0) + 1
        town = parent.level == UnitLevel.TOWNSHIP
        suffixes = names.TOWN_INSTITUTION_SUFFIXES if town else names.INSTITUTION_SUFFIXES
        suffix = suffixes[(n - 1) % len(suffixes)]
        rounds = (n - 1) // len(suffixes)
        name = f"{parent.name}{suffix}" + (f"第{rounds + 1}分部" if rounds else "")
        unit = b.unit(
            name,
            parent.level,
            UnitKind.INSTITUTION,
            host,
            county=parent.county,
            weight=8,
            short_name=f"{parent.short_name}{suffix}",
        )
        managed = ManagedBy.CITY if parent.county is None else ManagedBy.COUNTY
        b.post(unit, "主任", Tier.SECTION_PRINCIPAL, 1, managed)
        b.post(unit, "副主任", Tier.SECTION_DEPUTY, 1, managed)


def _over_establishment(b: _Builder, departments: list[int]) -> None:
    """超职数: a few departments get one deputy more than their approved number."""
    count = max(3, len(departments) // 40)
    chosen = sorted(b.rng.sample(departments, min(count, len(departments))))
    for post in b.plan.posts:
        if post.unit in chosen and post.sort_order == 1:  # the deputy post
            post.seats += 1
    b.plan.over_establishment = chosen


def _seat_order(b: _Builder) -> None:
    """Seats filled first when cadres are scarce: 超职数 units, top posts, principals, deputies."""
    plan = b.plan
    top = {0, 1} | {c.unit for c in plan.counties} | {c.unit + 1 for c in plan.counties}
    over = set(plan.over_establishment)
    groups: list[list[int]] = [[], [], [], []]
    for idx, post in enumerate(plan.posts):
        if post.unit in over:
            group = 0
        elif post.unit in top:
            group = 1
        else:
            group = 2 if post.tier.endswith("_principal") else 3
        groups[group].extend([idx] * post.seats)
    b.rng.shuffle(groups[2])
    b.rng.shuffle(groups[3])
    plan.seats = [s for g in groups for s in g]
