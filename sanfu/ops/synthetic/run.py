"""`seed_cases`: N synthetic cases over the past two years, written in batches."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.calendar import LOCAL_ZONE, load_calendar
from sanfu.cases.models import Case, CaseCounter, CaseEvent, CaseRating, CaseReply, CaseState
from sanfu.cases.timeline_facts import facts_from_timeline
from sanfu.directory.models import Unit
from sanfu.lib.errors import ValidationFailed
from sanfu.ops.demo.plan import COUNTY_CODE
from sanfu.ops.synthetic.draft import Arrival, Draft, Settings
from sanfu.ops.synthetic.life import Life
from sanfu.ops.synthetic.messages import data_dir_find, messages_load
from sanfu.ops.synthetic.timing import Clocks, arrival_times, daily_counts
from sanfu.ops.synthetic.world import catalogue_missing, matters_exist, world_load
from sanfu.ops.synthetic.writer import writer_for_connection

BATCH_SIZE = 5000
# The most recent cases are left waiting in each open state and awaiting a rating, so a small
# run shows every state too; a large run has such cases anyway.
TAIL_HOLDS = (
    CaseState.NEW.value,
    CaseState.ASSIGNED.value,
    CaseState.IN_PROGRESS.value,
    CaseState.REPLIED.value,
)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    seconds: float


@dataclass
class SeedSummary:
    cases: int = 0
    events: int = 0
    assignments: int = 0
    states: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    source: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "states": dict(sorted(self.states.items())),
            "events": self.events,
            "assignments": self.assignments,
            "skipped_rows": self.skipped_rows,
            "texts": self.source,
            "seconds": round(self.seconds, 1),
        }


def seed_cases(
    *,
    count: int,
    seed: int = 1,
    data_dir: Path | None = None,
    county_code: str = COUNTY_CODE,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[Progress], None] | None = None,
) -> SeedSummary:
    """Add `count` synthetic cases to the county, received over the two years before `now`.

    The same seed and data give the same cases relative to `now`, so the same cases outright
    for the same `now` (tracking tokens apart, which are random secrets; ids and numbers follow
    what the database already holds). Running it again adds more cases; it never changes or
    removes existing ones.
    """
    started = time.monotonic()
    if count < 1:
        raise ValidationFailed(_("Give a number of cases of at least 1."), field="count")
    if not matters_exist():
        raise catalogue_missing()
    world = world_load(county_code)
    messages = messages_load(data_dir_find(data_dir))
    now = (now or timezone.now()).astimezone(LOCAL_ZONE)
    calendar = load_calendar()
    arrivals_rng = random.Random(f"sanfu-synthetic:{seed}:arrivals")  # noqa: S311 - not secret
    days = daily_counts(arrivals_rng, calendar, count, now)
    first_numbers = _numbers_reserve(world.county, days)
    life = Life(
        world=world,
        clocks=Clocks(calendar),
        rng=random.Random(f"sanfu-synthetic:{seed}:cases"),  # noqa: S311 - not secret
        now=now,
        messages=messages,
        settings=_loop_settings(),
    )
    summary = SeedSummary(skipped_rows=messages.skipped, source=messages.source)
    states: Counter[str] = Counter()

    def make(ids: list[int], batch: Sequence[Arrival]) -> list[Draft]:
        return [
            life.case(case_id, number, received, hold)
            for case_id, (received, number, hold) in zip(ids, batch, strict=True)
        ]

    def done(drafts: list[Draft]) -> None:
        summary.cases += len(drafts)
        summary.events += sum(len(d.events) for d in drafts)
        summary.assignments += sum(len(d.assignments) for d in drafts)
        states.update(d.state for d in drafts)
        if progress is not None:
            progress(Progress(summary.cases, count, time.monotonic() - started))

    writer = writer_for_connection()
    arrivals = _arrivals(arrivals_rng, days, first_numbers, world.county.code, now, count)
    writer.write_all(_batches(arrivals, batch_size), make, done)
    writer.finish()
    # The answers and ratings as facts, read back from the timeline just written.
    facts_from_timeline(
        case_model=Case, event_model=CaseEvent, reply_model=CaseReply, rating_model=CaseRating
    )
    summary.states = dict(states)
    summary.seconds = time.monotonic() - started
    return summary


def _loop_settings() -> Settings:
    return Settings(
        sign_due_soon=timedelta(minutes=settings.CASE_SIGN_DUE_SOON_MINUTES),
        reply_due_soon=timedelta(hours=settings.CASE_REPLY_DUE_SOON_HOURS),
        auto_close=timedelta(days=settings.CASE_AUTO_CLOSE_DAYS),
        max_reopens=settings.CASE_MAX_REOPENS,
    )


def _arrivals(
    rng: random.Random,
    days: list[tuple[date, int]],
    first_numbers: dict[date, int],
    code: str,
    now: datetime,
    count: int,
) -> Iterator[Arrival]:
    """Every case's arrival in time order, with its number (numbers follow arrival in a day)."""
    tail = len(TAIL_HOLDS) + count // 5000
    index = 0
    for day, n in days:
        first = first_numbers[day]
        for offset, received in enumerate(arrival_times(rng, day, n, now)):
            from_end = count - 1 - index
            hold = TAIL_HOLDS[from_end % len(TAIL_HOLDS)] if from_end < tail else None
            yield received, f"{code}{day:%Y%m%d}-{first + offset:05d}", hold
            index += 1


def _batches(arrivals: Iterator[Arrival], size: int) -> Iterator[list[Arrival]]:
    batch: list[Arrival] = []
    for arrival in arrivals:
        batch.append(arrival)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _numbers_reserve(county: Unit, days: list[tuple[date, int]]) -> dict[date, int]:
    """Take each day's numbers from its CaseCounter, as next_case_number does one at a time.

    All of them up front, in one transaction: intake running meanwhile (today's counter) just
    continues after the reserved block, so its numbers and ours never meet.
    """
    for attempt in range(2):
        try:
            return _numbers_take(county, days)
        except IntegrityError:
            # Intake created one of the day's counters between our read and our insert.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def _numbers_take(county: Unit, days: list[tuple[date, int]]) -> dict[date, int]:
    wanted = dict(days)
    counters = {
        counter.day: counter
        for counter in CaseCounter.objects.select_for_update().filter(
            county=county, day__in=list(wanted)
        )
    }
    first: dict[date, int] = {}
    new: list[CaseCounter] = []
    for day, n in days:
        counter = counters.get(day)
        if counter is None:
            first[day] = 1
            new.append(CaseCounter(county=county, day=day, last=n))
        else:
            first[day] = counter.last + 1
            counter.last += n
    CaseCounter.objects.bulk_update(list(counters.values()), ["last"], batch_size=500)
    CaseCounter.objects.bulk_create(new, batch_size=500)
    return first
