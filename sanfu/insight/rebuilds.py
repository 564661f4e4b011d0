"""A rebuild asked for explicitly (`sanfu insight rebuild`), recorded so the dashboard can say
which closed months were recomputed.

A closed month reads the same forever because its facts never move — except when the
aggregates are rebuilt after the organisation tree was re-zoned (a village moved to another
town), which recounts past facts under the new tree. That is a decision someone takes, so it
is recorded (when, which days, why) and the page shows a notice on every month it touched
that had already ended. The first load (no aggregates before) recomputes nothing anyone had
read, and is not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Min
from django.utils import timezone

from sanfu.insight.build import RefreshResult, as_of, insight_rebuild
from sanfu.insight.models import DailyParts, Rebuild


@dataclass(frozen=True)
class Rebuilt:
    result: RefreshResult
    record: Rebuild | None


def insight_rebuild_explicitly(
    *, since: date | None = None, reason: str = "", at: datetime | None = None
) -> Rebuilt:
    """`insight_rebuild`, and a record of it when there were aggregates to change."""
    at = at or timezone.now()
    had_figures = as_of() is not None
    first_kept = DailyParts.objects.aggregate(first=Min("day"))["first"]
    result = insight_rebuild(since=since, at=at)
    if not had_figures:
        return Rebuilt(result=result, record=None)
    today = timezone.localtime(at).date()
    first = since or first_kept or today
    record = Rebuild.objects.create(
        at=at, first_day=first, last_day=today, reason=reason.strip()[:200]
    )
    return Rebuilt(result=result, record=record)
