"""Reads of the locality's method (办法, its interpretation and positive/negative lists) and of
the typical-case library.

Both are unit-owned registries (RegistryQuerySet): published rows are public policy inside the
locality, read by every officer and leader whose scope lies in or under the owning unit. Drafts
(and withdrawn cases) are working papers: only holders of the tolerance pillar whose grant covers
the owning unit see them, and only officers among them with the change right write.

`method_in_force` is a fact other parts of the pillar read (the case checklist shows the version
that applied at the time): it takes plain values and returns the version, unscoped, because the
method is public inside the locality and the caller has already scoped its case.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from apps.cadres.models import Cadre
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action, Pillar, ancestor_paths, paths_cover, rules_for
from apps.tolerance.constants import CaseStatus, ListKind
from apps.tolerance.models import ToleranceList, ToleranceMethod, TypicalCase
from apps.tolerance.redaction import Finding, identifying_findings
from apps.tolerance.search import normalise, order_by_rank, search
from apps.units.models import Unit

MAX_TAG_OPTIONS = 200
MAX_WARNING_NAMES = 20000  # cadre names checked against a text before publishing
MAX_UNIT_NAMES = 5000  # unit names of an owner's subtree redacted and checked

# --- who may do what --------------------------------------------------------------------------


def pillar_paths(actor: Any, action: Action = Action.VIEW) -> list[str]:
    """Subtree paths where the actor holds the tolerance pillar (with the change right for
    CHANGE)."""
    return [r.path for r in rules_for(actor, action, Pillar.TOLERANCE)]


def may_manage(actor: Any, unit_path: str) -> bool:
    """Whether the actor writes the method and typical cases of the unit at `unit_path`: an
    officer holding the tolerance pillar with a change grant over the unit."""
    return paths_cover(pillar_paths(actor, Action.CHANGE), unit_path)


def may_review(actor: Any, unit_path: str) -> bool:
    """Whether the actor sees the unit's drafts (the pillar over the unit, read or write)."""
    return paths_cover(pillar_paths(actor, Action.VIEW), unit_path)


def _under(paths: Iterable[str], prefix: str = "unit__") -> Q | None:
    match: Q | None = None
    for path in paths:
        cond = Q(**{f"{prefix}path__startswith": path})
        match = cond if match is None else match | cond
    return match


def manage_units(actor: Any) -> QuerySet[Unit]:
    """Active units the actor may own a method or typical case for (form selects)."""
    match = _under(pillar_paths(actor, Action.CHANGE), prefix="")
    if match is None:
        return Unit.objects.none()
    return Unit.objects.filter(match, is_active=True)


def home_unit(actor: Any, unit_path: str) -> Unit | None:
    """The root unit of the actor's pillar change grant covering `unit_path` (the narrowest
    one): a typical case drafted from a case of 甲县财政局 belongs to 甲县, so the whole county
    reads it."""
    roots = [p for p in pillar_paths(actor, Action.CHANGE) if unit_path.startswith(p)]
    if not roots:
        return None
    return Unit.objects.filter(path=max(roots, key=len)).first()


# --- the method -------------------------------------------------------------------------------


def _visible_methods(actor: Any) -> QuerySet[ToleranceMethod]:
    published = Q(published_at__isnull=False)
    drafts = _under(pillar_paths(actor, Action.VIEW))
    cond = published if drafts is None else published | drafts
    return ToleranceMethod.objects.visible_to(actor).filter(cond)


METHOD_SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("unit__path", "-effective_from", "-id"),
    "-unit": ("-unit__path", "-effective_from", "-id"),
    "effective_from": ("effective_from", "id"),
    "-effective_from": ("-effective_from", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
METHOD_DEFAULT_SORT = "unit"


@dataclass(frozen=True)
class MethodFilters:
    """Filters of the method list (validated by the page's form)."""

    status: str = ""  # "draft" / "published"
    q: str = ""
    sort: str = METHOD_DEFAULT_SORT


def method_list(*, actor: Any, filters: MethodFilters | None) -> QuerySet[ToleranceMethod]:
    """Method versions the actor reads, with their list sizes; None (bad filters) gives none."""
    qs = _visible_methods(actor)
    if filters is None:
        return qs.none()
    if filters.status == "draft":
        qs = qs.filter(published_at__isnull=True)
    elif filters.status == "published":
        qs = qs.filter(published_at__isnull=False)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(unit__name__contains=q))
    order = METHOD_SORTS.get(filters.sort, METHOD_SORTS[METHOD_DEFAULT_SORT])
    return (
        qs.select_related("unit")
        .annotate(
            positives=Count("items", filter=Q(items__kind=ListKind.POSITIVE)),
            negatives=Count("items", filter=Q(items__kind=ListKind.NEGATIVE)),
        )
        .order_by(*order)
    )


