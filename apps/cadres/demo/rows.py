"""Model instances from person specs, with the denormalised fields set as the services set them."""

from typing import Any

from django.db import models

from apps.cadres import identity
from apps.cadres.constants import EDUCATION_ORDER
from apps.cadres.models import Appointment, Cadre, Education, FamilyMember, RankRecord, ResumeEntry
from apps.cadres.services import pinyin_of
from apps.units.constants import TIER_ORDER

from .people import AS_OF, PersonSpec
from .plan import Plan

PART_MODELS: tuple[type[models.Model], ...] = (
    Education,
    Appointment,
    RankRecord,
    ResumeEntry,
    FamilyMember,
)


class RowBuilder:
    """Builds unsaved rows; `unit_ids`/`post_ids` map plan indexes to database ids."""

    def __init__(self, plan: Plan, unit_ids: list[int], post_ids: list[int]) -> None:
        self.plan = plan
        self.unit_ids = unit_ids
        self.post_ids = post_ids
        self.pinyin: dict[str, tuple[str, str]] = {}
        self.post_titles = [f"{plan.units[p.unit].name}{p.title}" for p in plan.posts]

    def _pinyin(self, name: str) -> tuple[str, str]:
        cached = self.pinyin.get(name)
        if cached is None:
            cached = self.pinyin[name] = pinyin_of(name)
        return cached

    def cadre(self, p: PersonSpec) -> Cadre:
        """The Cadre row; derived fields follow services.refresh_derived (see _derived)."""
        encrypted, hashed, masked = identity.protect(p.id_number)
        pinyin, initials = self._pinyin(p.name)
        cadre = Cadre(
            name=p.name,
            name_pinyin=pinyin,
            name_initials=initials,
            gender=p.gender,
            ethnicity=p.ethnicity,
            birth_date=p.birth,
            native_place=p.native_place,
            birthplace=p.native_place,
            id_number_encrypted=encrypted,
            id_number_hash=hashed,
            id_number_masked=masked,
            political_status=p.political_status,
            party_join_date=p.party_join,
            work_start_date=p.work_start,
            unit_id=self.unit_ids[p.unit],
            managed_by=p.managed_by,
        )
        self._derived(cadre, p)
        return cadre

    def _derived(self, cadre: Cadre, p: PersonSpec) -> None:
        """现任职务, 职务层次, 职级, 最高学历 exactly as refresh_derived computes them."""
        posts = self.plan.posts
        current = [
            a
            for a in p.career.appointments
            if a.start <= AS_OF and (a.end is None or a.end >= AS_OF)
        ]
        current.sort(key=lambda a: (TIER_ORDER.get(posts[a.post].tier, 99), a.start))
        cadre.current_post_title = "、".join(self.post_titles[a.post] for a in current)[:200]
        cadre.tier = posts[current[0].post].tier if current else ""
        open_ranks = sorted((r for r in p.career.ranks if r.end is None), key=lambda r: r.start)
        cadre.rank_grade = open_ranks[-1].grade if open_ranks else ""
        levels = sorted((e.level for e in p.educations), key=lambda v: EDUCATION_ORDER[v])
        cadre.highest_education = levels[0] if levels else ""

    def parts(self, cadre: Cadre, p: PersonSpec) -> dict[type[models.Model], list[Any]]:
        """The record's parts, keyed by model."""
        cid = cadre.pk
        return {
            Education: [
                Education(
                    cadre_id=cid,
                    mode=e.mode,
                    level=e.level,
                    degree=e.degree,
                    school=e.school,
                    major=e.major,
                    start_date=e.start,
                    end_date=e.end,
                )
                for e in p.educations
            ],
            Appointment: [
                Appointment(
                    cadre_id=cid,
                    post_id=self.post_ids[a.post],
                    start_date=a.start,
                    end_date=a.end,
                    appoint_doc_no=a.appoint_doc,
                    removal_doc_no=a.removal_doc,
                )
                for a in p.career.appointments
            ],
            RankRecord: [
                RankRecord(
                    cadre_id=cid,
                    rank_grade=r.grade,
                    start_date=r.start,
                    end_date=r.end,
                    doc_no=r.doc,
                )
                for r in p.career.ranks
            ],
            ResumeEntry: [
                ResumeEntry(cadre_id=cid, start_date=s.start, end_date=s.end, text=s.text[:300])
                for s in p.resume
            ],
            FamilyMember: [
                FamilyMember(
                    cadre_id=cid,
                    relation=f.relation,
                    name=f.name,
                    birth_date=f.birth,
                    political_status=f.political_status,
                    work_unit_and_post=f.job,
                    sort_order=i,
                )
                for i, f in enumerate(p.family)
            ],
        }
