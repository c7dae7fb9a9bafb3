"""The cadre page's 三龄两历 tab (registered with apps.cadres.detail_tabs): the record's
inconsistencies, each with the fields involved and where to fix it. Import this module from
CadresConfig.ready() so the tab is registered in every process."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres.detail_tabs import DetailTab, register_tab
from apps.cadres.models import Cadre
from apps.cadres.selectors_checks import cadre_checks
from apps.cadres.views.checks import finding


def build_checks_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """The cadre's findings (its parts read through the viewer's scope); count = findings."""
    actor: Any = request.user
    officer = getattr(actor, "role", None) == Role.OFFICER
    issues = cadre_checks(actor=actor, cadre=cadre, today=timezone.localdate())
    return {
        "count": len(issues),
        "findings": [finding(i, cadre.pk, officer=officer) for i in issues],
    }


CHECKS_TAB = DetailTab(
    key="checks",
    label="三龄两历",
    template="cadres/_tab_checks.html",
    build=build_checks_tab,
    order=90,
)
register_tab(CHECKS_TAB)
