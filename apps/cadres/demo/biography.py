"""The 简历 and the family members of a demo person (pure functions of the person spec)."""

import random

from apps.cadres.constants import EducationLevel, EducationMode, Gender, PoliticalStatus

from . import names
from .career import Segment
from .people import AS_OF, SURNAMES, FamilySpec, PersonSpec, add_years, full_name, rand_date

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
            members.append(
                FamilySpec(
                    "儿子" if son else "女儿", full_name(rng, gender, surname), born, none, job
                )
            )
    father = rand_date(rng, add_years(p.birth, -34), add_years(p.birth, -22))
    mother = rand_date(rng, add_years(p.birth, -32), add_years(p.birth, -20))
    members.append(FamilySpec("父亲", full_name(rng, Gender.MALE, surname), father, cpc, "退休"))
    members.append(
        FamilySpec(
            "母亲", full_name(rng, Gender.FEMALE), mother, none, rng.choice(["退休", "务农"])
        )
    )
    return members[:4]
