"""Entry points of the import used by the pages: start, read back, mark, commit.

An import belongs to the user who uploaded it: every read of its jobs filters on the owner, and
another user's job id answers as if it did not exist.
"""

import hashlib
from datetime import timedelta
from typing import Any
from uuid import uuid4

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.jobs import job_start
from apps.core.models import Job, JobStatus
from apps.core.roles import RoleRefused

from .jobs import load_result, stored_upload
from .marked import marked_workbook
from .readers import read_upload, sniff
from .spec import REGISTRY, RecordType
from .validation import Result

VALIDATE_KIND = "import_validate"
COMMIT_KIND = "import_commit"
MAX_UPLOAD_MB = 50
STALE_COMMIT = timedelta(minutes=30)  # a commit "running" longer was interrupted (worker killed)
UPLOAD_DIR = "imports"


def record_type_for(actor: Any, key: str) -> RecordType:
    """The record type `key` if the actor's role may import it (roles are not secret: 403)."""
    record_type = REGISTRY.get(key)
    if record_type is None:
        raise DomainError("未知的导入类型", code="import_type", fields={"record_type": "未知"})
    if not record_type.may_import(actor):
        raise RoleRefused(tuple(sorted(record_type.roles)))
    return record_type


@transaction.atomic
def import_start(*, actor: Any, record_type: str, filename: str, data: bytes) -> Job:
    """Store the upload and start the validation job. Obvious non-spreadsheets are refused at
    once; everything else is judged row by row in the job."""
    spec = record_type_for(actor, record_type)
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise DomainError(f"文件超过{MAX_UPLOAD_MB}MB，请拆分后分批导入", code="import_too_big")
    kind = sniff(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid4().hex}/upload.{kind}", ContentFile(data))
    from apps.cadres.tasks_import import validate_import  # the task module imports this package

    return job_start(
        actor=actor,
        kind=VALIDATE_KIND,
        title=f"导入{spec.label}：{filename}"[:100],
        params={
            "type": spec.key,
            "file": path,
            "name": filename[:200],
            "sha256": digest,
            "size": len(data),
        },
        task=validate_import,
    )


def import_job(*, actor: Any, job_id: int) -> Job:
    """The actor's own validation job; anyone else's (or none) is OutOfScopeError (404)."""
    job = Job.objects.filter(pk=job_id, actor=actor, kind=VALIDATE_KIND).first()
    if job is None or job.params.get("type") not in REGISTRY:
        raise OutOfScopeError()
    return job


def import_result(job: Job) -> Result | None:
    return load_result(job) if job.status == JobStatus.DONE else None


def commit_job_of(job: Job) -> Job | None:
    pk = job.params.get("commit_job")
    return Job.objects.filter(pk=pk, actor=job.actor).first() if pk else None


def may_retry(commit: Job | None) -> bool:
    """No commit yet, a failed one, or one 'running' so long that its worker died."""
    if commit is None or commit.status == JobStatus.FAILED:
        return True
    running = commit.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    return running and timezone.now() - commit.created_at > STALE_COMMIT


@transaction.atomic
def import_commit(*, actor: Any, job_id: int) -> Job:
    """Start the commit of a validated upload (only when every row passed)."""
    job = import_job(actor=actor, job_id=job_id)
    Job.objects.select_for_update().filter(pk=job.pk).first()
    job.refresh_from_db()
    spec = record_type_for(actor, job.params["type"])
    result = import_result(job)
    if result is None or not result.committable:
        raise DomainError("校验未完成或仍有问题行，不能导入", code="import_not_ready")
    if not may_retry(commit_job_of(job)):
        raise DomainError("该文件已在导入或已导入完成", code="import_started")
    from apps.cadres.tasks_import import commit_import

    commit = job_start(
        actor=actor,
        kind=COMMIT_KIND,
        title=f"确认导入{spec.label}：{job.params['name']}"[:100],
        params={"source": job.pk},
        task=commit_import,
    )
    job.params = {**job.params, "commit_job": commit.pk}
    job.save(update_fields=["params"])
    return commit


def import_marked(*, actor: Any, job_id: int) -> tuple[str, bytes]:
    """The upload with its problems marked (.xlsx); the download is audited."""
    job = import_job(actor=actor, job_id=job_id)
    spec = record_type_for(actor, job.params["type"])
    result = import_result(job)
    commit = commit_job_of(job)
    committed = commit is not None and commit.status == JobStatus.DONE
    if result is None or result.file_errors or committed:
        raise OutOfScopeError("没有可下载的标注文件")
    table = read_upload(stored_upload(job), job.params["name"], preferred_sheet=spec.sheet_title)
    content = marked_workbook(table, result.problems, title=spec.sheet_title)
    audit.record(
        action="import.marked_download",
        actor=actor,
        target=job,
        detail={"type": spec.key, "file": job.params["name"], "problems": len(result.problems)},
    )
    stem = job.params["name"].rsplit(".", 1)[0]
    return f"{stem}_问题标注.xlsx", content
