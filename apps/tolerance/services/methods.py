"""Writes of the locality's method (容错纠错办法): versions with their interpretation (释义) and
positive/negative lists (正面/负面清单).

A version is a draft until published; a published version is never edited (a case's checklist
must keep showing the version that applied when it was decided): a change is a new version,
copied from the last one, published with a later (or the same) effective date.

Who writes: an officer holding the tolerance pillar with a change grant over the owning unit
(`selectors_library.may_manage`). Every write is audited in its transaction.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action
from apps.tolerance.constants import ListKind
from apps.tolerance.models import ToleranceList, ToleranceMethod
from apps.tolerance.selectors_library import may_manage
from apps.units.models import Unit

PUBLISHED_IMMUTABLE = "已发布的版本不能修改，请新建版本"
METHOD_FIELDS = ["unit", "title", "version_label", "effective_from", "interpretation"]
ITEM_FIELDS = ["kind", "code", "text", "sort_order"]


# --- rules (pure) -----------------------------------------------------------------------------


def publish_problems(
    *,
    positives: int,
    negatives: int,
    interpretation: str,
    effective_from: date | None,
    previous_from: date | None,
) -> dict[str, str]:
    """Why a version may not be published yet (field → message); empty when it may.

    Source: the locality's 容错纠错办法 answers "which mistakes may be tolerated, which may not,
    and how" (广东 model: 办法 + 释义 + 正面清单 + 负面清单), so a version needs its
    interpretation and at least one entry in each list. Versions follow each other in time: the
    effective date may not precede the previous published version's (equal dates: the later
    publication replaces the earlier from that day)."""
    problems: dict[str, str] = {}
    if not interpretation.strip():
        problems["interpretation"] = "请先填写办法释义"
    if positives < 1:
        problems["positive"] = "正面清单（可以容错的情形）至少需要一条"
    if negatives < 1:
        problems["negative"] = "负面清单（不予容错的情形）至少需要一条"
    if effective_from is None:
        problems["effective_from"] = "请填写施行日期"
    elif previous_from is not None and effective_from < previous_from:
        problems["effective_from"] = (
            f"施行日期不能早于上一版本的施行日期（{previous_from:%Y-%m-%d}）"
        )
    return problems


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodInput:
    """What the method form submits (the unit is fixed once the version exists)."""

    unit_id: int
    title: str
    version_label: str
    interpretation: str = ""


@dataclass(frozen=True)
class ItemInput:
    """One list entry as the form submits it."""

    kind: str
    code: str
    text: str
    sort_order: int = 0


# --- helpers ----------------------------------------------------------------------------------


def _lock_unit(unit_id: int) -> Unit:
    # Serialises the writes of one unit's versions (one draft at a time, publication order).
    return Unit.objects.select_for_update().get(pk=unit_id)


def _method_for_change(actor: Any, method_id: int) -> ToleranceMethod:
    method = (
        ToleranceMethod.objects.visible_to(actor, Action.CHANGE)
        .select_for_update()
        .select_related("unit")
        .filter(pk=method_id)
        .first()
    )
    if method is None or not may_manage(actor, method.unit.path):
        raise OutOfScopeError()
    return method


def _draft_for_change(actor: Any, method_id: int) -> ToleranceMethod:
    method = _method_for_change(actor, method_id)
    if method.is_published:
        raise DomainError(PUBLISHED_IMMUTABLE, code="method_published")
    return method


def _check_text(data: MethodInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "请填写办法名称"
    if not data.version_label.strip():
        errors["version_label"] = "请填写版本（如“2026年版”）"
    return errors


def _refuse_second_draft(unit: Unit, exclude: int | None = None) -> None:
    drafts = ToleranceMethod.objects.filter(unit=unit, published_at__isnull=True)
    if exclude is not None:
        drafts = drafts.exclude(pk=exclude)
    draft = drafts.first()
    if draft is not None:
        raise DomainError(
            f"{unit.name}已有未发布的草稿版本“{draft.version_label}”，请先发布或删除该草稿",
            code="method_draft_exists",
        )


# --- methods ----------------------------------------------------------------------------------


@transaction.atomic
def method_create(*, actor: Any, data: MethodInput) -> ToleranceMethod:
    """Start a draft version of a unit's method (without entries)."""
    errors = _check_text(data)
    unit = Unit.objects.filter(pk=data.unit_id, is_active=True).first()
    if unit is None or not may_manage(actor, unit.path):
        errors["unit"] = "制定单位不存在或您无权为其制定办法"
    if errors or unit is None:
        raise DomainError("；".join(errors.values()), code="invalid_method", fields=errors)
    unit = _lock_unit(unit.pk)
    _refuse_second_draft(unit)
    method = ToleranceMethod.objects.create(
        unit=unit,
        title=data.title.strip(),
        version_label=data.version_label.strip(),
        interpretation=data.interpretation.strip(),
        created_by=actor,
    )
    audit.record(
        action="tolerance.method.create",
        actor=actor,
        target=method,
        after=audit.snapshot(method, METHOD_FIELDS),
    )
    return method


