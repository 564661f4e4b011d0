"""The background queue: tasks run once, failures are retried with backoff and then shown to
the operators (never dropped), a dead worker's task is taken again, and the health check
watches the queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanfu.cases import queue
from sanfu.cases.models import MAX_ATTEMPTS, BackgroundTask, TaskState
from sanfu.directory.models import User
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db

RAN: list[dict[str, Any]] = []


def _record(payload: dict[str, Any]) -> queue.Write:
    RAN.append(payload)
    name = f"task-{payload['n']}-{len(RAN)}"

    def write() -> None:
        # A write of its own, to show a task's effects are kept with its "done".
        User.objects.create_user(username=name, password=None)

    return write


def _broken(payload: dict[str, Any]) -> None:
    raise RuntimeError("the model exploded")


def _database_error(payload: dict[str, Any]) -> queue.Write:
    def write() -> None:
        # What the old routing wrapper logged away and called done: now it fails the attempt.
        User.objects.create_user(username="twice", password=None)
        User.objects.create_user(username="twice", password=None)

    return write


@pytest.fixture(autouse=True)
def handlers() -> Iterator[None]:
    RAN.clear()
    queue.handler_register("test.record", _record)
    queue.handler_register("test.broken", _broken)
    queue.handler_register("test.database", _database_error)
    yield
    RAN.clear()


def enqueue(kind: str, payload: dict[str, Any], **options: Any) -> int:
    """queue.enqueue, and the new task's id (the queue does not read it back)."""
    queue.enqueue(kind, payload, **options)
    return BackgroundTask.objects.latest("pk").pk


def _task(pk: int) -> BackgroundTask:
    return BackgroundTask.objects.get(pk=pk)


def test_a_task_runs_once_and_is_kept_as_done_with_its_writes() -> None:
    pk = enqueue("test.record", {"n": 1})
    result = queue.work()
    assert (result.claimed, result.done) == (1, 1)
    assert RAN == [{"n": 1}]
    assert _task(pk).state == TaskState.DONE
    assert User.objects.filter(username="task-1-1").exists()
    assert queue.work().claimed == 0
    assert RAN == [{"n": 1}]


def test_a_task_enqueued_in_a_transaction_that_rolls_back_never_exists() -> None:
    def request() -> None:
        with transaction.atomic():
            queue.enqueue("test.record", {"n": 1})
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        request()
    assert not BackgroundTask.objects.exists()


def test_a_failing_task_is_retried_with_doubling_backoff_then_failed_never_dropped() -> None:
    waits = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        pk = enqueue("test.broken", {})
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert queue.work().claimed == 1
            task = _task(pk)
            assert task.attempts == attempt
            assert "the model exploded" in task.last_error
            if attempt < MAX_ATTEMPTS:
                assert task.state == TaskState.PENDING
                waits.append((task.run_after - timezone.now()).total_seconds())
                # Not before its time.
                assert queue.work().claimed == 0
                clock.shift(task.run_after - timezone.now())
    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert _task(pk).state == TaskState.FAILED
    assert queue.work().claimed == 0
    assert queue.queue_status().failed == 1


def test_the_backoff_is_capped_at_two_hours() -> None:
    assert queue.backoff(1) == timedelta(seconds=30)
    assert queue.backoff(20) == timedelta(hours=2)


def test_a_database_error_in_a_handler_fails_the_attempt_and_undoes_its_writes() -> None:
    pk = enqueue("test.database", {})
    result = queue.work()
    assert (result.done, result.retry) == (0, 1)
    task = _task(pk)
    assert task.state == TaskState.PENDING
    assert "IntegrityError" in task.last_error
    assert not User.objects.filter(username="twice").exists()


def test_a_task_of_an_unknown_kind_is_retried_not_dropped() -> None:
    pk = enqueue("test.nobody", {})
    queue.work()
    assert _task(pk).state == TaskState.PENDING
    assert "No handler" in _task(pk).last_error


