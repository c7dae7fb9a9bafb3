"""The cadre page's 一线经历 tab and header badge (registered with apps.cadres.detail_tabs).

On the cadre page both come from one read of the cadre's service periods (the tab's count;
the badge adds the threshold's query only when a period has begun); the tab's body is loaded
when the tab is first shown."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.cadres.detail_tabs import DetailTab, HeaderBadge, register_badge, register_tab
from apps.cadres.models import Cadre
from apps.cadres.views.common import is_officer
from apps.frontline.constants import TaskKind
from apps.frontline.models import Dispatch, IncentiveGrant, Sacrifice
from apps.frontline.rules import FrontlineCredit, ServicePeriod, frontline_experience
from apps.frontline.selectors import (
    cadre_service_periods,
    cadre_services,
    frontline_months,
    qualifying_months,
    service_rows,
)
from apps.frontline.views.common import dispatch_url

KIND_LABELS = dict(TaskKind.choices)


def _credit(request: HttpRequest, cadre: Cadre) -> FrontlineCredit:
    """The cadre's credit today, computed once per request (the header badge and the tab both
    show it)."""
    cache: dict[int, FrontlineCredit] = request.__dict__.setdefault("_frontline_credit", {})
    if cadre.pk not in cache:
        cache[cadre.pk] = frontline_months(cadre.pk, timezone.localdate())
    return cache[cadre.pk]


def _periods(request: HttpRequest, cadre: Cadre) -> list[ServicePeriod]:
    """The cadre's service periods in the viewer's scope, read once per request (the tab's count
    and the header badge both use them)."""
    cache: dict[int, list[ServicePeriod]] = request.__dict__.setdefault("_frontline_periods", {})
    if cadre.pk not in cache:
        cache[cadre.pk] = cadre_service_periods(actor=request.user, cadre_id=cadre.pk)
    return cache[cadre.pk]


def count_frontline_tab(request: HttpRequest, cadre: Cadre) -> int:
    return len(_periods(request, cadre))


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
        count=count_frontline_tab,
        order=10,
    )
)


def _frontline_badge(request: HttpRequest, cadre: Cadre) -> str | None:
    """一线经历 in the header when the cadre qualifies (the local threshold in force today): no
    query beyond the tab's count when no service has begun, else the threshold's."""
    today = timezone.localdate()
    periods = _periods(request, cadre)
    if not any(p.start <= today for p in periods):
        return None  # nothing served yet: cannot qualify (the threshold is at least 1 month)
    credit = frontline_experience(periods, today, qualifying_months=qualifying_months(today))
    return f"一线经历 {credit.total_months}个月" if credit.qualifies else None


register_badge(HeaderBadge(key="frontline", text=_frontline_badge, css="bg-green-lt", order=10))
