"""Benchmark of the scoped cadre list, search and detail on PostgreSQL.

    .venv/bin/python -m bench.run --cadres 1000000 --units 20000   # full size, docs/benchmarks.md
    .venv/bin/python -m bench.run --cadres 20000 --units 2000 --runs 20   # quick

The database (`dandang_bench` on 127.0.0.1:5432 unless --database-url says otherwise) is
created and filled by the demo generator when it does not already hold exactly this size.
Server time is measured around django.test.Client.get (the whole Django stack, no network).
"""

import argparse
import gc
import os
import sys

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--cadres", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=50, help="timed runs per scenario")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--users",
        default="city_officer,county_officer",
        help="comma-separated demo logins whose scopes are measured",
    )
    parser.add_argument("--generate-only", action="store_true", help="fill the database and stop")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of raw SQL")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    name = args.database_url.rsplit("/", 1)[1]
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    from bench.database import ensure_data, ensure_database

    ensure_database(args.database_url, name)
    import django

    django.setup()
    ensure_data(args.database_url, name, seed=args.seed, cadres=args.cadres, units=args.units)
    if args.generate_only:
        return 0
    from bench.measure import calibration, machine_facts, run_all

    gc.freeze()  # as config/wsgi.py does after start-up

    print(machine_facts())
    print(calibration())
    for username in args.users.split(","):
        run_all(username.strip(), runs=args.runs, explain=args.explain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
