"""Background jobs of the cadres app (run by the task worker)."""

from collections.abc import Callable
from datetime import datetime

from django.tasks import task
from django.utils import timezone

from apps.cadres.selectors import cadre_list
from apps.core import audit, xlsx
from apps.core.jobs import job_run
from apps.core.models import Job

from .export_columns import export_rows, shown_columns


def _export(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    # Scope is applied with the owner's grants at run time, not those at request time.
    queryset, _filter = cadre_list(actor=job.actor, params=job.params.get("filter", {}))
    job.total = queryset.count()
    job.save(update_fields=["total"])
    columns = shown_columns(job.params.get("hidden", []))
    headers = [header for header, _, _ in columns]
    content, rows = xlsx.write_workbook(
        "干部名册", headers, export_rows(queryset, columns), report=report
    )
    audit.record(
        action="cadre.export",
        actor=job.actor,
        target_type="cadres.cadre",
        detail={
            "filter": job.params.get("filter", {}),
            "hidden_columns": job.params.get("hidden", []),
            "rows": rows,
            "format": "xlsx",
            "job": job.pk,
        },
    )
    stamp = datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d%H%M%S")
    return f"干部名册_{stamp}.xlsx", content


@task()
def export_cadres(job_id: int) -> None:
    """Write the scoped, filtered cadre list to an Excel workbook for the job's owner."""
    job_run(job_id, _export)
