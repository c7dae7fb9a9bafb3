"""Excel export of any list page: each list registers how to build its rows for an actor and the
page's query parameters; one background task writes the workbook (streamed, constant memory:
apps.core.xlsx), audits it and hands the file to the job's owner. Text is always written as
text: a cell starting like a formula ("=HYPERLINK(…)", "-1+2", "@x") is never evaluated
(CSV/formula injection).

A list registers with `register(ListExport(...))` from its app's `exports` module, imported in
`AppConfig.ready()` so the web process and the task worker know the same lists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import QueryDict
from django.tasks import task
from django.utils import timezone

from . import audit, xlsx
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


def _write(job: Job, report: Callable[[int], None]) -> tuple[str, bytes]:
    export = REGISTRY[job.params["list"]]
    filters = job.params.get("filter", {})
    # Scope is applied with the owner's grants at run time, not those at request time.
    table = export.build(job.actor, query_of(filters))
    job.total = table.total
    job.save(update_fields=["total"])
    content, rows = xlsx.write_workbook(export.title, table.headers, table.rows, report=report)
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
    return f"{export.title}_{stamp}.xlsx", content


@task()
def export_list(job_id: int) -> None:
    """Write a registered list, scoped to the job's owner, to an Excel workbook."""
    job_run(job_id, _write)