def method_get(*, actor: Any, method_id: int, action: Action = Action.VIEW) -> ToleranceMethod:
    """One version the actor reads (or, for CHANGE, may write); else OutOfScopeError."""
    method = _visible_methods(actor).select_related("unit").filter(pk=method_id).first()
    if method is None or (action is Action.CHANGE and not may_manage(actor, method.unit.path)):
        raise OutOfScopeError()
    return method


def method_item_get(*, actor: Any, item_id: int, action: Action = Action.VIEW) -> ToleranceList:
    """One list entry of a version the actor reads (or may write); else OutOfScopeError."""
    item = ToleranceList.objects.filter(pk=item_id).first()
    if item is None:
        raise OutOfScopeError()
    item.method = method_get(actor=actor, method_id=item.method_id, action=action)
    return item


def method_in_force(unit_path: str, on: date) -> ToleranceMethod | None:
    """The version in force for a unit on `on`: the nearest unit upward (the unit itself first)
    having a published version effective by `on`, and that unit's latest such version."""
    candidates = (
        ToleranceMethod.objects.filter(
            unit__path__in=ancestor_paths(unit_path),
            published_at__isnull=False,
            effective_from__lte=on,
        )
        .select_related("unit")
        .order_by("-unit__depth", "-effective_from", "-published_at", "-id")
    )
    return candidates.first()


def methods_in_force_for(actor: Any, on: date) -> list[tuple[Unit, ToleranceMethod | None]]:
    """The version in force on `on` for each root unit of the actor's grants (the list page's
    "现行办法" card)."""
    paths = sorted({r.path for r in rules_for(actor, Action.VIEW)})
    units = Unit.objects.filter(path__in=paths).order_by("path")
    return [(unit, method_in_force(unit.path, on)) for unit in units]


def method_versions(method: ToleranceMethod) -> list[ToleranceMethod]:
    """The published versions of the method's unit, oldest first (the version history)."""
    return list(
        ToleranceMethod.objects.filter(unit_id=method.unit_id, published_at__isnull=False)
        .select_related("published_by")
        .order_by("effective_from", "published_at", "id")
    )


def method_previous(method: ToleranceMethod) -> ToleranceMethod | None:
    """The published version this one follows (for a draft: the latest published version)."""
    versions = method_versions(method)
    if not method.is_published:
        return versions[-1] if versions else None
    index = [v.pk for v in versions].index(method.pk)
    return versions[index - 1] if index > 0 else None


def method_statuses(methods: Iterable[ToleranceMethod], on: date) -> dict[int, str]:
    """草稿 / 待施行 / 现行 / 已废止 of each version on `on` (among its own unit's versions), in
    one query for the whole page."""
    methods = list(methods)
    current: dict[int, int] = {}
    rows = (
        ToleranceMethod.objects.filter(
            unit_id__in={m.unit_id for m in methods},
            published_at__isnull=False,
            effective_from__lte=on,
        )
        .order_by("unit_id", "-effective_from", "-published_at", "-id")
        .values_list("unit_id", "pk")
    )
    for unit_id, pk in rows:
        current.setdefault(unit_id, pk)
    labels: dict[int, str] = {}
    for m in methods:
        if not m.is_published or m.effective_from is None:
            labels[m.pk] = "草稿"
        elif m.effective_from > on:
            labels[m.pk] = "待施行"
        else:
            labels[m.pk] = "现行" if current.get(m.unit_id) == m.pk else "已废止"
    return labels


