"""The only writer of the case timeline. Services call `append` once per thing that happened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sanfu.cases import announce
from sanfu.cases.models import Case, CaseEvent, EventKind
from sanfu.directory.models import Unit, User
from sanfu.lib.rows import row_add


def append(
    *,
    case: Case,
    kind: EventKind,
    at: datetime,
    from_state: str,
    actor: User | None = None,
    unit: Unit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Record one event; `to_state` is the case's state after the change, read from the case.
    Announces the change (`announce.case_changed`) to the apps that count cases by state.
    The event returned has no id: nothing reads it back (`lib.rows.row_add`)."""
    # A new row only (append-only); its INSERT built once, not compiled on every event, and
    # held with the case's other rows where the caller holds them (intake).
    event = row_add(
        CaseEvent(
            case=case,
            kind=kind,
            at=at,
            actor=actor,
            actor_unit=unit,
            from_state=from_state,
            to_state=case.state,
            note=note,
            data=data or {},
        )
    )
    announce.case_changed(case)
    return event


def append_system(
    *,
    case_ids: list[int],
    kind: EventKind,
    at: datetime,
    from_state: str,
    to_state: str,
    data: dict[str, Any] | None = None,
) -> None:
    """One event per case for what the system did to many cases at once (the sweep)."""
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=case_id,
                kind=kind,
                at=at,
                from_state=from_state,
                to_state=to_state,
                data=data or {},
            )
            for case_id in case_ids
        ],
        batch_size=2000,
    )
