"""Hook for higher apps to add tabs to the cadre's page (architecture.md: a lower app exposes a
hook, never imports upward). Frontline adds 一线经历, assessment adds 考核, and so on.

Budget (docs/benchmarks.md): on the cadre page each tab costs its `count` (≤ 1 query) and each
header badge ≤ 1 query; tab bodies are loaded on demand by the generic view `cadres:cadre_tab`."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, QuerySet, Subquery
from django.http import HttpRequest

from apps.cadres.models import Cadre


@dataclass(frozen=True)
class DetailTab:
    """A tab of the cadre page, loaded lazily (docs/benchmarks.md "Cadre detail with lazy tabs").

    The cadre page calls only `count` (the number in the label: at most one query, none when the
    number is already known — e.g. from `page_reads`); the body (`build` + `template`) is read
    when the tab is first shown, by htmx from the generic view `cadres:cadre_tab`
    (`GET /cadres/<pk>/tabs/<key>/`), which also serves it as a printable page.

    Need-to-know pillars: `count` returns None and `build` returns {"hidden": True} for a viewer
    without the pillar over this cadre — the tab is then left out of the page entirely (not even
    an empty tab) and its URL answers 404.
    """

    key: str  # HTML id suffix and URL part, e.g. "frontline"
    label: str  # tab title, e.g. "一线经历"
    template: str  # the body, rendered with `cadre`, `tab` (this object) and `data` (from build)
    build: Callable[[HttpRequest, Cadre], dict[str, Any]]  # the body's data, or {"hidden": True}
    count: Callable[[HttpRequest, Cadre], int | None]  # label number (≤ 1 query); None: hidden
    order: int = 100


TABS: list[DetailTab] = []


def register_tab(tab: DetailTab) -> None:
    TABS[:] = sorted([t for t in TABS if t.key != tab.key] + [tab], key=lambda t: t.order)


def tab_named(key: str) -> DetailTab | None:
    return next((t for t in TABS if t.key == key), None)


def tabs_for(request: HttpRequest, cadre: Cadre) -> list[dict[str, Any]]:
    """The tabs this viewer gets, each with its count; a count of None leaves the tab out."""
    counted = ((t, t.count(request, cadre)) for t in TABS)
    return [{"tab": t, "count": n} for t, n in counted if n is not None]


def page_reads(request: HttpRequest) -> dict[int, dict[str, list[Any]]]:
    """Rows the cadre page has already read in this request, per cadre pk and part key
    ("education", "appointment", "resume", …), so a count can reuse them at no query."""
    reads: dict[int, dict[str, list[Any]]] = request.__dict__.setdefault("_cadre_page_reads", {})
    return reads


class SubqueryCount(Subquery):
    """(SELECT COUNT(*) FROM (subquery)): a count as a column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def counts_of(
    cadres: QuerySet[Cadre], cadre_pk: int, **counted: QuerySet[Any]
) -> dict[str, int] | None:
    """Several counts in one query, carried by the cadre's row in `cadres` (a scoped, maybe
    pillar-scoped cadre queryset): None when the cadre is not in `cadres`, so a need-to-know
    check and the tab's count cost one query together."""
    columns = {
        f"n_{name}": SubqueryCount(qs.order_by().values("pk")) for name, qs in counted.items()
    }
    row = cadres.filter(pk=cadre_pk).order_by().annotate(**columns).values_list(*columns).first()
    return None if row is None else {name: int(n) for name, n in zip(counted, row, strict=True)}


@dataclass(frozen=True)
class HeaderBadge:
    """A short badge in the cadre page's header (ui.md: 一线经历 / 影响期内 / 后备干部)."""

    key: str
    text: Callable[[HttpRequest, Cadre], str | None]  # ≤ 1 query; None: no badge for this cadre
    css: str = "bg-blue-lt"
    order: int = 100


BADGES: list[HeaderBadge] = []


def register_badge(badge: HeaderBadge) -> None:
    BADGES[:] = sorted([b for b in BADGES if b.key != badge.key] + [badge], key=lambda b: b.order)


def badges_for(request: HttpRequest, cadre: Cadre) -> list[dict[str, str]]:
    shown = ((b, b.text(request, cadre)) for b in BADGES)
    return [{"key": b.key, "text": text, "css": b.css} for b, text in shown if text]


@dataclass(frozen=True)
class UnitLink:
    """A button on the unit page leading to a pillar's view of that unit (e.g. 重点工作)."""

    label: str
    icon: str
    url: Callable[[int], str]  # unit id -> URL
    order: int = 100


UNIT_LINKS: list[UnitLink] = []


def register_unit_link(link: UnitLink) -> None:
    kept = [x for x in UNIT_LINKS if x.label != link.label]
    UNIT_LINKS[:] = sorted([*kept, link], key=lambda x: x.order)


def unit_links(unit_id: int) -> list[dict[str, str]]:
    return [{"label": x.label, "icon": x.icon, "url": x.url(unit_id)} for x in UNIT_LINKS]
