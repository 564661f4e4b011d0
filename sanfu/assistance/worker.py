"""Background work: pending import batches.

Run from `sanfu sweep` on every pass and by `sanfu assistance work`. Safe in several processes:
a batch is claimed by one conditional UPDATE, and only the process that changed the row goes on.
"""

from __future__ import annotations

from collections.abc import Callable

from sanfu.assistance.imports.run import batch_claim, batch_process
from sanfu.assistance.models import BatchState, ImportBatch

MAX_BATCHES_PER_PASS = 5


def imports_pending_run(*, progress: Callable[[ImportBatch], None] | None = None) -> int:
    """Import waiting batches (oldest first); returns how many this process imported."""
    done = 0
    waiting = ImportBatch.objects.filter(state=BatchState.PENDING).order_by("created_at", "pk")
    for batch_id in list(waiting.values_list("pk", flat=True)[:MAX_BATCHES_PER_PASS]):
        if not batch_claim(batch_id):
            continue
        batch_process(batch=ImportBatch.objects.get(pk=batch_id), progress=progress)
        done += 1
    return done
