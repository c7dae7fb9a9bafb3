"""Benchmark of the full candidate screening (issue 8: ≤ 2 s for a 50,000-cadre city on
PostgreSQL).

    .venv/bin/python -m bench.selection                      # 50,000 cadres, 1,000 units
    .venv/bin/python -m bench.selection --runs 10 --profile  # plus a cProfile of one run

The database (`dandang_bench50k` unless --database-url says otherwise) is created and filled with
the demo generator *with* the pillars' demo rows (frontline services, annual grades, sanctions,
tolerance cases), plus bulk selection rows (negative flags, 破格 grounds, reserve entries), when
it does not already hold exactly this size. The screening is timed as the selector runs it
(`apps.selection.selectors_candidates.screen`) and as the results page serves it.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from datetime import date
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench50k"
BENCH_USER = "bench_city_all"
ROWS_EVENT = "bench.selection_rows"
TARGETS = (("tier", "division_deputy"), ("rank", "principal_staff_1"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.selection", description=__doc__)
    parser.add_argument("--cadres", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per target")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH50K_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--on", default="", help="the day judged (default: today)")
    parser.add_argument("--generate-only", action="store_true", help="fill the database and stop")
    parser.add_argument("--profile", action="store_true", help="cProfile one run per target")
    return parser.parse_args(argv)


# --- data ---------------------------------------------------------------------------------------


def ensure_data(url: str, name: str, *, seed: int, cadres: int, units: int) -> None:
    """The demo city at this size with the pillars' rows, unless the database holds exactly it."""
    from django.core.management import call_command
    from django.db import connections

    from apps.cadres import demo
    from apps.cadres.demo.plan import build_plan
    from apps.cadres.models import Cadre
    from apps.core.models import AuditEvent
    from bench.database import _progress, ensure_database, loaded_size, vacuum

    call_command("migrate", verbosity=0)
    expected_units = len(build_plan(seed, units).units)
    size = loaded_size()
    have = Cadre.objects.unscoped_for_jobs_and_migrations().count()
    if (
        size
        and size.get("seed") == seed
        and size.get("units") == expected_units
        and size.get("cadres") == cadres == have
        and AuditEvent.objects.filter(action=ROWS_EVENT).exists()
    ):
        print(f"{name} already holds {have} cadres in {expected_units} units: not generating")
        ensure_bench_user()
        return
    if size or have:
        print(f"{name} holds another size: dropping and recreating it")
        connections.close_all()
        ensure_database(url, name, drop=True)
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    totals = demo.load(
        seed=seed, cadres=cadres, units=units, progress=_progress(cadres), with_pillars=True
    )
    print(f"generated in {time.perf_counter() - started:.0f} s: {totals}")
    extra = add_pillar_rows(seed)
    print(f"selection rows: {extra}")
    ensure_bench_user()
    vacuum()


