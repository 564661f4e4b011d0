"""One synthetic case as rows (its columns, timeline and assignments), and what cases share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sanfu.ops.synthetic.messages import Message
from sanfu.ops.synthetic.world import Matter, Place

# case_id, kind, at, actor_id, actor_unit_id, from_state, to_state, note, data (JSON text)
EventRow = tuple[int, str, datetime, int | None, int | None, str, str, str, str]
# When a case arrives, its number, and the state it is to wait in (or None).
Arrival = tuple[datetime, str, str | None]


class AssignmentRow:
    __slots__ = (
        "active",
        "assigned_at",
        "opinion",
        "reply_deadline",
        "role",
        "sign_deadline",
        "signed_at",
        "unit",
    )

    def __init__(self, unit: int, role: str, assigned_at: datetime) -> None:
        self.unit = unit
        self.role = role
        self.active = True
        self.assigned_at = assigned_at
        self.signed_at: datetime | None = None
        self.sign_deadline: datetime | None = None
        self.reply_deadline: datetime | None = None
        self.opinion = ""


# A mark the sweep will make: at this moment, this clock column, this value (if still due).
Timer = tuple[datetime, str, str]


class Draft:
    """A case being lived through, step by step, up to the present."""

    __slots__ = ("assignments", "events", "hold", "id", "last", "message", "state", "timers", "v")

    def __init__(self, case_id: int, received: datetime, hold: str | None) -> None:
        self.id = case_id
        # Column values by attribute name; columns left out take the model's default.
        self.v: dict[str, Any] = {"id": case_id, "received_at": received}
        self.events: list[EventRow] = []
        self.assignments: list[AssignmentRow] = []
        self.timers: list[Timer] = []
        self.state = ""
        self.last = received
        # A state the case stays in from the moment it gets there (a backlog), or None.
        self.hold = hold
        self.message: Message | None = None

    def emit(
        self,
        kind: str,
        at: datetime,
        to_state: str,
        *,
        actor: int | None = None,
        unit: int | None = None,
        note: str = "",
        data: str = "{}",
    ) -> None:
        """Append an event and move the case to `to_state`, as events.append records it."""
        self.events.append((self.id, kind, at, actor, unit, self.state, to_state, note, data))
        self.state = to_state
        self.v["state"] = to_state
        self.last = at

    def lead_assignment(self) -> AssignmentRow | None:
        for row in self.assignments:
            if row.active and row.role == "lead":
                return row
        return None

    def release(self) -> None:
        """No unit works on the case any more; its clocks stop (services.common.release)."""
        for row in self.assignments:
            row.active = False
        # The reply deadline stays for the next dispatch: the requester's clock runs on.
        self.v.update(
            lead_unit_id=None,
            sign_deadline=None,
            sign_clock="",
            reply_clock="",
        )
        self.timers.clear()


@dataclass(frozen=True)
class MasterRef:
    """A case a later duplicate can be merged into, with its answer if it has one."""

    id: int
    number: str
    matter: Matter
    place: Place
    message: Message
    reply: tuple[datetime, str, str, int] | None  # replied_at, kind, text, unit


@dataclass(frozen=True)
class Settings:
    """The loop's timing settings (sanfu.settings CASE_*), as the sweep applies them."""

    sign_due_soon: timedelta
    reply_due_soon: timedelta
    auto_close: timedelta
    max_reopens: int
