"""The periodic jobs `sanfu sweep` runs: each app registers its own in its AppConfig.ready().

The sweep (in the operations app) knows no domain: it runs what is registered, in order, once
per pass. A job must be safe to run in several processes at once (a conditional UPDATE that
claims each row for one process, as `sanfu.cases.sweep` does) and return a small JSON-able
summary of what it did, which the sweep prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Run = Callable[[], Any]


@dataclass(frozen=True)
class Job:
    name: str
    run: Run
    # Lower runs first. Jobs that read what others wrote (the dashboard's aggregates read the
    # timeline every other job appends to) run last.
    order: int


_jobs: dict[str, Job] = {}


def job_register(name: str, run: Run, *, order: int = 50) -> None:
    """Register (or, under the same name, replace: `ready()` may run twice in tests) a job."""
    _jobs[name] = Job(name=name, run=run, order=order)


def jobs_registered() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: (job.order, job.name))
