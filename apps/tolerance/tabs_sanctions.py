"""The cadre page's 处分与帮带 tab (registered with apps.cadres.detail_tabs) and the influence
badge of the cadre header.

Need-to-know: the tab exists only for viewers holding the sanctions pillar over the cadre; for
anyone else it is hidden entirely (not even an empty tab, and its URL answers 404). On the cadre
page the tab costs one query (the pillar check and the count together; none without the pillar)
and the badge one; the body is loaded when the tab is first shown. The badge is the one thing a
plain officer learns — that the cadre is within an influence period, and until when — because
selection rules (ELG-24-1(6), REUSE-1) require every selection officer to know it.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.cadres.detail_tabs import (
    DetailTab,
    HeaderBadge,
    counts_of,
    register_badge,
    register_tab,
)
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.scope import Action
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.rules_sanctions import STATUS_LABELS, sanction_status

RECENT_FOLLOW_UPS = 5


def influence_badge(cadre_id: int, on: date) -> str | None:
    """ "处分影响期内（至2027-01-14）" (or "（长期）") when the cadre is within an influence period
    on `on`, else None. No kind, no details: the caller shows it to any viewer of the cadre."""
    period = sel.influence_period(cadre_id, on)
    if period is None:
        return None
    until = f"至{period.until:%Y-%m-%d}" if period.until else "长期"
    return f"处分影响期内（{until}）"


def count_sanctions_tab(request: HttpRequest, cadre: Cadre) -> int | None:
    """The cadre's sanctions the viewer may see; None (hidden) without the pillar over it."""
    actor: Any = request.user
    if not sel.has_pillar(actor):
        return None
    counts = counts_of(
        sel.pillar_cadres(actor),
        cadre.pk,
        sanctions=sel.cadre_sanctions(actor=actor, cadre_id=cadre.pk),
    )
    return None if counts is None else counts["sanctions"]


def build_sanctions_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """Sanctions, the influence period, the mentor, recent visits and reuse assessments of the
    cadre — for viewers holding the pillar over this cadre; hidden for everyone else."""
    actor: Any = request.user
    if not sel.pillar_cadres(actor).filter(pk=cadre.pk).exists():
        return {"count": 0, "hidden": True}
    today = timezone.localdate()
    sanctions = list(sel.cadre_sanctions(actor=actor, cadre_id=cadre.pk))
    for s in sanctions:
        status = sanction_status(s, today)
        s.status, s.status_label = status, STATUS_LABELS[status]  # type: ignore[attr-defined]
    if sanctions:
        audit.record(
            action="tolerance.sanction.cadre_view",
            actor=actor,
            target=cadre,
            detail={"sanctions": [s.pk for s in sanctions]},
        )
    mentors = sel.cadre_mentors(actor=actor, cadre_id=cadre.pk)
    return {
        "count": len(sanctions),
        "today": today,
        "sanctions": sanctions,
        "period": sel.influence_period(cadre.pk, today),
        "mentor": mentors.filter(ended_on__isnull=True).first(),
        "follow_ups": list(
            sel.cadre_follow_ups(actor=actor, cadre_id=cadre.pk)[:RECENT_FOLLOW_UPS]
        ),
        "reuse": list(sel.cadre_reuse(actor=actor, cadre_id=cadre.pk)),
        "can_add": sel.pillar_cadres(actor, Action.CHANGE).filter(pk=cadre.pk).exists(),
    }


register_tab(
    DetailTab(
        key="sanctions",
        label="处分与帮带",
        template="tolerance/_tab_sanctions.html",
        build=build_sanctions_tab,
        count=count_sanctions_tab,
        order=60,
    )
)


def _header_badge(request: HttpRequest, cadre: Cadre) -> str | None:
    return influence_badge(cadre.pk, timezone.localdate())


register_badge(HeaderBadge(key="influence", text=_header_badge, css="bg-orange-lt", order=20))
