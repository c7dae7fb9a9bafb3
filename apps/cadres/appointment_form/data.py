"""The 任免审批表's data: every field of the standard form, assembled from the cadre record.

Reads go through the scope layer only: the cadre via `selectors.cadre_get` (audited like the
detail page), its parts via their `visible_to`. Ages are 周岁 on the form's date `on`; dates print
in the form's style ("1975.03").
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch

from apps.cadres.constants import EDUCATION_ORDER, Degree, EducationMode, PoliticalStatus
from apps.cadres.models import Cadre, Education, FamilyMember, ResumeEntry
from apps.cadres.rules import age_on
from apps.cadres.selectors import cadre_get
from apps.core.scope import Action

from .sections import SECTION_KEYS, section_text

RESUME_DASH = "--"


def form_date(value: date | None) -> str:
    """A date in the form's style: 1975.03 ("" when unknown)."""
    return "" if value is None else f"{value.year}.{value.month:02d}"


def print_date(value: date) -> str:
    """A full date as printed (ui.md): 2026年11月25日."""
    return f"{value.year}年{value.month}月{value.day}日"


def resume_period(start: date, end: date | None) -> str:
    """A resume period, "1998.07--2003.06"; an open one ends with the dash: "2016.12--"."""
    return f"{form_date(start)}{RESUME_DASH}{form_date(end)}"


@dataclass(frozen=True)
class EducationCell:
    """One of the two 学历学位 rows (全日制教育 / 在职教育)."""

    degree: str = ""  # 学历学位, e.g. "大学本科\n学士学位"
    school_major: str = ""  # 毕业院校系及专业, e.g. "云南大学经济学专业"


@dataclass(frozen=True)
class ResumeLine:
    period: str  # "1998.07--2003.06"
    text: str  # "某县某局科员"

    def __str__(self) -> str:
        return f"{self.period}  {self.text}"


@dataclass(frozen=True)
class FamilyRow:
    relation: str
    name: str
    age: int | None
    political_status: str
    work: str  # 工作单位及职务


@dataclass(frozen=True)
class FormData:
    """Everything the form prints, already in the form's wording."""

    cadre_id: int
    on: date
    name: str
    gender: str
    birth: str  # "1975.03"
    age: int  # 周岁 on `on`
    ethnicity: str
    native_place: str
    birthplace: str
    party_join: str
    work_start: str
    health: str
    professional_title: str
    expertise: str
    full_time: EducationCell
    in_service: EducationCell
    current_post: str
    proposed_post: str
    proposed_removal: str
    resume: list[ResumeLine]
    family: list[FamilyRow]
    filled_by: str
    sections: dict[str, str] = field(default_factory=dict)
    photo: bytes | None = None
    photo_type: str = ""  # MIME type of `photo`

    @property
    def birth_and_age(self) -> str:
        """出生年月（岁）: "1975.03\n（50岁）"."""
        return f"{self.birth}\n（{self.age}岁）"

    @property
    def on_text(self) -> str:
        return print_date(self.on)

    # The sections filled by higher apps (sections.SECTION_KEYS).
    @property
    def awards(self) -> str:
        return self.sections.get("奖惩情况", "")

    @property
    def assessments(self) -> str:
        return self.sections.get("年度考核结果", "")

    @property
    def reason(self) -> str:
        return self.sections.get("任免理由", "")

    @property
    def reporting_unit(self) -> str:
        return self.sections.get("呈报单位", "")

    @property
    def approval_opinion(self) -> str:
        return self.sections.get("审批机关意见", "")

    @property
    def admin_opinion(self) -> str:
        return self.sections.get("行政机关任免意见", "")


def _school_major(school: str, major: str) -> str:
    """毕业院校系及专业: "云南大学经济学专业" (the school, then the major named as a 专业)."""
    major = major.strip()
    if major and not major.endswith("专业"):
        major += "专业"
    return f"{school.strip()}{major}"


def education_cell(entries: Iterable[Education]) -> EducationCell:
    """The highest education of one mode (latest graduation breaks ties)."""
    ranked = sorted(
        entries,
        key=lambda e: (EDUCATION_ORDER.get(e.level, 99), -(e.end_date or date.min).toordinal()),
    )
    if not ranked:
        return EducationCell()
    best = ranked[0]
    degree = best.get_level_display()
    if best.degree and best.degree != Degree.NONE:
        degree += f"\n{best.get_degree_display()}学位"
    return EducationCell(degree=degree, school_major=_school_major(best.school, best.major))


