"""purge_imports: uploads of imports never committed are deleted after the retention period,
with their job rows; committed, recent and live imports are kept; --dry-run deletes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db
LATER = timedelta(days=10)


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    """An empty in-memory storage: other tests' uploads must not count as orphans here."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def validation_job(actor, name: str, *, days_old: int, commit: str | None = None) -> Job:
    path = default_storage.save(f"imports/{name}/upload.xlsx", ContentFile(b"data"))
    job = Job.objects.create(
        actor=actor,
        kind="import_validate",
        title=name,
        status=JobStatus.DONE,
        params={"type": "family", "file": path, "name": f"{name}.xlsx", "sha256": "ab", "size": 4},
    )
    job.result_file.save("校验结果.json", ContentFile(b"{}"), save=True)
    if commit is not None:
        done = Job.objects.create(
            actor=actor, kind="import_commit", title="c", status=commit, params={"source": job.pk}
        )
        job.params = {**job.params, "commit_job": done.pk}
        job.save(update_fields=["params"])
    # Ages are counted from the command's clock, which the tests move LATER.
    created = timezone.now() + LATER - timedelta(days=days_old)
    Job.objects.filter(pk=job.pk).update(created_at=created)
    Job.objects.filter(kind="import_commit", params__source=job.pk).update(created_at=created)
    job.refresh_from_db()
    return job


def purge(monkeypatch, *args: str) -> str:
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + LATER)
    out = StringIO()
    try:
        call_command("purge_imports", *args, stdout=out)
    finally:
        monkeypatch.setattr(timezone, "now", real_now)
    return out.getvalue()


@pytest.fixture
def jobs(officer_a):
    """Old and uncommitted (purged), old with a failed commit (purged), committed, recent, and
    old with a commit running right now (kept)."""
    live = validation_job(officer_a, "live", days_old=9, commit=JobStatus.RUNNING)
    Job.objects.filter(pk=live.params["commit_job"]).update(created_at=timezone.now() + LATER)
    return {
        "old": validation_job(officer_a, "old", days_old=8),
        "failed": validation_job(officer_a, "failed", days_old=30, commit=JobStatus.FAILED),
        "committed": validation_job(officer_a, "committed", days_old=30, commit=JobStatus.DONE),
        "recent": validation_job(officer_a, "recent", days_old=2),
        "live": live,
    }


def test_dry_run_lists_and_deletes_nothing(monkeypatch, jobs):
    before = set(Job.objects.values_list("pk", flat=True))
    orphan = default_storage.save("imports/lost/upload.csv", ContentFile(b"x"))
    out = purge(monkeypatch, "--dry-run")
    assert f"导入任务#{jobs['old'].pk}（officer_a，old.xlsx" in out
    assert f"导入任务#{jobs['failed'].pk}" in out
    assert "committed" not in out and "recent" not in out
    assert f"无任务记录的上传文件：{orphan}" in out
    assert "试运行：2 个未导入的任务，1 个无主文件" in out
    assert set(Job.objects.values_list("pk", flat=True)) == before
    assert default_storage.exists(orphan) and default_storage.exists(jobs["old"].params["file"])
    assert not AuditEvent.objects.filter(action="import.purge").exists()


def test_purges_uncommitted_uploads_and_their_jobs(monkeypatch, jobs):
    orphan = default_storage.save("imports/lost/upload.csv", ContentFile(b"x"))
    old, failed = jobs["old"], jobs["failed"]
    files = [old.params["file"], old.result_file.name, failed.params["file"]]
    out = purge(monkeypatch)
    assert "已删除 2 个未导入的任务及其上传文件，1 个无主文件" in out
    assert not Job.objects.filter(pk__in=[old.pk, failed.pk, failed.params["commit_job"]]).exists()
    for path in [*files, orphan]:
        assert not default_storage.exists(path)
    for key in ("committed", "recent", "live"):
        kept = jobs[key]
        assert Job.objects.filter(pk=kept.pk).exists()
        assert default_storage.exists(kept.params["file"])
    event = AuditEvent.objects.get(action="import.purge")
    assert event.actor is None and event.actor_name == "system"
    assert [j["job"] for j in event.detail["jobs"]] == [old.pk, failed.pk]
    assert event.detail["jobs"][0]["file_name"] == "old.xlsx"
    assert event.detail["orphan_files"] == [orphan] and event.detail["older_than_days"] == 7
    assert "已删除 0 个" in purge(monkeypatch)  # nothing left: no second audit event
    assert AuditEvent.objects.filter(action="import.purge").count() == 1


def test_days_option(monkeypatch, jobs):
    purge(monkeypatch, "--days", "1")
    assert not Job.objects.filter(pk=jobs["recent"].pk).exists()
    assert Job.objects.filter(pk=jobs["committed"].pk).exists()
    with pytest.raises(CommandError):
        call_command("purge_imports", "--days", "0")


def test_a_stale_commit_counts_as_dead(monkeypatch, officer_a):
    """A commit 'running' for longer than the stale limit had its worker killed."""
    job = validation_job(officer_a, "dead", days_old=9, commit=JobStatus.RUNNING)  # 9 days
    purge(monkeypatch)
    assert not Job.objects.filter(pk=job.pk).exists()
