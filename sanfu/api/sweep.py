"""The interfaces' periodic job (`sanfu sweep`): the bookkeeping taken out of the requests.

Removing the rate counters' old windows and the idempotency answers past their time used to be
done by the requests themselves (the first request of a window, one request in a hundred);
a pass of the sweep does it instead, so no public POST pays for it (issue 21).
"""

from __future__ import annotations

from sanfu.api.conf import rate_per_address, rate_per_key
from sanfu.api.idempotency import idempotency_records_expire
from sanfu.api.ratelimit import ADDRESS_BUCKET, KEY_BUCKET, rate_counters_clear


def api_sweep() -> dict[str, int]:
    return {
        "rate_counters_removed": rate_counters_clear(
            [(KEY_BUCKET, rate_per_key()), (ADDRESS_BUCKET, rate_per_address())]
        ),
        "idempotency_records_removed": idempotency_records_expire(),
    }
