"""Long jobs: create a Job row, enqueue its task (Django Tasks API), report progress."""

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import Task
from django.utils import timezone

from .models import Job, JobStatus


def job_start(*, actor: Any, kind: str, title: str, params: dict[str, Any], task: Task) -> Job:
    """Record the job and enqueue `task(job_id)` once the row is committed."""
    job = Job.objects.create(actor=actor, kind=kind, title=title, params=params)
    transaction.on_commit(lambda: task.enqueue(job.pk))
    return job


def job_run(job_id: int, work: Callable[[Job, Callable[[int], None]], tuple[str, bytes]]) -> None:
    """Run `work(job, report)` for a queued job, store its file, record failures for the user.

    `report(done)` updates progress at most every 1% so the polling page moves without a write
    per row.
    """
    job = Job.objects.get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    step = {"last": -1}

    def report(done: int) -> None:
        percent = int(done * 100 / job.total) if job.total else 0
        if percent != step["last"]:
            step["last"] = percent
            Job.objects.filter(pk=job.pk).update(progress=done)

    try:
        name, content = work(job, report)
    except Exception as exc:
        job.status, job.error = JobStatus.FAILED, f"任务失败：{exc}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.result_name = name
    job.result_file.save(name, ContentFile(content), save=False)
    job.status, job.progress, job.finished_at = JobStatus.DONE, job.total, timezone.now()
    job.save(update_fields=["result_name", "result_file", "status", "progress", "finished_at"])
