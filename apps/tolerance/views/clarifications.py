"""Pages of 澄清正名 (clarifying cadres falsely accused): list, record, edit. Same gate as the
case pages: without the tolerance pillar every page answers an audited 404."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres.views.common import filtered_list_context
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import sort_headers
from apps.core.scope import Action
from apps.tolerance import selectors_cases as selectors
from apps.tolerance.constants import PublicationScope
from apps.tolerance.forms_cases import ClarificationForm
from apps.tolerance.services import clarifications as services
from apps.tolerance.services.clarifications import FIELDS

from .cases import NOT_FOUND, pillar_user

COLUMNS = [("name", "姓名"), ("clarified_on", "澄清日期")]


def _crumb() -> tuple[str, str]:
    return ("澄清正名", reverse("tolerance:clarification_list"))


def clarification_list_view(request: HttpRequest) -> HttpResponse:
    actor = pillar_user(request)
    rows, form = selectors.clarification_list(actor=actor, params=request.GET)
    context = filtered_list_context(request, rows, form)
    sort = request.GET.get("sort") or "-clarified_on"
    context["sorts"] = sort_headers(request, COLUMNS, sort, "#clarification-results")
    context["may_add"] = actor.role == Role.OFFICER and selectors.holds_pillar(actor, Action.CHANGE)
    if is_htmx_partial(request):
        return render(request, "tolerance/_clarification_results.html", context)
    context["scope_options"] = PublicationScope.choices
    context["breadcrumbs"] = [("澄清正名", None)]
    return render(request, "tolerance/clarification_list.html", context)


def _form_page(request: HttpRequest, form: ClarificationForm, **extra: Any) -> HttpResponse:
    return render(request, "tolerance/clarification_form.html", {"form": form, **extra})


def clarification_create_view(request: HttpRequest) -> HttpResponse:
    actor = pillar_user(request, change=True)
    raw = request.POST.get("cadre") or request.GET.get("cadre")
    cadre = None
    if raw:
        try:
            cadre = selectors.pillar_cadre_get(actor=actor, cadre_id=raw, action=Action.CHANGE)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
    form = ClarificationForm(request.POST or None, initial={"clarified_on": timezone.localdate()})
    if cadre is not None and request.method == "POST" and form.is_valid():
        try:
            services.clarification_add(actor=actor, cadre_id=cadre.pk, data=form.cleaned_data)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{cadre.name}的澄清正名")
            return redirect("tolerance:clarification_list")
    q = request.GET.get("q", "")
    return _form_page(
        request,
        form,
        cadre=cadre,
        row=None,
        q=q,
        matches=selectors.pillar_cadre_search(actor=actor, text=q) if cadre is None else [],
        breadcrumbs=[_crumb(), ("登记澄清正名", None)],
    )


def clarification_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = pillar_user(request, change=True)
    try:
        row = selectors.clarification_get(actor=actor, clarification_id=pk, action=Action.CHANGE)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    form = ClarificationForm(request.POST or None, initial={k: getattr(row, k) for k in FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.clarification_update(actor=actor, clarification_id=pk, data=form.cleaned_data)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("tolerance:clarification_list")
    return _form_page(
        request,
        form,
        cadre=row.cadre,
        row=row,
        breadcrumbs=[_crumb(), (f"{row.cadre.name}的澄清正名", None)],
    )
