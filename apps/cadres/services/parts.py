"""Parts of the record: appointments (任职), education, 职级, 简历, family; derived fields."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres import rules
from apps.cadres.constants import EDUCATION_ORDER
from apps.cadres.models import (
    Appointment,
    Cadre,
    Education,
    FamilyMember,
    Post,
    RankRecord,
    ResumeEntry,
)
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action
from apps.units.constants import TIER_ORDER

from .common import cadre_for_change, raise_problems


def refresh_derived(cadre: Cadre, *, today: date) -> None:
    """Recompute 现任职务, 职务层次, 职级, 最高学历 from the record's parts (for list filters)."""
    current = [
        a
        for a in cadre.appointments.select_related("post__unit")
        if a.start_date <= today and (a.end_date is None or a.end_date >= today)
    ]
    current.sort(key=lambda a: (TIER_ORDER.get(a.post.tier, 99), a.start_date))
    cadre.current_post_title = "、".join(f"{a.post.unit.name}{a.post.title}" for a in current)[:200]
    cadre.tier = current[0].post.tier if current else ""
    rank = cadre.rank_records.filter(end_date__isnull=True).order_by("-start_date").first()
    cadre.rank_grade = rank.rank_grade if rank else ""
    levels = sorted(
        cadre.educations.values_list("level", flat=True), key=lambda v: EDUCATION_ORDER[v]
    )
    cadre.highest_education = levels[0] if levels else ""
    cadre.save(update_fields=["current_post_title", "tier", "rank_grade", "highest_education"])


@dataclass(frozen=True)
class AppointmentInput:
    post_id: int
    start_date: date
    end_date: date | None = None
    appoint_doc_no: str = ""
    removal_doc_no: str = ""


@transaction.atomic
def appointment_add(*, actor: Any, cadre_id: int, data: AppointmentInput) -> Appointment:
    """任职: add a post to the record; no overlapping terms in the same post."""
    cadre = cadre_for_change(actor, cadre_id)
    post = Post.objects.select_related("unit").filter(pk=data.post_id).first()
    if post is None:
        raise DomainError("职务不存在", fields={"post": "职务不存在"})
    raise_problems(
        rules.check_period(
            start=data.start_date,
            end=data.end_date,
            not_before=cadre.work_start_date,
            label="任职",
        )
    )
    existing = [
        rules.Period(a.start_date, a.end_date) for a in cadre.appointments.filter(post=post)
    ]
    clash = rules.find_overlap(rules.Period(data.start_date, data.end_date), existing)
    if clash is not None:
        message = f"与该职务已有任职期间（{clash.start:%Y-%m-%d} 起）重叠"
        raise DomainError(message, fields={"start_date": message})
    appointment = Appointment.objects.create(
        cadre=cadre,
        post=post,
        start_date=data.start_date,
        end_date=data.end_date,
        appoint_doc_no=data.appoint_doc_no,
        removal_doc_no=data.removal_doc_no,
    )
    refresh_derived(cadre, today=timezone.localdate())
    audit.record(
        action="cadre.appointment.add",
        actor=actor,
        target=cadre,
        after=audit.snapshot(appointment),
    )
    return appointment


@transaction.atomic
def education_add(*, actor: Any, cadre_id: int, data: Mapping[str, Any]) -> Education:
    """Add a 学历学位 entry."""
    cadre = cadre_for_change(actor, cadre_id)
    education = Education(cadre=cadre, **data)
    if education.end_date and education.end_date <= cadre.birth_date:
        raise DomainError("毕业时间须晚于出生日期", fields={"end_date": "毕业时间须晚于出生日期"})
    education.save()
    refresh_derived(cadre, today=timezone.localdate())
    audit.record(
        action="cadre.education.add", actor=actor, target=cadre, after=audit.snapshot(education)
    )
    return education


