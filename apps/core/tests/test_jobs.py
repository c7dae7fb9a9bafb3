"""Background jobs: failures are recorded for the user; old result files are purged."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.core.jobs import job_run
from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db


def test_failed_work_is_recorded_for_the_user():
    job = Job.objects.create(actor=UserFactory(), kind="x", title="测试")

    def work(job, report):
        raise ValueError("数据有误")

    with pytest.raises(ValueError, match="数据有误"):
        job_run(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "数据有误" in job.error and job.finished_at


def test_progress_and_result_file():
    job = Job.objects.create(actor=UserFactory(), kind="x", title="测试")

    def work(job, report):
        job.total = 10
        for done in range(1, 11):
            report(done)
        return "结果.txt", b"ok"

    job_run(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.result_file.read() == b"ok"


def test_purge_removes_only_old_files():
    actor = UserFactory()
    now = timezone.now()
    old = Job.objects.create(actor=actor, kind="x", title="旧", finished_at=now - timedelta(days=8))
    new = Job.objects.create(actor=actor, kind="x", title="新", finished_at=now - timedelta(days=6))
    for job in (old, new):
        job.result_file.save("r.xlsx", ContentFile(b"x"))
    call_command("purge_job_files", "--days", "7")
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.result_file and new.result_file
    assert AuditEvent.objects.get(action="job.purge_files").detail["files"] == 1
