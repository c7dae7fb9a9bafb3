"""The cadre page's 容错纠错 tab (registered with apps.cadres.detail_tabs), shown only to users
holding the tolerance pillar for that cadre: for anyone else the count is None and the build
returns {"hidden": True}, so the tab is left out entirely and its URL answers 404 (need-to-know:
not even an empty tab hints that such records could exist). The pillar check is in memory; the
count (cases and clarifications) is one query; the body is loaded when the tab is shown."""

from typing import Any

from django.http import HttpRequest

from apps.accounts.models import Role
from apps.cadres.detail_tabs import DetailTab, counts_of, register_tab
from apps.cadres.models import Cadre
from apps.core.scope import Action
from apps.tolerance import selectors_cases as selectors


def count_tolerance_tab(request: HttpRequest, cadre: Cadre) -> int | None:
    actor: Any = request.user
    if not selectors.holds_pillar_for(actor, cadre):
        return None
    counts = counts_of(
        selectors.pillar_cadres(actor),
        cadre.pk,
        cases=selectors.cadre_cases(actor=actor, cadre_id=cadre.pk),
        clarifications=selectors.cadre_clarifications(actor=actor, cadre_id=cadre.pk),
    )
    return None if counts is None else counts["cases"] + counts["clarifications"]


def build_tolerance_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """The cadre's cases and clarifications, read through the viewer's scope and pillar."""
    actor: Any = request.user
    if not selectors.holds_pillar_for(actor, cadre):
        return {"count": 0, "hidden": True}
    cases = list(selectors.cadre_cases(actor=actor, cadre_id=cadre.pk))
    clarifications = list(selectors.cadre_clarifications(actor=actor, cadre_id=cadre.pk))
    may_add = getattr(actor, "role", None) == Role.OFFICER and selectors.holds_pillar_for(
        actor, cadre, Action.CHANGE
    )
    return {
        "count": len(cases) + len(clarifications),
        "cases": cases,
        "clarifications": clarifications,
        "can_add": may_add,
    }


register_tab(
    DetailTab(
        key="tolerance",
        label="容错纠错",
        template="tolerance/_tab_tolerance.html",
        build=build_tolerance_tab,
        count=count_tolerance_tab,
        order=40,
    )
)
