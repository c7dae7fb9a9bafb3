"""负面情形 pages (ELG-24-1 items (1)(2)(4)(5)(7), ELG-24-2(3)): the list, record one for a
cadre (with a picker), lift it, delete with undo.

Flags block promotions, so the officers who screen cadres see them within their cadre scope;
leaders (read-only role) do not: every page here needs the officer's role (403 otherwise), and
out-of-scope ids answer 404."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import require_cadre_user, unit_filter_options
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers, undo_message
from apps.core.scope import Action
from apps.selection import selectors_reserve as sel
from apps.selection.constants import NegativeFlagKind
from apps.selection.forms_reserve import FlagEndForm, FlagFilterForm, FlagForm
from apps.selection.models import NegativeFlag
from apps.selection.services import flags as services
from apps.selection.views.common import NOT_FOUND, cadre_or_picker

FLAG_COLUMNS = {
    "name": "姓名",
    "kind": "情形",
    "start_date": "起始日期",
    "end_date": "解除日期",
}


def _officer(request: HttpRequest) -> Any:
    """Flags are for the officers who screen cadres: leaders are refused by role."""
    return require_cadre_user(request, change=True)


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("负面情形", reverse("selection:flag_list")), *items]


def _flag_or_404(actor: Any, pk: int) -> NegativeFlag:
    try:
        return sel.flag_get(actor=actor, flag_id=pk, action=Action.CHANGE)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


def flag_list_view(request: HttpRequest) -> HttpResponse:
    actor = _officer(request)
    today = timezone.localdate()
    form = FlagFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.flag_list(actor=actor, filters=filters, today=today))
    sort = filters.sort if filters else sel.FLAG_DEFAULT_SORT
    context.update(
        form=form,
        today=today,
        headers=sort_headers(request, FLAG_COLUMNS, sort, "#flag-results"),
        breadcrumbs=[("负面情形", None)],
    )
    if is_htmx_partial(request):
        return render(request, "selection/_flag_results.html", context)
    context.update(
        kinds=NegativeFlagKind.choices,
        statuses=sel.FLAG_STATUSES,
        unit_options=unit_filter_options(actor, request.GET.get("unit") or ""),
    )
    return render(request, "selection/flag_list.html", context)


def flag_add_view(request: HttpRequest) -> HttpResponse:
    actor = _officer(request)
    picked = cadre_or_picker(
        request,
        actor,
        url_name="selection:flag_add",
        title="登记负面情形",
        hint="先查找干部，再填写情形、情况说明和起止日期。",
        crumbs=_crumbs(("登记负面情形", None)),
    )
    if isinstance(picked, HttpResponse):
        return picked
    cadre = picked
    form = FlagForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            flag = services.flag_add(actor=actor, cadre_id=cadre.pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{cadre.name}的负面情形：{flag.get_kind_display()}")
            return redirect(f"{reverse('selection:flag_list')}?cadre={cadre.pk}")
    context = {
        "form": form,
        "cadre": cadre,
        "breadcrumbs": _crumbs((cadre.name, None), ("登记负面情形", None)),
    }
    return render(request, "selection/flag_form.html", context)


def flag_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    flag = _flag_or_404(actor, pk)
    form = FlagEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_end(actor=actor, flag_id=pk, end_date=form.cleaned_data["end_date"])
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已解除{flag.cadre.name}的“{flag.get_kind_display()}”")
            return redirect("selection:flag_list")
    context: dict[str, Any] = {
        "form": form,
        "flag": flag,
        "breadcrumbs": _crumbs((flag.cadre.name, None), ("解除", None)),
    }
    return render(request, "selection/flag_end.html", context)


@require_POST
def flag_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    try:
        flag = services.flag_delete(actor=actor, flag_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    undo = reverse("selection:flag_restore", args=[pk])
    text = f"已删除{flag.cadre.name}的“{flag.get_kind_display()}”。"
    messages.success(request, undo_message(request, text, undo))
    return redirect("selection:flag_list")


@require_POST
def flag_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    try:
        flag = services.flag_restore(actor=actor, flag_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已恢复{flag.cadre.name}的“{flag.get_kind_display()}”")
    return redirect("selection:flag_list")
