"""The periodic work of outreach: remind each cadre before a cadence period ends short of visits.

`outreach_sweep()` is safe to run in two processes at once: a reminder is a row unique per link
and period, inserted before the message is queued, and only the process whose insert succeeded
sends it (the message goes out after commit).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sanfu.notify.services import notify_staff, render_message
from sanfu.outreach.compliance import covers, visits_per_day
from sanfu.outreach.models import Link, Period, Reminder
from sanfu.outreach.periods import period_of

# How long before a period's last day the cadre is reminded. Daily patrols get no reminder:
# one a day would be noise; their overdue days show on the compliance page.
REMIND_BEFORE: dict[str, timedelta] = {
    Period.WEEKLY: timedelta(days=2),
    Period.MONTHLY: timedelta(days=5),
    Period.QUARTERLY: timedelta(days=10),
}


def outreach_sweep(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    candidates = []
    for period, ahead in REMIND_BEFORE.items():
        span = period_of(period, today)
        if span.last - today > ahead:
            continue
        links = (
            Link.objects.active_on(today)
            .filter(cadence_period=period, person__isnull=False, person__is_active=True)
            .exclude(reminders__period_start=span.first)
            .select_related("person", "enterprise", "target_unit", "household")
        )
        candidates += [(link, span) for link in links if covers(link, span)]
    reminded = 0
    for chunk in range(0, len(candidates), 2000):
        part = candidates[chunk : chunk + 2000]
        first = min(span.first for _link, span in part)
        counts = visits_per_day((link.pk for link, _span in part), first, today)
        for link, span in part:
            found = counts.get(link.pk)
            done = sum(n for day, n in found.counted.items() if day in span) if found else 0
            if done >= link.cadence_count:
                continue
            if _remind(link, span.first, span.last, done):
                reminded += 1
    return {"candidates": len(candidates), "reminded": reminded}


def _remind(link: Link, first: date, last: date, done: int) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(link=link, period_start=first)
            assert link.person is not None  # noqa: S101 - filtered above
            message = render_message(
                "outreach_due_soon",
                {"link": link, "last": last, "done": done},
                link=reverse("outreach:record", args=[link.pk]),
            )
            notify_staff([link.person], message)
    except IntegrityError:
        # Another sweep reminded this link for this period a moment ago.
        return False
    return True
