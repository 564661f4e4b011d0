"""Who may act on a case for which unit. Each rule on its own line, each refusal named.

Three capabilities cover the loop:
- dispatch: decide where a case goes (accept, dispatch, transfer, merge, reject, decide
  returns and extensions, reopen, publish) — at the case's desk unit or a unit above it;
- handle: work on it (sign for, reply, return, escalate, ask for more time, answer a
  supervision order) — at a unit assigned to the case;
- oversee: urge — at a unit at or above the lead unit;
- supervise: issue supervision orders — supervisors and leaders at or above the lead unit.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfu.directory.models import ROLE_UNIT_KINDS, Membership, StaffRole, Unit, User
from sanfu.lib.errors import PermissionDenied


class Capability(StrEnum):
    DISPATCH = "dispatch"
    HANDLE = "handle"
    OVERSEE = "oversee"
    SUPERVISE = "supervise"


# The roles that may use each capability (at the kinds of unit ROLE_UNIT_KINDS allows them).
ROLES: dict[Capability, frozenset[str]] = {
    Capability.DISPATCH: frozenset(
        {StaffRole.DISPATCHER, StaffRole.LEADER, StaffRole.TOWN_STAFF, StaffRole.VILLAGE_CADRE}
    ),
    Capability.HANDLE: frozenset(
        {
            StaffRole.GRID_WORKER,
            StaffRole.VILLAGE_CADRE,
            StaffRole.TOWN_STAFF,
            StaffRole.DEPARTMENT_HANDLER,
            StaffRole.DISPATCHER,
            StaffRole.LEADER,
        }
    ),
    Capability.OVERSEE: frozenset({StaffRole.SUPERVISOR, StaffRole.LEADER, StaffRole.DISPATCHER}),
    # A supervision order (督办) is the supervisors' and leaders' tool, not the dispatchers'.
    Capability.SUPERVISE: frozenset({StaffRole.SUPERVISOR, StaffRole.LEADER}),
}

_DESCRIPTIONS = {
    Capability.DISPATCH: gettext_lazy("dispatch cases"),
    Capability.HANDLE: gettext_lazy("handle cases"),
    Capability.OVERSEE: gettext_lazy("urge cases"),
    Capability.SUPERVISE: gettext_lazy("issue supervision orders"),
}


def acting_unit(
    user: User, capability: Capability, target: Unit, *, from_above: bool = False
) -> Unit:
    """The unit `user` acts for on `target`, or PermissionDenied naming the rule.

    With `from_above`, a role at any unit above `target` also counts (the county dispatch
    centre may act on a town's desk; a county supervisor oversees a village).
    """
    if not user.is_active:
        raise PermissionDenied(_("This account is disabled."))
    memberships = Membership.objects.filter(
        user=user, role__in=ROLES[capability], unit__is_active=True
    ).select_related("unit")
    best: Unit | None = None
    for membership in memberships:
        unit = membership.unit
        if unit.kind not in ROLE_UNIT_KINDS[membership.role]:
            # A role counts only at the kinds of unit it is given at (directory's rule):
            # a membership left over from a re-zoning gives nothing.
            continue
        if unit.pk == target.pk:
            return unit
        # The nearest unit above acts, so the timeline names the right level.
        above = from_above and target.path.startswith(unit.path)
        if above and (best is None or len(unit.path) > len(best.path)):
            best = unit
    if best is not None:
        return best
    raise PermissionDenied(
        _("You may not %(action)s for %(unit)s.")
        % {"action": _DESCRIPTIONS[capability], "unit": target.name}
    )


def may(user: User, capability: Capability, target: Unit, *, from_above: bool = False) -> bool:
    try:
        acting_unit(user, capability, target, from_above=from_above)
    except PermissionDenied:
        return False
    return True
