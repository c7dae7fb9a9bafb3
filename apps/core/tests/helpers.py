"""Helpers shared by the tests of several apps."""

from io import BytesIO
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.models import Job, JobStatus


def list_export_rows(client: Client, name: str, query: str, capture: Any) -> list[tuple]:
    """Start the Excel export of the registered list `name` as the client's user, run its job
    (`capture`: django_capture_on_commit_callbacks) and return the sheet's rows, headers first."""
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=[name]) + "?" + query)
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE, job.error
    with job.result_file.open("rb") as handle:
        return list(load_workbook(BytesIO(handle.read())).active.iter_rows(values_only=True))
