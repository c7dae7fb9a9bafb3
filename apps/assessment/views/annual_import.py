"""Import of annual grades from Excel: upload (a background check), the preview with its
problems, "确认导入", and the blank template."""

from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from apps.assessment.constants import AnnualGrade
from apps.assessment.forms_annual import ImportForm
from apps.assessment.services.annual_import import (
    ACTION_LABELS,
    COLUMNS,
    KIND,
    annual_import_commit,
)
from apps.assessment.tasks import start_annual_import
from apps.cadres.views.common import require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.models import Job, JobStatus

GRADE_LABELS = dict(AnnualGrade.choices)
RECENT = 10
HELP = (
    "第一个工作表第一行为列名：姓名、公民身份号码、年度、等次、评语（评语可选）。",
    "年度填四位数字，如 2025。",
    "等次填：优秀、称职、基本称职、不称职、不定等次；不定等次须填写评语。",
    "只能导入您有权维护的干部；已提交的年度考核须先退回才能修改。",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(label: str, url: str | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        ("考核评价", None),
        ("年度考核", reverse("assessment:annual_overview")),
        ("导入考核结果", url),
    ]
    return crumbs if not label else [*crumbs, (label, None)]


def annual_import_view(request: HttpRequest) -> HttpResponse:
    """Upload form (POST starts the check and opens its preview) and the user's recent imports."""
    actor = require_cadre_user(request, change=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_annual_import(actor=actor, content=upload.read(), file_name=upload.name)
        return redirect("assessment:annual_import_preview", job_id=job.pk)
    recent = Job.objects.filter(actor=actor, kind=KIND)[:RECENT]
    context = {"form": form, "recent": recent, "columns": COLUMNS, "breadcrumbs": _crumbs("")}
    return render(request, "assessment/import_upload.html", context)


def _own_job(request: HttpRequest, job_id: int) -> Job:
    user: Any = request.user
    job = Job.objects.filter(pk=job_id, actor=user, kind=KIND).first()
    if job is None:
        raise Http404("导入任务不存在")
    return job


def annual_import_preview_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The check's progress (htmx polling) and, once done, what would change and every problem."""
    require_cadre_user(request, change=True)
    job = _own_job(request, job_id)
    preview = job.params.get("preview") or {}
    items = [
        {
            **i,
            "grade_label": GRADE_LABELS.get(i["grade"], i["grade"]),
            "action_label": ACTION_LABELS[i["action"]],
        }
        for i in preview.get("items", [])
    ]
    counts = preview.get("counts", {})
    context = {
        "job": job,
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "preview": preview,
        "items": items,
        "counts": counts,
        "committed": job.params.get("committed"),
        "can_commit": bool(preview)
        and not preview.get("error")
        and not counts.get("invalid")
        and not job.params.get("committed_at"),
        "breadcrumbs": _crumbs(
            preview.get("file_name") or job.title, reverse("assessment:annual_import")
        ),
    }
    template = "_import_status" if is_htmx_partial(request) else "import_preview"
    return render(request, f"assessment/{template}.html", context)


@require_POST
def annual_import_commit_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        counts = annual_import_commit(actor=actor, job_id=job_id)
    except OutOfScopeError:
        raise Http404("导入任务不存在") from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已导入：新增 {counts['new']} 条，修改 {counts['updated']} 条，"
            f"无变化 {counts['unchanged']} 条",
        )
    return redirect("assessment:annual_import_preview", job_id=job_id)


def annual_import_template_view(request: HttpRequest) -> HttpResponse:
    """A blank workbook with the columns and one example row."""
    require_cadre_user(request, change=True)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "年度考核结果"
    sheet.append(list(COLUMNS))
    for column, width in zip("ABCDE", (10, 22, 8, 10, 40), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    for line in HELP:
        notes.append([line])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = quote("年度考核结果导入模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
