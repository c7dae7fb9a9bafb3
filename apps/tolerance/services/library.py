"""Writes of the typical-case library (典型案例): drafts written directly or drafted from a
concluded case (redacted), edits, publication after a redaction review, withdrawal.

Only what a reviewer has seen is published: the preview shows the stored text and a digest of
it, and publishing refuses when the text changed since (or while something in it still looks
identifying, unless the reviewer confirms a manual review, which the audit records).

Who writes: an officer holding the tolerance pillar with a change grant over the owning unit.
"""

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action, ancestor_paths
from apps.tolerance.constants import Applicant, Area, CaseStage, CaseStatus, Distinction
from apps.tolerance.models import ToleranceCase, TypicalCase
from apps.tolerance.redaction import redact
from apps.tolerance.search import build_search_text
from apps.tolerance.selectors_library import (
    home_unit,
    may_manage,
    typical_findings,
    unit_names,
)
from apps.units.models import Unit

MAX_TAGS = 10
MAX_TAG_LENGTH = 20
TAG_SPLIT_RE = re.compile(r"[\s,，、;；]+")
CONTENT_FIELDS = ["title", "area", "situation", "decision", "distinction", "lesson", "tags"]
SNAPSHOT_FIELDS = ["unit", "status", *CONTENT_FIELDS]
CONCLUDED = (CaseStage.CONCLUDED, CaseStage.CLOSED)


@dataclass(frozen=True)
class TypicalInput:
    """What the typical-case form submits."""

    unit_id: int
    title: str
    area: str
    situation: str
    decision: str
    distinction: str
    lesson: str
    tags: tuple[str, ...] = ()


def parse_tags(raw: str) -> list[str]:
    """Tags typed as one string, split on blanks, commas, 、 and semicolons (order kept, no
    repeats)."""
    return list(dict.fromkeys(t for t in TAG_SPLIT_RE.split(raw or "") if t))


def content_digest(typical: TypicalCase) -> str:
    """A fingerprint of exactly what publishing would show (the preview carries it)."""
    data = {name: getattr(typical, name) for name in CONTENT_FIELDS}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def input_of(typical: TypicalCase) -> TypicalInput:
    """The stored case as form input (the edit form's initial values, publication checks)."""
    return TypicalInput(
        unit_id=typical.unit_id,
        title=typical.title,
        area=typical.area,
        situation=typical.situation,
        decision=typical.decision,
        distinction=typical.distinction,
        lesson=typical.lesson,
        tags=tuple(typical.tags or ()),
    )


def _validate(data: TypicalInput) -> dict[str, str]:
    required = {
        "title": "请填写标题",
        "situation": "请填写基本情况",
        "decision": "请填写容错认定情况",
        "lesson": "请填写启示",
    }
    errors = {k: v for k, v in required.items() if not getattr(data, k).strip()}
    if data.area not in Area.values:
        errors["area"] = "请选择领域"
    if data.distinction not in Distinction.values:
        errors["distinction"] = "请选择体现的“区分开来”情形"
    if len(data.tags) > MAX_TAGS:
        errors["tags"] = f"标签最多{MAX_TAGS}个"
    elif any(len(t) > MAX_TAG_LENGTH for t in data.tags):
        errors["tags"] = f"每个标签不超过{MAX_TAG_LENGTH}个字"
    return errors


def _apply(typical: TypicalCase, data: TypicalInput) -> None:
    typical.title = data.title.strip()
    typical.area = data.area
    typical.situation = data.situation.strip()
    typical.decision = data.decision.strip()
    typical.distinction = data.distinction
    typical.lesson = data.lesson.strip()
    typical.tags = list(dict.fromkeys(t.strip() for t in data.tags if t.strip()))


def _fill_search_text(typical: TypicalCase) -> None:
    typical.search_text = build_search_text(
        title=typical.title,
        situation=typical.situation,
        decision=typical.decision,
        lesson=typical.lesson,
        tags=typical.tags,
    )


def _for_change(actor: Any, typical_id: int) -> TypicalCase:
    row = (
        TypicalCase.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .select_related("unit")
        .filter(pk=typical_id)
        .first()
    )
    if row is None or not may_manage(actor, row.unit.path):
        raise OutOfScopeError()
    return row


