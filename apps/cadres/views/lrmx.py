"""LRMX pages: export one cadre or a selection, import .lrmx / .lrm / .zip after a preview.

Officers only (the file carries the full id number, which leaders see masked). Export is scoped
(404 outside the scope) and audited; import is parse → preview (a dry run of every rule) →
confirm → import, each file in its own transaction.
"""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import ManagedBy
from apps.cadres import lrmx
from apps.cadres.lrmx import exchange, pending
from apps.cadres.lrmx.display import person_view
from apps.cadres.lrmx.forms import LrmxImportForm
from apps.core.exceptions import DomainError, OutOfScopeError

from .common import require_cadre_user


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"  # personal data: never kept by proxies or the browser
    return response


def _back(request: HttpRequest) -> HttpResponse:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(referer)
    return redirect("cadres:cadre_list")


def _crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("干部名册", reverse("cadres:cadre_list")), *last]


@require_GET
def lrmx_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """导出LRMX: the cadre's .lrmx file (404 outside the scope)."""
    actor = require_cadre_user(request, change=True)
    try:
        filename, content = lrmx.export_one(pk, actor=actor)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    return _download(content, "application/xml; charset=utf-8", filename)


def lrmx_batch_name() -> str:
    """The file name of a batch export (page and API)."""
    return f"干部任免审批表LRMX_{timezone.localdate():%Y%m%d}.zip"


@require_POST
def lrmx_export_batch_view(request: HttpRequest) -> HttpResponse:
    """The ticked cadres (ids) as a zip of .lrmx files; ids outside the scope are left out."""
    actor = require_cadre_user(request, change=True)
    ids = list(dict.fromkeys(int(i) for i in request.POST.getlist("ids") if i.isdigit()))
    if not ids:
        messages.error(request, "请先在列表中勾选要导出LRMX的干部。")
        return _back(request)
    try:
        export = lrmx.export_zip(ids, actor=actor)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    if not export.count:
        messages.error(request, "所选干部均不存在或不在您的数据范围内，未导出。")
        return _back(request)
    return _download(export.content, "application/zip", lrmx_batch_name())


def _preview_context(form: LrmxImportForm, report: lrmx.ImportReport, token: str) -> dict[str, Any]:
    filename = str(form.cleaned_data["file"].name)
    is_zip = filename.lower().endswith(".zip")
    first = report.results[0]
    return {
        "report": report,
        "is_zip": is_zip,
        "filename": filename,
        "result": first,
        "person": person_view(first.person) if first.person and not is_zip else None,
        "token": token,
        "unit": form.cleaned_data["unit"],
        "managed_by": ManagedBy(form.cleaned_data["managed_by"]).label,
        "update_existing": form.cleaned_data["update_existing"],
        "breadcrumbs": _crumbs(("导入LRMX", reverse("cadres:lrmx_import")), ("预览", None)),
    }


def _preview(request: HttpRequest, form: LrmxImportForm) -> HttpResponse | None:
    """Parse and dry-run the upload: the preview page, or None when the form shows errors."""
    upload = form.cleaned_data["file"]
    data, filename = upload.read(), str(upload.name)
    options = {
        "unit_id": form.cleaned_data["unit"].pk,
        "managed_by": form.cleaned_data["managed_by"],
        "update_existing": form.cleaned_data["update_existing"],
    }
    try:
        report = lrmx.process_upload(filename, data, actor=request.user, dry_run=True, **options)
    except lrmx.LrmxError as exc:
        form.add_error("file", exc.message)
        return None
    except DomainError as exc:
        form.add_domain_error(exc)
        return None
    first = report.results[0]
    if first.person is None and not filename.lower().endswith(".zip"):
        form.add_error("file", first.message)  # a single file that cannot be read at all
        return None
    token = ""
    if report.importable:
        token = pending.stash(request.session, filename=filename, data=data, options=options)
    return render(request, "cadres/lrmx_preview.html", _preview_context(form, report, token))


def lrmx_import_view(request: HttpRequest) -> HttpResponse:
    """导入LRMX: upload a file, choose unit, 管理权限 and whether to update; then the preview."""
    actor = require_cadre_user(request, change=True)
    form = LrmxImportForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        response = _preview(request, form)
        if response is not None:
            return response
    context = {"form": form, "breadcrumbs": _crumbs(("导入LRMX", None))}
    return render(request, "cadres/lrmx_import.html", context)


@require_POST
def lrmx_import_confirm_view(request: HttpRequest) -> HttpResponse:
    """确认导入 the previewed upload (or 取消); the result page lists every file's outcome."""
    actor = require_cadre_user(request, change=True)
    if request.POST.get("cancel"):
        pending.discard(request.session)
        messages.info(request, "已取消导入，未写入任何数据。")
        return redirect("cadres:lrmx_import")
    item = pending.load(request.session, request.POST.get("token", ""))
    if item is None:
        messages.error(request, "导入内容已过期或已经导入，请重新上传文件。")
        return redirect("cadres:lrmx_import")
    pending.discard(request.session)
    try:
        report = lrmx.process_upload(
            item.filename, item.data, actor=actor, dry_run=False, **item.options
        )
    except DomainError as exc:  # e.g. the scope changed since the preview
        messages.error(request, exc.message)
        return redirect("cadres:lrmx_import")
    first = report.results[0]
    if len(report.results) == 1 and first.cadre_id is not None:
        verb = "新建" if first.status == exchange.CREATED else "更新"
        messages.success(
            request, f"已从LRMX{verb}干部“{first.person.name if first.person else ''}”"
        )
        return redirect("cadres:cadre_detail", pk=first.cadre_id)
    context = {
        "report": report,
        "filename": item.filename,
        "breadcrumbs": _crumbs(("导入LRMX", reverse("cadres:lrmx_import")), ("导入结果", None)),
    }
    return render(request, "cadres/lrmx_result.html", context)
