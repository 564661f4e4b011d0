#!/usr/bin/env bash
# The demo: install, migrate an embedded SQLite database, load the demo county once, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where a first start spends its time, on stderr: seconds since the command began.
started=$(date +%s.%N)
phase() { awk -v s="$started" -v n="$(date +%s.%N)" -v what="$1" \
  'BEGIN { printf "demo: %s at %.1f s\n", what, n - s > "/dev/stderr" }'; }
# The front-end packages install beside the Python ones: only collectstatic needs them.
npm ci --no-audit --no-fund --loglevel=error &
installing_assets=$!
# --inexact: keep whatever else is installed (the test tools), just add what the demo needs.
scripts/uv.sh sync --locked --no-dev --inexact --quiet
phase "python packages installed"
wait "$installing_assets"
phase "front-end assets installed"

export SANFU_DATA_DIR="${SANFU_DATA_DIR:-$PWD/var/demo}"
mkdir -p "$SANFU_DATA_DIR"
# The demo makes its own secrets once and keeps them beside its database.
secrets_file="$SANFU_DATA_DIR/demo.env"
if [ ! -f "$secrets_file" ]; then
  umask 077
  python3 - > "$secrets_file" <<'PY'
import secrets
print(f"SANFU_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"SANFU_DEMO_PASSWORD=demo-{secrets.token_urlsafe(6)}")
PY
fi
set -a
# shellcheck disable=SC1090
. "$secrets_file"
set +a
export DATABASE_URL="sqlite:///$SANFU_DATA_DIR/sanfu.sqlite3"
# Plain http on the loopback: no TLS redirect, no secure-only cookies.
export SANFU_HTTPS=false

sanfu=.venv/bin/sanfu
# collectstatic reads no database: it runs on the second core while the database is loaded.
"$sanfu" collectstatic --no-input --verbosity 0 &
collecting=$!
# Migrate and load the demo county, its apps, two years of cases (once), the similar-cases
# index (once) and the router (once, trained beside the load) in one process: a dozen `sanfu`
# commands each paid Django's start-up and checks.
.venv/bin/python scripts/demo_load.py
wait "$collecting"
phase "database loaded, static files collected"
# No `sanfu routing replay` here. The seeded history's categories now fit its texts, but they
# were placed by the same catalogue words the suggestion uses, so a replay would show the
# suggestion agreeing with itself (99% of first-level categories), not with dispatchers; and it
# costs minutes. Run it by hand to see the page filled; real figures come from real dispatching.
# The sweep keeps deadlines, urges and auto-closing current while the demo runs.
"$sanfu" sweep > "$SANFU_DATA_DIR/sweep.log" 2>&1 &
sweeper=$!
# The background queue (routing suggestions, the similar-cases index) drains beside the server,
# niced so the requests it took work from come first.
nice -n 10 "$sanfu" queue work > "$SANFU_DATA_DIR/queue.log" 2>&1 &
worker=$!
trap 'kill "$sweeper" "$worker" 2>/dev/null' EXIT
phase "starting the server"
"$sanfu" serve "$@"
