"""Benchmark of the cadre interchange (issue 7) on PostgreSQL: import, export, 任免审批表.

    .venv/bin/python -m bench.interchange                      # full size, docs/benchmarks.md
    .venv/bin/python -m bench.interchange --rows 5000 --forms 50 --cadres 12000 --units 300 \
        --database-url postgres://postgres@127.0.0.1:5432/dandang_bench_interchange_small

The database (`dandang_bench_interchange` on 127.0.0.1:5432 unless --database-url says otherwise)
is created, migrated and filled with the demo city (the same generator as bench.run) when it does
not already hold exactly this size; the demo `leader` (city-wide, 市管 and 县管) then sees more
than 100,000 cadres. Each scenario runs in a fresh child process (like a task worker) that calls
the job's task body exactly as the worker does and reports its wall time and its own peak RSS:

1. import: an .xlsx of --rows new cadre rows (valid id numbers, spread over the units of
   `county_officer`'s county, 县管) is validated (`validate_import`) and committed
   (`commit_import`) by `county_officer`, on a throw-away copy of the database (CREATE DATABASE
   … TEMPLATE), so every run imports into the same data;
2. export: every cadre the `leader` sees, by the list-export job (`export_list`, list
   "cadre-roster", 干部名册) and by the cadre list's own export job (`export_cadres`);
3. one 任免审批表 PDF (build + WeasyPrint, as the PDF view does) of a cadre with a long resume
   (topped up to --resume-lines lines), 10 timed runs after one warm-up;
4. the batch job (`render_appointment_forms`) for --forms cadres, as one PDF and as a zip of
   .docx.

Uploads and job files go to a temporary FileSystemStorage (the test settings keep files in
memory, which a second process could not read).
"""

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench_interchange"
IMPORTER = "county_officer"  # 县管 cadres of one county
EXPORTER = "leader"  # the whole city, 市管 and 县管
PDF_RUNS = 10
RESULT = "RESULT "  # prefix of the child's one JSON line on stdout


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.interchange", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="cadre rows in the import file")
    parser.add_argument("--forms", type=int, default=500, help="forms in the batch job")
    parser.add_argument("--cadres", type=int, default=102_000, help="demo cadres (export size)")
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--resume-lines", type=int, default=40, help="resume of the single PDF")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--only",
        default="import,export,pdf,batch",
        help="comma-separated scenarios to run (import, export, pdf, batch)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the parent: data, the import file, one child per scenario, the table ----------------------


