"""The cadre page's 三龄两历 tab (registered with apps.cadres.detail_tabs): the record's
inconsistencies, each with the fields involved and where to fix it. On the cadre page the count
costs no query (the findings are checked over the parts the page has already read); the body is
loaded when the tab is first shown. Import this module from CadresConfig.ready() so the tab is
registered in every process."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres.detail_tabs import DetailTab, page_reads, register_tab
from apps.cadres.models import Cadre
from apps.cadres.selectors_checks import cadre_checks, cadre_checks_of_parts
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


def count_checks_tab(request: HttpRequest, cadre: Cadre) -> int:
    """The number of findings: over the parts the cadre page already read when it did, else
    read through the viewer's scope (three queries)."""
    today = timezone.localdate()
    read = page_reads(request).get(cadre.pk, {})
    if all(key in read for key in ("education", "resume", "appointment")):
        issues = cadre_checks_of_parts(
            cadre=cadre,
            educations=read["education"],
            resume=read["resume"],
            appointments=read["appointment"],
            today=today,
        )
    else:
        issues = cadre_checks(actor=request.user, cadre=cadre, today=today)
    return len(issues)


CHECKS_TAB = DetailTab(
    key="checks",
    label="三龄两历",
    template="cadres/_tab_checks.html",
    build=build_checks_tab,
    count=count_checks_tab,
    order=90,
)
register_tab(CHECKS_TAB)
