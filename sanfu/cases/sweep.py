"""The sweep: marks clocks due soon and overdue, urges, alerts supervisors, auto-closes.

Safe to run in several processes at once: every change is one conditional UPDATE … RETURNING
that only matches rows still in the old condition, so each row is changed — and its events
written and its people told — by exactly one process. The conditions follow the partial
indexes on the deadlines, so one pass touches only the rows that are due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sanfu.cases import events
from sanfu.cases.models import Case, CaseState, Clock, EventKind, SupervisionOrder
from sanfu.cases.policies import ROLES, Capability
from sanfu.directory.models import Unit
from sanfu.notify.services import notify_staff, render_message, staff_of

BATCH = 5000
_HANDLING = ("assigned", "in_progress")


@dataclass
class SweepResult:
    sign_due_soon: int = 0
    sign_overdue: int = 0
    reply_due_soon: int = 0
    reply_overdue: int = 0
    auto_closed: int = 0
    supervision_overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _update_returning(
    set_sql: str, set_params: Sequence[Any], where_sql: str, where_params: Sequence[Any]
) -> list[int]:
    """UPDATE a batch of cases matching `where_sql`; the ids this statement changed.

    The condition is repeated outside the sub-select so that a row another sweeper changed in
    the meantime is not matched again.
    """
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = (
        f"UPDATE {table} SET {set_sql} "  # noqa: S608 - fixed fragments, values are parameters
        f"WHERE id IN (SELECT id FROM {table} WHERE {where_sql} LIMIT {BATCH}) "
        f"AND {where_sql} RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*set_params, *where_params, *where_params])
        return [row[0] for row in cursor.fetchall()]


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _mark(
    *, column: str, deadline: str, states: tuple[str, ...], clock: str, before: datetime
) -> int:
    """Set `column` to `clock` on cases in `states` whose `deadline` is at or before `before`."""
    # A clock already overdue never goes back to due soon.
    where = f"state IN {_in(states)} AND {deadline} <= %s AND {column} NOT IN (%s, %s)"
    where_params: list[object] = [*states, before, clock, Clock.OVERDUE]
    set_sql, set_params = f"{column} = %s", [clock]
    if column == "reply_clock" and clock == Clock.DUE_SOON:
        # The automatic urge (催办) when the reply deadline is near, counted like a manual one.
        set_sql += ", urge_count = urge_count + 1"
    total = 0
    while True:
        with transaction.atomic():
            ids = _update_returning(set_sql, set_params, where, where_params)
            if ids:
                _after_mark(ids, column=column, clock=clock)
        total += len(ids)
        if len(ids) < BATCH:
            return total


def _after_mark(ids: list[int], *, column: str, clock: str) -> None:
    at = timezone.now()
    rows = list(
        Case.objects.filter(pk__in=ids).values_list("pk", "state", "lead_unit_id", "county_id")
    )
    by_state: dict[str, list[int]] = defaultdict(list)
    for pk, state, _lead, _county in rows:
        by_state[state].append(pk)
    kind = EventKind.DUE_SOON if clock == Clock.DUE_SOON else EventKind.OVERDUE
    for state, case_ids in by_state.items():
        events.append_system(
            case_ids=case_ids,
            kind=kind,
            at=at,
            from_state=state,
            to_state=state,
            data={"clock": column},
        )
    _digest(rows, kind=f"case_{clock}", supervisors=clock == Clock.OVERDUE)


def _digest(
    rows: Sequence[tuple[int, str, int | None, int]], *, kind: str, supervisors: bool
) -> None:
    """One message per unit per sweep, not one per case: a bad day must not flood inboxes."""
    per_unit: dict[int, int] = defaultdict(int)
    per_county: dict[int, int] = defaultdict(int)
    for _pk, _state, lead, county in rows:
        if lead is not None:
            per_unit[lead] += 1
        per_county[county] += 1
    targets: list[tuple[int, int, frozenset[str] | None]] = [
        (unit_id, count, None) for unit_id, count in per_unit.items()
    ]
    if supervisors:
        # Overdue cases are escalated to the county's supervisors and leaders by rule.
        overseers = ROLES[Capability.SUPERVISE]
        targets += [(county_id, count, overseers) for county_id, count in per_county.items()]
    units = Unit.objects.in_bulk([unit_id for unit_id, _count, _roles in targets])
    for unit_id, count, roles in targets:
        message = render_message(
            f"{kind}_digest", {"count": count, "unit": units[unit_id]}, link="/workbench/"
        )
        notify_staff(staff_of([units[unit_id]], roles), message)


def _auto_close(before: datetime) -> int:
    """Replies left unrated for the configured days close without a rating."""
    where = "state = %s AND replied_at <= %s AND rating = %s"
    where_params: list[object] = [CaseState.REPLIED, before, ""]
    total = 0
    while True:
        at = timezone.now()
        with transaction.atomic():
            ids = _update_returning(
                "state = %s, closed_at = %s, auto_closed = %s",
                [CaseState.CLOSED, at, True],
                where,
                where_params,
            )
            events.append_system(
                case_ids=ids,
                kind=EventKind.AUTO_CLOSED,
                at=at,
                from_state=CaseState.REPLIED,
                to_state=CaseState.CLOSED,
            )
        total += len(ids)
        if len(ids) < BATCH:
            return total


def _mark_sign(clock: str, *, before: datetime) -> int:
    return _mark(
        column="sign_clock",
        deadline="sign_deadline",
        states=("assigned",),
        clock=clock,
        before=before,
    )


def _mark_reply(clock: str, *, before: datetime) -> int:
    return _mark(
        column="reply_clock",
        deadline="reply_deadline",
        states=_HANDLING,
        clock=clock,
        before=before,
    )


def sweep_once(*, at: datetime | None = None) -> SweepResult:
    at = at or timezone.now()
    result = SweepResult()
    sign_window = timedelta(minutes=settings.CASE_SIGN_DUE_SOON_MINUTES)
    reply_window = timedelta(hours=settings.CASE_REPLY_DUE_SOON_HOURS)
    # Overdue first, so a case that skipped "due soon" between two sweeps is marked overdue.
    result.sign_overdue = _mark_sign(Clock.OVERDUE, before=at)
    result.sign_due_soon = _mark_sign(Clock.DUE_SOON, before=at + sign_window)
    result.reply_overdue = _mark_reply(Clock.OVERDUE, before=at)
    result.reply_due_soon = _mark_reply(Clock.DUE_SOON, before=at + reply_window)
    result.auto_closed = _auto_close(at - timedelta(days=settings.CASE_AUTO_CLOSE_DAYS))
    result.supervision_overdue = SupervisionOrder.objects.filter(
        answered_at__isnull=True, deadline__lte=at, overdue=False
    ).update(overdue=True)
    return result
