#!/usr/bin/env bash
# Intake before and after, side by side on one machine: POST requests.json against two
# checkouts in turn, each serving a copy of the same seeded SQLite database the way the demo
# serves it (`sanfu serve`: gunicorn, 2 workers x 4 threads). For each: the median and p99 of
# one client (the server time of one POST, seen from the loopback) and the throughput of 16
# clients; then the ratios. Where the checkout has the background queue, its worker runs
# beside the server, niced as in the demo, so the deferred work is paid for in the same run.
#
#   git worktree add --detach /tmp/wt-main main
#   scripts/bench_intake.sh /tmp/wt-main            # before: main; after: this checkout
#   scripts/bench_intake.sh BEFORE_DIR AFTER_DIR
#   REQUESTS=3000 ONE=400 KEEP=1 …                  # sizes; KEEP=1 keeps the work directory
#   TRANSPORT=httpx …                               # the client of earlier figures (slower)
#   WORKER=0 …                                      # no worker during the run (a burst: the
#                                                   # queue grows and is drained after)
#   scripts/with-postgres.sh scripts/bench_intake.sh /tmp/wt-main   # on PostgreSQL: seeded
#                                                   # once, each side on a copy (a template)
#   BURST=1 scripts/with-postgres.sh scripts/bench_intake.sh …   # issue 21's typhoon night
#                                                   # instead: scripts/bench_burst.py, 2,000
#                                                   # POSTs from 64 clients, the DB checked
#
# Both checkouts run with this checkout's .venv (their dependencies must agree). The database
# is seeded once, by BEFORE_DIR's code, then each copy is migrated by its own checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
before="$(cd "${1:?usage: bench_intake.sh BEFORE_DIR [AFTER_DIR]}" && pwd)"
after="$(cd "${2:-$here}" && pwd)"
PY="$here/.venv/bin/python"
REQUESTS=${REQUESTS:-2000}
ONE=${ONE:-300}
work="${WORK:-$(mktemp -d /tmp/sanfu-bench-intake.XXXXXX)}"
export SANFU_SECRET_KEY=${SANFU_SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')}
export SANFU_HTTPS=false SANFU_LOG_LEVEL=WARNING
# The server's own time of each request, where the checkout has the header (the client's
# round trip on the loopback adds its own milliseconds).
export SANFU_SERVER_TIMING=true
# Raised, not switched off: their counting is part of what is measured.
export SANFU_API_RATE_PER_KEY=1000000/60 SANFU_API_RATE_PER_ADDRESS=1000000/60
if [ "${BURST:-0}" = 1 ]; then
  # The burst's four ordinary keys send ~375 each, under this; its greedy key 500, over it.
  export SANFU_API_RATE_PER_KEY=400/60
fi

PG_URL=""
case "${DATABASE_URL:-}" in postgres*) PG_URL="$DATABASE_URL" ;; esac

db_url() {  # db_url DATA_DIR NAME: the database of one side (or of the seed)
  if [ -n "$PG_URL" ]; then echo "${PG_URL%/*}/$2"; else echo "sqlite:///$1/sanfu.sqlite3"; fi
}

sanfu_in() {  # sanfu_in DIR DATA_DIR ARGS…: the `sanfu` command of that checkout's code
  local dir=$1 data=$2
  shift 2
  (cd "$dir" && SANFU_DATA_DIR="$data" DATABASE_URL="$(db_url "$data" "bench_$(basename "$data")")" \
    "$PY" -m sanfu "$@")
}

sanfu_bg() {  # sanfu_bg DIR DATA_DIR ARGS… &: the same, as the background job's own process
  local dir=$1 data=$2
  shift 2
  # exec (no subshell of its own): $! is then the command's PID, so stopping it stops it.
  SANFU_DATA_DIR="$data" DATABASE_URL="$(db_url "$data" "bench_$(basename "$data")")" \
    exec env -C "$dir" "$PY" -m sanfu "$@"
}

pg_copy() {  # pg_copy FROM TO: a fresh database TO from the template FROM
  "$PY" - "$PG_URL" "$1" "$2" <<'PY'
import sys, psycopg
url, source, target = sys.argv[1:]
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
    conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
PY
}

seed="$work/seed"
if [ ! -f "$seed/seeded" ]; then
  mkdir -p "$seed"
  if [ -n "$PG_URL" ]; then pg_copy "${PG_URL##*/}" bench_seed; fi
  echo "bench_intake: seeding the demo county with $before" >&2
  sanfu_in "$before" "$seed" migrate --no-input --verbosity 0
  sanfu_in "$before" "$seed" seed demo --password "bench-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(9))')" >/dev/null
  sanfu_in "$before" "$seed" catalogue load >/dev/null
  sanfu_in "$before" "$seed" calendar load >/dev/null
  # The router the demo trains: the suggestion it computes is part of intake's work.
  sanfu_in "$before" "$seed" routing train --data "$before/sanfu/routing/data/routing_train.csv.gz" >/dev/null
  touch "$seed/seeded"
fi

