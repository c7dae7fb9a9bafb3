"""The cadre page's header badge "后备干部" (registered with apps.cadres.detail_tabs): shown when
the cadre has an active entry in a reserve pool the viewer sees (one query)."""

from django.http import HttpRequest

from apps.cadres.detail_tabs import HeaderBadge, register_badge
from apps.cadres.models import Cadre
from apps.selection.models import ReserveEntry, ReservePool


def reserve_badge(request: HttpRequest, cadre: Cadre) -> str | None:
    pools = ReservePool.objects.visible_to(request.user).values("pk")
    active = (
        ReserveEntry.objects.visible_to(request.user)
        .filter(cadre_id=cadre.pk, exit_date__isnull=True, pool_id__in=pools)
        .exists()
    )
    return "后备干部" if active else None


register_badge(HeaderBadge(key="reserve", text=reserve_badge, css="bg-purple-lt", order=30))