@transaction.atomic
def typical_create(*, actor: Any, data: TypicalInput) -> TypicalCase:
    """A draft written directly (not from a case) for a unit the actor manages."""
    errors = _validate(data)
    unit = Unit.objects.filter(pk=data.unit_id, is_active=True).first()
    if unit is None or not may_manage(actor, unit.path):
        errors["unit"] = "编发单位不存在或您无权为其编发典型案例"
    if errors or unit is None:
        raise DomainError("；".join(errors.values()), code="invalid_typical", fields=errors)
    typical = TypicalCase(unit=unit, created_by=actor, status=CaseStatus.DRAFT)
    _apply(typical, data)
    _fill_search_text(typical)
    typical.save()
    audit.record(
        action="tolerance.typical.create",
        actor=actor,
        target=typical,
        after=audit.snapshot(typical, SNAPSHOT_FIELDS),
    )
    return typical


def _distinction_of(case: ToleranceCase) -> tuple[str, str]:
    """The first of the three distinctions the case answered "yes", with its reason."""
    answers = [
        (case.d1_inexperience, Distinction.INEXPERIENCE, case.d1_reason),
        (case.d2_not_prohibited, Distinction.EXPLORATION, case.d2_reason),
        (case.d3_no_personal_gain, Distinction.NO_GAIN, case.d3_reason),
    ]
    for answer, distinction, reason in answers:
        if answer:
            return distinction, reason
    return Distinction.INEXPERIENCE, ""


