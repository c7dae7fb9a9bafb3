"""The frontline-quota panel: each quota's share of the year's promotions so far, with the
planned ones added (what-if), the configured rows and the form to add one."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.cadres.views.common import require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.selection.forms_promotions import QuotaForm
from apps.selection.models import FrontlineQuota
from apps.selection.selectors_quota import quota_rows
from apps.selection.services.quota import quota_add
from apps.selection.views.promotions import _unit_choices


def quota_panel_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    unit_choices = _unit_choices(actor)
    form = QuotaForm(
        request.POST or None,
        unit_choices=unit_choices,
        initial={"effective_from": today, "min_percent": 60},
    )
    if request.method == "POST":
        require_cadre_user(request, change=True)
        if form.is_valid():
            try:
                quota_add(actor=actor, **form.cleaned_data)
            except OutOfScopeError:
                raise Http404 from None
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, "已新增一线提拔比例规定")
                return redirect(f"{request.path}?year={year}")
    context = {
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "rows": quota_rows(actor, year, min(today, date(year, 12, 31))),
        "history": FrontlineQuota.objects.visible_to(actor).select_related("unit", "created_by"),
        "form": form,
        "can_change": bool(unit_choices),  # units the actor may change
        "breadcrumbs": [("选拔任用", None), ("一线提拔比例", None)],
    }
    return render(request, "selection/quota_panel.html", context)
