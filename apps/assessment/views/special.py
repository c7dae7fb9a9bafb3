"""Pages of special assessment (专项考核): the list (filters, export) and the create page."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.assessment import selectors_research as sel
from apps.assessment.forms_research import SpecialFilterForm, SpecialForm
from apps.assessment.services.special import SPECIAL_RESULTS, special_add
from apps.cadres.views.common import require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.frontline.selectors import task_choices
from apps.units.models import Unit
from apps.units.options import unit_options

from .taskrecords import picked_cadre, tab_url

COLUMNS = {"cadre": "姓名", "task": "中心任务", "assessed_on": "考核日期"}


def special_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = SpecialFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.special_list(actor=actor, filters=filters))
    sort = filters.sort if filters else sel.SPECIAL_DEFAULT_SORT
    context.update(
        form=form,
        headers=sort_headers(request, COLUMNS, sort, "#special-results"),
        breadcrumbs=[("专项考核", None)],
    )
    if is_htmx_partial(request):
        return render(request, "assessment/_special_results.html", context)
    chosen = [filters.unit] if filters and filters.unit else []
    context.update(
        tasks=task_choices(actor=actor),
        results=SPECIAL_RESULTS,
        units=unit_options(Unit.objects.visible_to(actor).active(), chosen),
    )
    return render(request, "assessment/special_list.html", context)


def special_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    cadre = picked_cadre(request)
    initial = {"central_task": request.GET.get("task")}
    form = SpecialForm(request.POST or None, tasks=task_choices(actor=actor), initial=initial)
    if cadre and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            special_add(
                actor=actor,
                cadre_id=cadre.pk,
                central_task_id=d["central_task"],
                assessed_on=d["assessed_on"],
                result=d["result"],
                remarks=d.get("remarks", ""),
            )
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已为{cadre.name}新增专项考核结果")
            return redirect(tab_url(cadre.pk))
    context = {
        "form": form,
        "cadre": cadre,
        "pick_for": "special",
        "breadcrumbs": [
            ("专项考核", reverse("assessment:special_list")),
            ("新增专项考核", None),
        ],
    }
    return render(request, "assessment/special_form.html", context)
