"""Timed requests through django.test.Client and the same SQL run raw, with query counts."""

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.cadres.models import Cadre
from apps.cadres.selectors import cadre_list

PAGE_SIZE = 20
WARMUP = 3


@dataclass
class Scenario:
    label: str
    url: str
    params: str | None  # list query string for the raw-SQL twin, None for pages without one
    page: int = 1

    @property
    def count_url(self) -> str | None:
        """The list's total, which the page fetches by htmx after its rows."""
        if self.params is None:
            return None
        return f"/cadres/count/?{self.params}&page={self.page}&page_size={PAGE_SIZE}"


@dataclass
class Result:
    scenario: Scenario
    status: int
    p50: float
    p95: float
    queries: int
    rows: int | None = None
    raw_p50: float | None = None
    raw_p95: float | None = None
    count_p50: float | None = None
    total_p50: float | None = None  # the count request (/cadres/count/)
    total_p95: float | None = None
    total_queries: int | None = None
    sql_in_page_p50: float | None = None  # time the page request spent in the database


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class SqlClock:
    """Sums the wall time of every query the connection runs while installed (execute_wrapper)."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def sql_share(client: Client, url: str, runs: int) -> list[float]:
    """Per request: the milliseconds spent in the database (session, user, grants, the list's
    queries, audit), so page − this is the application's own time (Python and templates)."""
    shares = []
    for _ in range(runs):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            client.get(url)
        shares.append(clock.ms)
    return shares


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def raw_sql(
    user: User, params: str, page: int
) -> tuple[list[tuple[str, Any]], tuple[str, Any], int]:
    """The page's own data queries as SQL (the page of ids, one more than the page to tell
    whether a next page exists, then those rows by pk, same LIMIT/OFFSET) and the COUNT of the
    count request, all built by the selector."""
    qs, _ = cadre_list(actor=user, params=QueryDict(params))
    offset = (page - 1) * PAGE_SIZE
    ids_query = qs.values_list("pk", flat=True)[offset : offset + PAGE_SIZE + 1]
    ids = list(ids_query)
    selects = [ids_query.query.sql_with_params()]
    if ids:  # a deep page past a small scope's end has no rows to fetch (EmptyResultSet)
        selects.append(qs.order_by().filter(pk__in=ids).query.sql_with_params())
    counted, _ = cadre_list(actor=user, params=QueryDict(params), for_count=True)
    inner, inner_params = counted.order_by().values("pk").query.sql_with_params()
    count = (f"SELECT COUNT(*) FROM ({inner}) AS sub", inner_params)
    return selects, count, qs.count()


