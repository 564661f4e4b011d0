#!/usr/bin/env bash
# Every check and every test: lint, format, types, migrations, translations, then the whole
# test suite on SQLite and again on a real PostgreSQL server. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/uv.sh sync --locked --group dev --quiet
bin=.venv/bin
step() { printf '\n== %s\n' "$*" >&2; }

scripts/system-deps.sh
# Front-end assets (htmx, ECharts) from the npm registry, exactly as package-lock.json says.
npm ci --no-audit --no-fund --loglevel=error

# The checks import the settings; they need no real secret, only a folder of their own.
SANFU_DATA_DIR=$(mktemp -d /tmp/sanfu-test.XXXXXX)
export SANFU_DATA_DIR
trap 'rm -rf "$SANFU_DATA_DIR"' EXIT

step "ruff check";         $bin/ruff check .
step "ruff format";        $bin/ruff format --check .
step "mypy";               SANFU_DEBUG=true $bin/mypy
step "migrations";         SANFU_DEBUG=true $bin/sanfu makemigrations --check --dry-run
step "layers";             $bin/python scripts/check_layers.py
step "translations";       SANFU_DEBUG=true $bin/python scripts/messages.py check
if [ "${1:-}" = "--checks-only" ]; then exit 0; fi

# Branch coverage is measured on the SQLite run: the access rules (every app's policies and
# querysets, and who may attach files) must be covered in full, the rest must not fall below
# what it was when the rule was set.
export COVERAGE_FILE="$SANFU_DATA_DIR/.coverage"
step "pytest on SQLite";     DATABASE_URL="sqlite:///$SANFU_DATA_DIR/test.sqlite3" $bin/pytest -q --cov --cov-report=
step "coverage of the access rules"
$bin/coverage report --fail-under=100 \
  --include='sanfu/*/policies.py,sanfu/*/querysets.py,sanfu/cases/services/attachments.py'
step "coverage of everything";  $bin/coverage report --format=total --fail-under=88
step "pytest on PostgreSQL"; scripts/with-postgres.sh $bin/pytest -q
