"""The children of the interchange benchmark (bench/interchange.py): one scenario each, run in
a fresh process like a task worker, printing one RESULT line the parent reads."""

import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.interchange import EXPORTER, IMPORTER, PDF_RUNS


def rss_mb() -> float:
    """This process's peak resident set so far: VmHWM of its own address space. (ru_maxrss is
    no good here: Linux carries the parent's high-water mark over fork and exec into it.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def child_import_validate(path: str) -> dict[str, Any]:
    import hashlib
    from uuid import uuid4

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.accounts.models import User
    from apps.cadres.importing.jobs import load_result
    from apps.cadres.importing.service import UPLOAD_DIR, VALIDATE_KIND
    from apps.cadres.tasks_import import validate_import
    from apps.core.models import Job

    data = Path(path).read_bytes()
    actor = User.objects.get(username=IMPORTER)
    stored = default_storage.save(f"{UPLOAD_DIR}/{uuid4().hex}/upload.xlsx", ContentFile(data))
    job = Job.objects.create(
        actor=actor,
        kind=VALIDATE_KIND,
        title="导入干部：bench.xlsx",
        params={
            "type": "cadres",
            "file": stored,
            "name": "bench.xlsx",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        },
    )
    start = rss_mb()
    seconds = timed(lambda: validate_import.call(job.pk))
    job.refresh_from_db()
    result = load_result(job)
    assert result is not None and not result.file_errors, result and result.file_errors
    assert result.committable, result.problems[:5]
    return {
        "job": job.pk,
        "rows": result.total,
        "counts": result.counts,
        "seconds": seconds,
        "rss_mb": rss_mb(),
        "rss_start_mb": start,
    }


def child_import_commit(source_id: str) -> dict[str, Any]:
    from apps.cadres.importing.service import COMMIT_KIND
    from apps.cadres.tasks_import import commit_import
    from apps.core.models import Job, JobStatus

    source = Job.objects.get(pk=int(source_id))
    commit = Job.objects.create(
        actor=source.actor, kind=COMMIT_KIND, title="确认导入", params={"source": source.pk}
    )
    source.params = {**source.params, "commit_job": commit.pk}
    source.save(update_fields=["params"])
    start = rss_mb()
    seconds = timed(lambda: commit_import.call(commit.pk))
    commit.refresh_from_db()
    assert commit.status == JobStatus.DONE, commit.error
    return {
        "rows": commit.total,
        "counts": commit.params["counts"],
        "seconds": seconds,
        "rss_mb": rss_mb(),
        "rss_start_mb": start,
    }


def _export(kind: str, params: dict[str, Any], task: Any) -> dict[str, Any]:
    from apps.accounts.models import User
    from apps.core.models import Job, JobStatus

    actor = User.objects.get(username=EXPORTER)
    job = Job.objects.create(actor=actor, kind=kind, title="导出", params=params)
    start = rss_mb()
    seconds = timed(lambda: task.call(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    return {
        "rows": job.total,
        "mb": job.result_file.size / 1e6,
        "seconds": seconds,
        "rss_mb": rss_mb(),
        "rss_start_mb": start,
    }


def child_export_roster(_: str) -> dict[str, Any]:
    from apps.core.exports import export_list

    return _export("list_export", {"list": "cadre-roster", "filter": {}}, export_list)


def child_export_cadres(_: str) -> dict[str, Any]:
    from apps.cadres.tasks import export_cadres

    return _export("cadre_export", {"filter": {}}, export_cadres)


def child_pdf(cadre_id: str) -> dict[str, Any]:
    """As the PDF view: build the form through the scope layer, then WeasyPrint."""
    from io import BytesIO

    from django.utils import timezone
    from pypdf import PdfReader

    from apps.accounts.models import User
    from apps.cadres.appointment_form import build

    actor = User.objects.get(username=EXPORTER)
    today = timezone.localdate()
    pdf = b""

    def once() -> None:
        nonlocal pdf
        from apps.cadres.appointment_form.pdf import render_pdf

        pdf = render_pdf([build(int(cadre_id), actor=actor, on=today)])

    cold = timed(once)
    once()  # warm-up
    samples = sorted(timed(once) for _ in range(PDF_RUNS))
    return {
        "cold": cold,
        "p50": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, round(0.95 * len(samples) + 0.5) - 1)],
        "pages": len(PdfReader(BytesIO(pdf)).pages),
        "rss_mb": rss_mb(),
    }


def child_batch(arg: str) -> dict[str, Any]:
    from io import BytesIO

    from django.utils import timezone
    from pypdf import PdfReader

    from apps.accounts.models import User
    from apps.cadres.tasks_forms import render_appointment_forms
    from apps.core.models import Job, JobStatus

    fmt, ids = arg.split(":", 1)
    actor = User.objects.get(username=EXPORTER)
    params = {"ids": ids.split(","), "format": fmt, "on": timezone.localdate().isoformat()}
    job = Job.objects.create(actor=actor, kind="appointment_forms", title="打印", params=params)
    start = rss_mb()
    seconds = timed(lambda: render_appointment_forms.call(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    pages = 0
    if fmt == "pdf":
        with job.result_file.open("rb") as handle:
            pages = len(PdfReader(BytesIO(handle.read())).pages)
    return {
        "rows": job.total,
        "mb": job.result_file.size / 1e6,
        "pages": pages,
        "seconds": seconds,
        "rss_mb": rss_mb(),
        "rss_start_mb": start,
    }


CHILDREN: dict[str, Callable[[str], dict[str, Any]]] = {
    "import-validate": child_import_validate,
    "import-commit": child_import_commit,
    "export-roster": child_export_roster,
    "export-cadres": child_export_cadres,
    "pdf": child_pdf,
    "batch": child_batch,
}
