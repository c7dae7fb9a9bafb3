"""The unit browser of officers and leaders: tree with scoped cadre counts, 职数 occupancy,
and the over-establishment (超职数) list."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.cadres.detail_tabs import unit_links
from apps.cadres.models import Appointment
from apps.cadres.selectors import over_establishment, unit_cadre_counts, unit_occupancy
from apps.core.scope import Action
from apps.units.models import Unit

from .common import require_cadre_user


def _roots(actor: Any) -> list[Unit]:
    """The top units of the actor's scope (grant roots that are not inside another grant)."""
    paths = sorted({r.path for r in actor.scope_rules()})
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Unit.objects.filter(path__in=tops).order_by("path"))


def _with_counts(actor: Any, units: list[Unit]) -> list[Unit]:
    counts = unit_cadre_counts(actor=actor, units=units)
    child_parents = set(
        Unit.objects.filter(parent__in=units, is_active=True).values_list("parent_id", flat=True)
    )
    for unit in units:
        unit.cadre_count = counts[unit.pk]  # type: ignore[attr-defined]
        unit.has_children = unit.pk in child_parents  # type: ignore[attr-defined]
    return units


def unit_tree_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    roots = _with_counts(actor, _roots(actor))
    for root in roots:  # open the first level so the page is useful at once
        children = list(root.children.filter(is_active=True).order_by("sort_order", "id"))
        root.open_children = _with_counts(actor, children)  # type: ignore[attr-defined]
    context = {"units": roots, "breadcrumbs": [("组织机构", None)]}
    return render(request, "cadres/unit_tree.html", context)


def _visible_unit_or_404(actor: Any, pk: int) -> Unit:
    unit = Unit.objects.visible_to(actor, Action.VIEW).filter(pk=pk).first()
    if unit is None:
        raise Http404("单位不存在或不在您的数据范围内")
    return unit


def unit_children_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    unit = _visible_unit_or_404(actor, pk)
    children = list(unit.children.filter(is_active=True).order_by("sort_order", "id"))
    return render(request, "cadres/_unit_children.html", {"units": _with_counts(actor, children)})


def unit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    unit = _visible_unit_or_404(actor, pk)
    holders = (
        Appointment.objects.visible_to(actor)
        .filter(post__unit=unit, end_date__isnull=True)
        .select_related("post", "cadre")
        .order_by("post__sort_order", "post__id")
    )
    context = {
        "unit": unit,
        "occupancy": unit_occupancy(unit=unit),
        "holders": holders,
        "cadre_count": unit_cadre_counts(actor=actor, units=[unit])[unit.pk],
        "events": unit.events.all()[:20],
        "links": unit_links(unit.pk),
        "ancestors": Unit.objects.filter(pk__in=unit.ancestor_ids[:-1]).order_by("depth"),
        "breadcrumbs": [("组织机构", reverse("cadres:unit_tree")), (unit.name, None)],
    }
    return render(request, "cadres/unit_detail.html", context)


def over_establishment_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    rows = over_establishment(units=Unit.objects.visible_to(actor).active())
    context = {"rows": rows, "breadcrumbs": [("超职数单位", None)]}
    return render(request, "cadres/over_establishment.html", context)
