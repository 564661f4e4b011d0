#!/usr/bin/env bash
# Measure the Open311 endpoint on PostgreSQL, with the server run as the demo runs it
# (`sanfu serve`: gunicorn, 2 workers x 4 threads), 16 concurrent clients on the loopback.
#
#   scripts/with-postgres.sh scripts/bench_api_pg.sh            # a throwaway server, CASES cases
#   CASES=20000 scripts/with-postgres.sh scripts/bench_api_pg.sh
#   SEED=0 DATABASE_URL=postgres://… scripts/bench_api_pg.sh    # a database loaded before
#   IDEMPOTENCY=1 …                                             # also POSTs with Idempotency-Key
#
# Loading 1,000,000 cases takes about half an hour on two cores. The rate limits are raised
# (not switched off) so their counting is part of what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?run under scripts/with-postgres.sh or set DATABASE_URL}"

CASES=${CASES:-1000000}
SEED=${SEED:-1}
REQUESTS=${REQUESTS:-3000}
SECONDS_MAX=${SECONDS_MAX:-120}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

export SANFU_DATA_DIR=${SANFU_DATA_DIR:-$(mktemp -d /tmp/sanfu-bench.XXXXXX)}
export SANFU_SECRET_KEY=${SANFU_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}
export SANFU_HTTPS=false
export SANFU_API_RATE_PER_KEY=1000000/60 SANFU_API_RATE_PER_ADDRESS=1000000/60
export SANFU_LOG_LEVEL=WARNING
sanfu=.venv/bin/sanfu

"$sanfu" migrate --no-input --verbosity 0
if [ "$SEED" = 1 ]; then
  "$sanfu" seed demo --password "bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(9))')"
  "$sanfu" catalogue load
  "$sanfu" calendar load
  "$sanfu" seed cases --count "$CASES"
fi
"$sanfu" collectstatic --no-input --verbosity 0

name="bench-$$"
key=$("$sanfu" open311 key create "$name" 2>/dev/null)
places=$("$sanfu" shell --no-imports -c "
from sanfu.directory.models import Unit
print(' '.join(Unit.objects.filter(kind__in=['village', 'community', 'grid'], is_active=True)
               .order_by('?').values_list('code', flat=True)[:100]))")
services=$("$sanfu" shell --no-imports -c "
import random
from sanfu.api.open311.services import snapshot
print(' '.join(c.code for c in random.sample(snapshot().services(), 100)))")

"$sanfu" serve --host 127.0.0.1 --port "$PORT" >"$SANFU_DATA_DIR/serve.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  "$sanfu" open311 key revoke "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
up=0
for _ in $(seq 90); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then up=1; break; fi
  sleep 1
done
if [ "$up" != 1 ]; then
  echo "bench_api_pg: the server did not start:" >&2
  tail -n 20 "$SANFU_DATA_DIR/serve.log" >&2
  exit 1
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2

echo "cases: $("$sanfu" shell --no-imports -c 'from sanfu.cases.models import Case; print(Case.objects.count())')" >&2
bench=(.venv/bin/python scripts/bench_api.py --base-url "http://127.0.0.1:$PORT" --clients 16
       --requests "$REQUESTS" --seconds "$SECONDS_MAX")
# shellcheck disable=SC2086
post=(--scenario post --api-key "$key" --service-codes $services --address-ids $places)
"${bench[@]}" "${post[@]}"
if [ "${IDEMPOTENCY:-0}" = 1 ]; then "${bench[@]}" "${post[@]}" --idempotency; fi
"${bench[@]}" --scenario get --page-size 1000 --requests $((REQUESTS / 5))
