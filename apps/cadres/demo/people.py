"""One demo person as plain data: identity, education, career, 职级, 简历 and family.

Pure functions of a random.Random and the plan; the same seed gives the same people. All
dates are on or before AS_OF, a fixed day, so a load does not depend on the clock.
"""

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from apps.cadres.constants import Degree, EducationLevel, EducationMode, Gender, PoliticalStatus
from apps.cadres.rules import id_number_check_char
from apps.units.constants import Tier

from . import names
from .career import Career, Segment

AS_OF = date(2026, 6, 30)
FEMALE_SHARE = 0.3


@dataclass(slots=True)
class EducationSpec:
    mode: str
    level: str
    degree: str
    school: str
    major: str
    start: date
    end: date


@dataclass(slots=True)
class FamilySpec:
    relation: str
    name: str
    birth: date
    political_status: str
    job: str


@dataclass(slots=True)
class PersonSpec:
    name: str
    gender: str
    ethnicity: str
    birth: date
    native_place: str
    id_number: str
    political_status: str
    party_join: date | None
    work_start: date
    unit: int
    managed_by: str
    educations: list[EducationSpec] = field(default_factory=list)
    career: Career = field(default_factory=Career)
    resume: list[Segment] = field(default_factory=list)
    family: list[FamilySpec] = field(default_factory=list)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year + years, day=28)


def rand_date(rng: random.Random, lo: date, hi: date) -> date:
    """A day in [lo, hi] (lo when the range is empty)."""
    span = (hi - lo).days
    return lo + timedelta(days=rng.randint(0, span)) if span > 0 else lo


