"""The one data-scope layer.

Every query of cadre-bearing rows goes through `visible_to(actor, action)`. A user sees rows whose
unit lies inside one of their granted subtrees *and* whose management level (干部管理权限) the grant
covers; sensitive pillars (容错纠错, 处分, 向组织说说心里话) need the pillar in the grant as well.
Rows outside the scope are simply absent, so views answer 404 and never confirm they exist.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Self

from django.db import models
from django.db.models import Q

from .exceptions import OutOfScopeError


class Action(StrEnum):
    """What the actor wants to do with the rows."""

    VIEW = "view"
    CHANGE = "change"


class Pillar(models.TextChoices):
    """Sensitive pillars opened by separate grants (need-to-know)."""

    TOLERANCE = "tolerance", "容错纠错"
    SANCTIONS = "sanctions", "处分与帮带"
    CONFIDENTIAL = "confidential", "向组织说说心里话"
    INACTION = "inaction", "不作为不担当认定"


@dataclass(frozen=True)
class ScopeRule:
    """One granted subtree: unit path prefix, management levels, sensitive pillars, write right."""

    path: str
    managed_levels: frozenset[str]
    pillars: frozenset[str] = frozenset()
    can_change: bool = False

    def allows(self, action: Action, pillar: str | None) -> bool:
        if action is Action.CHANGE and not self.can_change:
            return False
        return pillar is None or pillar in self.pillars


def rules_for(actor: object, action: Action, pillar: str | None = None) -> list[ScopeRule]:
    """The actor's rules that open `action` (and `pillar`); empty for anonymous or 三员 users.

    The actor is anything with `is_authenticated` and `scope_rules()` (accounts.User); core does
    not import accounts."""
    if not getattr(actor, "is_authenticated", False) or not hasattr(actor, "scope_rules"):
        return []
    return [r for r in actor.scope_rules() if r.allows(action, pillar)]


SCOPE_ROOT_DEPTH = 2


def path_depth(path: str) -> int:
    """ "/1/43/7/" -> 3."""
    return len(ancestor_paths(path))


def scope_root_of(path: str) -> str:
    """A unit path cut to its first two levels ("/1/43/7/" -> "/1/43/"; "/1/" stays): what the
    database triggers of migration cadres 0005 store in Cadre.scope_root."""
    return ancestor_paths(path)[:SCOPE_ROOT_DEPTH][-1]


class ScopedQuerySet[M: models.Model](models.QuerySet[M]):
    """Queryset of rows scoped by the unit and management level of a cadre.

    Subclasses name the lookups: `scope_prefix` leads from the row to the cadre-like object that
    carries `unit`, `managed_by` and `deleted_at` (empty for Cadre itself, "cadre__" for its parts).
    """

    scope_prefix: ClassVar[str] = ""
    # A column holding the row's unit path cut to two levels (Cadre.scope_root), kept by the
    # database: `visible_to(..., by_root=True)` matches rules on it (`_subtree`), so an index
    # serves a subtree in name order without joining units.
    scope_root_field: ClassVar[str | None] = None
    scope_has_managed_by: ClassVar[bool] = True
    scope_soft_delete: ClassVar[bool] = True
    scope_pillar: ClassVar[str | None] = None

    def visible_to(
        self,
        actor: object,
        action: Action = Action.VIEW,
        *,
        include_deleted: bool = False,
        by_root: bool = False,
    ) -> Self:
        """Rows the actor may see (or change). The only sanctioned way to read scoped rows.

        `by_root`: match subtrees on the stored root where the model has one (`_subtree`), for
        a query that does not order by the unit path; the rows are the same either way."""
        rules = rules_for(actor, action, self.scope_pillar)
        if not rules:
            return self.none()
        prefix = self.scope_prefix
        match = Q()
        for rule in rules:
            cond = self._subtree(rule.path) if by_root else self._by_path(rule.path)
            if self.scope_has_managed_by:
                cond &= Q(**{f"{prefix}managed_by__in": sorted(rule.managed_levels)})
            match |= cond
        qs = self.filter(match)
        if self.scope_soft_delete and not include_deleted:
            qs = qs.filter(**{f"{prefix}deleted_at__isnull": True})
        return qs

    def _by_path(self, path: str) -> Q:
        return Q(**{f"{self.scope_prefix}unit__path__startswith": path})

    def _subtree(self, path: str) -> Q:
        """Rows whose unit lies in the subtree at `path`, matched on the stored root
        (Cadre.scope_root, which database triggers keep equal to the unit path's first two
        levels), so that an index walks the subtree in name order without joining units (deep
        pages): a rule exactly two levels deep (a county) is `root = path`; a rule at the top
        is `root starts with path`; a deeper rule is the unit path and `root = its first two
        levels`.

        Not for a query ordered by the unit path: without the path in the WHERE clause the
        planner walks every unit of the tree in path order to find the subtree's (2 s at 1M
        cadres, docs/benchmarks.md)."""
        root_field, depth = self.scope_root_field, path_depth(path)
        if not root_field:
            return self._by_path(path)
        field = f"{self.scope_prefix}{root_field}"
        if depth < SCOPE_ROOT_DEPTH:
            return Q(**{f"{field}__startswith": path})
        root = Q(**{field: scope_root_of(path)})
        return root if depth == SCOPE_ROOT_DEPTH else root & self._by_path(path)

    def unscoped_for_jobs_and_migrations(self) -> Self:
        """All rows, bypassing scope: system jobs, commands, migrations and system-wide integrity
        checks (unique id numbers) only — never to show rows to a user. Greppable on purpose."""
        return self.all()


class UnitScopedQuerySet[M: models.Model](models.QuerySet[M]):
    """Rows that belong to a unit (no management level): visible within the granted subtrees."""

    scope_unit_field: ClassVar[str] = "unit"

    def visible_to(self, actor: object, action: Action = Action.VIEW) -> Self:
        rules = rules_for(actor, action)
        if not rules:
            return self.none()
        match = Q()
        for rule in rules:
            match |= Q(**{f"{self.scope_unit_field}__path__startswith": rule.path})
        return self.filter(match)


def ancestor_paths(path: str) -> list[str]:
    """ "/1/5/9/" -> ["/1/", "/1/5/", "/1/5/9/"]: the paths of a unit and of every unit above it."""
    ids = [p for p in path.split("/") if p]
    return ["/" + "/".join(ids[: i + 1]) + "/" for i in range(len(ids))]


class RegistryQuerySet[M: models.Model](models.QuerySet[M]):
    """Unit-owned registry rows (tasks, catalogues, methods, case libraries): visible when the
    owning unit is inside a granted subtree or above its root; changeable only inside a subtree
    granted for change."""

    owner_field = "unit"
    extra_visible_field: str | None = None  # e.g. participating units

    def visible_to(self, actor: object, action: Action = Action.VIEW) -> Self:
        rules = rules_for(actor, action)
        if not rules:
            return self.none()
        match = Q()
        for rule in rules:
            match |= Q(**{f"{self.owner_field}__path__startswith": rule.path})
            if action is Action.VIEW:
                match |= Q(**{f"{self.owner_field}__path__in": ancestor_paths(rule.path)})
                if self.extra_visible_field:
                    match |= Q(**{f"{self.extra_visible_field}__path__startswith": rule.path})
        # Joining the participating units can repeat a row: DISTINCT for reads only (PostgreSQL
        # refuses DISTINCT with the FOR UPDATE of a change).
        distinct = self.extra_visible_field and action is Action.VIEW
        return self.filter(match).distinct() if distinct else self.filter(match)


def assert_in_scope(
    queryset: "models.QuerySet[models.Model]", pk: object, actor: object, action: Action
) -> None:
    """Re-check after a write (NetBox-style): the row must still be inside the actor's scope."""
    scoped = queryset.visible_to(actor, action)  # type: ignore[attr-defined]
    if not scoped.filter(pk=pk).exists():
        raise OutOfScopeError("保存后的记录超出了您的数据范围，操作已撤销")


def paths_cover(paths: Iterable[str], path: str) -> bool:
    """Whether a unit path lies inside any of the given subtree paths."""
    return any(path.startswith(p) for p in paths)
