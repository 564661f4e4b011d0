"""The supervision board: cases overdue or due soon, by the unit leading them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sanfu.cases.models import HANDLING_STATES, Case, Clock
from sanfu.cases.policies import Capability, may
from sanfu.directory.models import Unit, User

BOARD_LIMIT = 500


@dataclass
class BoardUnit:
    unit: Unit
    overdue: list[Case] = field(default_factory=list)
    due_soon: list[Case] = field(default_factory=list)
    may_urge: bool = False
    may_supervise: bool = False

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon)


def supervision_board(*, user: User) -> list[BoardUnit]:
    """Units with late or nearly late cases that this person sees, worst first.

    At most BOARD_LIMIT cases, most overdue first, so a county with a backlog still gets a
    page rather than a timeout; the queues list the rest.
    """
    cases = (
        Case.objects.visible_to(user)
        .filter(state__in=HANDLING_STATES, reply_clock__in=[Clock.OVERDUE, Clock.DUE_SOON])
        .select_related("lead_unit", "category")
        .order_by("reply_deadline")[:BOARD_LIMIT]
    )
    board: dict[int, BoardUnit] = {}
    for case in cases:
        lead = case.lead_unit
        if lead is None:  # pragma: no cover - a handled case has a lead (a constraint)
            continue
        entry = board.get(lead.pk)
        if entry is None:
            # Once per unit, not per case: the policies read the person's roles each time.
            entry = board[lead.pk] = BoardUnit(
                unit=lead,
                may_urge=may(user, Capability.OVERSEE, lead, from_above=True),
                may_supervise=may(user, Capability.SUPERVISE, lead, from_above=True),
            )
        (entry.overdue if case.reply_clock == Clock.OVERDUE else entry.due_soon).append(case)
    return sorted(board.values(), key=lambda e: (-len(e.overdue), -e.count, e.unit.path))
