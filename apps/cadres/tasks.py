"""Background jobs of the cadres app (run by the task worker)."""

from collections.abc import Callable
from datetime import datetime
from io import BytesIO

from django.tasks import task
from django.utils import timezone
from openpyxl import Workbook

from apps.cadres.selectors import cadre_list
from apps.core import audit
from apps.core.exports import cell as safe_cell
from apps.core.jobs import job_run
from apps.core.models import Job

from .export_columns import shown_columns


def _export(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    # Scope is applied with the owner's grants at run time, not those at request time.
    queryset, _filter = cadre_list(actor=job.actor, params=job.params.get("filter", {}))
    job.total = queryset.count()
    job.save(update_fields=["total"])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("干部名册")
    columns = shown_columns(job.params.get("hidden", []))
    sheet.append([header for header, _ in columns])
    rows = 0
    for cadre in queryset.iterator(chunk_size=2000):
        sheet.append([safe_cell(sheet, value(cadre) or "") for _, value in columns])
        rows += 1
        if rows % 200 == 0:
            report(rows)
    buffer = BytesIO()
    workbook.save(buffer)
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
    return f"干部名册_{stamp}.xlsx", buffer.getvalue()


@task()
def export_cadres(job_id: int) -> None:
    """Write the scoped, filtered cadre list to an Excel workbook for the job's owner."""
    job_run(job_id, _export)
