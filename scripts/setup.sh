#!/usr/bin/env bash
# Prepare a machine for dandang: Python ≥ 3.12 venv with the project's dependencies, front-end
# assets from npm (package-lock.json), and with --test the browser and CJK fonts for the tests.
# Idempotent: reinstalls only when pyproject.toml or package-lock.json changed.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-}"

find_python() {
    local candidates=()
    [ -n "${DANDANG_PYTHON:-}" ] && candidates+=("$DANDANG_PYTHON")
    if command -v pyenv >/dev/null 2>&1; then
        candidates+=("$(pyenv which python 2>/dev/null || true)")
    fi
    candidates+=(python3.13 python3.12 python3)
    for dir in "$HOME"/.pyenv/versions/3.1[2-9]* /usr/local/bin /usr/bin; do
        [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
        [ -x "$dir/python3.12" ] && candidates+=("$dir/python3.12")
        [ -x "$dir/python3.13" ] && candidates+=("$dir/python3.13")
    done
    for candidate in "${candidates[@]}"; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    PYTHON="$(find_python)" || {
        echo "错误：需要 Python 3.12 或更高版本（Django 6 的要求），但本机未找到。" >&2
        echo "Error: Python >= 3.12 not found. Install it (e.g. 'pyenv install 3.12') or set DANDANG_PYTHON=/path/to/python3.12." >&2
        exit 1
    }
    echo "==> Creating .venv with $PYTHON ($("$PYTHON" --version))"
    rm -rf .venv
    "$PYTHON" -m venv .venv
fi

stamp=".venv/.dandang-deps-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "==> Installing Python dependencies"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    rm -f .venv/.dandang-deps-*
    touch "$stamp"
fi

lock_stamp="node_modules/.dandang-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$lock_stamp" ]; then
    command -v npm >/dev/null 2>&1 || {
        echo "错误：未找到 npm，无法安装前端资源（htmx、Tabler、ECharts）。请先安装 Node.js/npm。" >&2
        exit 1
    }
    echo "==> Installing front-end assets from the npm registry (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$lock_stamp"
fi

apt_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "==> Installing Debian packages: $*"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if [ "$MODE" = "--test" ]; then
    missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
fi
