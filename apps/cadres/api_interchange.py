"""REST endpoints of the interchange (/api/v1/cadres/…): the 任免审批表 as PDF or .docx and the
LRMX file of one cadre; the Excel/CSV import (upload → validation job → problems → commit, the
marked file) and the LRMX import; batch 任免审批表 (a job, see apps/core/api_jobs.py) and batch
LRMX of a selection; the 三龄两历 check of a cadre and over the scope. Same scope (404 outside
it), owner-only jobs (another user's job is 404) and audit as the pages."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Path, Query, Router, Status, UploadedFile
from ninja.errors import HttpError

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, api_actor
from apps.accounts.models import ManagedBy
from apps.cadres import lrmx
from apps.cadres.appointment_form import FormData, build, visible_ids
from apps.cadres.checks import Code, Inconsistency
from apps.cadres.importing import REGISTRY, service
from apps.cadres.schemas import MAX_ID
from apps.cadres.schemas_interchange import (
    AppointmentFormsBatchIn,
    CadreChecksOut,
    CadreExportIn,
    CheckCountOut,
    CheckedCadreOut,
    CheckIssueOut,
    ChecksReportOut,
    ChecksReportQuery,
    ImportCommitOut,
    ImportJobOut,
    ImportProblemOut,
    ImportProblemsOut,
    LrmxBatchIn,
    LrmxFileOut,
    LrmxReportOut,
    ProblemsQuery,
)
from apps.cadres.selectors import cadre_get
from apps.cadres.selectors_checks import cadre_checks, checks_report
from apps.cadres.tasks import export_cadres
from apps.cadres.tasks_forms import batch_title, render_appointment_forms
from apps.cadres.views.checks import FIELD_LABELS
from apps.cadres.views.lrmx import lrmx_batch_name
from apps.core import audit
from apps.core.api_jobs import JobOut, job_out, query_filters
from apps.core.exceptions import OutOfScopeError
from apps.core.jobs import job_start
from apps.core.models import AuditOutcome, Job
from apps.core.roles import RoleRefused

router = Router(tags=["干部信息交换"], auth=READ_AUTH)
CadreId = Annotated[int, Path(title="干部编号", ge=1, le=MAX_ID)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_IGNORED = {"page", "page_size", "ids"}  # as the page: the ids come in their own field


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _form(request: HttpRequest, cadre_id: int, fmt: str, on: date | None) -> FormData:
    actor = api_actor(request)
    day = on or timezone.localdate()
    form = build(cadre_id, actor=actor, on=day)  # scoped (OutOfScopeError → 404) and audited
    audit.record(
        action="cadre.appointment_form",
        actor=actor,
        target_type="cadres.cadre",
        target_id=cadre_id,
        target_repr=form.name,
        detail={"format": fmt, "on": day.isoformat(), "via": "api"},
    )
    return form


@router.get("/{cadre_id}/appointment-form.pdf", summary="任免审批表（PDF）")
def appointment_form_pdf(
    request: HttpRequest, cadre_id: CadreId, on: date | None = None
) -> HttpResponse:
    """`on`: the form's date (ages are computed to it); default today."""
    from apps.cadres.appointment_form.pdf import render_pdf

    form = _form(request, cadre_id, "pdf", on)
    return _file(render_pdf([form]), "application/pdf", f"{form.name}_干部任免审批表.pdf")


@router.get("/{cadre_id}/appointment-form.docx", summary="任免审批表（Word）")
def appointment_form_docx(
    request: HttpRequest, cadre_id: CadreId, on: date | None = None
) -> HttpResponse:
    from apps.cadres.appointment_form.word import render_docx

    form = _form(request, cadre_id, "docx", on)
    return _file(render_docx(form), DOCX, f"{form.name}_干部任免审批表.docx")


@router.get("/{cadre_id}/lrmx", auth=WRITE_AUTH, summary="导出LRMX")
def lrmx_export(request: HttpRequest, cadre_id: CadreId) -> HttpResponse:
    """Officers only: the file carries the full 公民身份号码 (leaders see it masked)."""
    name, content = lrmx.export_one(cadre_id, actor=api_actor(request))
    return _file(content, "application/xml", name)


# Excel/CSV import: the same service (importing.service) and owner-only jobs as the pages.
ImportJobId = Annotated[int, Path(title="导入任务编号", ge=1, le=MAX_ID)]


def _commit_out(commit: Job | None) -> ImportCommitOut | None:
    if commit is None:
        return None
    return ImportCommitOut(
        job_id=commit.pk,
        status=commit.status,
        progress=commit.progress,
        total=commit.total,
        percent=commit.percent,
        error=commit.error,
        counts=commit.params.get("counts") or {},
    )


