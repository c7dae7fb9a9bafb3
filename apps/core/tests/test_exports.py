"""The list-export registry: a registered list becomes an audited Excel job for its owner."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from apps.core import exports
from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers_export():
    def build(actor, query):
        upto = int(query.get("upto", "3"))
        return exports.ExportTable(
            headers=["序号", "操作人"], rows=([i, actor.username] for i in range(upto)), total=upto
        )

    export = exports.register(
        exports.ListExport(name="test-numbers", title="测试列表", target_type="x.y", build=build)
    )
    yield export
    exports.REGISTRY.pop(export.name)


def test_export_writes_the_filtered_rows_and_audits(
    client, officer_a, numbers_export, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/jobs/export/test-numbers/?upto=5&page=2")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.params["filter"] == {"upto": ["5"]}
    sheet = load_workbook(BytesIO(job.result_file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "操作人") and len(rows) == 6 and rows[-1] == (4, "officer_a")
    event = AuditEvent.objects.get(action="list.export")
    assert event.detail["rows"] == 5 and event.target_type == "x.y"


def test_unknown_list_and_get_are_refused(client, officer_a):
    client.force_login(officer_a)
    assert client.post("/jobs/export/nope/").status_code == 404
    assert client.get("/jobs/export/test-numbers/").status_code == 405
    assert not Job.objects.exists()


def test_text_that_looks_like_a_formula_stays_text(
    client, officer_a, django_capture_on_commit_callbacks
):
    def build(actor, query):
        rows = [['=HYPERLINK("http://evil","点我")', "-1+2", 5, None]]
        return exports.ExportTable(headers=["a", "b", "c", "d"], rows=rows, total=1)

    export = exports.register(
        exports.ListExport(name="test-formula", title="测试", target_type="x.y", build=build)
    )
    try:
        client.force_login(officer_a)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/jobs/export/test-formula/")
        job = Job.objects.get()
        book = load_workbook(BytesIO(job.result_file.read()))
        row = list(book.active[2])
        assert row[0].data_type == "s" and row[0].value.startswith("=HYPERLINK")
        assert row[1].data_type == "s" and row[2].value == 5 and row[3].value is None
    finally:
        exports.REGISTRY.pop(export.name)
