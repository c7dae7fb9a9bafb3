"""The cadre page's 任用资格 tab (registered with apps.cadres.detail_tabs).

On the cadre page the tab costs one query (the count of the cadre's promotion records for its
label); its body — the verdicts for the next tier and 职级 up and the promotion, publicity and
probation history — is loaded by the generic tab view when the tab is first shown, and the
eligibility read is audited (`selection.eligibility.view`) besides the view's `cadre.view`.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.cadres.detail_tabs import DetailTab, register_tab
from apps.cadres.models import Cadre
from apps.selection import selectors_candidates as selectors
from apps.selection.models import Promotion
from apps.selection.views.candidates import verdict_rows


def count_eligibility_tab(request: HttpRequest, cadre: Cadre) -> int:
    return Promotion.objects.visible_to(request.user).filter(cadre=cadre).count()


def build_eligibility_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """The verdicts for the natural next steps today and the cadre's promotion history (the
    cadre was read in the viewer's scope by the tab view)."""
    actor: Any = request.user
    on = timezone.localdate()
    cadre, verdicts = selectors.eligibility_of(actor=actor, cadre_id=cadre.pk, target=None, on=on)
    return {
        "on": on,
        "rows": verdict_rows(cadre.pk, verdicts, None),
        **selectors.history(actor=actor, cadre_id=cadre.pk),
    }


register_tab(
    DetailTab(
        key="eligibility",
        label="任用资格",
        template="selection/_tab_eligibility.html",
        build=build_eligibility_tab,
        count=count_eligibility_tab,
        order=70,
    )
)