def test_a_worker_killed_mid_task_leaves_it_to_be_taken_again_after_the_lease() -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        pk = enqueue("test.record", {"n": 7})
        # The first worker claims the task and dies before finishing it.
        (dead,) = queue.claim()
        assert _task(pk).state == TaskState.RUNNING
        clock.shift(queue.LEASE - timedelta(seconds=1))
        assert queue.claim() == []
        clock.shift(timedelta(seconds=2))
        (again,) = queue.claim()
        assert again.pk == dead.pk
        assert again.attempts == 2
        assert queue.run_task(again) == "done"
        # Were the first worker only slow, its late finish is undone, not kept twice.
        assert queue.run_task(dead) == "lost"
    assert RAN == [{"n": 7}, {"n": 7}]
    assert User.objects.filter(username__startswith="task-7-").count() == 1
    assert _task(pk).state == TaskState.DONE


def _write_fails(payload: dict[str, Any]) -> queue.Write:
    def write() -> None:
        User.objects.create_user(username=f"half-{payload['n']}", password=None)
        raise RuntimeError("the index refused it")

    return write


def test_a_task_failing_in_a_batch_is_retried_alone_and_the_others_are_done() -> None:
    queue.handler_register("test.write_fails", _write_fails)
    first = enqueue("test.record", {"n": 1})
    broken = enqueue("test.broken", {})
    refused = enqueue("test.write_fails", {"n": 2})
    last = enqueue("test.record", {"n": 3})
    result = queue.work()
    assert (result.claimed, result.done, result.retry) == (4, 2, 2)
    for pk in (first, last):
        assert _task(pk).state == TaskState.DONE
    assert User.objects.filter(username__in=["task-1-1", "task-3-2"]).count() == 2
    for pk, error in ((broken, "the model exploded"), (refused, "the index refused it")):
        task = _task(pk)
        assert (task.state, task.attempts, task.finished_at) == (TaskState.PENDING, 1, None)
        assert error in task.last_error
    # The refused task's own writes went with its savepoint, not the batch's.
    assert not User.objects.filter(username="half-2").exists()


def test_a_batch_of_one_kind_is_marked_done_in_one_statement() -> None:
    for n in range(10):
        queue.enqueue("test.record", {"n": n})
    with CaptureQueriesContext(connection) as queries:
        assert queue.work().done == 10
    done = [q["sql"] for q in queries.captured_queries if "SET state = 'done'" in q["sql"]]
    # One "done" for the ten (so one commit), not one per task.
    assert len(done) == 1


def test_a_late_worker_in_a_batch_loses_only_the_task_taken_over() -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        slow = enqueue("test.record", {"n": 5})
        queue.enqueue("test.record", {"n": 6})
        first = queue.claim()
        clock.shift(queue.LEASE + timedelta(seconds=1))
        # Another worker takes both over after the lease; it finishes the first only.
        again = queue.claim()
        assert [task.attempts for task in again] == [2, 2]
        assert queue.run_tasks(again[:1]) == ["done"]
        # The first worker wakes up late: nothing of it is kept, twice or at all.
        assert queue.run_tasks(first) == ["lost", "lost"]
        assert queue.run_tasks(again[1:]) == ["done"]
    assert _task(slow).state == TaskState.DONE
    assert User.objects.filter(username__startswith="task-5-").count() == 1
    assert User.objects.filter(username__startswith="task-6-").count() == 1


def test_a_task_whose_worker_died_on_its_last_attempt_is_failed() -> None:
    pk = enqueue("test.record", {"n": 8})
    BackgroundTask.objects.filter(pk=pk).update(
        state=TaskState.RUNNING,
        attempts=MAX_ATTEMPTS,
        leased_until=timezone.now() - timedelta(seconds=1),
    )
    assert queue.work().claimed == 0
    task = _task(pk)
    assert task.state == TaskState.FAILED
    assert "lease" in task.last_error