def method_status(method: ToleranceMethod, on: date) -> str:
    """The status of one version on `on` (see `method_statuses`)."""
    return method_statuses([method], on)[method.pk]


def method_items(method: ToleranceMethod) -> tuple[list[ToleranceList], list[ToleranceList]]:
    """(positive list, negative list) of a version, in their order."""
    items = list(method.items.order_by("sort_order", "code", "id"))
    return (
        [i for i in items if i.kind == ListKind.POSITIVE],
        [i for i in items if i.kind == ListKind.NEGATIVE],
    )


@dataclass(frozen=True)
class ItemChange:
    kind_label: str
    code: str
    old: str
    new: str


@dataclass(frozen=True)
class MethodDiff:
    """What a version changed against the one before: list entries (by list and code) and
    whether the interpretation or title changed."""

    added: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    interpretation_changed: bool = False
    title_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.interpretation_changed
            or self.title_changed
        )


def method_compare(old: ToleranceMethod, new: ToleranceMethod) -> MethodDiff:
    """Entries added, removed and changed (same list and code, other text) from `old` to `new`."""
    labels = dict(ListKind.choices)

    def keyed(method: ToleranceMethod) -> dict[tuple[str, str], str]:
        return {(i.kind, i.code): i.text for i in method.items.all()}

    before, after = keyed(old), keyed(new)
    order = sorted(set(before) | set(after), key=lambda k: (k[0] != ListKind.POSITIVE, k[1]))
    added, removed, changed = [], [], []
    for key in order:
        label = str(labels[key[0]])
        if key not in before:
            added.append(ItemChange(label, key[1], "", after[key]))
        elif key not in after:
            removed.append(ItemChange(label, key[1], before[key], ""))
        elif before[key].strip() != after[key].strip():
            changed.append(ItemChange(label, key[1], before[key], after[key]))
    return MethodDiff(
        added=added,
        removed=removed,
        changed=changed,
        interpretation_changed=old.interpretation.strip() != new.interpretation.strip(),
        title_changed=old.title != new.title,
    )


# --- typical cases ----------------------------------------------------------------------------