@transaction.atomic
def rank_add(*, actor: Any, cadre_id: int, data: Mapping[str, Any]) -> RankRecord:
    """Record a 职级; the previous open record ends the day before."""
    cadre = cadre_for_change(actor, cadre_id)
    record = RankRecord(cadre=cadre, **data)
    raise_problems(
        rules.check_period(
            start=record.start_date,
            end=record.end_date,
            not_before=cadre.work_start_date,
            label="职级",
        )
    )
    if record.end_date is None:
        # Periods include their end day, so the previous rank ends the day before this one.
        cadre.rank_records.filter(end_date__isnull=True, start_date__lt=record.start_date).update(
            end_date=record.start_date - timedelta(days=1)
        )
    record.save()
    refresh_derived(cadre, today=timezone.localdate())
    audit.record(action="cadre.rank.add", actor=actor, target=cadre, after=audit.snapshot(record))
    return record


@transaction.atomic
def resume_add(*, actor: Any, cadre_id: int, data: Mapping[str, Any]) -> ResumeEntry:
    """Add a 简历 line; lines of one cadre may not overlap."""
    cadre = cadre_for_change(actor, cadre_id)
    entry = ResumeEntry(cadre=cadre, **data)
    raise_problems(
        rules.check_period(
            start=entry.start_date, end=entry.end_date, not_before=cadre.birth_date, label="简历"
        )
    )
    existing = [rules.Period(r.start_date, r.end_date) for r in cadre.resume_entries.all()]
    clash = rules.find_overlap(
        rules.Period(entry.start_date, entry.end_date), existing, shared_boundary_ok=True
    )
    if clash is not None:
        message = f"与已有简历（{clash.start:%Y.%m} 起）时间重叠"
        raise DomainError(message, fields={"start_date": message})
    entry.save()
    audit.record(action="cadre.resume.add", actor=actor, target=cadre, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def family_add(*, actor: Any, cadre_id: int, data: Mapping[str, Any]) -> FamilyMember:
    """Add a family member or important social relation."""
    cadre = cadre_for_change(actor, cadre_id)
    member = FamilyMember(cadre=cadre, sort_order=cadre.family_members.count() + 1, **data)
    member.save()
    audit.record(action="cadre.family.add", actor=actor, target=cadre, after=audit.snapshot(member))
    return member


def part_add(*, actor: Any, cadre_id: int, part: str, data: Mapping[str, Any]) -> object:
    """Dispatch an add of one part of the record (the pages' generic tab form)."""
    if part == "appointment":
        return appointment_add(
            actor=actor,
            cadre_id=cadre_id,
            data=AppointmentInput(
                post_id=data["post"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                appoint_doc_no=data.get("appoint_doc_no", ""),
                removal_doc_no=data.get("removal_doc_no", ""),
            ),
        )
    adders = {
        "education": education_add,
        "rank": rank_add,
        "resume": resume_add,
        "family": family_add,
    }
    return adders[part](actor=actor, cadre_id=cadre_id, data=data)


@transaction.atomic
def appointment_end(
    *, actor: Any, appointment_id: int, end_date: date, removal_doc_no: str = ""
) -> Appointment:
    """免职: end a current appointment on `end_date` (the last day in the post)."""
    appointment = (
        Appointment.objects.visible_to(actor, Action.CHANGE)
        .select_related("post")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise OutOfScopeError()
    cadre = cadre_for_change(actor, appointment.cadre_id)
    if appointment.end_date is not None:
        message = f"该任职已于{appointment.end_date:%Y-%m-%d}免职"
        raise DomainError(message, fields={"end_date": message})
    if end_date < appointment.start_date:
        message = f"免职时间不能早于任职时间（{appointment.start_date:%Y-%m-%d}）"
        raise DomainError(message, fields={"end_date": message})
    before = audit.snapshot(appointment, ["end_date", "removal_doc_no"])
    appointment.end_date = end_date
    appointment.removal_doc_no = removal_doc_no or appointment.removal_doc_no
    appointment.save(update_fields=["end_date", "removal_doc_no", "updated_at"])
    refresh_derived(cadre, today=timezone.localdate())
    audit.record(
        action="cadre.appointment.end",
        actor=actor,
        target=cadre,
        before={"appointment": appointment.pk, **before},
        after={"appointment": appointment.pk, **audit.snapshot(appointment, list(before))},
    )
    return appointment
