"""The durable background queue: work that can wait, taken out of the request path.

A request calls `enqueue(kind, payload)` inside its own transaction: the task exists exactly
when the request's writes do. A worker (`sanfu queue work`, and every `sanfu sweep` pass) claims
due tasks with a lease, a batch at a time, runs the handler registered for their kind, and
marks them done in the same transaction as the handlers' writes — one transaction per kind in
the batch, each task's writes in a savepoint of it — so a task's effects and its "done" are
kept together or not at all, and a task that fails in a batch is retried alone.

Faults: a handler that raises is retried with backoff (30 s, doubling, at most 2 h) up to
`MAX_ATTEMPTS`, then the task is `failed` and stays, with its error, on the operators' page until
someone retries it; nothing is dropped. A worker killed mid-task leaves the task `running` with a
lease that ends after `LEASE`, and the next claim takes it again. Claims are one statement
(`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers), so several workers at once
never run one task twice at the same time.

Layers: the cases app knows no handler. A higher app registers one for its kind in its
AppConfig.ready() (`handler_register`), as routing does for the case announcements it receives.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from sanfu.cases.models import MAX_ATTEMPTS, BackgroundTask, TaskState
from sanfu.lib.rows import row_add

logger = logging.getLogger(__name__)

Payload = dict[str, Any]
Write = Callable[[], None]
# A handler reads and computes outside any transaction, then returns the writes to make (or
# None). The writes run in one transaction with the task's "done": on SQLite a transaction
# holds the database's only write lock, and a niced worker segmenting text inside one would
# keep every intake waiting.
Handler = Callable[[Payload], Write | None]

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)
ERROR_MAX = 4000
# Done tasks are kept a while (for the figures and for looking into a complaint), then removed.
KEEP_DONE = timedelta(days=2)

_handlers: dict[str, Handler] = {}


def handler_register(kind: str, handler: Handler) -> None:
    """Register (or, under the same kind, replace: ready() may run twice) a task's handler.

    A handler raises to fail the attempt (so do its writes); neither may swallow database
    errors, or a task that did nothing would be marked done.
    """
    _handlers[kind] = handler


def subject_of(model: str, pk: int) -> str:
    return f"{model}:{pk}"


def enqueue(
    kind: str, payload: Payload, *, subject: str = "", delay: timedelta | None = None
) -> None:
    """Add a task in the caller's transaction (it is kept only if the caller's writes are)."""
    at = timezone.now()
    # On every intake: an INSERT built once, not compiled each time (issue 21), and held with
    # the case's rows where the caller holds them.
    row_add(
        BackgroundTask(
            kind=kind,
            subject=subject,
            payload=payload,
            run_after=at + delay if delay else at,
            created_at=at,
            updated_at=at,
        )
    )


def backoff(attempts: int) -> timedelta:
    """The wait before the retry that follows attempt number `attempts` (1 after the first)."""
    wait: timedelta = FIRST_RETRY * 2 ** max(0, attempts - 1)
    return min(wait, LONGEST_RETRY)


def task_pending(subject: str, *, kind: str) -> bool:
    """Whether a `kind` task on `subject` is still waiting or running (a page says "pending")."""
    return BackgroundTask.objects.filter(
        subject=subject, kind=kind, state__in=[TaskState.PENDING, TaskState.RUNNING]
    ).exists()


# --- the worker ---------------------------------------------------------------------------


def _claim_sql(limit: int) -> str:
    table = connection.ops.quote_name(BackgroundTask._meta.db_table)
    due = (
        "((state = %s AND run_after <= %s) OR (state = %s AND leased_until < %s AND attempts < %s))"
    )
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    # The condition is repeated outside the sub-select: a row another worker claimed between
    # the two is not claimed again (PostgreSQL skips rows locked by others; SQLite runs one
    # writer at a time).
    return (
        f"UPDATE {table} SET state = %s, attempts = attempts + 1, leased_until = %s, "  # noqa: S608 - fixed fragments
        f"updated_at = %s WHERE id IN (SELECT id FROM {table} WHERE {due} ORDER BY id "
        f"LIMIT {int(limit)}{lock}) AND {due} RETURNING id"
    )


def _expire_last_attempts(now: datetime) -> int:
    """A worker died during a task's last attempt: the task fails, with that as its error."""
    return BackgroundTask.objects.filter(
        state=TaskState.RUNNING, leased_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(
        state=TaskState.FAILED,
        leased_until=None,
        updated_at=now,
        last_error="The worker stopped during the last attempt (its lease ended).",
    )


def claim(*, limit: int = 50, now: datetime | None = None) -> list[BackgroundTask]:
    """Lease up to `limit` due tasks (pending and due, or running with an ended lease)."""
    now = now or timezone.now()
    due: list[Any] = [TaskState.PENDING, now, TaskState.RUNNING, now, MAX_ATTEMPTS]
    with transaction.atomic():
        _expire_last_attempts(now)
        with connection.cursor() as cursor:
            cursor.execute(_claim_sql(limit), [TaskState.RUNNING, now + LEASE, now, *due, *due])
            ids = [row[0] for row in cursor.fetchall()]
    return list(BackgroundTask.objects.filter(pk__in=ids).order_by("pk"))


def _error_text(error: BaseException) -> str:
    text = "".join(traceback.format_exception(error))
    # The end of a traceback says most: the exception and the frames nearest to it.
    return text if len(text) <= ERROR_MAX else "…" + text[-(ERROR_MAX - 1) :]


def _attempt_failed(
    task: BackgroundTask, error: BaseException, now: datetime, *, was: str = TaskState.RUNNING
) -> str:
    last = task.attempts >= MAX_ATTEMPTS
    changed = BackgroundTask.objects.filter(pk=task.pk, state=was, attempts=task.attempts).update(
        state=TaskState.FAILED if last else TaskState.PENDING,
        run_after=task.run_after if last else now + backoff(task.attempts),
        leased_until=None,
        finished_at=None,
        updated_at=now,
        last_error=_error_text(error),
    )
    if not changed:  # another worker took the task over meanwhile: its run counts
        return "lost"
    return "failed" if last else "retry"


def _compute(task: BackgroundTask) -> Write | BaseException | None:
    """The handler's part outside any transaction: the writes to make, or why it failed."""
    handler = _handlers.get(task.kind)
    try:
        if handler is None:
            raise LookupError(f"No handler is registered for the task kind {task.kind!r}.")
        return handler(task.payload)
    except Exception as error:
        logger.warning("queue: task %s (%s) failed: %s", task.pk, task.kind, error)
        return error


def _mark_done(tasks: Sequence[BackgroundTask], now: datetime) -> set[int]:
    """Mark done those of `tasks` whose lease is still this worker's; return their ids.

    One statement, first in the batch's transaction, so it also holds them: PostgreSQL locks
    the rows (a claim skips them) and SQLite's write lock is already taken (IMMEDIATE). A task
    another worker took over since (its `attempts` moved on) is not among them: its writes
    are not made here — the "late worker" finishes nothing.
    """
    if not tasks:
        return set()
    table = connection.ops.quote_name(BackgroundTask._meta.db_table)
    owned = " OR ".join(["(id = %s AND attempts = %s)"] * len(tasks))
    sql = (
        f"UPDATE {table} SET state = %s, leased_until = NULL, finished_at = %s, "  # noqa: S608 - fixed fragments
        f"updated_at = %s, last_error = '' WHERE state = %s AND ({owned}) RETURNING id"
    )
    params: list[Any] = [TaskState.DONE, now, now, TaskState.RUNNING]
    for task in tasks:
        params += [task.pk, task.attempts]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


Computed = tuple[BackgroundTask, Write | BaseException | None]


def _finish(computed: Sequence[Computed]) -> dict[int, str]:
    """Make the computed writes and record every outcome, all in one transaction.

    Each task's writes run in a savepoint: one that raises is undone alone and its task goes
    back for a retry (or is failed), while the others of the batch are kept as done.
    """
    outcomes: dict[int, str] = {}
    now = timezone.now()
    with transaction.atomic():
        owned = _mark_done([t for t, r in computed if not isinstance(r, BaseException)], now)
        for task, result in computed:
            if isinstance(result, BaseException):
                outcomes[task.pk] = _attempt_failed(task, result, now)
            elif task.pk not in owned:
                logger.warning("queue: task %s ran past its lease; its writes were undone", task.pk)
                outcomes[task.pk] = "lost"
            elif result is None:
                outcomes[task.pk] = "done"
            else:
                outcomes[task.pk] = _write(task, result, now)
    return outcomes


def _write(task: BackgroundTask, write: Write, now: datetime) -> str:
    try:
        with transaction.atomic():
            write()
    except Exception as error:
        logger.warning("queue: task %s (%s) failed: %s", task.pk, task.kind, error)
        return _attempt_failed(task, error, now, was=TaskState.DONE)
    return "done"


def run_tasks(tasks: Sequence[BackgroundTask]) -> list[str]:
    """Run claimed tasks; each one's outcome: "done", "retry", "failed" or "lost".

    Handlers compute outside any transaction (as one task at a time did); then the writes of
    a kind's tasks and their "done" are made in one transaction — a commit per batch, not per
    task, which on SQLite is one wait for the write lock instead of fifty.
    """
    by_kind: dict[str, list[BackgroundTask]] = {}
    for task in tasks:
        by_kind.setdefault(task.kind, []).append(task)
    outcomes: dict[int, str] = {}
    for group in by_kind.values():
        computed = [(task, _compute(task)) for task in group]
        try:
            outcomes.update(_finish(computed))
        except Exception:
            # The batch's transaction failed as a whole (a dropped connection, an error a
            # savepoint could not contain): one at a time, so one bad task holds back no other.
            if len(computed) == 1:
                raise
            logger.exception(
                "queue: a batch of %s failed; running its tasks one by one", len(group)
            )
            for one in computed:
                outcomes.update(_finish([one]))
    return [outcomes[task.pk] for task in tasks]


def run_task(task: BackgroundTask) -> str:
    """Run one claimed task: "done", "retry", "failed", or "lost" (its lease was taken over)."""
    (outcome,) = run_tasks([task])
    return outcome


@dataclass
class WorkResult:
    claimed: int = 0
    done: int = 0
    retry: int = 0
    failed: int = 0
    lost: int = 0
    purged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def work(*, batch: int = 50, max_tasks: int = 1000, max_seconds: float = 30.0) -> WorkResult:
    """Drain due tasks, a batch at a time, until none is due or a bound is reached."""
    result = WorkResult()
    started = timezone.now()
    while result.claimed < max_tasks:
        tasks = claim(limit=min(batch, max_tasks - result.claimed))
        if not tasks:
            break
        result.claimed += len(tasks)
        for outcome in run_tasks(tasks):
            setattr(result, outcome, getattr(result, outcome) + 1)
        if (timezone.now() - started).total_seconds() > max_seconds:
            break
    result.purged = purge_done()
    return result


def purge_done(*, now: datetime | None = None) -> int:
    before = (now or timezone.now()) - KEEP_DONE
    count, _by_model = BackgroundTask.objects.filter(
        state=TaskState.DONE, finished_at__lt=before
    ).delete()
    return count


# --- for operators ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueStatus:
    pending: int
    retrying: int
    running: int
    failed: int
    oldest_pending_seconds: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def queue_status(*, now: datetime | None = None) -> QueueStatus:
    """Depth by state and the age of the oldest due task (what the health check watches)."""
    now = now or timezone.now()
    pending = Q(state=TaskState.PENDING)
    figures = BackgroundTask.objects.exclude(state=TaskState.DONE).aggregate(
        pending=Count("pk", filter=pending & Q(attempts=0)),
        retrying=Count("pk", filter=pending & Q(attempts__gt=0)),
        running=Count("pk", filter=Q(state=TaskState.RUNNING)),
        failed=Count("pk", filter=Q(state=TaskState.FAILED)),
        oldest=Min("run_after", filter=pending & Q(run_after__lte=now)),
    )
    oldest = figures["oldest"]
    return QueueStatus(
        pending=figures["pending"],
        retrying=figures["retrying"],
        running=figures["running"],
        failed=figures["failed"],
        oldest_pending_seconds=round((now - oldest).total_seconds(), 1) if oldest else 0.0,
    )


def task_retry(*, task_ids: list[int] | None = None) -> int:
    """Give failed tasks (these, or all) a fresh set of attempts, due now."""
    now = timezone.now()
    failed = BackgroundTask.objects.filter(state=TaskState.FAILED)
    if task_ids is not None:
        failed = failed.filter(pk__in=task_ids)
    return failed.update(state=TaskState.PENDING, attempts=0, run_after=now, updated_at=now)


def last_task_id() -> int:
    """The newest task's id (0 for none): a mark for `tasks_due_now`."""
    return BackgroundTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def tasks_due_now(*, after_id: int) -> int:
    """Make the pending tasks queued after task `after_id` due now, not earlier.

    For a seed that records the past under a clock set back (the demo's village meetings): the
    tasks its cases queued look due for months, and the health check would report the queue
    as stalled until the worker caught up. They were in fact queued now."""
    now = timezone.now()
    pending = BackgroundTask.objects.filter(
        pk__gt=after_id, state=TaskState.PENDING, run_after__lt=now
    )
    return pending.update(run_after=now, updated_at=now)
