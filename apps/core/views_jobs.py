"""Pages of the user's own background jobs: progress (htmx polling) and audited download."""

from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import audit, exports
from .htmx import is_htmx_partial
from .jobs import job_start
from .models import Job, JobStatus


def _own_job(request: HttpRequest, pk: int) -> Job:
    user: Any = request.user
    return get_object_or_404(Job, pk=pk, actor=user)


def job_list_view(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(actor=request.user)[:50]  # type: ignore[misc]
    return render(
        request, "core/job_list.html", {"jobs": jobs, "breadcrumbs": [("我的任务", None)]}
    )


def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    template = "core/_job_status.html" if is_htmx_partial(request) else "core/job_detail.html"
    context = {"job": job, "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    context["breadcrumbs"] = [("我的任务", "/jobs/"), (job.title, None)]
    return render(request, template, context)


def job_file_response(job: Job, *, actor: Any) -> FileResponse:
    """The finished job's file for its owner, the download audited (pages and API alike)."""
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404("文件尚未生成")
    audit.record(
        action="job.download",
        actor=actor,
        target=job,
        detail={"kind": job.kind, "file": job.result_name},
    )
    response = FileResponse(job.result_file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name)}"
    return response


def job_download_view(request: HttpRequest, pk: int) -> FileResponse:
    return job_file_response(_own_job(request, pk), actor=request.user)


PAGING_PARAMS = frozenset({"page", "page_size"})


def list_export_start(*, actor: Any, name: str, filters: dict[str, list[str]]) -> Job:
    """Start the export job of a registered list (pages and API): Http404 for an unknown list,
    PermissionDenied when the actor may not export it. Paging parameters are dropped."""
    export = exports.REGISTRY.get(name)
    if export is None:
        raise Http404("未知的列表")
    if not export.may_export(actor):
        raise PermissionDenied("您没有导出该列表的权限")
    filters = {k: list(v) for k, v in filters.items() if k not in PAGING_PARAMS}
    return job_start(
        actor=actor,
        kind="list_export",
        title=f"导出{export.title}",
        params={"list": name, "filter": filters},
        task=exports.export_list,
    )


@require_POST
def list_export_view(request: HttpRequest, name: str) -> HttpResponse:
    """Start the Excel export of a registered list with the page's current filters and sort."""
    job = list_export_start(actor=request.user, name=name, filters=dict(request.GET.lists()))
    return redirect("jobs:job_detail", pk=job.pk)