def test_the_database_refuses_an_unknown_state_or_too_many_attempts() -> None:
    pk = enqueue("test.record", {"n": 1})
    for change in ({"state": "lost"}, {"attempts": MAX_ATTEMPTS + 1}, {"state": "running"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            BackgroundTask.objects.filter(pk=pk).update(**change)


def test_done_tasks_are_purged_after_two_days() -> None:
    queue.enqueue("test.record", {"n": 1})
    queue.work()
    assert queue.purge_done() == 0
    assert queue.purge_done(now=timezone.now() + timedelta(days=3)) == 1


# --- operators ----------------------------------------------------------------------------


def _failed_task() -> int:
    pk = enqueue("test.broken", {}, subject="case:1")
    BackgroundTask.objects.filter(pk=pk).update(attempts=MAX_ATTEMPTS - 1)
    queue.work()
    assert _task(pk).state == TaskState.FAILED
    return pk


def test_a_failed_task_shows_on_the_operator_page_with_its_error_and_is_retried(
    tree: Tree, administrator: User
) -> None:
    pk = _failed_task()
    client = login(administrator)
    page = client.get("/admin/cases/backgroundtask/?attention=failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert "test.broken" in text
    assert "the model exploded" in text
    response = client.post(
        "/admin/cases/backgroundtask/",
        {"action": "retry", "_selected_action": [str(pk)]},
    )
    assert response.status_code == 302
    task = _task(pk)
    assert (task.state, task.attempts) == (TaskState.PENDING, 0)


def test_an_outsider_is_refused_from_the_operator_page(tree: Tree, outsider: User) -> None:
    pk = _failed_task()
    client = login(outsider)
    assert client.get("/admin/cases/backgroundtask/").status_code == 302
    client.post("/admin/cases/backgroundtask/", {"action": "retry", "_selected_action": [pk]})
    assert _task(pk).state == TaskState.FAILED


def test_the_queue_commands_work_report_and_retry(capsys: pytest.CaptureFixture[str]) -> None:
    pk = _failed_task()
    queue.enqueue("test.record", {"n": 2})
    call_command("queue", "status")
    status = json.loads(capsys.readouterr().out)
    assert (status["pending"], status["failed"]) == (1, 1)
    call_command("queue", "work", "--once")
    assert json.loads(capsys.readouterr().out)["done"] == 1
    call_command("queue", "retry", "--id", str(pk))
    assert json.loads(capsys.readouterr().out) == {"retried": 1}
    assert _task(pk).state == TaskState.PENDING


def test_the_sweep_drains_the_queue(capsys: pytest.CaptureFixture[str]) -> None:
    queue.enqueue("test.record", {"n": 3})
    call_command("sweep", "--once")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["queue"]["done"] == 1


# --- the health check ---------------------------------------------------------------------


def test_the_health_check_reports_the_database_and_the_queue() -> None:
    queue.enqueue("test.record", {"n": 1})
    response = https_client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["pending"] == 1


def test_the_health_check_fails_when_the_queue_is_not_drained_in_time(
    settings: Any,
) -> None:
    settings.QUEUE_MAX_AGE_SECONDS = 60
    pk = enqueue("test.record", {"n": 1})
    BackgroundTask.objects.filter(pk=pk).update(run_after=timezone.now() - timedelta(minutes=5))
    response = https_client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["ok"] is False
    scraped = https_client().get("/healthz?format=prometheus")
    assert scraped.status_code == 503
    text = scraped.content.decode()
    assert 'sanfu_check_ok{check="queue"} 0' in text
    assert 'sanfu_queue_tasks{state="pending"} 1' in text
    assert "sanfu_queue_oldest_pending_seconds 3" in text


def test_the_health_check_answers_plain_http_for_the_load_balancer() -> None:
    from django.test import Client

    assert Client().get("/healthz").status_code == 200
