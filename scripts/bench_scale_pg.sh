#!/usr/bin/env bash
# Province layout tried (docs/scale.md): on a throwaway PostgreSQL (scripts/with-postgres.sh),
# build cases, timeline and daily aggregates partitioned by county and year, bulk-seed COUNT
# cases over COUNTIES counties with generate_series, and print EXPLAIN ANALYZE (partition
# pruning, times) of the queue, dashboard, figure and timeline queries.
#
#   scripts/bench_scale_pg.sh [COUNT] [COUNTIES]     # defaults: 3,000,000 cases, 3 counties
#
# Nothing outside /tmp is written; the server is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export SANFU_SCALE_CASES="${1:-3000000}" SANFU_SCALE_COUNTIES="${2:-3}"
scripts/with-postgres.sh bash -c '
  echo "load before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
  started=$(date +%s)
  psql "$DATABASE_URL" -X -q -v cases="$SANFU_SCALE_CASES" -v counties="$SANFU_SCALE_COUNTIES" \
    -f scripts/scale/partitioned.sql
  echo "total $(( $(date +%s) - started )) s; load after: $(cut -d" " -f1-3 /proc/loadavg)"
'
