"""The sysadmin's unit pages: the tree (lazy children, search), create, rename, move, merge,
职数 and history. Views parse, call apps.units.services, render."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string

from apps.core.exceptions import DomainError
from apps.core.roles import role_required
from apps.core.views import wants_partial

from . import services
from .constants import Tier, UnitEventKind
from .forms import (
    QuotaForm,
    StyledForm,
    UnitCreateForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitRenameForm,
)
from .models import PostQuota, Unit, UnitEvent

SYSADMIN = "sysadmin"
REASSIGN_HOOK = "apps.cadres.unit_hooks.reassign_unit"  # units may not import cadres
SEARCH_LIMIT = 100
EVENT_LABELS = {
    "name": "名称", "short_name": "简称", "parent": "上级单位",
    "active": "有效", "merged_into": "并入单位", "children": "转入的下级单位",
    "cadres": "转入干部人数", "cadre_ids": "转入干部编号", "posts": "转入职务数",
    "posts_renamed": "更名的职务", "tier": "职务层次", "approved": "核定职数",
}  # fmt: skip


def _with_children_flag(units: list[Unit]) -> list[Unit]:
    parents = set(
        Unit.objects.filter(parent__in=units, is_active=True).values_list("parent_id", flat=True)
    )
    for unit in units:
        unit.has_children = unit.pk in parents  # type: ignore[attr-defined]
    return units


def _names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def _with_trail(units: list[Unit]) -> list[Unit]:
    """Attach the ancestors' names ("示范市委 / 甲县") for search results."""
    names = _names(i for u in units for i in u.ancestor_ids)
    for unit in units:
        trail = [names.get(i, "?") for i in unit.ancestor_ids[:-1]]
        unit.trail = " / ".join(trail)  # type: ignore[attr-defined]
    return units


def _crumbs(*rest: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("系统管理", None), ("单位管理", reverse("units:unit_admin")), *rest]


@role_required(SYSADMIN)
def unit_admin(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if query:
        found = Unit.objects.filter(name__icontains=query) | Unit.objects.filter(code=query)
        units = _with_trail(list(found.order_by("path")[:SEARCH_LIMIT]))
    else:
        units = _with_children_flag(list(Unit.objects.active().filter(parent=None)))
    context = {"units": units, "q": query, "limit": SEARCH_LIMIT, "breadcrumbs": _crumbs()}
    template = "units/_unit_tree.html" if wants_partial(request) else "units/unit_admin.html"
    return render(request, template, context)


@role_required(SYSADMIN)
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    children = list(unit.children.filter(is_active=True).order_by("sort_order", "id"))
    return render(request, "units/_unit_nodes.html", {"units": _with_children_flag(children)})


def _attempt(form: StyledForm, service: Any, **kwargs: Any) -> Any:
    """Call a unit service; a DomainError goes into the form and None is returned."""
    try:
        return service(**kwargs)
    except DomainError as exc:
        form.add_domain_error(exc)
        return None


def _done(request: HttpRequest, unit: Unit, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{reverse('units:unit_admin')}?{urlencode({'q': unit.name})}")


def _form_page(request: HttpRequest, unit: Unit | None, form: StyledForm, **extra: Any) -> Any:
    title = extra.pop("title")
    context = {"unit": unit, "form": form, "title": title, "breadcrumbs": _crumbs((title, None))}
    return render(request, "units/unit_form.html", {**context, **extra})


@role_required(SYSADMIN)
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitCreateForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "sort_order": form.cleaned_data["sort_order"] or 0}
        unit = _attempt(form, services.unit_create, actor=request.user, **data)
        if unit is not None:
            return _done(request, unit, f"已设立单位“{unit.name}”")
    return _form_page(request, None, form, title="新增单位")


def _active_unit(pk: int) -> Unit:
    return get_object_or_404(Unit, pk=pk, is_active=True)


@role_required(SYSADMIN)
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _active_unit(pk)
    initial = {"name": unit.name, "short_name": unit.short_name}
    form = UnitRenameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, services.unit_rename, actor=request.user, unit_id=pk, **form.cleaned_data
        )
        if done is not None:
            return _done(request, done, f"已将“{unit.name}”更名为“{done.name}”，原名称保留在沿革中")
    return _form_page(request, unit, form, title=f"单位更名：{unit.name}")


