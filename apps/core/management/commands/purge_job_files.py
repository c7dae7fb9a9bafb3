"""Delete the files of finished background jobs after a retention period (exports hold personal
data; they should not pile up on disk). The Job rows stay as the record of what was exported."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from apps.core import audit
from apps.core.models import Job


class Command(BaseCommand):
    help = "删除超过保留期的后台任务结果文件（默认7天），任务记录保留"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="保留天数（默认 7）")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=options["days"])
        jobs = Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="")
        purged = 0
        for job in jobs.iterator():
            job.result_file.delete(save=False)
            job.result_file = ""
            job.save(update_fields=["result_file"])
            purged += 1
        if purged:
            audit.record(
                action="job.purge_files",
                actor_name="system",
                detail={"files": purged, "older_than_days": options["days"]},
            )
        self.stdout.write(f"已删除 {purged} 个过期的任务结果文件")