def _hidden_terms(
    case: ToleranceCase, owner: Unit, extra_names: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(names, unit names) to redact: the cadre first, then the applicant and the others named
    by the reviewer; the units on the cadre's path and on the case's unit path, and every unit
    under the case's owner (a neighbouring 镇 or 局 named in the text identifies as well)."""
    cadre = case.cadre
    names = [cadre.name]
    units: list[str] = []
    if case.applicant == Applicant.UNIT:
        units.append(case.applicant_name)
    else:
        names.append(case.applicant_name)
    names += [n.strip() for n in extra_names if n.strip()]
    units += unit_names(
        [*ancestor_paths(cadre.unit.path), *ancestor_paths(case.unit.path)], owner.path
    )
    return names, units


@transaction.atomic
def typical_draft_from_case(
    *, actor: Any, case_id: int, extra_names: Sequence[str] = ()
) -> TypicalCase:
    """A draft pre-filled from a concluded case, with the cadre's name, the other names given,
    id and phone numbers and the unit names on the cadre's path replaced by placeholders
    (某同志, 某县, 某局). The reviewer edits it, previews it and publishes it."""
    case = (
        ToleranceCase.objects.visible_to(actor, Action.CHANGE)
        .select_related("cadre", "cadre__unit", "unit")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise OutOfScopeError()
    if case.stage not in CONCLUDED or not case.outcome:
        raise DomainError("只能从已作出结论的容错案件编写典型案例", code="case_not_concluded")
    owner = home_unit(actor, case.cadre.unit.path)
    if owner is None:
        raise OutOfScopeError()
    names, units = _hidden_terms(case, owner, extra_names)
    distinction, reason = _distinction_of(case)
    decision = f"认定结论：{case.get_outcome_display()}。\n{case.conclusion}"
    if reason.strip():
        decision += f"\n{reason}"
    typical = TypicalCase(
        unit=owner,
        source_case=case,
        created_by=actor,
        status=CaseStatus.DRAFT,
        title=f"{case.get_area_display()}领域{case.get_outcome_display()}案例",
        area=case.area,
        situation=redact(case.matter, names=names, units=units),
        decision=redact(decision, names=names, units=units),
        distinction=distinction,
        lesson="",
        tags=[],
    )
    _fill_search_text(typical)
    typical.save()
    audit.record(
        action="tolerance.typical.draft_from_case",
        actor=actor,
        target=typical,
        after=audit.snapshot(typical, SNAPSHOT_FIELDS),
        detail={"case": case.pk, "extra_names": len(extra_names)},
    )
    return typical


@transaction.atomic
def typical_update(*, actor: Any, typical_id: int, data: TypicalInput) -> TypicalCase:
    """Edit a draft (a withdrawn case edited becomes a draft again); published cases refuse."""
    typical = _for_change(actor, typical_id)
    if typical.status == CaseStatus.PUBLISHED:
        raise DomainError("已发布的典型案例不能修改，请先撤回", code="typical_published")
    errors = _validate(data)
    if data.unit_id != typical.unit_id:
        unit = Unit.objects.filter(pk=data.unit_id, is_active=True).first()
        if unit is None or not may_manage(actor, unit.path):
            errors["unit"] = "编发单位不存在或您无权为其编发典型案例"
        else:
            typical.unit = unit
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_typical", fields=errors)
    before = audit.snapshot(typical, SNAPSHOT_FIELDS)
    _apply(typical, data)
    typical.status = CaseStatus.DRAFT
    _fill_search_text(typical)
    typical.save()
    old, new = audit.diff(before, audit.snapshot(typical, SNAPSHOT_FIELDS))
    audit.record(
        action="tolerance.typical.update", actor=actor, target=typical, before=old, after=new
    )
    return typical


@transaction.atomic
def typical_publish(
    *, actor: Any, typical_id: int, manual_review: bool = False, digest: str = ""
) -> TypicalCase:
    """Publish a reviewed draft: refused while the text changed since the preview (`digest`),
    misses a required part, or still looks identifying without the reviewer's "已人工复核"."""
    typical = _for_change(actor, typical_id)
    if typical.status == CaseStatus.PUBLISHED:
        raise DomainError("该典型案例已发布", code="typical_published")
    if digest and digest != content_digest(typical):
        raise DomainError(
            "预览之后案例内容已被修改，请重新预览后再发布", code="typical_changed_since_preview"
        )
    errors = _validate(input_of(typical))
    if errors:
        raise DomainError(
            "案例内容不完整，请先编辑补充：" + "；".join(errors.values()), code="typical_incomplete"
        )
    findings = typical_findings(actor, typical)
    if findings and not manual_review:
        message = "案例中仍有疑似可识别身份的信息，请修改后重新预览，或人工复核后勾选“已人工复核”"
        raise DomainError(message, code="typical_identifying", fields={"manual_review": message})
    now = timezone.now()
    typical.status = CaseStatus.PUBLISHED
    typical.reviewed_by = actor
    typical.reviewed_at = now
    typical.published_at = now
    typical.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "published_at", "updated_at"]
    )
    audit.record(
        action="tolerance.typical.publish",
        actor=actor,
        target=typical,
        after={"status": typical.status, "published_at": now.isoformat()},
        detail={
            "manual_review": bool(findings) and manual_review,
            "warnings": [f.message for f in findings],
            "digest": content_digest(typical),
        },
    )
    return typical


@transaction.atomic
def typical_withdraw(*, actor: Any, typical_id: int, reason: str) -> TypicalCase:
    """Take a published case out of the library (it stays, withdrawn, for the record)."""
    typical = _for_change(actor, typical_id)
    if typical.status != CaseStatus.PUBLISHED:
        raise DomainError("只能撤回已发布的典型案例", code="typical_not_published")
    if not reason.strip():
        raise DomainError(
            "请填写撤回原因", code="reason_required", fields={"reason": "请填写撤回原因"}
        )
    typical.status = CaseStatus.WITHDRAWN
    typical.save(update_fields=["status", "updated_at"])
    audit.record(
        action="tolerance.typical.withdraw",
        actor=actor,
        target=typical,
        before={"status": CaseStatus.PUBLISHED},
        after={"status": typical.status},
        detail={"reason": reason.strip()},
    )
    return typical


@transaction.atomic
def typical_delete(*, actor: Any, typical_id: int) -> None:
    """Discard a draft that was never published."""
    typical = _for_change(actor, typical_id)
    if typical.status != CaseStatus.DRAFT or typical.published_at is not None:
        raise DomainError("只能删除从未发布过的草稿", code="typical_not_draft")
    audit.record(
        action="tolerance.typical.delete",
        actor=actor,
        target=typical,
        before=audit.snapshot(typical, SNAPSHOT_FIELDS),
    )
    typical.delete()
