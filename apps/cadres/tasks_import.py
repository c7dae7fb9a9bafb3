"""Background tasks of the Excel/CSV import (run by the task worker; see importing/jobs.py)."""

from django.tasks import task

from apps.cadres.importing.jobs import run_commit, run_validation
from apps.core.jobs import job_run


@task()
def validate_import(job_id: int) -> None:
    """Check every row of an uploaded file (no writes) and store the outcome for the preview."""
    job_run(job_id, run_validation)


@task()
def commit_import(job_id: int) -> None:
    """Write a validated upload in one transaction (all rows or none) and audit it."""
    job_run(job_id, run_commit)
