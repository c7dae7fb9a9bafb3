"""Create, edit (optimistic concurrency), delete with undo, restore, and adding record parts."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.cadres import services
from apps.cadres.forms import AppointmentForm, CadreForm
from apps.cadres.models import Cadre, Post
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.lists import undo_message
from apps.core.scope import Action
from apps.units.models import Unit

from .common import cadre_or_404, require_cadre_user
from .detail import field_label
from .parts import PARTS


def _crumbs(cadre: Cadre, last: str) -> list[tuple[str, str | None]]:
    return [
        ("干部名册", reverse("cadres:cadre_list")),
        (cadre.name, reverse("cadres:cadre_detail", args=[cadre.pk])),
        (last, None),
    ]


def cadre_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = CadreForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = services.cadre_create(actor=actor, data=form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新增干部“{cadre.name}”")
            return redirect("cadres:cadre_detail", pk=cadre.pk)
    context = {
        "form": form,
        "breadcrumbs": [("干部名册", reverse("cadres:cadre_list")), ("新增干部", None)],
    }
    return render(request, "cadres/cadre_form.html", context)


def _change_rows(changes: dict[str, tuple[object, object]]) -> list[tuple[str, object, object]]:
    return [(field_label(name), old, new) for name, (old, new) in changes.items()]


def cadre_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    cadre = cadre_or_404(request, pk, Action.CHANGE)
    form = CadreForm(
        request.POST or None,
        request.FILES or None,
        instance=cadre,
        actor=actor,
        initial={"version": cadre.version},
    )
    conflict: list[tuple[str, object, object]] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_update(
                actor=actor,
                cadre_id=pk,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
            )
        except StaleVersionError as exc:
            conflict = _change_rows(exc.changes)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("cadres:cadre_detail", pk=pk)
    context = {
        "form": form,
        "cadre": cadre,
        "conflict": conflict,
        "breadcrumbs": _crumbs(cadre, "编辑"),
    }
    return render(
        request, "cadres/cadre_form.html", context, status=409 if conflict is not None else 200
    )


@require_POST
def cadre_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        cadre = services.cadre_delete(actor=actor, cadre_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    undo = reverse("cadres:cadre_restore", args=[pk])
    messages.success(request, undo_message(request, f"已删除“{cadre.name}”。", undo))
    return redirect("cadres:cadre_list")


@require_POST
def cadre_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        cadre = services.cadre_restore(actor=actor, cadre_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    messages.success(request, f"已恢复“{cadre.name}”")
    return redirect("cadres:cadre_detail", pk=pk)


def _post_choices(cadre: Cadre, actor: Any) -> list[tuple[int, str]]:
    """Posts of units the actor may change, nearest to the cadre's unit first."""
    posts = Post.objects.filter(unit__in=Unit.objects.visible_to(actor, Action.CHANGE))
    posts = posts.select_related("unit").order_by("unit__path", "sort_order")[:2000]
    return [(p.pk, f"{p.unit.name}{p.title}（{p.get_tier_display()}）") for p in posts]


def cadre_part_add_view(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    spec = PARTS.get(part)
    if spec is None:
        raise Http404
    cadre = cadre_or_404(request, pk, Action.CHANGE)
    form: Any = spec.form(request.POST or None)
    if isinstance(form, AppointmentForm):
        post_widget: Any = form.fields["post"].widget
        post_widget.choices = _post_choices(cadre, actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.part_add(actor=actor, cadre_id=pk, part=part, data=form.cleaned_data)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新增{spec.label}记录")
            return redirect(reverse("cadres:cadre_detail", args=[pk]) + f"#tab-{part}")
    context = {
        "form": form,
        "cadre": cadre,
        "spec": spec,
        "breadcrumbs": _crumbs(cadre, f"新增{spec.label}"),
    }
    return render(request, "cadres/part_form.html", context)