@dataclass
class Row:
    scenario: str
    n: int | None
    seconds: float | None
    rss_mb: float | None
    target: str
    verdict: str
    note: str = ""


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def db_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def run_child(url: str, name: str, media: Path, arg: str = "") -> dict[str, Any]:
    """Run one scenario in a fresh interpreter; its stdout's RESULT line is the outcome."""
    env = {**os.environ, "BENCH_MEDIA": str(media)}
    command = [sys.executable, "-m", "bench.interchange", "--child", name, "--arg", arg]
    command += ["--database-url", url]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT):
            result: dict[str, Any] = json.loads(line.removeprefix(RESULT))
            return result
    raise RuntimeError(f"child {name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def id_numbers(count: int) -> Iterator[tuple[date, str, str]]:
    """`count` distinct valid id numbers in region 530602 (no demo cadre uses it):
    (birth, gender, number); the serial's parity is the gender, as on real cards."""
    from apps.cadres.rules import id_number_check_char

    births = 30 * 12 * 28
    for i in range(count):
        k = i % births
        birth = date(1965 + k % 30, 1 + k // 30 % 12, 1 + k // 360)
        serial = i // births
        first17 = f"530602{birth:%Y%m%d}{serial:03d}"
        yield birth, "男" if serial % 2 else "女", first17 + id_number_check_char(first17)


def import_file(path: Path, rows: int, unit_codes: list[str]) -> None:
    """An .xlsx of `rows` new cadres in the template's columns, over the importer's units."""
    from openpyxl import Workbook

    from apps.cadres.demo.people import full_name

    headers = [
        "姓名", "性别", "出生年月", "民族", "籍贯", "出生地", "公民身份号码", "政治面貌",
        "入党时间", "参加工作时间", "健康状况", "专业技术职务", "单位代码", "单位名称",
        "干部管理权限", "现任职务", "职务层次", "职级", "最高学历",
    ]  # fmt: skip
    rng = random.Random(rows)  # names as the demo city draws them (about 83% distinct)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("干部信息")
    sheet.append(headers)
    for i, (birth, gender, number) in enumerate(id_numbers(rows)):
        name = full_name(rng, "male" if gender == "男" else "female")
        sheet.append([
            name, gender, f"{birth:%Y.%m}", "汉族", "云南昭通", "云南昭通", number, "中共党员",
            f"{birth.year + 25}.06", f"{birth.year + 22}.07", "健康", "",
            unit_codes[i % len(unit_codes)], "", "县管", "科员", "乡科级副职", "一级主任科员",
            "大学本科",
        ])  # fmt: skip
    book.save(path)


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Data the scenarios need from the benchmark database (read once, in the parent)."""
    from apps.accounts.models import ManagedBy, User
    from apps.cadres.models import Cadre, ResumeEntry
    from apps.units.models import Unit

    importer = User.objects.get(username=IMPORTER)
    county = importer.grants.get().unit
    codes = list(
        Unit.objects.filter(path__startswith=county.path, is_active=True)
        .exclude(pk=county.pk)
        .order_by("path")
        .values_list("code", flat=True)
    )
    exporter = User.objects.get(username=EXPORTER)
    visible = Cadre.objects.visible_to(exporter)
    long_one = visible.filter(managed_by=ManagedBy.COUNTY).order_by("pk").first()
    assert long_one is not None, "no cadre in the exporter's scope"
    have = ResumeEntry.objects.filter(cadre=long_one).count()
    last = ResumeEntry.objects.filter(cadre=long_one).order_by("-start_date").first()
    start = last.start_date if last else date(1990, 7, 1)
    extra = []
    for i in range(max(0, args.resume_lines - have)):
        year = start.year - args.resume_lines + i  # older lines, before the existing ones
        extra.append(
            ResumeEntry(
                cadre=long_one,
                start_date=date(year, 3, 1),
                end_date=date(year + 1, 2, 1),
                text=f"{long_one.unit.name}第{i + 1}项工作：挂职锻炼，负责综合协调、调查研究",
            )
        )
    ResumeEntry.objects.bulk_create(extra)
    ids = list(visible.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // max(1, args.forms))
    return {
        "unit_codes": codes,
        "county": county.name,
        "exportable": len(ids),
        "long_cadre": long_one.pk,
        "resume_lines": ResumeEntry.objects.filter(cadre=long_one).count(),
        "batch_ids": ids[::step][: args.forms],
    }


def clone(url: str, source: str, target: str) -> None:
    """A throw-away copy of the benchmark database (no session may use the source meanwhile)."""
    from django.db import connections

    from bench.database import admin_connection

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def drop(url: str, name: str) -> None:
    from bench.database import admin_connection

    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def verdict(value: float | None, limit: float) -> str:
    return "-" if value is None else ("met" if value <= limit else "MISSED")


def run_import(args: argparse.Namespace, facts: dict[str, Any], media: Path) -> list[Row]:
    name = db_name(args.database_url)
    copy = f"{name}_import"
    copy_url = f"{args.database_url.rsplit('/', 1)[0]}/{copy}"
    xlsx = media / f"import_{args.rows}.xlsx"
    started = time.perf_counter()
    import_file(xlsx, args.rows, facts["unit_codes"])
    print(
        f"import file: {args.rows} rows over {len(facts['unit_codes'])} units of "
        f"{facts['county']}, {xlsx.stat().st_size / 1e6:.1f} MB, written in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    clone(args.database_url, name, copy)
    try:
        check = run_child(copy_url, "import-validate", media, str(xlsx))
        print(f"validation: {check}", flush=True)
        commit = run_child(copy_url, "import-commit", media, str(check["job"]))
        print(f"commit: {commit}", flush=True)
    finally:
        drop(args.database_url, copy)
    total = check["seconds"] + commit["seconds"]
    counts = check["counts"]
    note = f"new {counts.get('new')}, invalid {counts.get('invalid')}"
    return [
        Row("import: validation job", check["rows"], check["seconds"], check["rss_mb"], "", "",
            note),
        Row("import: commit job", commit["rows"], commit["seconds"], commit["rss_mb"], "", "",
            f"created {commit['counts'].get('created')}"),
        Row("import: validation + commit", args.rows, total, None, "≤ 30 s", verdict(total, 30)),
    ]  # fmt: skip


def run_export(args: argparse.Namespace, media: Path) -> list[Row]:
    rows = []
    for child, label in (
        ("export-roster", "export: list-export job cadre-roster (干部名册)"),
        ("export-cadres", "export: cadre list export job"),
    ):
        got = run_child(args.database_url, child, media)
        print(f"{child}: {got}", flush=True)
        ok = got["seconds"] <= 10 and got["rss_mb"] <= 200
        rows.append(
            Row(
                label, got["rows"], got["seconds"], got["rss_mb"], "≤ 10 s, ≤ 200 MB",
                "met" if ok else "MISSED",
                f"{got['mb']:.1f} MB xlsx; RSS {got['rss_start_mb']:.0f} MB before the job",
            )
        )  # fmt: skip
    return rows


def run_pdf(args: argparse.Namespace, facts: dict[str, Any], media: Path) -> list[Row]:
    got = run_child(args.database_url, "pdf", media, str(facts["long_cadre"]))
    print(f"pdf: {got}", flush=True)
    note = f"{facts['resume_lines']} resume lines, {got['pages']} pages"
    return [
        Row("one 任免审批表 PDF, first in a fresh process", 1, got["cold"], None, "", "",
            "includes loading WeasyPrint and the CJK font"),
        Row(f"one 任免审批表 PDF, p50 of {PDF_RUNS}", 1, got["p50"], None, "≤ 1 s",
            verdict(got["p50"], 1), note),
        Row(f"one 任免审批表 PDF, p95 of {PDF_RUNS}", 1, got["p95"], got["rss_mb"], "≤ 1 s",
            verdict(got["p95"], 1)),
    ]  # fmt: skip


def run_batch(args: argparse.Namespace, facts: dict[str, Any], media: Path) -> list[Row]:
    ids = ",".join(str(i) for i in facts["batch_ids"])
    rows = []
    for fmt, label in (("pdf", "one PDF"), ("docx", "zip of .docx")):
        got = run_child(args.database_url, "batch", media, f"{fmt}:{ids}")
        print(f"batch {fmt}: {got}", flush=True)
        rows.append(
            Row(
                f"batch job, {label}", got["rows"], got["seconds"], got["rss_mb"], "≤ 120 s",
                verdict(got["seconds"], 120), f"{got['mb']:.1f} MB {fmt_note(fmt, got)}",
            )
        )  # fmt: skip
    return rows


def fmt_note(fmt: str, got: dict[str, Any]) -> str:
    return f"{got['pages']} pages" if fmt == "pdf" else "zip"


def cell(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.{digits}f}"


def print_table(rows: list[Row]) -> None:
    columns = ["scenario", "n", "wall s", "peak RSS MB", "target", "verdict", "note"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in rows:
        secs = cell(r.seconds, 2 if r.seconds is not None and r.seconds < 10 else 1)
        print(
            f"| {r.scenario} | {cell(r.n)} | {secs} | {cell(r.rss_mb, 0)} | {r.target or '-'} | "
            f"{r.verdict or '-'} | {r.note} |"
        )


def machine_facts() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('shared_buffers')")
        version, buffers = cursor.fetchone()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} cores {platform.machine()}, {mem:.0f} GiB RAM; "
        f"Python {platform.python_version()}; {version.split(' on ')[0]}, "
        f"shared_buffers={buffers}; load average {load}"
    )


def parent(args: argparse.Namespace) -> int:
    name = db_name(args.database_url)
    from bench.database import ensure_database

    ensure_database(args.database_url, name)
    setup_django(args.database_url)
    from bench.database import ensure_data

    ensure_data(args.database_url, name, seed=args.seed, cadres=args.cadres, units=args.units)
    facts = prepare(args)
    print(machine_facts(), flush=True)
    print(
        f"{EXPORTER} sees {facts['exportable']} cadres; long-resume cadre {facts['long_cadre']} "
        f"({facts['resume_lines']} lines); batch of {len(facts['batch_ids'])}",
        flush=True,
    )
    wanted = {s.strip() for s in args.only.split(",")}
    media = Path(tempfile.mkdtemp(prefix="bench_interchange_"))
    rows: list[Row] = []
    try:
        if "import" in wanted:
            rows += run_import(args, facts, media)
        if "export" in wanted:
            rows += run_export(args, media)
        if "pdf" in wanted:
            rows += run_pdf(args, facts, media)
        if "batch" in wanted:
            rows += run_batch(args, facts, media)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load}\n")
    print_table(rows)
    return 0


def child(args: argparse.Namespace) -> int:
    setup_django(args.database_url)
    from django.test.utils import override_settings

    media = os.environ["BENCH_MEDIA"]
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(MEDIA_ROOT=media, STORAGES={"default": storage, "staticfiles": static}):
        from bench.interchange_children import CHILDREN

        outcome = CHILDREN[args.child](args.arg)
    print(RESULT + json.dumps(outcome), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