def _job_out(job: Job, page: int = 1, page_size: int = 50) -> ImportJobOut:
    result = service.import_result(job)
    problems = result.problems if result is not None else []
    first = (page - 1) * page_size
    items = [
        ImportProblemOut(row=p.line, cell=p.cell, column=p.header, value=p.value, reason=p.reason)
        for p in problems[first : first + page_size]
    ]
    spec = REGISTRY[job.params["type"]]
    return ImportJobOut(
        job_id=job.pk,
        type=spec.key,
        type_label=spec.label,
        file_name=job.params["name"],
        status=job.status,
        progress=job.progress,
        total=job.total,
        percent=job.percent,
        error=job.error,
        file_errors=result.file_errors if result is not None else [],
        counts=result.counts if result is not None else None,
        committable=result is not None and result.committable,
        truncated=result is not None and result.truncated,
        problems=ImportProblemsOut(
            count=len(problems), page=page, page_size=page_size, items=items
        ),
        commit=_commit_out(service.commit_job_of(job)),
    )


@router.post(
    "/imports/", auth=WRITE_AUTH, response={202: ImportJobOut}, summary="上传导入文件（开始校验）"
)
def import_start(
    request: HttpRequest,
    file: File[UploadedFile],
    record_type: Annotated[str, Form(alias="type", title="导入内容")],
) -> Status:
    """Multipart: `file` (.xlsx/.xls/.ods/.csv) and `type` (cadres, appointments, educations,
    family). Starts the background validation; poll `GET /imports/{job_id}`."""
    try:
        job = service.import_start(
            actor=api_actor(request),
            record_type=record_type,
            filename=file.name or "upload",
            data=file.read(),
        )
    except RoleRefused as exc:
        raise HttpError(403, "您的角色无权导入该内容") from exc
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.get("/imports/{job_id}", auth=WRITE_AUTH, response=ImportJobOut, summary="导入任务状态")
def import_status(
    request: HttpRequest, job_id: ImportJobId, query: Query[ProblemsQuery]
) -> ImportJobOut:
    """Progress, counts (new / updated / unchanged / invalid) and the problems, paged. Another
    user's job is 404."""
    job = service.import_job(actor=api_actor(request), job_id=job_id)
    return _job_out(job, query.page, query.page_size)


@router.post(
    "/imports/{job_id}/commit", auth=WRITE_AUTH, response={202: ImportJobOut}, summary="确认导入"
)
def import_commit(request: HttpRequest, job_id: ImportJobId) -> Status:
    """Starts the commit (all rows in one transaction, or none); only when every row passed."""
    actor = api_actor(request)
    service.import_commit(actor=actor, job_id=job_id)
    return Status(202, _job_out(service.import_job(actor=actor, job_id=job_id)))


@router.get("/imports/{job_id}/marked", auth=WRITE_AUTH, summary="下载问题标注文件")
def import_marked(request: HttpRequest, job_id: ImportJobId) -> HttpResponse:
    """The upload as .xlsx with problem cells in red and a 问题说明 column (audited)."""
    name, content = service.import_marked(actor=api_actor(request), job_id=job_id)
    return _file(content, XLSX, name)


@router.post("/lrmx/import", auth=WRITE_AUTH, response=LrmxReportOut, summary="导入LRMX")
def lrmx_import(
    request: HttpRequest,
    file: File[UploadedFile],
    unit: Annotated[int, Form(title="导入到单位", ge=1, le=MAX_ID)],
    managed_by: Annotated[ManagedBy, Form(title="干部管理权限")],
    update_existing: Annotated[bool, Form(title="已存在时更新")] = False,
    dry_run: Annotated[bool, Form(title="仅预览")] = True,
) -> LrmxReportOut:
    """Multipart: a .lrmx, .lrm or .zip `file`, the target `unit` and `managed_by` (inside the
    change scope). `dry_run` (default true) reports what importing would do and writes nothing;
    send it again with `dry_run=false` to import (each file in its own transaction, audited)."""
    report = lrmx.process_upload(
        file.name or "upload.lrmx",
        file.read(),
        actor=api_actor(request),
        unit_id=unit,
        managed_by=managed_by,
        update_existing=update_existing,
        dry_run=dry_run,
    )
    files = [
        LrmxFileOut(
            file=r.name,
            status=r.status,
            message=r.message,
            person=r.person.name if r.person is not None else "",
            cadre_id=r.cadre_id,
            changed=list(r.changed),
        )
        for r in report.results
    ]
    return LrmxReportOut(dry_run=report.dry_run, counts=report.counts, files=files)


# Batch exports of the list's selection. Unlike the pages, which leave out (and report) the ids
# outside the scope, the API answers 404 for the whole request when any id is unknown or outside
# the scope: nothing is generated, and the refusal is audited as denied.


def _all_in_scope(request: HttpRequest, ids: list[int], action: str, detail: dict[str, Any]) -> Any:
    """The actor when every id is a cadre in their scope; else audit the refusal and 404."""
    actor = api_actor(request)
    visible = set(visible_ids(ids, actor=actor))
    missing = [pk for pk in ids if pk not in visible]
    if missing:
        audit.record(
            action=action,
            actor=actor,
            target_type="cadres.cadre",
            target_repr=f"批量{len(ids)}人",
            outcome=AuditOutcome.DENIED,
            detail={**detail, "ids": ids, "missing": missing, "via": "api"},
        )
        raise OutOfScopeError()
    return actor


