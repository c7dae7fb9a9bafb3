"""The auditor's pages: list and filter the audit log, one event's diff, chain check, export."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from . import filters
from .exceptions import DomainError
from .filters import ACTION_LABELS, action_label, audit_event_list, readable_diff, type_label
from .models import AuditEvent
from .paging import PAGE_SIZES, paginate, query_without
from .roles import role_required

AUDITOR = "auditor"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps a fragment (not a history restore, which needs the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


@role_required(AUDITOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    events, flt = audit_event_list(params=request.GET)
    page = paginate(request, events)
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.action_label = ACTION_LABELS.get(event.action, "")
    context = {
        "filter": flt,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "breadcrumbs": [("系统管理", None), ("审计日志", None)],
    }
    template = "core/_audit_table.html" if wants_partial(request) else "core/audit_list.html"
    return render(request, template, context)


@role_required(AUDITOR)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, pk=pk)
    context = {
        "event": event,
        "action_label": action_label(event.action),
        "type_label": type_label(event.target_type) if event.target_type else "",
        "diff": readable_diff(event),
        "detail_json": json.dumps(event.detail, ensure_ascii=False, indent=2),
        "breadcrumbs": [
            ("系统管理", None),
            ("审计日志", reverse("core:audit_list")),
            (f"事件 {event.pk}", None),
        ],
    }
    return render(request, "core/audit_detail.html", context)


@role_required(AUDITOR)
def audit_verify(request: HttpRequest) -> HttpResponse:
    result = filters.audit_verify(actor=request.user) if request.method == "POST" else None
    context = {
        "result": result,
        "breadcrumbs": [
            ("系统管理", None),
            ("审计日志", reverse("core:audit_list")),
            ("完整性校验", None),
        ],
    }
    template = "core/_verify_result.html" if wants_partial(request) else "core/audit_verify.html"
    return render(request, template, context)


@role_required(AUDITOR)
@require_POST
def audit_export_view(request: HttpRequest) -> HttpResponse:
    params = request.POST.copy()
    params.pop("csrfmiddlewaretoken", None)
    try:
        content = filters.audit_export(actor=request.user, params=params)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('core:audit_list')}?{params.urlencode()}")
    name = f"审计日志_{timezone.localtime():%Y%m%d%H%M}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
