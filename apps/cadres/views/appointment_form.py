"""The 干部任免审批表 of a cadre: printable page, PDF and .docx; batch printing as a job.

Every rendering is scoped (404 outside the scope, the read audited like the detail page) and
audited as `cadre.appointment_form` with its format. `?on=2026-01-15` sets the form's date, to
which ages are computed (default: today).
"""

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.cadres.appointment_form import FormData, build, visible_ids
from apps.cadres.appointment_form.html import render_sheets
from apps.cadres.tasks_forms import FORMATS, MAX_BATCH, batch_title, render_appointment_forms
from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.jobs import job_start

from .common import require_cadre_user

EARLIEST, LATEST = date(1950, 1, 1), date(2100, 12, 31)


def form_date(request: HttpRequest) -> date:
    """The form's date from `?on=YYYY-MM-DD` (or the POSTed `on`); today when absent or bad."""
    raw = request.GET.get("on") or request.POST.get("on") or ""
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()
    return value if EARLIEST <= value <= LATEST else timezone.localdate()


def _form(request: HttpRequest, pk: int, fmt: str) -> FormData:
    """The cadre's form in the user's scope, its rendering audited with the format."""
    actor = require_cadre_user(request)
    on = form_date(request)
    try:
        form = build(pk, actor=actor, on=on)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    audit.record(
        action="cadre.appointment_form",
        actor=actor,
        target_type="cadres.cadre",
        target_id=pk,
        target_repr=form.name,
        detail={"format": fmt, "on": on.isoformat()},
    )
    return form


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"  # personal data: never kept by proxies or the browser
    return response


@require_GET
def page_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable page: the official layout on A4 sheets, a toolbar hidden in print."""
    form = _form(request, pk, "html")
    response = render(
        request, "cadres/appointment_form.html", {"form": form, "sheets": render_sheets(form)}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    from apps.cadres.appointment_form.pdf import render_pdf

    form = _form(request, pk, "pdf")
    return _download(render_pdf([form]), "application/pdf", f"{form.name}_干部任免审批表.pdf")


@require_GET
def docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    from apps.cadres.appointment_form.word import render_docx

    form = _form(request, pk, "docx")
    return _download(
        render_docx(form),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{form.name}_干部任免审批表.docx",
    )


def _back(request: HttpRequest) -> HttpResponse:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(referer)
    return redirect("cadres:cadre_list")


@require_POST
def batch_view(request: HttpRequest) -> HttpResponse:
    """打印任免审批表 for the cadres ticked in the list: a background job (PDF or zip of .docx).

    Out-of-scope or unknown ids are excluded by the job and reported in its result
    (tasks_forms); a selection with nothing in scope is refused here, before any job.
    """
    actor = require_cadre_user(request)
    ids = list(dict.fromkeys(int(i) for i in request.POST.getlist("ids") if i.isdigit()))
    fmt = request.POST.get("format", "pdf")
    fmt = fmt if fmt in FORMATS else "pdf"
    if not ids:
        messages.error(request, "请先在列表中勾选要打印任免审批表的干部。")
        return _back(request)
    if len(ids) > MAX_BATCH:
        messages.error(
            request, f"一次最多打印{MAX_BATCH}人的任免审批表，当前选择了{len(ids)}人，请分批打印。"
        )
        return _back(request)
    in_scope = visible_ids(ids, actor=actor)
    if not in_scope:
        messages.error(request, "所选干部均不存在或不在您的数据范围内，未生成任免审批表。")
        return _back(request)
    job = job_start(
        actor=actor,
        kind="appointment_forms",
        title=batch_title(fmt, len(in_scope), 0),
        params={"ids": ids, "format": fmt, "on": form_date(request).isoformat()},
        task=render_appointment_forms,
    )
    return redirect(reverse("jobs:job_detail", kwargs={"pk": job.pk}))