@transaction.atomic
def method_update(*, actor: Any, method_id: int, data: MethodInput) -> ToleranceMethod:
    """Edit a draft's title, version label and interpretation; published versions refuse."""
    method = _draft_for_change(actor, method_id)
    errors = _check_text(data)
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_method", fields=errors)
    before = audit.snapshot(method, METHOD_FIELDS)
    method.title = data.title.strip()
    method.version_label = data.version_label.strip()
    method.interpretation = data.interpretation.strip()
    method.save(update_fields=["title", "version_label", "interpretation", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(method, METHOD_FIELDS))
    audit.record(
        action="tolerance.method.update", actor=actor, target=method, before=old, after=new
    )
    return method


@transaction.atomic
def method_delete(*, actor: Any, method_id: int) -> None:
    """Discard a draft version with its entries (published versions stay for ever)."""
    method = _draft_for_change(actor, method_id)
    before = audit.snapshot(method, METHOD_FIELDS)
    before["items"] = list(method.items.values("kind", "code", "text"))
    audit.record(action="tolerance.method.delete", actor=actor, target=method, before=before)
    method.delete()


@transaction.atomic
def method_publish(*, actor: Any, method_id: int, effective_from: date) -> ToleranceMethod:
    """Publish a draft from `effective_from` on (checks: `publish_problems`)."""
    method = _draft_for_change(actor, method_id)
    _lock_unit(method.unit_id)
    previous = (
        ToleranceMethod.objects.filter(unit_id=method.unit_id, published_at__isnull=False)
        .order_by("-effective_from", "-published_at", "-id")
        .first()
    )
    kinds = list(method.items.values_list("kind", flat=True))
    problems = publish_problems(
        positives=kinds.count(ListKind.POSITIVE),
        negatives=kinds.count(ListKind.NEGATIVE),
        interpretation=method.interpretation,
        effective_from=effective_from,
        previous_from=previous.effective_from if previous else None,
    )
    if problems:
        raise DomainError("；".join(problems.values()), code="method_incomplete", fields=problems)
    method.effective_from = effective_from
    method.published_at = timezone.now()
    method.published_by = actor
    method.save(update_fields=["effective_from", "published_at", "published_by", "updated_at"])
    audit.record(
        action="tolerance.method.publish",
        actor=actor,
        target=method,
        after={
            "effective_from": str(effective_from),
            "positives": kinds.count(ListKind.POSITIVE),
            "negatives": kinds.count(ListKind.NEGATIVE),
        },
        detail={"previous": previous.pk if previous else None},
    )
    return method


@transaction.atomic
def method_new_version(
    *, actor: Any, from_method_id: int, version_label: str = ""
) -> ToleranceMethod:
    """A new draft of the same unit copied from a version (title, interpretation, entries)."""
    source = _method_for_change(actor, from_method_id)
    unit = _lock_unit(source.unit_id)
    _refuse_second_draft(unit)
    count = ToleranceMethod.objects.filter(unit=unit).count()
    method = ToleranceMethod.objects.create(
        unit=unit,
        title=source.title,
        version_label=version_label.strip() or f"第{count + 1}版",
        interpretation=source.interpretation,
        created_by=actor,
    )
    ToleranceList.objects.bulk_create(
        ToleranceList(method=method, kind=i.kind, code=i.code, text=i.text, sort_order=i.sort_order)
        for i in source.items.order_by("kind", "sort_order", "id")
    )
    audit.record(
        action="tolerance.method.new_version",
        actor=actor,
        target=method,
        after=audit.snapshot(method, METHOD_FIELDS),
        detail={"from": source.pk, "items": source.items.count()},
    )
    return method


# --- list entries -----------------------------------------------------------------------------


def _check_item(data: ItemInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in ListKind.values:
        errors["kind"] = "请选择正面清单或负面清单"
    if not data.code.strip():
        errors["code"] = "请填写编号"
    if not data.text.strip():
        errors["text"] = "请填写清单内容"
    if data.sort_order < 0:
        errors["sort_order"] = "排序不能为负数"
    return errors


def _save_item(item: ToleranceList, data: ItemInput) -> None:
    errors = _check_item(data)
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_item", fields=errors)
    duplicate = (
        ToleranceList.objects.filter(method_id=item.method_id, kind=data.kind, code=data.code)
        .exclude(pk=item.pk)
        .exists()
    )
    message = f"本清单已有编号为“{data.code.strip()}”的条目，请换一个编号"
    if duplicate:
        raise DomainError(message, code="duplicate_code", fields={"code": message})
    item.kind, item.code = data.kind, data.code.strip()
    item.text, item.sort_order = data.text.strip(), data.sort_order
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # a concurrent entry took the code meanwhile
        raise DomainError(message, code="duplicate_code", fields={"code": message}) from None


@transaction.atomic
def list_item_add(*, actor: Any, method_id: int, data: ItemInput) -> ToleranceList:
    """Add an entry to a draft's positive or negative list (codes unique per list)."""
    method = _draft_for_change(actor, method_id)
    item = ToleranceList(method=method)
    _save_item(item, data)
    audit.record(
        action="tolerance.method_item.add",
        actor=actor,
        target=item,
        after=audit.snapshot(item, ITEM_FIELDS),
        detail={"method": method.pk},
    )
    return item


def _item_for_change(actor: Any, item_id: int) -> ToleranceList:
    method_id = ToleranceList.objects.filter(pk=item_id).values_list("method_id", flat=True)
    found = method_id.first()
    if found is None:
        raise OutOfScopeError()
    _draft_for_change(actor, found)
    return ToleranceList.objects.select_for_update().get(pk=item_id)


@transaction.atomic
def list_item_update(*, actor: Any, item_id: int, data: ItemInput) -> ToleranceList:
    """Edit an entry of a draft."""
    item = _item_for_change(actor, item_id)
    before = audit.snapshot(item, ITEM_FIELDS)
    _save_item(item, data)
    old, new = audit.diff(before, audit.snapshot(item, ITEM_FIELDS))
    audit.record(
        action="tolerance.method_item.update",
        actor=actor,
        target=item,
        before=old,
        after=new,
        detail={"method": item.method_id},
    )
    return item


@transaction.atomic
def list_item_delete(*, actor: Any, item_id: int) -> None:
    """Remove an entry from a draft."""
    item = _item_for_change(actor, item_id)
    audit.record(
        action="tolerance.method_item.delete",
        actor=actor,
        target=item,
        before=audit.snapshot(item, ITEM_FIELDS),
        detail={"method": item.method_id},
    )
    item.delete()


__all__ = [
    "PUBLISHED_IMMUTABLE",
    "ItemInput",
    "MethodInput",
    "list_item_add",
    "list_item_delete",
    "list_item_update",
    "method_create",
    "method_delete",
    "method_new_version",
    "method_publish",
    "method_update",
    "publish_problems",
]
