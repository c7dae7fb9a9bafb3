"""Excel export of any list page: each list registers how to build its rows for an actor and the
page's query parameters; one background task writes the workbook (constant memory, write-only
openpyxl), audits it and hands the file to the job's owner.

A list registers with `register(ListExport(...))` from its app's `exports` module, imported in
`AppConfig.ready()` so the web process and the task worker know the same lists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import QueryDict
from django.tasks import task
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from . import audit
from .jobs import job_run
from .models import Job


@dataclass(frozen=True)
class ExportTable:
    headers: list[str]
    rows: Iterable[list[Any]]
    total: int


@dataclass(frozen=True)
class ListExport:
    name: str  # URL key, e.g. "frontline-services"
    title: str  # sheet and file name, e.g. "一线干部名单"
    target_type: str  # audited object type, e.g. "frontline.frontlineservice"
    build: Callable[[Any, QueryDict], ExportTable]  # (actor, query) -> table, scoped to actor
    may_export: Callable[[Any], bool] = lambda actor: True


REGISTRY: dict[str, ListExport] = {}


def register(export: ListExport) -> ListExport:
    REGISTRY[export.name] = export
    return export


def query_of(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return query


FORMULA_STARTS = ("=", "+", "-", "@")


def cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A cell value safe to hand to Excel: text that starts like a formula ("=HYPERLINK(…)", a
    name typed as "=1+1") is written as text, never evaluated (CSV/formula injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"
        return text
    return value


def _write(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    export = REGISTRY[job.params["list"]]
    filters = job.params.get("filter", {})
    # Scope is applied with the owner's grants at run time, not those at request time.
    table = export.build(job.actor, query_of(filters))
    job.total = table.total
    job.save(update_fields=["total"])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.title[:31])
    sheet.append(table.headers)
    rows = 0
    for row in table.rows:
        sheet.append([cell(sheet, v) for v in row])
        rows += 1
        if rows % 200 == 0:
            report(rows)
    buffer = BytesIO()
    workbook.save(buffer)
    audit.record(
        action="list.export",
        actor=job.actor,
        target_type=export.target_type,
        target_repr=export.title,
        detail={
            "list": export.name,
            "filter": filters,
            "rows": rows,
            "format": "xlsx",
            "job": job.pk,
        },
    )
    stamp = datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d%H%M%S")
    return f"{export.title}_{stamp}.xlsx", buffer.getvalue()


@task()
def export_list(job_id: int) -> None:
    """Write a registered list, scoped to the job's owner, to an Excel workbook."""
    job_run(job_id, _write)
