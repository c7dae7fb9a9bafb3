"""Excel export of the current (scoped, filtered, sorted) cadre list, as a background job."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.cadres.export_columns import HIDEABLE
from apps.cadres.tasks import export_cadres
from apps.core.jobs import job_start

from .common import require_cadre_user

MAX_SELECTED = 1000


@require_POST
def cadre_export_view(request: HttpRequest) -> HttpResponse:
    """Start the export job with the list's current filters; the job page shows progress."""
    actor = require_cadre_user(request)
    filters = {k: v for k, v in request.GET.lists() if k not in {"page", "page_size", "ids"}}
    selected = [i for i in request.POST.getlist("ids") if i.isdigit()][:MAX_SELECTED]
    if selected:  # 导出所选: only the ticked rows (still within scope)
        filters = {"ids": [",".join(selected)]}
    # The columns hidden with 显示列 (sent by static/js/dandang.js) stay out of the file too.
    hidden = sorted(set(request.POST.getlist("hidden_cols")) & HIDEABLE)
    job = job_start(
        actor=actor,
        kind="cadre_export",
        title="导出干部名册",
        params={"filter": filters, "hidden": hidden},
        task=export_cadres,
    )
    return redirect("jobs:job_detail", pk=job.pk)
