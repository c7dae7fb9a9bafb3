"""The cadre page's 任用资格 tab (registered with apps.cadres.detail_tabs).

The cadre page already runs many queries (docs/benchmarks.md), so the tab costs one query there
(the count of the cadre's promotion records for its label); its body — the verdicts for the next
tier and 职级 up and the promotion, publicity and probation history — is loaded by htmx when the
tab is first shown (views/candidates.eligibility_tab_view), and that read is audited.
"""

from typing import Any

from django.http import HttpRequest

from apps.cadres.detail_tabs import DetailTab, register_tab
from apps.cadres.models import Cadre
from apps.selection.models import Promotion


def build_eligibility_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    actor: Any = request.user
    count = Promotion.objects.visible_to(actor).filter(cadre=cadre).count()
    return {"count": count, "cadre_id": cadre.pk}


register_tab(
    DetailTab(
        key="eligibility",
        label="任用资格",
        template="selection/_tab_eligibility.html",
        build=build_eligibility_tab,
        order=70,
    )
)
