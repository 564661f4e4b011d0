"""`sanfu queue work [--once]`, `sanfu queue status`, `sanfu queue retry [--id N …]`.

`work` drains the background queue (`sanfu.cases.queue`) and waits a moment when it is empty;
several workers may run at once. `status` prints the queue's depth as JSON; `retry` gives
failed tasks a fresh set of attempts.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from sanfu.cases import queue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Run, inspect or retry the background queue (suggestions, indexing, messages)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        work = sub.add_parser("work", help="run due tasks; keep running unless --once")
        work.add_argument("--once", action="store_true", help="drain what is due, then exit")
        work.add_argument("--idle", type=float, default=1.0, help="seconds to wait when empty")
        work.add_argument(
            "--batch",
            type=int,
            default=50,
            help="tasks claimed, and written in one transaction, at a time",
        )
        sub.add_parser("status", help="the queue's depth and the age of its oldest due task")
        retry = sub.add_parser("retry", help="retry failed tasks (all, or those given)")
        retry.add_argument("--id", type=int, action="append", dest="ids", help="a task's id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "status":
            self.stdout.write(json.dumps(queue.queue_status().as_dict()))
        elif action == "retry":
            count = queue.task_retry(task_ids=options["ids"])
            self.stdout.write(json.dumps({"retried": count}))
        else:
            self._work(once=options["once"], idle=options["idle"], batch=options["batch"])

    def _work(self, *, once: bool, idle: float, batch: int) -> None:
        while True:
            try:
                result = queue.work(batch=max(1, batch))
            except Exception:
                # The database went away, say: leases keep the tasks safe; try again shortly.
                logger.exception("queue: a pass failed")
                close_old_connections()
                result = None
            if result is not None and (result.claimed or once):
                self.stdout.write(json.dumps(result.as_dict()))
            if once:
                return
            if result is None or not result.claimed:
                time.sleep(max(0.1, idle))