def _photo(cadre: Cadre) -> tuple[bytes | None, str]:
    if not cadre.photo:
        return None, ""
    try:
        with cadre.photo.open("rb") as handle:
            content = handle.read()
    except OSError:  # a missing file prints the form without the photo
        return None, ""
    return content, _image_type(content)


def _image_type(content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"GIF8"):
        return "image/gif"
    return "image/jpeg"


def _assemble(
    cadre: Cadre,
    *,
    actor: Any,
    on: date,
    educations: Sequence[Education],
    resume: Sequence[ResumeEntry],
    family: Sequence[FamilyMember],
) -> FormData:
    photo, photo_type = _photo(cadre)
    party_member = cadre.political_status in (
        PoliticalStatus.CPC,
        PoliticalStatus.CPC_PROBATIONARY,
    )
    return FormData(
        cadre_id=cadre.pk,
        on=on,
        name=cadre.name,
        gender=cadre.get_gender_display(),
        birth=form_date(cadre.birth_date),
        age=age_on(cadre.birth_date, on),
        ethnicity=cadre.ethnicity,
        native_place=cadre.native_place,
        birthplace=cadre.birthplace,
        party_join=form_date(cadre.party_join_date) if party_member else "",
        work_start=form_date(cadre.work_start_date),
        health=cadre.health,
        professional_title=cadre.professional_title,
        expertise=cadre.expertise,
        full_time=education_cell(e for e in educations if e.mode == EducationMode.FULL_TIME),
        in_service=education_cell(e for e in educations if e.mode == EducationMode.IN_SERVICE),
        current_post=cadre.current_post_title,
        proposed_post=cadre.proposed_post,
        proposed_removal=cadre.proposed_removal,
        resume=[ResumeLine(resume_period(r.start_date, r.end_date), r.text) for r in resume],
        family=[
            FamilyRow(
                relation=m.relation,
                name=m.name,
                age=age_on(m.birth_date, on) if m.birth_date else None,
                political_status=m.get_political_status_display() if m.political_status else "",
                work=m.work_unit_and_post,
            )
            for m in family
        ],
        filled_by=getattr(actor, "display_name", "") or getattr(actor, "username", ""),
        sections={key: section_text(key, actor, cadre, on) for key in SECTION_KEYS},
        photo=photo,
        photo_type=photo_type,
    )


def build(cadre: Cadre | int, *, actor: Any, on: date) -> FormData:
    """The form of one cadre on `on`, read through the actor's scope (audited as a detail read).

    Raises OutOfScopeError (views: 404) when the cadre is not in the actor's scope.
    """
    pk = cadre.pk if isinstance(cadre, Cadre) else int(cadre)
    found = cadre_get(actor=actor, cadre_id=pk, action=Action.VIEW)
    return _assemble(
        found,
        actor=actor,
        on=on,
        educations=list(Education.objects.visible_to(actor).filter(cadre_id=pk)),
        resume=list(ResumeEntry.objects.visible_to(actor).filter(cadre_id=pk)),
        family=list(FamilyMember.objects.visible_to(actor).filter(cadre_id=pk)),
    )


def build_many(
    cadre_ids: Sequence[int], *, actor: Any, on: date
) -> tuple[list[FormData], list[int]]:
    """Forms of many cadres (a batch), in the order of `cadre_ids`, with the ids left out.

    Ids that do not exist or lie outside the actor's scope are excluded — never printed — and
    returned so the caller can report them (the batch is audited as a whole by the caller).
    """
    wanted = list(dict.fromkeys(int(i) for i in cadre_ids))
    cadres = {
        c.pk: c
        for c in Cadre.objects.visible_to(actor)
        .filter(pk__in=wanted)
        .select_related("unit")
        .prefetch_related(Prefetch("educations", queryset=Education.objects.visible_to(actor)))
        .prefetch_related(
            Prefetch("resume_entries", queryset=ResumeEntry.objects.visible_to(actor))
        )
        .prefetch_related(
            Prefetch("family_members", queryset=FamilyMember.objects.visible_to(actor))
        )
    }
    forms = [
        _assemble(
            cadres[pk],
            actor=actor,
            on=on,
            educations=list(cadres[pk].educations.all()),
            resume=list(cadres[pk].resume_entries.all()),
            family=list(cadres[pk].family_members.all()),
        )
        for pk in wanted
        if pk in cadres
    ]
    return forms, [pk for pk in wanted if pk not in cadres]


def visible_ids(cadre_ids: Sequence[int], *, actor: Any) -> list[int]:
    """The ids (in the given order, without repeats) of cadres inside the actor's scope."""
    wanted = list(dict.fromkeys(int(i) for i in cadre_ids))
    found = set(Cadre.objects.visible_to(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    return [pk for pk in wanted if pk in found]
