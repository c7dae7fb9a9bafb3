"""A whole demo person: identity and career, then the 简历 and family that follow from them."""

import random
from datetime import date, timedelta

from apps.accounts.models import ManagedBy
from apps.cadres.constants import EducationLevel, EducationMode, Gender, PoliticalStatus
from apps.units.constants import UnitLevel

from . import names
from .career import Segment, make_career
from .people import (
    AS_OF,
    BIRTH_YEARS,
    ETHNICITIES,
    ETHNICITY_CUM,
    FEMALE_SHARE,
    GRADUATE,
    SURNAMES,
    FamilySpec,
    IdNumbers,
    PersonSpec,
    add_years,
    educations_of,
    full_name,
    in_service_of,
    pick,
    political_of,
    rand_date,
)
from .plan import Plan

STUDY: dict[str, str] = {
    EducationLevel.MASTER: "硕士研究生",
    EducationLevel.DOCTORATE: "博士研究生",
}
IN_SERVICE_STUDY: dict[str, str] = {
    EducationLevel.MASTER: "在职研究生",
    EducationLevel.BACHELOR: "在职大学",
    EducationLevel.ASSOCIATE: "在职大专",
}


def resume_of(p: PersonSpec) -> list[Segment]:
    """简历: full-time study, then work lines; in-service study is noted inside a work line."""
    lines = []
    for e in p.educations:
        if e.mode == EducationMode.FULL_TIME:
            major = f"{e.major}专业" if e.major else ""
            lines.append(Segment(e.start, e.end, f"{e.school}{major}{STUDY.get(e.level, '')}学习"))
    work = [Segment(s.start, s.end, s.text) for s in p.career.segments]
    for e in p.educations:
        if e.mode != EducationMode.IN_SERVICE:
            continue
        for seg in work:
            if seg.start <= e.start and (seg.end is None or e.start <= seg.end):
                study = IN_SERVICE_STUDY.get(e.level, "在职")
                seg.text += (
                    f"（其间：{e.start:%Y.%m}—{e.end:%Y.%m}在{e.school}{e.major}专业{study}学习）"
                )
                break
    return lines + work


def family_of(rng: random.Random, p: PersonSpec) -> list[FamilySpec]:
    """2–4 members: spouse and children when old enough, then parents."""
    surname = p.name[:2] if p.name[:2] in SURNAMES else p.name[0]
    members: list[FamilySpec] = []
    children: list[FamilySpec] = []
    cpc, none = PoliticalStatus.CPC, PoliticalStatus.NONE
    age = AS_OF.year - p.birth.year
    if age > 26 and rng.random() < 0.9:
        female = p.gender == Gender.MALE
        birth = rand_date(rng, add_years(p.birth, -3), add_years(p.birth, 3))
        members.append(
            FamilySpec(
                "妻子" if female else "丈夫",
                full_name(rng, Gender.FEMALE if female else Gender.MALE),
                birth,
                cpc if rng.random() < 0.5 else none,
                rng.choice(names.FAMILY_JOBS),
            )
        )
        for _ in range(rng.randint(0, 2) if age > 30 else 0):
            born = rand_date(rng, add_years(p.birth, 24), add_years(p.birth, 36))
            if born >= AS_OF:
                continue
            son = rng.random() < 0.5
            job = "学生" if AS_OF.year - born.year < 23 else rng.choice(names.FAMILY_JOBS)
            gender = Gender.MALE if son else Gender.FEMALE
            children.append(
                FamilySpec(
                    "儿子" if son else "女儿", full_name(rng, gender, surname), born, none, job
                )
            )
        members += sorted(children, key=lambda c: c.birth)
    father = rand_date(rng, add_years(p.birth, -34), add_years(p.birth, -22))
    mother = rand_date(rng, add_years(p.birth, -32), add_years(p.birth, -20))
    members.append(FamilySpec("父亲", full_name(rng, Gender.MALE, surname), father, cpc, "退休"))
    members.append(
        FamilySpec(
            "母亲", full_name(rng, Gender.FEMALE), mother, none, rng.choice(["退休", "务农"])
        )
    )
    return members[:4]


def make_person(
    rng: random.Random, plan: Plan, ids: IdNumbers, unit: int, post: int | None
) -> PersonSpec:
    """A person working in `unit`, holding `post` (an index into plan.posts) or no post."""
    spec = plan.posts[post] if post is not None else None
    tier = spec.tier if spec else ""
    u = plan.units[unit]
    gender = Gender.FEMALE if rng.random() < FEMALE_SHARE else Gender.MALE
    name = full_name(rng, gender)
    lo, hi = BIRTH_YEARS[tier]
    birth = rand_date(rng, date(lo, 1, 1), date(hi, 12, 31))
    if u.county is not None and rng.random() < 0.6:
        county = plan.counties[u.county]
        native, region = county.name, county.region
    elif rng.random() < 0.7:
        county = plan.counties[rng.randrange(len(plan.counties))]
        native, region = county.name, county.region
    else:
        native, region = rng.choice(names.OUTSIDE_PLACES)
    educations = educations_of(rng, birth)
    ft_end = educations[-1].end
    work_start = max(
        rand_date(rng, ft_end + timedelta(days=30), ft_end + timedelta(days=400)),
        add_years(birth, 18) + timedelta(days=rng.randint(1, 60)),
    )
    if work_start > AS_OF and len(educations) > 1:
        # A degree that would end after the data's date: this person works with the one before.
        educations = educations[:-1]
        ft_end = educations[-1].end
        work_start = max(ft_end + timedelta(days=60), add_years(birth, 18) + timedelta(days=30))
    work_start = min(work_start, AS_OF)
    extra = in_service_of(rng, educations[-1], work_start)
    if extra is not None:
        educations.append(extra)
    status, joined = political_of(rng, birth, spec is not None)
    if spec is not None:
        managed_by = spec.managed_by
    else:
        managed_by = ManagedBy.CITY if u.level == UnitLevel.CITY else ManagedBy.COUNTY
    person = PersonSpec(
        name=name,
        gender=gender,
        ethnicity=pick(rng, ETHNICITIES, ETHNICITY_CUM),
        birth=birth,
        native_place=native,
        id_number=ids.make(region, birth, gender),
        political_status=status,
        party_join=joined,
        work_start=work_start,
        unit=unit,
        managed_by=managed_by,
        educations=educations,
    )
    graduate = educations[-1 if extra is None else -2].level in GRADUATE
    person.career = make_career(rng, plan, work_start, unit, post, AS_OF, graduate=graduate)
    person.resume = resume_of(person)
    person.family = family_of(rng, person)
    return person
