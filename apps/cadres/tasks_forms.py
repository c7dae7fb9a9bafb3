"""Batch printing of 任免审批表 (run by the task worker): one combined PDF or a zip of .docx.

Scope is applied with the job owner's grants when the job runs. Ids that do not exist or lie
outside that scope are EXCLUDED — never rendered — and reported: in the job's title, in
`job.params["excluded"]`, on a closing 批次说明 page (PDF) or in 说明.txt (zip), and in the audit
row. A batch with nothing in scope is refused before a job starts (views/appointment_form.py).
"""

import multiprocessing
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from io import BytesIO
from itertools import batched
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from apps.cadres import form_renderer
from apps.cadres.appointment_form import build_many, visible_ids
from apps.core import audit
from apps.core.exceptions import DomainError
from apps.core.jobs import job_run
from apps.core.models import Job

MAX_BATCH = 500
CHUNK = 25  # forms laid out per WeasyPrint run (bounded memory), then merged
FORMATS = {"pdf": "PDF", "docx": "Word"}


def excluded_notice(excluded: list[int], printed: int) -> list[str]:
    """The lines telling the user which selected ids were left out (nothing about why: an id
    outside the scope and an id that does not exist read the same)."""
    return [
        f"本批次共生成 {printed} 人的任免审批表。",
        f"所选的 {len(excluded)} 个干部编号不存在或不在您的数据范围内，已排除，未生成：",
        "、".join(str(pk) for pk in excluded),
    ]


def batch_title(fmt: str, printed: int, excluded: int) -> str:
    title = f"打印任免审批表（{FORMATS.get(fmt, 'PDF')}，{printed}人"
    if excluded:
        title += f"；{excluded}个所选编号不在数据范围内，已排除"
    return title + "）"


def _processes(chunks: int) -> int:
    """Renderer processes for a batch: WeasyPrint is CPU-bound, so a batch uses the worker
    machine's cores (setting APPOINTMENT_FORM_PROCESSES, default min(cores, 4); 1 = in-process)."""
    wanted = getattr(settings, "APPOINTMENT_FORM_PROCESSES", None) or min(os.cpu_count() or 1, 4)
    return max(1, min(int(wanted), chunks))


def _pdf(
    job: Job, ids: list[int], on: date, report: Callable[[int], None], excluded: list[int]
) -> tuple[bytes, list[int]]:
    # The renderers load WeasyPrint / python-docx (slow imports) only when a batch runs.
    from pypdf import PdfReader, PdfWriter

    from apps.cadres.appointment_form.pdf import render_pdf

    chunks: list[list[Any]] = []
    for chunk in batched(ids, CHUNK):  # the database work stays in the job's own process
        forms, lost = build_many(chunk, actor=job.actor, on=on)
        excluded += lost
        if forms:
            chunks.append(forms)
    printed = [f.cadre_id for forms in chunks for f in forms]
    workers = _processes(len(chunks))
    if workers == 1:
        done = 0
        pdfs = []
        for forms in chunks:
            pdfs.append(form_renderer.render_chunk(forms))
            done += len(forms)
            report(done)
    else:
        # Spawned (not forked) renderers: they must not inherit the job's database connection.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=form_renderer.setup
        ) as pool:
            pdfs, done = [], 0
            for forms, pdf in zip(
                chunks, pool.map(form_renderer.render_chunk, chunks), strict=True
            ):
                pdfs.append(pdf)
                done += len(forms)
                report(done)
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(BytesIO(pdf)))
    if excluded:
        notice = render_pdf([], notice=excluded_notice(excluded, len(printed)))
        writer.append(PdfReader(BytesIO(notice)))
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), printed


def _zip(
    job: Job, ids: list[int], on: date, report: Callable[[int], None], excluded: list[int]
) -> tuple[bytes, list[int]]:
    from apps.cadres.appointment_form.word import render_docx

    buffer = BytesIO()
    printed: list[int] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for chunk in batched(ids, CHUNK):
            forms, lost = build_many(chunk, actor=job.actor, on=on)
            excluded += lost
            for form in forms:
                printed.append(form.cadre_id)
                name = f"{len(printed):03d}_{form.name}_干部任免审批表.docx"
                # A .docx is a zip already: storing it is as small and much cheaper.
                archive.writestr(name, render_docx(form), compress_type=zipfile.ZIP_STORED)
                report(len(printed))
        if excluded:
            text = "\r\n".join(excluded_notice(excluded, len(printed))) + "\r\n"
            archive.writestr("说明.txt", text.encode("utf-8-sig"))
    return buffer.getvalue(), printed


def _render(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    params = job.params
    requested = list(dict.fromkeys(int(i) for i in params.get("ids", [])))[:MAX_BATCH]
    fmt = params.get("format", "pdf") if params.get("format") in FORMATS else "pdf"
    on = date.fromisoformat(params["on"]) if params.get("on") else timezone.localdate()
    ids = visible_ids(requested, actor=job.actor)
    job.total = len(ids)
    job.save(update_fields=["total"])
    if not ids:
        raise DomainError("所选干部均不存在或不在您的数据范围内", code="out_of_scope")
    # `excluded` grows if a cadre leaves the scope while the batch runs.
    excluded = [pk for pk in requested if pk not in set(ids)]
    render = _pdf if fmt == "pdf" else _zip
    content, printed = render(job, ids, on, report, excluded)
    job.title = batch_title(fmt, len(printed), len(excluded))
    job.params = {**params, "excluded": excluded}
    Job.objects.filter(pk=job.pk).update(title=job.title, params=job.params, total=len(printed))
    job.total = len(printed)
    audit.record(
        action="cadre.appointment_form",
        actor=job.actor,
        target_type="cadres.cadre",
        target_repr=f"批量{len(printed)}人",
        detail={
            "format": fmt,
            "count": len(printed),
            "cadre_ids": printed,
            "excluded": excluded,
            "on": on.isoformat(),
            "job": job.pk,
        },
    )
    stamp = datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d%H%M%S")
    suffix = "pdf" if fmt == "pdf" else "zip"
    return f"干部任免审批表_{len(printed)}人_{stamp}.{suffix}", content


@task()
def render_appointment_forms(job_id: int) -> None:
    """Render the selected cadres' 任免审批表 (≤ 500) for the job's owner, within their scope."""
    job_run(job_id, _render)
