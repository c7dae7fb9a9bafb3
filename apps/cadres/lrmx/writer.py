"""`write(cadre, *, actor) -> bytes`: the cadre as a canonical .lrmx file.

UTF-8, root <Person>, every element of the canonical template in its order (lrmx.md), dates
yyyyMM, 简历 as "yyyy.MM--yyyy.MM  经历" lines joined by CRLF, the photo as Base64 JPEG. The form's
texts the record does not hold (奖惩情况, 年度考核结果, 任免理由, 呈报单位) are left empty as in the
canonical template; 计算年龄时间, 填表时间 and 填表人 describe this export (today, the actor).
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape  # output escaping only; nothing is parsed with sax

from django.utils import timezone

from apps.cadres import identity
from apps.cadres.constants import EDUCATION_ORDER, EducationMode
from apps.cadres.models import Cadre, Education, FamilyMember, ResumeEntry
from apps.core.exceptions import OutOfScopeError

from . import photo, values
from .person import ExtraElement
from .schema import ELEMENTS, FAMILY, FAMILY_ELEMENTS, VERSION
from .xmlfile import parse_xml

NEWLINE = "\r\n"
# Characters XML 1.0 cannot carry at all (control characters other than tab and line breaks).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PREFIX = {EducationMode.FULL_TIME: "QuanRiZhiJiaoYu", EducationMode.IN_SERVICE: "ZaiZhiJiaoYu"}


def _escape(text: str) -> str:
    return escape(_ILLEGAL.sub("", text))


def best_education(entries: Iterable[Education]) -> Education | None:
    """The highest education of one mode (latest graduation breaks ties), as the form shows."""
    ranked = sorted(
        entries,
        key=lambda e: (EDUCATION_ORDER.get(e.level, 99), -(e.end_date or date.min).toordinal()),
    )
    return ranked[0] if ranked else None


def _education_values(educations: Sequence[Education]) -> dict[str, str]:
    out: dict[str, str] = {}
    for mode, prefix in _PREFIX.items():
        best = best_education(e for e in educations if e.mode == mode)
        degree = values.degree_text(best.degree) if best else ""
        school = values.school_major_text(best.school, best.major) if best else ""
        out[f"{prefix}_XueLi"] = best.get_level_display() if best else ""
        out[f"{prefix}_XueWei"] = degree
        out[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = school
        out[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = school if degree else ""
    return out


def _photo_text(cadre: Cadre) -> str:
    if not cadre.photo:
        return ""
    try:
        with cadre.photo.open("rb") as handle:
            content = handle.read()
        return photo.encode_base64(photo.as_jpeg(content))
    except (OSError, ValueError):  # a missing or broken file exports without the photo
        return ""


def element_values(
    cadre: Cadre,
    *,
    educations: Sequence[Education],
    resume: Sequence[ResumeEntry],
    actor: Any,
    today: date,
) -> dict[str, str]:
    """Text of every top-level element except the family container."""
    number = identity.decrypt(cadre.id_number_encrypted) if cadre.id_number_encrypted else ""
    lines = [values.ResumeLine(r.start_date, r.end_date, r.text) for r in resume]
    return {
        "XingMing": cadre.name,
        "XingBie": values.gender_label(cadre.gender),
        "ChuShengNianYue": values.month_code(cadre.birth_date),
        "MinZu": cadre.ethnicity,
        "JiGuan": cadre.native_place,
        "ChuShengDi": cadre.birthplace,
        "RuDangShiJian": values.party_text(cadre.political_status, cadre.party_join_date),
        "CanJiaGongZuoShiJian": values.month_code(cadre.work_start_date),
        "JianKangZhuangKuang": cadre.health,
        "ZhuanYeJiShuZhiWu": cadre.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": cadre.expertise,
        **_education_values(educations),
        "XianRenZhiWu": cadre.current_post_title,
        "NiRenZhiWu": cadre.proposed_post,
        "NiMianZhiWu": cadre.proposed_removal,
        "JianLi": values.resume_text(lines),
        "JiSuanNianLingShiJian": values.day_code(today),
        "TianBiaoShiJian": values.month_code(today),
        "TianBiaoRen": getattr(actor, "display_name", "") or getattr(actor, "username", ""),
        "ShenFenZheng": number,
        "ZhaoPian": _photo_text(cadre),
        "Version": VERSION,
    }


def family_item(member: FamilyMember) -> dict[str, str]:
    return {
        "ChengWei": member.relation,
        "XingMing": member.name,
        "ChuShengRiQi": values.month_code(member.birth_date),
        "ZhengZhiMianMao": values.political_label(member.political_status),
        "GongZuoDanWeiJiZhiWu": member.work_unit_and_post,
    }


def render(
    elements: dict[str, str],
    family: Sequence[dict[str, str]],
    extras: Sequence[ExtraElement] = (),
) -> bytes:
    """The XML text: canonical order, two-space indent, empty elements written open/close."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<Person>"]
    for tag, _label in ELEMENTS:
        if tag != FAMILY:
            out.append(f"  <{tag}>{_escape(elements.get(tag, ''))}</{tag}>")
            continue
        out.append(f"  <{FAMILY}>")
        for item in family:
            out.append("    <Item>")
            out.extend(
                f"      <{sub}>{_escape(item.get(sub, ''))}</{sub}>" for sub, _ in FAMILY_ELEMENTS
            )
            out.append("    </Item>")
        out.append(f"  </{FAMILY}>")
    for extra in extras:
        parse_xml(extra.xml)  # pass-through XML is re-checked, never trusted blindly
        out.append(f"  {extra.xml.strip()}")
    out.append("</Person>")
    return (NEWLINE.join(out) + NEWLINE).encode("utf-8")


def write(
    cadre: Cadre,
    *,
    actor: Any,
    extras: Sequence[ExtraElement] = (),
    on: date | None = None,
) -> bytes:
    """The cadre's .lrmx file, read through the actor's scope (OutOfScopeError outside it).

    `extras` re-emits unknown elements of a file parsed earlier in the same process (the record
    has nowhere to keep them). `on` is the export date (default today). Not audited here: the
    callers (`exchange.export_one`, `export_zip`) audit the export.
    """
    pk = cadre.pk
    if not Cadre.objects.visible_to(actor).filter(pk=pk).exists():
        raise OutOfScopeError()
    elements = element_values(
        cadre,
        educations=list(Education.objects.visible_to(actor).filter(cadre_id=pk)),
        resume=list(ResumeEntry.objects.visible_to(actor).filter(cadre_id=pk)),
        actor=actor,
        today=on or timezone.localdate(),
    )
    family = [family_item(m) for m in FamilyMember.objects.visible_to(actor).filter(cadre_id=pk)]
    return render(elements, family, extras)
