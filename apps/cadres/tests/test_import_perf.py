"""The 100,000-row run (out of the regular suite: set DANDANG_IMPORT_BENCH=1 to run it).

Exactly 100,000 cadre rows in an .xlsx: the validation job accepts them (the limit is
inclusive), the commit job writes them, a second validation finds them all unchanged. Prints
the timings. The row limit itself is tested in test_import_files.py with a small limit.
"""

import os
import time
from datetime import date
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from openpyxl import Workbook

from apps.cadres.importing import MAX_ROWS
from apps.cadres.importing.jobs import load_result, run_commit, run_validation
from apps.cadres.models import Cadre
from apps.cadres.rules import id_number_check_char
from apps.cadres.tests.test_import_cadres import upload_job
from apps.cadres.tests.test_import_support import HEADERS, person
from apps.core.models import Job

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("DANDANG_IMPORT_BENCH"), reason="benchmark run only"),
]


def numbers(count: int):
    """`count` distinct valid id numbers (serials over many birth days)."""
    for i in range(count):
        birth = date(1970 + i % 25, 1 + i // 25 % 12, 1 + i // 300 % 28)
        serial = i // 8400 % 500 * 2 + 1
        first17 = f"530602{birth:%Y%m%d}{serial:03d}"
        yield birth, first17 + id_number_check_char(first17)


def big_xlsx(unit_code: str, count: int) -> bytes:
    base = person(unit_code=unit_code)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("干部信息")
    sheet.append(HEADERS)
    for birth, number in numbers(count):
        row = dict(base, 公民身份号码=number, 出生年月=f"{birth:%Y.%m}")
        row["入党时间"] = f"{birth.year + 25}.01"
        row["参加工作时间"] = f"{birth.year + 22}.07"
        sheet.append([row[h] for h in HEADERS])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(work, job):
    started = time.perf_counter()
    name, content = work(job, lambda n: None)
    job.result_file.save(name, ContentFile(content))
    return time.perf_counter() - started


def test_100k_rows(city, officer_a, capsys):
    data = big_xlsx(city.county_a_dept.code, MAX_ROWS)
    job = upload_job(officer_a, data)
    validate_s = timed(run_validation, job)
    result = load_result(job)
    assert result.file_errors == [] and result.counts["new"] == MAX_ROWS
    commit = Job.objects.create(
        actor=officer_a, kind="import_commit", title="t", params={"source": job.pk}
    )
    commit_s = timed(run_commit, commit)
    assert Cadre.objects.count() == MAX_ROWS
    again = upload_job(officer_a, data)
    again_s = timed(run_validation, again)
    assert load_result(again).counts["unchanged"] == MAX_ROWS
    with capsys.disabled():
        print(
            f"\n{MAX_ROWS:,} rows ({len(data) / 1e6:.1f} MB xlsx): "
            f"validation job {validate_s:.1f}s,"
            f" commit job {commit_s:.1f}s, re-validation (all unchanged) {again_s:.1f}s"
        )
