"""The parsed person as the preview page shows it (labels and display texts, no ORM)."""

import base64
from dataclasses import dataclass
from datetime import date

from apps.cadres.constants import Degree, EducationLevel, EducationMode
from apps.cadres.rules import mask_id_number

from . import values
from .person import ParsedPerson
from .schema import EXTRA_LABELS


def month(value: date | None) -> str:
    return values.dotted(value)


@dataclass(frozen=True)
class PersonView:
    rows: list[tuple[str, str]]
    educations: list[tuple[str, str, str, str]]  # kind, 学历, 学位, 院校及专业
    resume: list[tuple[str, str]]  # period, text
    family: list[tuple[str, str, str, str, str]]
    photo_url: str
    not_stored: list[tuple[str, str]]
    extras: list[str]


def person_view(person: ParsedPerson) -> PersonView:
    """Every value the import would write, in the form's wording."""
    birth = person.birth_date.isoformat() if person.id_number else month(person.birth_date)
    status = values.political_label(person.political_status) or "（未填写，新建时按群众）"
    rows = [
        ("姓名", person.name),
        ("性别", values.gender_label(person.gender)),
        ("出生年月", birth),
        ("民族", person.ethnicity),
        ("籍贯", person.native_place),
        ("出生地", person.birthplace),
        ("政治面貌", status),
        ("入党时间", month(person.party_join_date)),
        ("参加工作时间", month(person.work_start_date)),
        ("健康状况", person.health),
        ("专业技术职务", person.professional_title),
        ("熟悉专业有何专长", person.expertise),
        ("公民身份号码", mask_id_number(person.id_number) if person.id_number else "（无）"),
        ("现任职务", person.current_post),
        ("拟任职务", person.proposed_post),
        ("拟免职务", person.proposed_removal),
    ]
    educations = [
        (
            EducationMode(e.mode).label,
            EducationLevel(e.level).label,
            Degree(e.degree).label if e.degree != Degree.NONE else "",
            values.school_major_text(e.school, e.major),
        )
        for e in person.educations
    ]
    resume = [
        (f"{month(r.start)}{values.RESUME_SEPARATOR}{month(r.end)}", r.text) for r in person.resume
    ]
    family = [
        (
            m.relation,
            m.name,
            month(m.birth_date),
            values.political_label(m.political_status),
            m.work_unit_and_post,
        )
        for m in person.family
    ]
    photo_url = ""
    if person.photo:
        kind = {"jpg": "jpeg"}.get(person.photo_ext, person.photo_ext)
        photo_url = f"data:image/{kind};base64,{base64.b64encode(person.photo).decode('ascii')}"
    extras = [
        f"{e.tag}（{EXTRA_LABELS[e.tag]}）" if e.tag in EXTRA_LABELS else e.tag
        for e in person.extras
    ]
    return PersonView(
        rows, educations, resume, family, photo_url, list(person.not_stored.items()), extras
    )