run_side() {  # run_side NAME DIR: one JSON line per measure
  local name=$1 dir=$2 data="$work/$1" port server worker="" key places services
  rm -rf "$data" && cp -r "$seed" "$data"
  if [ -n "$PG_URL" ]; then pg_copy bench_seed "bench_$name"; fi
  sanfu_in "$dir" "$data" migrate --no-input --verbosity 0
  sanfu_in "$dir" "$data" collectstatic --no-input --verbosity 0
  key=$(sanfu_in "$dir" "$data" open311 key create "bench-$name" 2>/dev/null)
  places=$(sanfu_in "$dir" "$data" shell --no-imports -c "
from sanfu.directory.models import Unit
print(' '.join(Unit.objects.filter(kind__in=['village', 'community', 'grid'], is_active=True)
               .order_by('code').values_list('code', flat=True)[::7][:100]))")
  services=$(sanfu_in "$dir" "$data" shell --no-imports -c "
from sanfu.api.open311.services import snapshot
print(' '.join(c.code for c in snapshot().services()[::5][:100]))")
  port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sanfu_bg "$dir" "$data" serve --host 127.0.0.1 --port "$port" >"$data/serve.log" 2>&1 &
  server=$!
  if [ -f "$dir/sanfu/cases/queue.py" ] && [ "${WORKER:-1}" = 1 ]; then
    sanfu_bg "$dir" "$data" queue work >"$data/queue.log" 2>&1 &
    worker=$!
    renice -n 10 -p "$worker" >/dev/null
  fi
  for _ in $(seq 90); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 1
  done
  if [ "${BURST:-0}" = 1 ]; then
    burst "$name" "$dir" "$data" "$port" "$services" "$places"
    stop "$server" ${worker:+"$worker"}
    return
  fi
  # The hand-written client (`--transport raw`, the same for both sides): httpx took ~4.7 ms of
  # CPU per POST, a third of this 2-core machine, and throttled both servers alike.
  local bench=("$PY" "$here/scripts/bench_api.py" --base-url "http://127.0.0.1:$port" --scenario post
               --api-key "$key" --label "$name" --transport "${TRANSPORT:-raw}")
  # shellcheck disable=SC2086
  local form=(--service-codes $services --address-ids $places)
  echo "bench_intake: $name ($(git -C "$dir" rev-parse --short HEAD)), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  "${bench[@]}" "${form[@]}" --clients 1 --requests "$ONE"
  "${bench[@]}" "${form[@]}" --clients 16 --requests "$REQUESTS"
  stop "$server" ${worker:+"$worker"}
  if [ -f "$dir/sanfu/cases/queue.py" ]; then
    # What the worker left undone at the end (it catches up within seconds).
    sanfu_in "$dir" "$data" queue status | sed "s/^/bench_intake: $name queue after the run: /" >&2
  fi
}

burst() {  # burst NAME DIR DATA PORT SERVICES PLACES: scripts/bench_burst.py on this side
  local name=$1 dir=$2 data=$3 port=$4 keys=() greedy
  for n in 1 2 3 4; do
    keys+=(--api-key "$(sanfu_in "$dir" "$data" open311 key create "burst-$name-$n" 2>/dev/null)")
  done
  greedy=$(sanfu_in "$dir" "$data" open311 key create "burst-$name-greedy" 2>/dev/null)
  echo "bench_intake: $name ($(git -C "$dir" rev-parse --short HEAD)) burst, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  # shellcheck disable=SC2086
  "$PY" "$here/scripts/bench_burst.py" --base-url "http://127.0.0.1:$port" --label "$name" \
    --database-url "$(db_url "$data" "bench_$(basename "$data")")" "${keys[@]}" --greedy-key "$greedy" \
    --service-codes $5 --address-ids $6 || echo "bench_intake: $name burst FAILED its checks" >&2
}

stop() {  # stop PID…: TERM, then QUIT (gunicorn's quick shutdown), then KILL what is left
  local signal pid
  for signal in TERM QUIT KILL; do
    for pid in "$@"; do kill -"$signal" "$pid" 2>/dev/null || true; done
    for _ in $(seq 10); do
      alive=0
      for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && break 2
      sleep 1
    done
  done
  wait "$@" 2>/dev/null || true
}

results="$work/results.jsonl"
: >"$results"
run_side before "$before" | tee -a "$results"
run_side after "$after" | tee -a "$results"
[ "${BURST:-0}" = 1 ] && exit 0
"$PY" - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {(r["label"], r["clients"]): r for r in rows}
one_b, one_a = by[("before", 1)], by[("after", 1)]
many_b, many_a = by[("before", 16)], by[("after", 16)]
print(json.dumps({
    "one_client_median_ms": [one_b["median_ms"], one_a["median_ms"]],
    "one_client_speedup": round(one_b["median_ms"] / one_a["median_ms"], 2),
    "one_client_server_median_ms": [one_b["server_median_ms"], one_a["server_median_ms"]],
    "16_clients_server_median_ms": [many_b["server_median_ms"], many_a["server_median_ms"]],
    "16_clients_rps": [many_b["requests_per_second"], many_a["requests_per_second"]],
    "16_clients_p99_ms": [many_b["p99_ms"], many_a["p99_ms"]],
    "throughput_ratio": round(many_a["requests_per_second"] / many_b["requests_per_second"], 2),
}))
PY
[ "${KEEP:-0}" = 1 ] || rm -rf "$work/before" "$work/after"
