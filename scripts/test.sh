#!/usr/bin/env bash
# Set up and run every check CI runs: ruff, mypy, the suite on SQLite, then on PostgreSQL.
# PostgreSQL comes from TEST_DATABASE_URL (default: the local server, trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
PY=.venv/bin/python
PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy"
.venv/bin/mypy apps config bench
echo "==> migrations are complete"
DJANGO_SETTINGS_MODULE=config.settings.test $PY manage.py makemigrations --check --dry-run -v0

echo "==> pytest on SQLite"
env -u DATABASE_URL .venv/bin/pytest -q -n 2 --dist loadfile "$@"

echo "==> pytest on PostgreSQL ($PG_URL)"
DATABASE_URL="$PG_URL" .venv/bin/pytest -q -n 2 --dist loadfile "$@"
