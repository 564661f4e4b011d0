"""The loop's words as plain strings, and the JSON the services put in event data.

Plain strings because reading an enum member's `.value` is a descriptor call, and the generator
reads these millions of times.
"""

from __future__ import annotations

import json
from typing import Final

from sanfu.cases.models import CaseState, Channel, Clock, EventKind, Rating, ReplyKind

NEW, ASSIGNED, IN_PROGRESS = (
    CaseState.NEW.value,
    CaseState.ASSIGNED.value,
    CaseState.IN_PROGRESS.value,
)
REPLIED, CLOSED = CaseState.REPLIED.value, CaseState.CLOSED.value
REJECTED, MERGED = CaseState.REJECTED.value, CaseState.MERGED.value
# How far along the loop a state is, for cases held in a state (Draft.hold).
ORDER = {NEW: 0, ASSIGNED: 1, IN_PROGRESS: 2, REPLIED: 3}


def data_json(**values: object) -> str:
    # The text JSONField stores for a dict (json.dumps with its default separators).
    return json.dumps(values)


CHANNEL_DATA = {channel: data_json(channel=channel) for channel in Channel.values}
KIND_DATA = {kind: data_json(kind=kind) for kind in ReplyKind.values}
RATING_DATA = {rating: data_json(rating=rating) for rating in Rating.values}
CLOCK_DATA = {column: data_json(clock=column) for column in ("sign_clock", "reply_clock")}


class Ev:
    """Event kinds."""

    RECEIVED: Final = EventKind.RECEIVED.value
    ACCEPTED: Final = EventKind.ACCEPTED.value
    DISPATCHED: Final = EventKind.DISPATCHED.value
    SIGNED: Final = EventKind.SIGNED.value
    CO_SIGNED: Final = EventKind.CO_SIGNED.value
    CO_OPINION: Final = EventKind.CO_OPINION.value
    RETURNED: Final = EventKind.RETURNED.value
    REPLIED: Final = EventKind.REPLIED.value
    RATED: Final = EventKind.RATED.value
    REOPENED: Final = EventKind.REOPENED.value
    AUTO_CLOSED: Final = EventKind.AUTO_CLOSED.value
    URGED: Final = EventKind.URGED.value
    DUE_SOON: Final = EventKind.DUE_SOON.value
    OVERDUE: Final = EventKind.OVERDUE.value
    MERGED: Final = EventKind.MERGED.value
    MASTER_REPLIED: Final = EventKind.MASTER_REPLIED.value
    REJECTED: Final = EventKind.REJECTED.value
    PUBLISHED: Final = EventKind.PUBLISHED.value


class Clk:
    """Clock values."""

    ON_TIME: Final = Clock.ON_TIME.value
    DUE_SOON: Final = Clock.DUE_SOON.value
    OVERDUE: Final = Clock.OVERDUE.value