@role_required(SYSADMIN)
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _active_unit(pk)
    form = UnitMoveForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form, services.unit_move, actor=request.user, unit_id=pk,
            new_parent_id=data["parent"].pk, effective_date=data["effective_date"],
            document_no=data["document_no"],
        )  # fmt: skip
        if done is not None:
            return _done(request, done, f"已将“{unit.name}”调整到“{data['parent'].name}”之下")
    return _form_page(request, unit, form, title=f"调整隶属关系：{unit.name}")


@role_required(SYSADMIN)
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _active_unit(pk)
    form = UnitMergeForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = _attempt(
            form, services.unit_merge, actor=request.user, source_id=pk,
            target_id=data["target"].pk, reassign=import_string(REASSIGN_HOOK),
            effective_date=data["effective_date"], document_no=data["document_no"],
        )  # fmt: skip
        if target is not None:
            return _done(request, target, f"已将“{unit.name}”并入“{target.name}”，原单位已撤销")
    confirm = f"确定将“{unit.name}”并入所选单位吗？其下级单位、干部和职务将全部转入，本单位将撤销。"
    return _form_page(request, unit, form, title=f"单位合并：{unit.name}", confirm=confirm)


@role_required(SYSADMIN)
def unit_quota(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _active_unit(pk)
    form = QuotaForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        with transaction.atomic():  # all tiers or none
            for tier, approved in form.changes().items():
                services.quota_set(
                    actor=request.user, unit_id=pk, tier=tier, approved=approved, note=note
                )
        messages.success(request, f"已保存“{unit.name}”的领导职数")
        return redirect("units:unit_quota", pk=pk)
    title = f"领导职数：{unit.name}"
    return render(
        request,
        "units/unit_quota.html",
        {"unit": unit, "form": form, "title": title, "breadcrumbs": _crumbs((title, None))},
    )


def _readable(data: dict[str, Any], names: dict[int, str]) -> list[tuple[str, str]]:
    tiers = dict(Tier.choices)
    rows = []
    for key, value in data.items():
        if key == "path":  # internal materialized path: the 上级单位 row says the same in words
            continue
        if key in ("parent", "merged_into") and value is not None:
            value = names.get(value, f"#{value}")
        elif key == "children":
            value = "、".join(names.get(v, f"#{v}") for v in value) or "—"
        elif key == "tier":
            value = tiers.get(value, value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, dict):
            value = "；".join(f"{k} → {v}" for k, v in value.items()) or "—"
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value) or "—"
        rows.append((EVENT_LABELS.get(key, key), "—" if value in (None, "") else str(value)))
    return rows


@role_required(SYSADMIN)
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    events = list(UnitEvent.objects.filter(unit=unit).select_related("actor"))
    ids = [unit.merged_into_id or 0]
    for e in events:
        for side in (e.before, e.after):
            ids += [
                side.get("parent") or 0,
                side.get("merged_into") or 0,
                *side.get("children", []),
            ]
    names = _names(ids)
    for e in events:
        e.before_rows = _readable(e.before, names)  # type: ignore[attr-defined]
        e.after_rows = _readable(e.after, names)  # type: ignore[attr-defined]
    title = f"单位沿革：{unit.name}"
    context = {
        "unit": unit,
        "events": events,
        "merged_from": unit.merged_from.order_by("name"),
        "quotas": PostQuota.objects.filter(unit=unit),
        "merged": UnitEventKind.MERGED,
        "title": title,
        "breadcrumbs": _crumbs((title, None)),
    }
    return render(request, "units/unit_history.html", context)
