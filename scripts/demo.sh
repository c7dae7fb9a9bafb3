#!/usr/bin/env bash
# Set up and run the demo: SQLite under var/, demo data, a task worker, the web app on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=config.settings.demo
PY=.venv/bin/python
echo "==> Migrating the SQLite demo database (var/dandang.sqlite3)"
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo --if-empty
echo "==> Starting the task worker (imports, exports, reports)"
$PY manage.py db_worker >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
echo "==> 打开 http://127.0.0.1:8000/ 使用上面的演示账号登录（Ctrl+C 停止）"
$PY manage.py runserver 127.0.0.1:8000
