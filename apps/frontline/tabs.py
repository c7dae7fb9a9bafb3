"""The cadre page's 一线经历 tab (registered with apps.cadres.detail_tabs)."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.cadres.detail_tabs import DetailTab, HeaderBadge, register_badge, register_tab
from apps.cadres.models import Cadre
from apps.frontline.constants import TaskKind
from apps.frontline.models import Dispatch, IncentiveGrant, Sacrifice
from apps.frontline.rules import FrontlineCredit
from apps.frontline.selectors import cadre_services, frontline_months, service_rows
from apps.frontline.views.common import dispatch_url, is_officer

KIND_LABELS = dict(TaskKind.choices)


def _credit(request: HttpRequest, cadre: Cadre) -> FrontlineCredit:
    """The cadre's credit today, computed once per request (the header badge and the tab both
    show it)."""
    cache: dict[int, FrontlineCredit] = request.__dict__.setdefault("_frontline_credit", {})
    if cadre.pk not in cache:
        cache[cadre.pk] = frontline_months(cadre.pk, timezone.localdate())
    return cache[cadre.pk]


def build_frontline_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """The credit summary, services, dispatches, incentives received and a memorial note; every
    list read through the viewer's scope (the cadre itself is already in it)."""
    actor: Any = request.user
    today = timezone.localdate()
    services = list(cadre_services(actor=actor, cadre_id=cadre.pk))
    credit = _credit(request, cadre)
    dispatches = (
        Dispatch.objects.visible_to(actor)
        .filter(cadre=cadre)
        .select_related("target_unit", "task")
        .order_by("-planned_start", "-id")
    )
    grants = (
        IncentiveGrant.objects.visible_to(actor)
        .filter(cadre=cadre)
        .select_related("measure")
        .order_by("-granted_on", "-id")
    )
    return {
        "count": len(services),
        "today": today,
        "credit": credit,
        "by_kind": [
            (KIND_LABELS.get(kind, kind), months) for kind, months in credit.by_kind.items()
        ],
        "rows": service_rows(services, today),
        "dispatches": [(d, dispatch_url(d.pk)) for d in dispatches],
        "grants": list(grants),
        "sacrifice": Sacrifice.objects.visible_to(actor).filter(cadre=cadre).first(),
        "can_add": is_officer(actor),
    }


register_tab(
    DetailTab(
        key="frontline",
        label="一线经历",
        template="frontline/_tab_frontline.html",
        build=build_frontline_tab,
        order=10,
    )
)


def _frontline_badge(request: HttpRequest, cadre: Cadre) -> str | None:
    """一线经历 in the header when the cadre qualifies (the local threshold in force today)."""
    credit = _credit(request, cadre)
    return f"一线经历 {credit.total_months}个月" if credit.qualifies else None


register_badge(HeaderBadge(key="frontline", text=_frontline_badge, css="bg-green-lt", order=10))
