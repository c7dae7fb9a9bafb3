"""Background jobs of the assessment pillar (run by the task worker): checking an uploaded file
of annual grades before it is imported."""

from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task
from django.utils import timezone
from openpyxl import Workbook

from apps.assessment.services import annual_import
from apps.core.jobs import job_run, job_start
from apps.core.models import Job

UPLOAD_DIR = "imports/assessment/"
ANNUAL_LABELS = annual_import.GRADE_BY_LABEL


def start_annual_import(*, actor: Any, content: bytes, file_name: str) -> Job:
    """Keep the upload until the check has read it and queue the check (after commit)."""
    path = default_storage.save(
        f"{UPLOAD_DIR}{annual_import.file_hash(content)}.xlsx", ContentFile(content)
    )
    return job_start(
        actor=actor,
        kind=annual_import.KIND,
        title=f"导入年度考核结果：{file_name}"[:100],
        params={"path": path, "file_name": file_name},
        task=check_annual_import,
    )


def _report(preview: dict[str, Any]) -> bytes:
    """The check's result as a workbook: every problem, then every row to be written."""
    workbook = Workbook(write_only=True)
    problems = workbook.create_sheet("问题")
    problems.append(["行号", "列", "值", "问题"])
    for p in preview.get("problems", []):
        problems.append([p["row"], p["column"], p["value"], p["reason"]])
    items = workbook.create_sheet("待导入")
    items.append(["行号", "姓名", "单位", "年度", "等次", "处理"])
    labels = {v: k for k, v in ANNUAL_LABELS.items()}
    for i in preview.get("items", []):
        action = annual_import.ACTION_LABELS[i["action"]]
        items.append([i["row"], i["name"], i["unit"], i["year"], labels[i["grade"]], action])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _check(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    path = job.params["path"]
    try:
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
    finally:
        # The upload holds id numbers in clear: it lives only until it has been read.
        default_storage.delete(path)
    preview = annual_import.build_preview(
        actor=job.actor, content=content, file_name=job.params["file_name"]
    )
    job.total = preview.get("rows", 0)
    job.params = {k: v for k, v in job.params.items() if k != "path"} | {"preview": preview}
    job.save(update_fields=["params", "total"])
    report(job.total)
    stamp = datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d%H%M%S")
    return f"年度考核导入校验结果_{stamp}.xlsx", _report(preview)


@task()
def check_annual_import(job_id: int) -> None:
    """Check an uploaded file of annual grades and store the preview on the job."""
    job_run(job_id, _check)
