"""Background work: pending import batches, then matching their records to persons.

Run from `sanfu sweep` on every pass and by `sanfu assistance work`. Safe in several processes:
a batch is claimed by one conditional UPDATE, and only the process that changed the row goes on.
A batch left running by a process that died is taken over once it has been silent for
`imports.run.STALE_AFTER`.
"""

from __future__ import annotations

from collections.abc import Callable

from sanfu.assistance.imports.run import batch_claim, batch_process, batches_claimable
from sanfu.assistance.models import BatchState, ImportBatch

MAX_BATCHES_PER_PASS = 5


def _can_link() -> bool:
    """Whether matching needs no training first (which takes minutes: not in the sweep)."""
    from sanfu.assistance.linkage import default_model_path
    from sanfu.assistance.models import SourceRecord
    from sanfu.assistance.persons import MIN_OWN_TRAINING

    if default_model_path().exists():
        return True
    return SourceRecord.objects.count() < MIN_OWN_TRAINING


def imports_pending_run(
    *, progress: Callable[[ImportBatch], None] | None = None, link: bool = True
) -> int:
    """Import waiting and abandoned batches (oldest first); returns how many this process
    imported.

    Their records are matched to persons at once, unless a model must be trained first; then
    they wait for `sanfu assistance link`.
    """
    done = 0
    waiting = batches_claimable().values_list("pk", flat=True)
    for batch_id in list(waiting[:MAX_BATCHES_PER_PASS]):
        if not batch_claim(batch_id):
            continue
        batch = batch_process(batch=ImportBatch.objects.get(pk=batch_id), progress=progress)
        done += 1
        if link and batch.state == BatchState.DONE and _can_link():
            from sanfu.assistance.persons import persons_match_new

            persons_match_new(records=batch.records.all())
    return done
