#!/usr/bin/env bash
# Benchmark: `sanfu seed cases` and one sweep over the result, on a throwaway PostgreSQL.
#
#   scripts/bench_seed_cases.sh [COUNT]      # COUNT defaults to 1,000,000
#
# Starts PostgreSQL with scripts/with-postgres.sh, migrates, loads the demo county, the
# working-day calendar and the catalogue, then times `sanfu seed cases --count COUNT` and
# `sanfu sweep --once`, and prints both timings at the end, with the machine's load average:
# other work on the machine slows both down. Nothing outside /tmp is written.
set -euo pipefail
cd "$(dirname "$0")/.."

count="${1:-1000000}"
SANFU_DATA_DIR=$(mktemp -d /tmp/sanfu-bench.XXXXXX)
trap 'rm -rf "$SANFU_DATA_DIR"' EXIT
SANFU_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export SANFU_DATA_DIR SANFU_SECRET_KEY SANFU_BENCH_COUNT="$count"

scripts/with-postgres.sh bash -c '
  set -euo pipefail
  sanfu=.venv/bin/sanfu
  timings="$SANFU_DATA_DIR/timings"
  $sanfu migrate --no-input --verbosity 0
  $sanfu seed demo --password "bench-$RANDOM-$RANDOM" >/dev/null
  if $sanfu help calendar >/dev/null 2>&1; then $sanfu calendar load >/dev/null; fi
  $sanfu catalogue load >/dev/null
  timed() {  # runs the command; appends "<label> <wall> (<cpu>)" to the timings file
    local TIMEFORMAT="$1 %R s wall (this process: %U s user, %S s system)"
    shift
    { time "$@" 2>&3; } 3>&2 2>>"$timings"
  }
  echo "load before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores" >> "$timings"
  timed "seed cases --count $SANFU_BENCH_COUNT:" $sanfu seed cases --count "$SANFU_BENCH_COUNT"
  timed "sweep --once:" $sanfu sweep --once
  echo "load after: $(cut -d" " -f1-3 /proc/loadavg)" >> "$timings"
  echo
  echo "== timings"
  cat "$timings"
'