def add_pillar_rows(seed: int) -> dict[str, int]:
    """Bulk facts the demo makes only a few hundred of, at a realistic share of a 50k city:
    frontline services (15% of cadres), sanctions (1.5%), negative flags (1%), 破格 grounds for
    two-step cadres (0.2%), reserve entries (3% of section leaders)."""
    from apps.cadres.models import Cadre
    from apps.core import audit
    from apps.frontline.constants import TaskKind
    from apps.frontline.models import FrontlineService
    from apps.selection.constants import MeritGround, ReserveSource
    from apps.selection.models import ExceptionalPromotion, NegativeFlag, ReserveEntry, ReservePool
    from apps.tolerance.constants import SanctionKind, SanctionType
    from apps.tolerance.models import Sanction
    from apps.units.constants import Tier
    from apps.units.models import Unit

    rng = random.Random(f"{seed}-selection")
    cadres = list(
        Cadre.objects.unscoped_for_jobs_and_migrations().values_list("id", "tier", "unit_id")
    )
    services = [
        FrontlineService(
            cadre_id=pk,
            kind=rng.choice(list(TaskKind.values)),
            place="基准数据",
            role="驻村工作队员",
            start_date=date(rng.randint(2016, 2025), rng.randint(1, 12), 1),
            end_date=None if rng.random() < 0.3 else date(2026, rng.randint(1, 10), 1),
            counts_as_grassroots=rng.random() < 0.5,
            remote=rng.random() < 0.2,
        )
        for pk, _tier, _unit in rng.sample(cadres, len(cadres) * 15 // 100)
    ]
    FrontlineService.objects.bulk_create(services, batch_size=2000)
    sanctions = []
    for pk, _tier, _unit in rng.sample(cadres, len(cadres) * 15 // 1000):
        effective = date(rng.randint(2022, 2026), rng.randint(1, 12), 1)
        sanctions.append(
            Sanction(
                cadre_id=pk,
                kind=SanctionKind.PARTY,
                type=SanctionType.PARTY_WARNING,
                decision_date=effective,
                effective_date=effective,
                authority="基准数据",
                influence_until=effective.replace(year=effective.year + 1),
            )
        )
    Sanction.objects.bulk_create(sanctions, batch_size=2000)
    flags = [
        NegativeFlag(
            cadre_id=pk,
            kind=rng.choice(["low_recognition", "under_investigation", "other"]),
            note="基准数据",
            start_date=date(2025, rng.randint(1, 12), 1),
            end_date=None if rng.random() < 0.5 else date(2027, rng.randint(1, 12), 1),
        )
        for pk, _tier, _unit in rng.sample(cadres, len(cadres) // 100)
    ]
    NegativeFlag.objects.bulk_create(flags, batch_size=2000)
    section = [c for c in cadres if c[1] == Tier.SECTION_DEPUTY]
    grounds = [
        ExceptionalPromotion(
            cadre_id=pk,
            target_tier=Tier.DIVISION_DEPUTY,
            ground=MeritGround.HARDSHIP_AREA,
            explanation="基准数据：艰苦地区实绩突出",
            waived_rules=["ELG-9-1", "ELG-8-3"],
            approved_on=date(2026, 1, 15),
        )
        for pk, _tier, _unit in rng.sample(section, min(len(section), len(cadres) // 500))
    ]
    ExceptionalPromotion.objects.bulk_create(grounds, batch_size=2000)
    root = Unit.objects.order_by("path").first()
    assert root is not None
    pool, _ = ReservePool.objects.get_or_create(
        unit=root, target_tier=Tier.DIVISION_DEPUTY, defaults={"name": "县处级副职后备干部"}
    )
    leaders = [c for c in cadres if c[1] in (Tier.SECTION_PRINCIPAL, Tier.SECTION_DEPUTY)]
    entries = [
        ReserveEntry(
            pool=pool,
            cadre_id=pk,
            entry_date=date(2026, 3, 1),
            source=ReserveSource.RECOMMENDATION,
        )
        for pk, _tier, _unit in rng.sample(leaders, len(leaders) * 3 // 100)
    ]
    ReserveEntry.objects.bulk_create(entries, batch_size=2000)
    counts = {
        "frontline_services": len(services),
        "sanctions": len(sanctions),
        "negative_flags": len(flags),
        "exceptional": len(grounds),
        "reserve": len(entries),
    }
    audit.record(action=ROWS_EVENT, actor=None, actor_name="system", detail=counts)
    return counts


def ensure_bench_user() -> Any:
    """An officer whose scope is the whole city: every management level, every pillar."""
    from apps.accounts.models import ManagedBy, Role, ScopeGrant, User
    from apps.cadres.demo import ROOT_CODE
    from apps.core.scope import Pillar
    from apps.units.models import Unit

    root = Unit.objects.get(code=ROOT_CODE)
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"role": Role.OFFICER, "full_name": "基准测试（全市）"}
    )
    user.role, user.unit = Role.OFFICER, root
    user.save()
    ScopeGrant.objects.update_or_create(
        user=user,
        unit=root,
        defaults={"managed_levels": list(ManagedBy.values), "pillars": list(Pillar.values)},
    )
    return user


# --- measure ------------------------------------------------------------------------------------


class QueryCounter:
    """An execute wrapper counting the statements a request runs."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _target(kind: str, value: str) -> Any:
    from apps.selection.engine import Target

    return Target(tier=value) if kind == "tier" else Target(rank=value)


def time_phases(user: Any, target: Any, on: date) -> dict[str, float]:
    """One screening split into its phases (ms): SQL prefilter + facts, rules, rows."""
    from apps.selection import engine
    from apps.selection.selectors_candidates import CandidateFilters, judged_facts

    started = time.perf_counter()
    params = engine.load_params(on)
    gathered = judged_facts(
        actor=user, target=target, on=on, filters=CandidateFilters(), params=params
    )
    gathered_at = time.perf_counter()
    for f in gathered.values():
        engine.evaluate(f, target, on, params=params)
    done = time.perf_counter()
    return {
        "gather": (gathered_at - started) * 1000,
        "evaluate": (done - gathered_at) * 1000,
        "cadres": len(gathered),
    }


def run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client

    from apps.cadres.models import Cadre
    from apps.selection.selectors_candidates import CandidateFilters, screen
    from bench.measure import machine_facts

    on = date.fromisoformat(args.on) if args.on else date.today()
    user = ensure_bench_user()
    print(machine_facts())
    scoped = Cadre.objects.visible_to(user).count()
    print(f"\n## {BENCH_USER}: {scoped} cadres in scope, day judged {on}, {args.runs} runs (ms)")
    print("| target | judged | eligible | near-miss | screen p50 | screen p95 | page p50 | "
          "page p95 | queries | gather p50 | rules p50 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    client = Client()
    client.force_login(user)
    for kind, value in TARGETS:
        target = _target(kind, value)
        filters = CandidateFilters(include_near=True)
        result = screen(actor=user, target=target, on=on, filters=filters)  # warm-up
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            screen(actor=user, target=target, on=on, filters=filters)
            samples.append((time.perf_counter() - started) * 1000)
        url = f"/selection/candidates/?kind={kind}&{kind}={value}&on={on}&near=on"
        headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "candidate-results"}
        client.get(url, **headers)  # warm-up: the first request opens the session's connection
        # Count through a wrapper: the request may reconnect (CONN_MAX_AGE expired after long
        # runs), which empties the query log CaptureQueriesContext reads.
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(url, **headers)
        pages = []
        for _ in range(max(3, args.runs // 2)):
            started = time.perf_counter()
            response = client.get(url, **headers)
            pages.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        phases = [time_phases(user, target, on) for _ in range(3)]
        print(
            f"| {target.label} | {result.screened} | {result.eligible} | {result.near} | "
            f"{statistics.median(samples):.0f} | {percentile(samples, 95):.0f} | "
            f"{statistics.median(pages):.0f} | {percentile(pages, 95):.0f} | {counter.count} | "
            f"{statistics.median(p['gather'] for p in phases):.0f} | "
            f"{statistics.median(p['evaluate'] for p in phases):.0f} |"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            screen(actor=user, target=target, on=on, filters=filters)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            print(out.getvalue())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    name = args.database_url.rsplit("/", 1)[1]
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    from bench.database import ensure_database

    ensure_database(args.database_url, name)
    import django

    django.setup()
    ensure_data(args.database_url, name, seed=args.seed, cadres=args.cadres, units=args.units)
    if args.generate_only:
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