def run_sql(sql: str, params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def run_all_sql(statements: list[tuple[str, Any]]) -> None:
    for sql, params in statements:
        run_sql(sql, params)


def explain(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def scenarios(user: User) -> list[Scenario]:
    qs, _ = cadre_list(actor=user, params=QueryDict("sort=name"))
    first = qs.values_list("pk", flat=True).first()
    base = f"page_size={PAGE_SIZE}"
    female = "gender=female&sort=name"
    found = [
        Scenario("list female, by name, page 1", f"/cadres/?{female}&page=1&{base}", female, 1),
        Scenario(
            "list female, by name, page 500", f"/cadres/?{female}&page=500&{base}", female, 500
        ),
        Scenario("name search q=张", f"/cadres/?q=张&{base}", "q=张", 1),
        Scenario("pinyin initials q=zs", f"/cadres/?q=zs&{base}", "q=zs", 1),
    ]
    if first is not None:
        found.append(Scenario("cadre detail", f"/cadres/{first}/", None))
    return found


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx)  # now: the next request clears the connection's query log


def measure(client: Client, user: User, sc: Scenario, runs: int, show_plan: bool) -> Result:
    response = client.get(sc.url)
    queries = queries_of(client, sc.url)
    samples = timed(lambda: client.get(sc.url), runs)
    result = Result(
        sc, response.status_code, statistics.median(samples), percentile(samples, 95), queries
    )
    result.sql_in_page_p50 = statistics.median(sql_share(client, sc.url, runs))
    if sc.count_url is not None:
        count_url = sc.count_url
        assert client.get(count_url).status_code == 200
        result.total_queries = queries_of(client, count_url)
        totals = timed(lambda: client.get(count_url), runs)
        result.total_p50, result.total_p95 = statistics.median(totals), percentile(totals, 95)
    if sc.params is not None:
        selects, (count_sql, count_params), rows = raw_sql(user, sc.params, sc.page)
        raw = timed(lambda: run_all_sql(selects), runs)
        count = timed(lambda: run_sql(count_sql, count_params), runs)
        result.raw_p50, result.raw_p95 = statistics.median(raw), percentile(raw, 95)
        result.count_p50 = statistics.median(count)
        result.rows = rows
        if show_plan:
            for sql, params in selects:
                print(f"\n-- {sc.label}\n{explain(sql, params)}")
            print(f"-- COUNT\n{explain(count_sql, count_params)}")
    return result


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def run_all(username: str, *, runs: int, explain: bool) -> list[Result]:
    user = User.objects.get(username=username)
    scoped = Cadre.objects.visible_to(user).count()
    print(f"\n## {username}: {scoped} cadres in scope, {runs} timed runs each (ms)")
    client = Client()
    client.force_login(user)
    results = [measure(client, user, sc, runs, explain) for sc in scenarios(user)]
    columns = ["scenario", "status", "matches", "page p50", "page p95", "SQL p50", "page/SQL"]
    columns += [
        "queries",
        "DB in page p50",
        "app p50",
        "count req p50",
        "count req p95",
        "COUNT p50",
        "req/COUNT",
        "queries",
        "both/(SQL+COUNT)",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in results:
        ratio = f"{r.p50 / r.raw_p50:.1f}x" if r.raw_p50 else "-"
        ratio_count = f"{r.total_p50 / r.count_p50:.1f}x" if r.total_p50 and r.count_p50 else "-"
        # The whole list as the user gets it (rows, then the total) against all its SQL.
        both = (
            f"{(r.p50 + r.total_p50) / (r.raw_p50 + r.count_p50):.1f}x"
            if r.raw_p50 and r.total_p50 and r.count_p50
            else "-"
        )
        print(
            f"| {r.scenario.label} | {r.status} | {r.rows if r.rows is not None else '-'} | "
            f"{fmt(r.p50)} | {fmt(r.p95)} | {fmt(r.raw_p50)} | {ratio} | {r.queries} | "
            f"{fmt(r.sql_in_page_p50)} | {fmt(r.p50 - (r.sql_in_page_p50 or 0))} | "
            f"{fmt(r.total_p50)} | {fmt(r.total_p95)} | {fmt(r.count_p50)} | {ratio_count} | "
            f"{r.total_queries if r.total_queries is not None else '-'} | {both} |"
        )
    return results


def calibration() -> str:
    """This machine's speed on two fixed workloads (best of 5), to compare figures across
    sessions: machines of the same kind have differed by 2× and more."""
    loops, scans = [], []
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**7))
        loops.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        run_sql("SELECT count(*) FROM generate_series(1, 1000000)", None)
        scans.append((time.perf_counter() - started) * 1000)
    return (
        f"Calibration: Python sum(range(10**7)) {min(loops):.0f} ms; "
        f"SQL count(*) of generate_series(1, 1000000) {min(scans):.0f} ms"
    )


def machine_facts() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('shared_buffers'), "
                       "current_setting('work_mem')")  # fmt: skip
        version, buffers, work_mem = cursor.fetchone()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"Machine: {os.cpu_count()} cores {platform.machine()}, {mem:.0f} GiB RAM; "
        f"Python {platform.python_version()}; {version.split(' on ')[0]}, "
        f"shared_buffers={buffers}, work_mem={work_mem}"
    )
