"""Changes to the org-unit tree. Moves, merges and renames keep history (UnitEvent) and audit."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from apps.core import audit
from apps.core.exceptions import DomainError

from .constants import UnitEventKind
from .models import PostQuota, Unit, UnitEvent


def _event(
    unit: Unit,
    kind: str,
    actor: Any,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    effective_date: date | None = None,
    document_no: str = "",
) -> None:
    UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        before=before,
        after=after,
        effective_date=effective_date,
        document_no=document_no,
    )
    audit.record(action=f"unit.{kind}", actor=actor, target=unit, before=before, after=after)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    name: str,
    code: str,
    level: str,
    kind: str,
    parent: Unit | None,
    short_name: str = "",
    sort_order: int = 0,
) -> Unit:
    """Create a unit under `parent` (or a root); its path is computed from the parent's."""
    if Unit.objects.filter(code=code).exists():
        raise DomainError(f"单位代码“{code}”已存在", fields={"code": "单位代码已存在"})
    if parent is not None and not parent.is_active:
        raise DomainError("上级单位已撤并，不能在其下设立单位", fields={"parent": "上级单位已撤并"})
    unit = Unit(
        name=name,
        short_name=short_name,
        code=code,
        level=level,
        kind=kind,
        parent=parent,
        sort_order=sort_order,
        path=f"pending:{code}",  # replaced once the id is known
    )
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    _event(unit, UnitEventKind.CREATED, actor, {}, {"name": name, "parent": parent and parent.pk})
    return unit


@transaction.atomic
def unit_rename(
    *,
    actor: Any,
    unit_id: int,
    name: str,
    short_name: str = "",
    effective_date: date | None = None,
    document_no: str = "",
) -> Unit:
    """Rename a unit; the old name stays in its history."""
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    before = {"name": unit.name, "short_name": unit.short_name}
    unit.name, unit.short_name = name, short_name
    unit.version += 1
    unit.save(update_fields=["name", "short_name", "version"])
    _event(
        unit,
        UnitEventKind.RENAMED,
        actor,
        before,
        {"name": name, "short_name": short_name},
        effective_date=effective_date,
        document_no=document_no,
    )
    return unit


def _rewrite_subtree(old_path: str, new_path: str, depth_delta: int) -> int:
    """One UPDATE re-roots every path under `old_path` (no recursion in Python)."""
    return Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )


@transaction.atomic
def unit_move(
    *,
    actor: Any,
    unit_id: int,
    new_parent_id: int,
    effective_date: date | None = None,
    document_no: str = "",
) -> Unit:
    """Move a unit (and its subtree) under another parent (调整隶属关系)."""
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    new_parent = Unit.objects.select_for_update().get(pk=new_parent_id)
    if new_parent.path.startswith(unit.path):
        raise DomainError(
            "不能把单位移到其自身或下级单位之下", fields={"parent": "目标上级单位无效"}
        )
    if not new_parent.is_active:
        raise DomainError("目标上级单位已撤并", fields={"parent": "目标上级单位已撤并"})
    before = {"parent": unit.parent_id, "path": unit.path}
    new_path = f"{new_parent.path}{unit.pk}/"
    _rewrite_subtree(unit.path, new_path, new_parent.depth + 1 - unit.depth)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent, version=F("version") + 1)
    unit.refresh_from_db()
    _event(
        unit,
        UnitEventKind.MOVED,
        actor,
        before,
        {"parent": new_parent.pk, "path": unit.path},
        effective_date=effective_date,
        document_no=document_no,
    )
    return unit


@transaction.atomic
def unit_merge(
    *,
    actor: Any,
    source_id: int,
    target_id: int,
    reassign: Any,
    effective_date: date | None = None,
    document_no: str = "",
) -> Unit:
    """Merge `source` into `target`: children move under target, the source is deactivated.

    `reassign(source, target)` is the hook the cadres app passes in to move cadres and posts
    (units may not import cadres); it returns counts for the history record.
    """
    source = Unit.objects.select_for_update().get(pk=source_id)
    target = Unit.objects.select_for_update().get(pk=target_id)
    if source.pk == target.pk or target.path.startswith(source.path):
        raise DomainError("不能并入自身或下级单位", fields={"target": "目标单位无效"})
    if not (source.is_active and target.is_active):
        raise DomainError("已撤并的单位不能再合并", fields={"target": "单位已撤并"})
    children = list(source.children.filter(is_active=True).values_list("pk", flat=True))
    for child_id in children:
        unit_move(
            actor=actor,
            unit_id=child_id,
            new_parent_id=target.pk,
            effective_date=effective_date,
            document_no=document_no,
        )
    moved = reassign(source, target) if reassign else {}
    source.is_active = False
    source.merged_into = target
    source.version += 1
    source.save(update_fields=["is_active", "merged_into", "version"])
    _event(
        source,
        UnitEventKind.MERGED,
        actor,
        {"active": True},
        {"merged_into": target.pk, "children": children, **moved},
        effective_date=effective_date,
        document_no=document_no,
    )
    return target


@transaction.atomic
def quota_set(*, actor: Any, unit_id: int, tier: str, approved: int, note: str = "") -> PostQuota:
    """Set the approved number (职数) of posts of a tier in a unit."""
    unit = Unit.objects.get(pk=unit_id)
    quota, _ = PostQuota.objects.get_or_create(unit=unit, tier=tier, defaults={"approved": 0})
    before = {"tier": tier, "approved": quota.approved}
    quota.approved, quota.note = approved, note
    quota.save()
    _event(
        unit,
        UnitEventKind.QUOTA,
        actor,
        before,
        {"tier": tier, "approved": approved},
        document_no=note[:100],
    )
    return quota