TYPICAL_SORTS: dict[str, tuple[str, ...]] = {
    "published_at": ("published_at", "id"),
    "-published_at": ("-published_at", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "area": ("area", "-published_at", "-id"),
    "-area": ("-area", "-published_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}
TYPICAL_DEFAULT_SORT = "-published_at"


@dataclass(frozen=True)
class LibraryFilters:
    """Filters of the library and the management list (validated by the page's form)."""

    q: str = ""
    area: str = ""
    distinction: str = ""
    tag: str = ""
    status: str = ""  # management list only
    sort: str = TYPICAL_DEFAULT_SORT


def _with_tag(qs: QuerySet[TypicalCase], tag: str) -> QuerySet[TypicalCase]:
    # JSON containment is not available on SQLite: narrow by the search text, then check the
    # list itself (tags are in the search text).
    rows = qs.filter(search_text__contains=normalise(tag)).values_list("pk", "tags")
    return qs.filter(pk__in=[pk for pk, tags in rows if tag in (tags or [])])


def _filtered(qs: QuerySet[TypicalCase], filters: LibraryFilters) -> QuerySet[TypicalCase]:
    if filters.area:
        qs = qs.filter(area=filters.area)
    if filters.distinction:
        qs = qs.filter(distinction=filters.distinction)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.tag:
        qs = _with_tag(qs, filters.tag)
    qs = search(qs, filters.q)
    order = TYPICAL_SORTS.get(filters.sort, TYPICAL_SORTS[TYPICAL_DEFAULT_SORT])
    ranked = filters.q.strip() and filters.sort == TYPICAL_DEFAULT_SORT
    qs = order_by_rank(qs, *order) if ranked else qs.order_by(*order)
    return qs.select_related("unit")


def library_queryset(actor: Any) -> QuerySet[TypicalCase]:
    """Published cases the actor reads (owned in, under or above their scope): the library."""
    return TypicalCase.objects.visible_to(actor).filter(status=CaseStatus.PUBLISHED)


def typical_library(*, actor: Any, filters: LibraryFilters | None) -> QuerySet[TypicalCase]:
    """The library page, its PDF and its export: published cases only, for everyone."""
    if filters is None:
        return TypicalCase.objects.none()
    return _filtered(library_queryset(actor), replace(filters, status=""))


def manage_queryset(actor: Any) -> QuerySet[TypicalCase]:
    """Every case (drafts, published, withdrawn) owned inside the actor's tolerance-pillar scope."""
    match = _under(pillar_paths(actor, Action.VIEW))
    if match is None:
        return TypicalCase.objects.none()
    return TypicalCase.objects.filter(match)


def typical_manage_list(*, actor: Any, filters: LibraryFilters | None) -> QuerySet[TypicalCase]:
    """The management list of the pillar's officers (and leaders holding the pillar)."""
    if filters is None:
        return TypicalCase.objects.none()
    return _filtered(manage_queryset(actor), filters)


def typical_get(*, actor: Any, typical_id: int, action: Action = Action.VIEW) -> TypicalCase:
    """A published case in the actor's library, or any case in their pillar scope; for CHANGE, a
    case the actor may write. Else OutOfScopeError (the view's 404)."""
    row = (
        (library_queryset(actor) | manage_queryset(actor))
        .select_related("unit", "reviewed_by", "created_by", "source_case")
        .filter(pk=typical_id)
        .first()
    )
    if row is None:
        raise OutOfScopeError()
    if action is Action.CHANGE and not may_manage(actor, row.unit.path):
        raise OutOfScopeError()
    return row


def typical_tags(queryset: QuerySet[TypicalCase]) -> list[str]:
    """The distinct tags used by the rows (filter options), sorted."""
    tags: set[str] = set()
    for row in queryset.order_by().values_list("tags", flat=True)[:2000]:
        tags.update(t for t in row or [] if isinstance(t, str))
    return sorted(tags)[:MAX_TAG_OPTIONS]


def unit_names(paths: Iterable[str], subtree: str) -> list[str]:
    """Names and short names of the units at `paths` and of every unit under `subtree` (at most
    MAX_UNIT_NAMES of those): the unit names a published case must not carry."""
    rows = list(Unit.objects.filter(path__in=list(paths)).values_list("name", "short_name"))
    under = Unit.objects.filter(path__startswith=subtree).order_by("path")
    rows += list(under.values_list("name", "short_name")[:MAX_UNIT_NAMES])
    return [n for row in rows for n in row if n]


def warning_terms(actor: Any, typical: TypicalCase) -> tuple[list[str], list[str]]:
    """(cadre names, unit names) a case to publish must not contain: the cadres (in the actor's
    scope) of the source case's unit and of the owning unit's subtree, the source case's cadre and
    applicant; the names of the units on those paths and under the owning unit."""
    unit_paths = {typical.unit.path}
    names: list[str] = []
    case = typical.source_case
    if case is not None:
        cadre = Cadre.objects.unscoped_for_jobs_and_migrations().filter(pk=case.cadre_id).first()
        names += [n for n in (cadre.name if cadre else "", case.applicant_name) if n]
        unit_paths.update(
            Unit.objects.filter(
                pk__in=[case.unit_id, cadre.unit_id if cadre else case.unit_id]
            ).values_list("path", flat=True)
        )
    cadre_match = Q(unit__path__startswith=typical.unit.path)
    if case is not None:
        cadre_match |= Q(unit_id=case.unit_id)
    scoped = Cadre.objects.visible_to(actor).filter(cadre_match)
    names += list(scoped.order_by().values_list("name", flat=True).distinct()[:MAX_WARNING_NAMES])
    ancestors = {a for path in unit_paths for a in ancestor_paths(path)}
    return names, unit_names(ancestors, typical.unit.path)


def typical_findings(actor: Any, typical: TypicalCase) -> list[Finding]:
    """What in the text to publish still looks identifying (the preview's warning list)."""
    names, units = warning_terms(actor, typical)
    text = "\n".join(
        [typical.title, typical.situation, typical.decision, typical.lesson, *typical.tags]
    )
    return identifying_findings(text, names=names, units=units)
