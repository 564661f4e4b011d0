"""Who may act on a case for which unit. Each rule on its own line, each refusal named.

Three capabilities cover the loop:
- dispatch: decide where a case goes (accept, dispatch, take on at the desk unit itself,
  escalate on from the desk, transfer, merge, reject, decide returns and extensions, reopen,
  publish) — at the case's desk unit or a unit above it;
- handle: work on it (sign for, reply, return, escalate, ask for more time, answer a
  supervision order) — at a unit assigned to the case;
- oversee: urge — at a unit at or above the lead unit;
- supervise: issue supervision orders — supervisors and leaders at or above the lead unit.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfu.directory.models import ROLE_UNIT_KINDS, Membership, StaffRole, Unit, UnitKind, User
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

# The kinds of unit that work on cases. A county only decides where they go (its dispatch
# centre sends them to its departments and towns), so it never leads one itself.
HANDLING_KINDS = frozenset(
    {
        UnitKind.TOWN,
        UnitKind.STREET,
        UnitKind.VILLAGE,
        UnitKind.COMMUNITY,
        UnitKind.GRID,
        UnitKind.DEPARTMENT,
        UnitKind.SOCIAL_ORG,
        UnitKind.MODULE,
    }
)

# Where a unit escalates to (上报): the nearest unit above it of one of these kinds.
ESCALATION_TARGET: dict[str, tuple[str, ...]] = {
    UnitKind.GRID: (UnitKind.TOWN, UnitKind.STREET),
    UnitKind.VILLAGE: (UnitKind.TOWN, UnitKind.STREET),
    UnitKind.COMMUNITY: (UnitKind.TOWN, UnitKind.STREET),
    UnitKind.TOWN: (UnitKind.COUNTY,),
    UnitKind.STREET: (UnitKind.COUNTY,),
    UnitKind.DEPARTMENT: (UnitKind.COUNTY,),
    UnitKind.SOCIAL_ORG: (UnitKind.COUNTY,),
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


def may_take_on(user: User, desk: Unit) -> bool:
    """本级自办: a case waiting at `desk` may be kept there, the desk unit leading it, when the
    desk unit is one that handles cases and `user` decides for it (or for a unit above it)."""
    if desk.kind not in HANDLING_KINDS:
        return False
    return may(user, Capability.DISPATCH, desk, from_above=True)


def may_escalate_from_desk(user: User, desk: Unit) -> bool:
    """上报 from the desk: a case waiting at `desk` may go up to the level above when there is
    one, decided by whoever decides for the desk (a town passes on what a village escalated)."""
    if desk.kind not in ESCALATION_TARGET:
        return False
    return may(user, Capability.DISPATCH, desk, from_above=True)
