"""REST endpoints for the org-unit tree (/api/v1/units/): only units inside the actor's scope.

Occupancy (职数 vs holders) lives in apps/cadres/api.py (`/units/{id}/occupancy`) because units
may not import cadres.
"""

from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import AfterValidator, ConfigDict

from apps.accounts.api_auth import READ_AUTH, api_actor
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action, paths_cover, rules_for

from .models import Unit

MAX_ID = 2**63 - 1
router = Router(tags=["单位"], auth=READ_AUTH)


def _plain_text(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("不能包含控制字符")
    return value


class UnitListParams(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    parent: int | None = Field(
        None, title="上级单位", ge=1, le=MAX_ID, description="只列其直属下级"
    )
    q: Annotated[str, AfterValidator(_plain_text)] | None = Field(
        None, title="单位名称/代码", max_length=50
    )
    include_inactive: bool = Field(False, title="含已撤并单位")
    page: int = Field(1, title="页码", ge=1, le=100_000)
    page_size: int = Field(50, title="每页条数", ge=1, le=100)


class UnitRefOut(Schema):
    id: int
    name: str = Field(title="单位名称")


class UnitOut(Schema):
    id: int
    name: str = Field(title="单位名称")
    short_name: str = Field(title="简称")
    code: str = Field(title="单位代码")
    level: str = Field(title="单位层级")
    level_display: str
    kind: str = Field(title="单位类别")
    kind_display: str
    parent_id: int | None = Field(None, title="上级单位")
    depth: int = Field(title="层深")
    is_active: bool = Field(title="有效")


class UnitListOut(Schema):
    count: int = Field(title="总数")
    page: int
    page_size: int
    items: list[UnitOut]


class UnitDetailOut(UnitOut):
    """A unit, its parent (null when outside the actor's scope) and its visible children."""

    parent: UnitRefOut | None = Field(None, title="上级单位")
    version: int = Field(title="版本")
    children: list[UnitOut]


def _item(unit: Unit, scope_paths: list[str]) -> dict[str, Any]:
    """A unit's fields; the parent id only when the parent lies inside the actor's scope."""
    parent_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
    parent_visible = unit.parent_id is not None and paths_cover(scope_paths, parent_path)
    return {
        "id": unit.pk,
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "level": unit.level,
        "level_display": unit.get_level_display(),
        "kind": unit.kind,
        "kind_display": unit.get_kind_display(),
        "parent_id": unit.parent_id if parent_visible else None,
        "depth": unit.depth,
        "is_active": unit.is_active,
    }


@router.get("/", response=UnitListOut, summary="单位列表")
def unit_list(request: HttpRequest, filters: Query[UnitListParams]) -> dict[str, Any]:
    """Units in the actor's scope, in tree order; `parent` lists its direct children."""
    units = Unit.objects.visible_to(api_actor(request))
    if not filters.include_inactive:
        units = units.active()
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    if filters.q:
        units = units.filter(
            Q(name__contains=filters.q) | Q(short_name__contains=filters.q) | Q(code=filters.q)
        )
    start = (filters.page - 1) * filters.page_size
    scope_paths = [rule.path for rule in rules_for(api_actor(request), Action.VIEW)]
    page = units.order_by("path")[start : start + filters.page_size]
    return {
        "count": units.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_item(unit, scope_paths) for unit in page],
    }


@router.get("/{unit_id}", response=UnitDetailOut, summary="单位详情")
def unit_detail(
    request: HttpRequest, unit_id: Annotated[int, Path(title="单位编号", ge=1, le=MAX_ID)]
) -> dict[str, Any]:
    visible = Unit.objects.visible_to(api_actor(request))
    unit = visible.filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScopeError()
    parent = visible.filter(pk=unit.parent_id).first() if unit.parent_id else None
    scope_paths = [rule.path for rule in rules_for(api_actor(request), Action.VIEW)]
    children = visible.filter(parent=unit).order_by("sort_order", "path")
    return {
        **_item(unit, scope_paths),
        "parent": parent,
        "version": unit.version,
        "children": [_item(child, scope_paths) for child in children],
    }
