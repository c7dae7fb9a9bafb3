"""The two background steps of an import, run by the task worker through core.jobs.job_run.

1. Validation (`run_validation`): read the stored upload, check every row, store the outcome as
   JSON in the job's result file. Nothing is written to the records.
2. Commit (`run_commit`): in ONE transaction, check every row again (the data may have changed
   since the preview; existing rows are locked), refuse if anything is invalid, write all rows,
   audit. A failure or a killed worker leaves the database as it was; imports are serialised, so
   a re-run after an interrupted commit finds the rows it needs and changes nothing twice.
"""

import hashlib
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError
from apps.core.models import Job

from .readers import FileRefused, read_upload
from .spec import REGISTRY, RecordType
from .validation import MAX_ROWS, Result, validate

RESULT_NAME = "校验结果.json"
_IMPORT_LOCK = 7_420_612  # PostgreSQL advisory lock serialising commits (SQLite serialises itself)
LIMITS = {"max_rows": MAX_ROWS}  # tests lower it to exercise the row limit quickly


def stored_upload(job: Job) -> bytes:
    """The uploaded bytes of a validation job, checked against the hash taken at upload."""
    with default_storage.open(job.params["file"], "rb") as handle:
        data: bytes = handle.read()
    if hashlib.sha256(data).hexdigest() != job.params["sha256"]:
        raise DomainError("上传的文件已被改动或损坏，请重新上传", code="import_file_changed")
    return data


def _record_type(job: Job) -> RecordType:
    return REGISTRY[job.params["type"]]


def load_result(job: Job) -> Result | None:
    """The stored validation outcome of a finished validation job."""
    if not job.result_file:
        return None
    with job.result_file.open("rb") as handle:
        return Result.from_json(handle.read())


def run_validation(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    record_type = _record_type(job)
    try:
        table = read_upload(
            stored_upload(job), job.params["name"], preferred_sheet=record_type.sheet_title
        )
    except FileRefused as exc:
        return RESULT_NAME, Result(record_type.key, file_errors=[exc.message]).to_json()
    job.total = len(table.rows)
    job.save(update_fields=["total"])
    result, _ = validate(
        record_type,
        table,
        actor=job.actor,
        today=timezone.localdate(),
        max_rows=LIMITS["max_rows"],
        report=report,
    )
    return RESULT_NAME, result.to_json()


def _serialise_imports() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])


def _summary(counts: dict[str, int], label: str) -> str:
    return (
        f"{label}导入完成：新增{counts['created']}条，更新{counts['updated']}条，"
        f"未变化{counts['unchanged']}条。"
    )


def run_commit(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    source = Job.objects.get(pk=job.params["source"], actor=job.actor)
    record_type = _record_type(source)
    data = stored_upload(source)
    table = read_upload(data, source.params["name"], preferred_sheet=record_type.sheet_title)
    job.total = len(table.rows)
    job.save(update_fields=["total"])
    today = timezone.localdate()
    tag = {"job": source.pk, "file_sha256": source.params["sha256"]}
    with transaction.atomic():
        Job.objects.select_for_update().filter(pk=source.pk).first()
        _serialise_imports()
        result, plan = validate(
            record_type,
            table,
            actor=job.actor,
            today=today,
            lock=True,
            max_rows=LIMITS["max_rows"],
        )
        if not result.committable:
            raise DomainError(
                f"导入前复核发现{result.counts['invalid'] or len(result.file_errors)}处问题"
                "（数据可能在预览后发生了变化），未导入任何数据；请重新上传文件并预览",
                code="import_invalid",
            )
        counts = record_type.commit(plan, actor=job.actor, today=today, report=report, source=tag)
        audit.record(
            action=record_type.audit_action,
            actor=job.actor,
            target_type="units.unit" if record_type.key == "units" else "cadres.cadre",
            target_repr=f"导入{record_type.label}：{source.params['name']}"[:200],
            detail={
                **tag,
                "file_name": source.params["name"],
                "file_size": source.params["size"],
                "rows": result.total,
                **counts,
            },
        )
    Job.objects.filter(pk=job.pk).update(params={**job.params, "counts": counts})
    default_storage.delete(source.params["file"])  # the clear-text upload is no longer needed
    text = _summary(counts, record_type.label) + "\r\n"
    return "导入结果.txt", text.encode("utf-8-sig")
