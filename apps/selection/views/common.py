"""Helpers shared by the selection pages."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.cadres.models import Cadre
from apps.core.scope import Action
from apps.selection import selectors_reserve as sel

NOT_FOUND = "记录不存在或不在您的数据范围内"


def cadre_or_picker(
    request: HttpRequest,
    actor: Any,
    *,
    url_name: str,
    title: str,
    hint: str,
    crumbs: list[tuple[str, str | None]],
) -> Cadre | HttpResponse:
    """The cadre named by `?cadre=` (changeable by the actor, else 404), or — without one — the
    page that finds a cadre first (name, pinyin or initials) and comes back here with the id."""
    cadre_id = request.GET.get("cadre") or ""
    if not cadre_id.isdigit():
        context = {
            "pick": sel.cadre_pick(actor=actor, text=request.GET.get("pick", "")),
            "pick_url": reverse(url_name),
            "pick_label": f"为干部{title}",
            "title": title,
            "hint": hint,
            "breadcrumbs": crumbs,
        }
        return render(request, "selection/cadre_pick.html", context)
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_related("unit")
        .filter(pk=int(cadre_id))
        .first()
    )
    if cadre is None:
        raise Http404(NOT_FOUND)
    return cadre
