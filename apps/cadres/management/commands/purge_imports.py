"""Delete the uploads of Excel/CSV imports that were never committed, after a retention period.

An upload (`imports/<uuid>/upload.<kind>` in the media storage, see importing/service.py) holds
the clear-text spreadsheet, personal data included. The commit deletes it; an import that was
only previewed, or whose commit failed, leaves it behind. This command deletes, for validation
jobs older than `--days` with no successful or live commit:

- the uploaded file, the job's validation result file, and the job rows (the validation job and
  its failed or dead commit job): nothing was imported, and without the upload the preview
  could neither be committed nor marked again;
- upload files that no job names any more (a request that failed after saving the file).

Committed imports keep their job rows (the record of what was imported). One audit event (actor
"system") lists what was deleted. `--dry-run` lists it and deletes nothing.
"""

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from apps.cadres.importing import service
from apps.core import audit
from apps.core.models import Job


@dataclass(frozen=True)
class Stale:
    job: Job
    commit: Job | None

    def describe(self) -> str:
        at = timezone.localtime(self.job.created_at)
        who, params = self.job.actor.get_username(), self.job.params
        return (
            f"导入任务#{self.job.pk}（{who}，{params.get('name', '')}，"
            f"{at:%Y-%m-%d %H:%M} 上传）：{params.get('file', '')}"
        )

    def audited(self) -> dict[str, Any]:
        params = self.job.params
        return {
            "job": self.job.pk,
            "actor": self.job.actor.get_username(),
            "type": params.get("type", ""),
            "file_name": params.get("name", ""),
            "file_sha256": params.get("sha256", ""),
            "uploaded_at": self.job.created_at.isoformat(),
            "commit_job": self.commit.pk if self.commit else None,
        }


def stale_imports(cutoff: datetime) -> list[Stale]:
    """Validation jobs created before `cutoff` whose import never happened and is not under way."""
    jobs = Job.objects.filter(kind=service.VALIDATE_KIND, created_at__lt=cutoff)
    found = []
    for job in jobs.select_related("actor").order_by("pk"):
        commit = service.commit_job_of(job)
        if service.may_retry(commit):  # no commit, a failed one, or one whose worker died
            found.append(Stale(job, commit))
    return found


def _files_under(storage: Storage, folder: str) -> list[str]:
    if not storage.exists(folder):
        return []
    dirs, files = storage.listdir(folder)
    paths = [f"{folder}/{name}" for name in files]
    for name in dirs:
        paths += _files_under(storage, f"{folder}/{name}")
    return paths


def orphan_uploads(storage: Storage, cutoff: datetime) -> list[str]:
    """Upload files no validation job names, last written before `cutoff`."""
    named = {
        str(params.get("file", ""))
        for params in Job.objects.filter(kind=service.VALIDATE_KIND).values_list(
            "params", flat=True
        )
    }
    return [
        path
        for path in _files_under(storage, service.UPLOAD_DIR)
        if path not in named and storage.get_modified_time(path) < cutoff
    ]


def _remove_empty_folder(storage: Storage, path: str) -> None:
    """The upload's own folder, on file-system storage (the Storage API has no rmdir)."""
    folder = path.rsplit("/", 1)[0]
    if not folder.startswith(f"{service.UPLOAD_DIR}/"):
        return
    try:
        local = storage.path(folder)
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):  # not empty, or already gone
        os.rmdir(local)


class Command(BaseCommand):
    help = "删除从未确认导入、超过保留期（默认7天）的导入上传文件及其校验任务记录；--dry-run 只列出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="保留天数（默认 7）")
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的内容，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError("--days 至少为 1")
        cutoff = timezone.now() - timedelta(days=days)
        storage = default_storage
        stale = stale_imports(cutoff)
        orphans = orphan_uploads(storage, cutoff)
        if options["dry_run"]:
            for item in stale:
                self.stdout.write("将删除 " + item.describe())
            for path in orphans:
                self.stdout.write(f"将删除 无任务记录的上传文件：{path}")
            self.stdout.write(
                f"试运行：{len(stale)} 个未导入的任务，{len(orphans)} 个无主文件，未删除任何内容"
            )
            return
        uploads = [str(s.job.params.get("file", "")) for s in stale]
        results = [
            str(j.result_file.name) for s in stale for j in (s.job, s.commit) if j and j.result_file
        ]
        with transaction.atomic():
            if stale or orphans:
                audit.record(
                    action="import.purge",
                    actor_name="system",
                    target_type="core.job",
                    target_repr=f"清理未导入的上传文件{len(stale) + len(orphans)}个",
                    detail={
                        "older_than_days": days,
                        "jobs": [s.audited() for s in stale],
                        "orphan_files": orphans,
                    },
                )
            ids = [j.pk for s in stale for j in (s.job, s.commit) if j is not None]
            Job.objects.filter(pk__in=ids).delete()
        # Files go after the rows are gone: a failure here leaves orphans for the next run.
        for path in [*uploads, *orphans, *results]:
            if path and storage.exists(path):
                storage.delete(path)
                _remove_empty_folder(storage, path)
        self.stdout.write(
            f"已删除 {len(stale)} 个未导入的任务及其上传文件，{len(orphans)} 个无主文件"
        )
