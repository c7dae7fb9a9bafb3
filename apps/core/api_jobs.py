"""REST endpoints of background jobs (/api/v1/jobs/…): the list exports of the pages (any list
registered with apps.core.exports, 干部名册 included), the status of the user's own jobs and the
download of their files. The same code paths as the pages (views_jobs.list_export_start,
views_jobs.job_file_response): same filters, same scope (applied by the job with the owner's
grants when it runs), same audit (`list.export` when the file is written, `job.download`).
Another user's job is a 404, like a job that does not exist."""

from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from ninja import Body, Path, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from apps.accounts.api_auth import READ_AUTH, api_actor

from . import api_errors, exports
from .exceptions import DomainError, OutOfScopeError
from .models import Job, JobStatus
from .views_jobs import job_file_response, list_export_start

router = Router(tags=["后台任务与导出"], auth=READ_AUTH)
MAX_ID = 2**63 - 1
JobId = Annotated[int, Path(title="任务编号", ge=1, le=MAX_ID)]
ExportName = Annotated[str, Path(title="列表名称", max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")]
RECENT_JOBS = 50
MAX_QUERY = 4000  # characters of a query string: filters, sort and columns of a list page
QueryValue = str | int | list[str | int]


class ExportOut(Schema):
    name: str = Field(description="列表名称，用于 POST /jobs/exports/{name}")
    title: str = Field(description="列表标题（导出文件名）")


class ExportIn(Schema):
    query: str | dict[str, QueryValue] = Field(
        "",
        title="筛选条件",
        description="列表页面的查询参数（筛选、排序、列），与页面地址 ? 之后的部分相同："
        '查询字符串（如 unit=12&sort=-name）或对象（如 {"unit": 12, "tier": ["a", "b"]}）；'
        "page、page_size 不起作用",
    )


class JobOut(Schema):
    job_id: int
    kind: str = Field(description="list_export / appointment_forms / cadre_export / import …")
    title: str
    status: str = Field(description="queued / running / done / failed")
    status_label: str
    progress: int
    total: int
    percent: int
    rows: int | None = Field(
        description="完成后：文件中的记录数（列表导出为行数，批量任免审批表为人数）"
    )
    error: str
    file_name: str = Field(description="完成后的文件名")
    download_url: str | None = Field(description="完成后：GET 此地址下载文件")
    excluded: list[int] = Field(
        description="批量任免审批表：运行时已不在数据范围内而排除的干部编号"
    )
    created_at: datetime
    finished_at: datetime | None


def job_out(job: Job) -> JobOut:
    """A job as the API shows it (used by the other apps' job-starting endpoints too)."""
    done = job.status == JobStatus.DONE
    excluded = job.params.get("excluded") if job.kind == "appointment_forms" else None
    return JobOut(
        job_id=job.pk,
        kind=job.kind,
        title=job.title,
        status=job.status,
        status_label=job.get_status_display(),
        progress=job.progress,
        total=job.total,
        percent=job.percent,
        rows=job.total if done else None,
        error=job.error,
        file_name=job.result_name if done else "",
        download_url=f"/api/v1/jobs/{job.pk}/download" if done and job.result_file else None,
        excluded=[int(i) for i in excluded or []],
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _own_job(request: HttpRequest, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id, actor=api_actor(request)).first()
    if job is None:
        raise OutOfScopeError()
    return job


def query_filters(query: str | dict[str, QueryValue]) -> dict[str, list[str]]:
    """The query as the page's `request.GET.lists()`: each key with its list of values."""
    filters: dict[str, list[str]] = {}
    if isinstance(query, str):
        for key, text in parse_qsl(query.lstrip("?")[: MAX_QUERY + 1], keep_blank_values=True):
            filters.setdefault(key, []).append(text)
    else:
        for key, given in query.items():
            values = given if isinstance(given, list) else [given]
            filters[key] = [str(v) for v in values]
    if (
        len(query) > MAX_QUERY
        or sum(len(k) + len("".join(v)) for k, v in filters.items()) > MAX_QUERY
    ):
        message = f"筛选条件：过长（最多{MAX_QUERY}个字符）"
        raise DomainError(message, fields={"query": message})
    return filters


@router.get("/exports", response=list[ExportOut], summary="可导出的列表")
def export_list(request: HttpRequest) -> list[ExportOut]:
    """The lists the user may export (the pages' 导出Excel buttons), with their titles."""
    actor = api_actor(request)
    return [
        ExportOut(name=e.name, title=e.title)
        for e in sorted(exports.REGISTRY.values(), key=lambda e: e.name)
        if e.may_export(actor)
    ]


@router.post("/exports/{name}", response={202: JobOut}, summary="导出列表（后台任务）")
def export_start(
    request: HttpRequest,
    name: ExportName,
    payload: Annotated[ExportIn | None, Body(title="请求体")] = None,
) -> Status:
    """Starts the same Excel export as the list page's button, with the page's query (filters,
    sort, columns). 202 with the job; poll `GET /jobs/{job_id}`, then download. An unknown list
    is 404; a list the role may not export is 403. Scope: the job exports only the rows the user
    sees, with their grants when it runs; the export is audited (`list.export`)."""
    filters = query_filters(payload.query if payload is not None else "")
    try:
        job = list_export_start(actor=api_actor(request), name=name, filters=filters)
    except PermissionDenied as exc:
        raise HttpError(403, "您没有导出该列表的权限") from exc
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.get("/", response=list[JobOut], summary="我的任务")
def job_list(request: HttpRequest) -> list[JobOut]:
    """The user's latest 50 jobs (exports, batch printing, imports), newest first."""
    jobs = Job.objects.filter(actor=api_actor(request)).order_by("-id")[:RECENT_JOBS]
    return [job_out(job) for job in jobs]


@router.get("/{job_id}", response=JobOut, summary="任务状态")
def job_status(request: HttpRequest, job_id: JobId) -> JobOut:
    """Status, progress and, once done, the file's name and download address. Only the user's
    own jobs: any other id is 404."""
    return job_out(_own_job(request, job_id))


@router.get("/{job_id}/download", summary="下载任务文件")
def job_download(request: HttpRequest, job_id: JobId) -> HttpResponseBase:
    """The finished job's file (audited `job.download`, as on the page). 409 `job_not_ready`
    while the job is queued or running; 404 when it failed or its file was purged."""
    job = _own_job(request, job_id)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        body = api_errors.error_body("job_not_ready", "任务尚未完成，文件尚未生成")
        return JsonResponse(body, status=409, json_dumps_params={"ensure_ascii": False})
    response = job_file_response(job, actor=api_actor(request))
    response["Cache-Control"] = "no-store"
    return response