@router.post(
    "/appointment-forms/batch",
    response={202: JobOut},
    summary="批量打印任免审批表（后台任务）",
)
def appointment_forms_batch(request: HttpRequest, payload: AppointmentFormsBatchIn) -> Status:
    """The selected cadres' 任免审批表 (≤ 500) as one PDF (`format=pdf`) or a zip of .docx
    (`zip`), rendered by a background job: 202 with the job; poll `GET /jobs/{job_id}`, download
    with `GET /jobs/{job_id}/download`. Any id unknown or outside the scope: 404, no job."""
    fmt = "pdf" if payload.format == "pdf" else "docx"
    on = payload.on or timezone.localdate()
    detail = {"format": fmt, "on": on.isoformat()}
    actor = _all_in_scope(request, payload.ids, "cadre.appointment_form", detail)
    job = job_start(
        actor=actor,
        kind="appointment_forms",
        title=batch_title(fmt, len(payload.ids), 0),
        params={"ids": payload.ids, "format": fmt, "on": on.isoformat()},
        task=render_appointment_forms,
    )
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.post("/export", response={202: JobOut}, summary="导出干部名册（当前列表，后台任务）")
def cadre_export(request: HttpRequest, payload: CadreExportIn) -> Status:
    """The cadre list as the page exports it (导出Excel / 导出所选): the same job, filters, sort and
    chosen columns, scoped to the caller when it runs and audited `list.export`. 202 with the
    job; poll `GET /jobs/{job_id}`, download with `GET /jobs/{job_id}/download`."""
    actor = api_actor(request)
    filters = {k: v for k, v in query_filters(payload.query).items() if k not in EXPORT_IGNORED}
    if payload.ids:
        filters = {"ids": [",".join(str(i) for i in payload.ids)]}
    job = job_start(
        actor=actor,
        kind="cadre_export",
        title="导出干部名册",
        params={"filter": filters, "hidden": sorted(set(payload.hidden_columns))},
        task=export_cadres,
    )
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.post("/lrmx/export", auth=WRITE_AUTH, summary="批量导出LRMX（zip）")
def lrmx_export_batch(request: HttpRequest, payload: LrmxBatchIn) -> HttpResponse:
    """Officers only: a zip with one .lrmx per selected cadre (≤ 500), at once (as the page).
    Audited `cadre.lrmx_export_batch`. Any id unknown or outside the scope: 404, no file."""
    actor = _all_in_scope(request, payload.ids, "cadre.lrmx_export_batch", {})
    export = lrmx.export_zip(payload.ids, actor=actor)
    return _file(export.content, "application/zip", lrmx_batch_name())


# 三龄两历: one cadre's findings (the record's tab) and the report over the scope.


def _issue_out(issue: Inconsistency) -> CheckIssueOut:
    return CheckIssueOut(
        code=issue.code,
        label=Code(issue.code).label,
        message=issue.message,
        fields=list(issue.fields),
        field_labels=[FIELD_LABELS.get(f, f) for f in issue.fields],
    )


@router.get("/checks/", response=ChecksReportOut, summary="三龄两历核查（数据范围内）")
def checks_report_api(request: HttpRequest, query: Query[ChecksReportQuery]) -> ChecksReportOut:
    """The report of the page 三龄两历核查 over the user's scope: `unit` (its subtree; a unit
    outside the scope matches nothing), `code` (one rule), `sort`, pages of the cadres with
    findings. Note the trailing slash (`/cadres/checks` is read as a cadre id)."""
    params = {"unit": query.unit or "", "code": query.code or "", "sort": query.sort}
    report = checks_report(actor=api_actor(request), params=params, today=timezone.localdate())
    first = (query.page - 1) * query.page_size
    items = [
        CheckedCadreOut(
            cadre_id=row.pk,
            name=row.name,
            unit_name=row.unit_name,
            birth_date=row.birth_date,
            work_start_date=row.work_start_date,
            party_join_date=row.party_join_date,
            issues=[_issue_out(i) for i in row.issues],
        )
        for row in report.rows[first : first + query.page_size]
    ]
    return ChecksReportOut(
        checked=report.checked,
        count=len(report.rows),
        issue_total=report.issue_total,
        counts=[
            CheckCountOut(code=c.code, label=c.label, cadres=c.cadres, issues=c.issues)
            for c in report.counts
        ],
        page=query.page,
        page_size=query.page_size,
        items=items,
    )


@router.get("/{cadre_id}/checks", response=CadreChecksOut, summary="干部的三龄两历问题")
def cadre_checks_api(request: HttpRequest, cadre_id: CadreId) -> CadreChecksOut:
    """The record's inconsistencies, as its 三龄两历 tab shows them. The read is audited
    (`cadre.view`, like opening the record); an id outside the scope is 404 (audited denied)."""
    actor = api_actor(request)
    cadre = cadre_get(actor=actor, cadre_id=cadre_id)
    issues = cadre_checks(actor=actor, cadre=cadre, today=timezone.localdate())
    return CadreChecksOut(
        cadre_id=cadre.pk,
        name=cadre.name,
        count=len(issues),
        issues=[_issue_out(i) for i in issues],
    )
