"""What the case loop announces to the apps above it (routing today; any domain app may listen).

Called inside the case's transaction, after the case and its timeline event are written.
"""

from __future__ import annotations

from datetime import datetime

from sanfu.cases.models import Case
from sanfu.directory.models import Unit, User
from sanfu.lib.hooks import Hook

# A case was taken in (any channel).
case_received: Hook[[Case]] = Hook("case_received")

# A case was sent to a lead unit (dispatch, transfer, handled on the spot): the case, the lead
# unit, who did it (None for the system), when.
case_routed: Hook[[Case, Unit, User | None, datetime]] = Hook("case_routed")

# Something happened to a case: called with each event of its timeline (events.append), the
# case as it stands after the change (its row may be saved just after). Listeners that keep
# counts of cases by state (outreach's monthly tallies of solved problems) follow it here.
case_changed: Hook[[Case]] = Hook("case_changed")