def _cum(weights: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [w[0] for w in weights], list(accumulate(w[1] for w in weights))


SURNAMES, SURNAME_CUM = _cum(names.SURNAME_WEIGHTS)
ETHNICITIES, ETHNICITY_CUM = _cum(names.ETHNICITY_WEIGHTS)
BIRTH_YEARS: dict[str, tuple[int, int]] = {  # by current tier; "" = no leadership post
    Tier.BUREAU_PRINCIPAL: (1966, 1972),
    Tier.BUREAU_DEPUTY: (1966, 1976),
    Tier.DIVISION_PRINCIPAL: (1966, 1982),
    Tier.DIVISION_DEPUTY: (1968, 1986),
    Tier.SECTION_PRINCIPAL: (1970, 1990),
    Tier.SECTION_DEPUTY: (1972, 1994),
    "": (1966, 1998),
}
YOUNG_LEVELS = (
    (EducationLevel.DOCTORATE, 1),
    (EducationLevel.MASTER, 20),
    (EducationLevel.BACHELOR, 65),
    (EducationLevel.ASSOCIATE, 12),
    (EducationLevel.SECONDARY, 2),
)
OLD_LEVELS = (
    (EducationLevel.DOCTORATE, 0.5),
    (EducationLevel.MASTER, 6),
    (EducationLevel.BACHELOR, 50),
    (EducationLevel.ASSOCIATE, 28),
    (EducationLevel.SECONDARY, 12),
    (EducationLevel.HIGH_SCHOOL, 3.5),
)
YOUNG_CUM, OLD_CUM = _cum(YOUNG_LEVELS), _cum(OLD_LEVELS)
NEXT_LEVEL: dict[str, str] = {
    EducationLevel.SECONDARY: EducationLevel.ASSOCIATE,
    EducationLevel.HIGH_SCHOOL: EducationLevel.ASSOCIATE,
    EducationLevel.ASSOCIATE: EducationLevel.BACHELOR,
    EducationLevel.BACHELOR: EducationLevel.MASTER,
}


def pick(rng: random.Random, values: list[str], cum: list[float]) -> str:
    return values[bisect(cum, rng.random() * cum[-1])]


def given_name(rng: random.Random, gender: str) -> str:
    pool = names.FEMALE_GIVEN if gender == Gender.FEMALE else names.MALE_GIVEN
    if rng.random() < 0.25:
        return rng.choice(pool)
    return rng.choice(pool) + rng.choice(pool)


def full_name(rng: random.Random, gender: str, surname: str | None = None) -> str:
    return (surname or pick(rng, SURNAMES, SURNAME_CUM)) + given_name(rng, gender)


class IdNumbers:
    """Unique, valid 公民身份号码: region + birth date + a serial whose parity is the gender."""

    def __init__(self) -> None:
        self.used: dict[int, int] = {}

    def make(self, region: str, birth: date, gender: str) -> str:
        male = gender == Gender.MALE
        key = (int(region) * 100_000_000 + int(f"{birth:%Y%m%d}")) * 2 + male
        n = self.used[key] = self.used.get(key, -1) + 1
        base = key * 2_654_435_761 % 400  # spreads serials without storing anything else
        serial = 2 * ((base + n) % 500) + (1 if male else 0)
        first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
        return first17 + id_number_check_char(first17)


def educations_of(rng: random.Random, birth: date) -> list[EducationSpec]:
    """Full-time education, oldest first, ending with the highest full-time level."""
    values, cum = YOUNG_CUM if birth.year >= 1985 else OLD_CUM
    level = pick(rng, values, cum)
    major = rng.choice(names.MAJORS)
    y18 = birth.year + 18
    if level == EducationLevel.HIGH_SCHOOL:
        school = f"示范市第{rng.randint(1, 6)}中学"
        return [_edu(level, Degree.NONE, school, "", y18 - 3, y18)]
    if level == EducationLevel.SECONDARY:
        school = rng.choice(names.SCHOOLS_SECONDARY)
        return [_edu(level, Degree.NONE, school, major, y18 - 3, y18)]
    if level == EducationLevel.ASSOCIATE:
        school = rng.choice(names.SCHOOLS_ASSOCIATE)
        return [_edu(level, Degree.NONE, school, major, y18, y18 + 3)]
    school = rng.choice(names.SCHOOLS_BACHELOR)
    result = [_edu(EducationLevel.BACHELOR, Degree.BACHELOR, school, major, y18, y18 + 4)]
    if level in (EducationLevel.MASTER, EducationLevel.DOCTORATE):
        school = rng.choice(names.SCHOOLS_GRADUATE)
        start = y18 + 4 + rng.randint(0, 2)
        result.append(_edu(EducationLevel.MASTER, Degree.MASTER, school, major, start, start + 3))
        if level == EducationLevel.DOCTORATE:
            result.append(
                _edu(level, Degree.DOCTOR, school, major, start + 3, start + 6)  # same school
            )
    return result


def _edu(level: str, degree: str, school: str, major: str, y0: int, y1: int) -> EducationSpec:
    return EducationSpec(
        EducationMode.FULL_TIME, level, degree, school, major, date(y0, 9, 1), date(y1, 7, 1)
    )


def in_service_of(rng: random.Random, ft: EducationSpec, work_start: date) -> EducationSpec | None:
    """Some cadres study while working (在职教育) one level above their full-time level."""
    level = NEXT_LEVEL.get(ft.level)
    if level is None or rng.random() > 0.25:
        return None
    start = date(work_start.year + rng.randint(3, 10), 9, 1)
    end = date(start.year + rng.randint(2, 3), 7, 1)
    if end >= AS_OF:
        return None
    degree = Degree.MASTER if level == EducationLevel.MASTER and rng.random() < 0.5 else Degree.NONE
    if level == EducationLevel.BACHELOR:
        degree = Degree.BACHELOR if rng.random() < 0.3 else Degree.NONE
    school = rng.choice(names.SCHOOLS_IN_SERVICE)
    major = rng.choice(names.IN_SERVICE_MAJORS)
    return EducationSpec(EducationMode.IN_SERVICE, level, degree, school, major, start, end)


def political_of(rng: random.Random, birth: date, leader: bool) -> tuple[str, date | None]:
    """Mostly CPC; the join date is after the 18th birthday and before AS_OF."""
    roll = rng.random()
    adult = add_years(birth, 18)
    if roll < (0.97 if leader else 0.88):
        latest = min(add_years(birth, 40), AS_OF - timedelta(days=400))
        return PoliticalStatus.CPC, rand_date(rng, adult, max(adult, latest))
    if roll < (0.98 if leader else 0.90):
        return PoliticalStatus.CPC_PROBATIONARY, AS_OF - timedelta(days=rng.randint(30, 330))
    if roll < 0.95:
        return PoliticalStatus.DEMOCRATIC_PARTY, None
    if AS_OF.year - birth.year <= 28:
        return PoliticalStatus.CYL, None
    return PoliticalStatus.NONE, None


GRADUATE = (EducationLevel.MASTER, EducationLevel.DOCTORATE)
