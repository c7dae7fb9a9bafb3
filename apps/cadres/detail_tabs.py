"""Hook for higher apps to add tabs to the cadre's page (architecture.md: a lower app exposes a
hook, never imports upward). Frontline adds 一线经历, assessment adds 考核, and so on."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from apps.cadres.models import Cadre


@dataclass(frozen=True)
class DetailTab:
    key: str  # HTML id suffix, e.g. "frontline"
    label: str  # tab title, e.g. "一线经历"
    template: str  # rendered with `tab` (this object) and `data` (what `build` returns)
    build: Callable[[HttpRequest, Cadre], dict[str, Any]]  # must include "count"
    order: int = 100


TABS: list[DetailTab] = []


def register_tab(tab: DetailTab) -> None:
    TABS[:] = sorted([t for t in TABS if t.key != tab.key] + [tab], key=lambda t: t.order)


def tabs_for(request: HttpRequest, cadre: Cadre) -> list[dict[str, Any]]:
    """The tabs this viewer gets; a build returning {"hidden": True} leaves its tab out entirely
    (need-to-know pillars: a viewer without the pillar must not even see an empty tab)."""
    built = [(t, t.build(request, cadre)) for t in TABS]
    return [{"tab": t, "data": data} for t, data in built if not data.get("hidden")]


@dataclass(frozen=True)
class HeaderBadge:
    """A short badge in the cadre page's header (ui.md: 一线经历 / 影响期内 / 后备干部)."""

    key: str
    text: Callable[[HttpRequest, Cadre], str | None]  # None: no badge for this cadre
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
