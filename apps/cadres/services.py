"""Writes to the cadre record: transactional, scope re-checked, audited in the same transaction."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.scope import Action, assert_in_scope
from apps.units.constants import TIER_ORDER
from apps.units.models import Unit

from . import identity, rules
from .constants import EDUCATION_ORDER
from .models import Appointment, Cadre, Education, FamilyMember, Post, RankRecord, ResumeEntry

CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "birthplace",
    "political_status",
    "party_join_date",
    "work_start_date",
    "health",
    "professional_title",
    "expertise",
    "unit",
    "managed_by",
    "proposed_post",
    "proposed_removal",
    "photo",
)
AUDIT_EXCLUDE = {"id_number_encrypted", "updated_at", "created_at"}


def pinyin_of(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, for search (张三 → zhangsan, zs)."""
    full = "".join(lazy_pinyin(name, errors="ignore"))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    return full.lower(), initials.lower()


def _cadre_snapshot(cadre: Cadre) -> dict[str, Any]:
    data = audit.snapshot(cadre)
    for key in AUDIT_EXCLUDE:
        data.pop(key, None)
    return data


def _raise_problems(problems: list[rules.Problem]) -> None:
    if problems:
        fields: dict[str, str] = {}
        for p in problems:
            fields[p.field] = f"{fields[p.field]}；{p.message}" if p.field in fields else p.message
        raise DomainError(
            "；".join(p.message for p in problems), code="invalid_record", fields=fields
        )


def _apply(cadre: Cadre, data: Mapping[str, Any], *, today: date) -> None:
    """Copy form data onto the cadre and run the record's consistency rules."""
    for field in CADRE_FIELDS:
        if field in data:
            setattr(cadre, field, data[field])
    cadre.name_pinyin, cadre.name_initials = pinyin_of(cadre.name)
    id_birth = id_gender = None
    raw_id = data.get("id_number")
    if raw_id:
        try:
            number, id_birth, id_gender = rules.parse_id_number(raw_id)
        except ValueError as exc:
            raise DomainError(str(exc), fields={"id_number": str(exc)}) from None
        cadre.id_number_encrypted, cadre.id_number_hash, cadre.id_number_masked = identity.protect(
            number
        )
    elif cadre.id_number_encrypted:
        # An edit that keeps the stored number must still agree with it (birth date, gender).
        _, id_birth, id_gender = rules.parse_id_number(identity.decrypt(cadre.id_number_encrypted))
    _raise_problems(
        rules.check_identity(
            birth_date=cadre.birth_date,
            gender=cadre.gender,
            work_start_date=cadre.work_start_date,
            party_join_date=cadre.party_join_date,
            id_birth=id_birth,
            id_gender=id_gender,
            today=today,
        )
    )
    if cadre.id_number_hash:
        clash = Cadre.objects.filter(id_number_hash=cadre.id_number_hash).exclude(pk=cadre.pk)
        if clash.exists():
            raise DomainError(
                "该公民身份号码已登记在另一干部名下",
                fields={"id_number": "该公民身份号码已登记在另一干部名下"},
            )


def _check_unit_writable(actor: Any, unit: Unit, managed_by: str) -> None:
    """The target unit and management level must lie within the actor's change scope."""
    if not any(
        unit.path.startswith(r.path) and managed_by in r.managed_levels
        for r in actor.scope_rules()
        if r.can_change
    ):
        raise DomainError(
            "所选单位或干部管理权限不在您的数据范围内",
            fields={"unit": "所选单位或干部管理权限不在您的数据范围内"},
        )


@transaction.atomic
def cadre_create(*, actor: Any, data: Mapping[str, Any], today: date | None = None) -> Cadre:
    """Register a cadre (新增干部)."""
    cadre = Cadre()
    _apply(cadre, data, today=today or timezone.localdate())
    _check_unit_writable(actor, cadre.unit, cadre.managed_by)
    cadre.save()
    assert_in_scope(Cadre.objects.all(), cadre.pk, actor, Action.CHANGE)
    audit.record(action="cadre.create", actor=actor, target=cadre, after=_cadre_snapshot(cadre))
    return cadre


def _changes_since(cadre_id: int, version: int) -> dict[str, tuple[Any, Any]]:
    """What others changed after `version`, from the audit log: field → (old, new)."""
    changes: dict[str, tuple[Any, Any]] = {}
    events = AuditEvent.objects.filter(
        target_type="cadres.cadre", target_id=str(cadre_id), action="cadre.update"
    ).order_by("id")
    for event in events:
        if (event.detail or {}).get("version", 0) <= version:
            continue
        for key, new in (event.after or {}).items():
            old = changes[key][0] if key in changes else (event.before or {}).get(key)
            changes[key] = (old, new)
    changes.pop("version", None)
    return changes


@transaction.atomic
def cadre_update(
    *,
    actor: Any,
    cadre_id: int,
    expected_version: int,
    data: Mapping[str, Any],
    today: date | None = None,
) -> Cadre:
    """Edit a cadre; refuse a save based on a stale version and report what changed meanwhile."""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    if cadre.version != expected_version:
        raise StaleVersionError(
            "保存失败：该干部信息已被他人修改，请查看变化后重新编辑",
            changes=_changes_since(cadre.pk, expected_version),
        )
    before = _cadre_snapshot(cadre)
    _apply(cadre, data, today=today or timezone.localdate())
    _check_unit_writable(actor, cadre.unit, cadre.managed_by)
    cadre.version += 1
    cadre.save()
    assert_in_scope(Cadre.objects.all(), cadre.pk, actor, Action.CHANGE)
    old, new = audit.diff(before, _cadre_snapshot(cadre))
    audit.record(
        action="cadre.update",
        actor=actor,
        target=cadre,
        before=old,
        after=new,
        detail={"version": cadre.version},
    )
    return cadre


@transaction.atomic
def cadre_delete(*, actor: Any, cadre_id: int) -> Cadre:
    """Soft delete (移入回收站); `cadre_restore` undoes it."""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    cadre.deleted_at = timezone.now()
    cadre.deleted_by = actor
    cadre.version += 1
    cadre.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    audit.record(action="cadre.delete", actor=actor, target=cadre)
    return cadre


@transaction.atomic
def cadre_restore(*, actor: Any, cadre_id: int) -> Cadre:
    """Undo a soft delete."""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE, include_deleted=True)
        .filter(deleted_at__isnull=False)
        .select_for_update()
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    cadre.deleted_at = None
    cadre.deleted_by = None
    cadre.version += 1
    cadre.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    audit.record(action="cadre.restore", actor=actor, target=cadre)
    return cadre


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


def _cadre_for_change(actor: Any, cadre_id: int) -> Cadre:
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    return cadre


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
    cadre = _cadre_for_change(actor, cadre_id)
    post = Post.objects.select_related("unit").filter(pk=data.post_id).first()
    if post is None:
        raise DomainError("职务不存在", fields={"post": "职务不存在"})
    _raise_problems(
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
    cadre = _cadre_for_change(actor, cadre_id)
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
    cadre = _cadre_for_change(actor, cadre_id)
    record = RankRecord(cadre=cadre, **data)
    _raise_problems(
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
    cadre = _cadre_for_change(actor, cadre_id)
    entry = ResumeEntry(cadre=cadre, **data)
    _raise_problems(
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
    cadre = _cadre_for_change(actor, cadre_id)
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
