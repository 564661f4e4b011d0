"""Who may do what on a project. Each rule on its own line, each refusal named.

- pose (出题): any role at the posing village, community or town;
- set (点题) and decide (accept, assign, finish, drop, open an incident): a leader, dispatcher
  or administrator at the owning unit or a unit above it;
- work (report progress, milestones, link and answer cases): the project's envoys and members,
  anyone who may decide, and the handlers of the answering department;
- update an emergency target: besides the workers, the staff of the target's town.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanfu.cases.policies import Capability, acting_unit
from sanfu.directory.models import Membership, StaffRole, Unit, User
from sanfu.lib.errors import PermissionDenied
from sanfu.projects.models import Project, ProjectMember, Target

DECIDING_ROLES = frozenset({StaffRole.LEADER, StaffRole.DISPATCHER, StaffRole.ADMINISTRATOR})


def deciding_unit(user: User, target: Unit) -> Unit:
    """The nearest unit at or above `target` where `user` decides, or PermissionDenied."""
    if not user.is_active:
        raise PermissionDenied(_("This account is disabled."))
    memberships = Membership.objects.filter(
        user=user, role__in=DECIDING_ROLES, unit__is_active=True
    ).select_related("unit")
    best: Unit | None = None
    for membership in memberships:
        unit = membership.unit
        if not target.path.startswith(unit.path):
            continue
        if best is None or len(unit.path) > len(best.path):
            best = unit
    if best is None:
        raise PermissionDenied(
            _("You may not decide on projects of %(unit)s.") % {"unit": target.name}
        )
    return best


def leader_unit(user: User) -> Unit:
    """The unit a leader sets problems (点题) or opens incidents for: their topmost."""
    memberships = Membership.objects.filter(
        user=user, role__in=DECIDING_ROLES, unit__is_active=True, user__is_active=True
    ).select_related("unit")
    units = sorted((m.unit for m in memberships), key=lambda unit: len(unit.path))
    if not units:
        raise PermissionDenied(_("Only leaders and dispatchers set problems."))
    return units[0]


def posing_unit(user: User, unit: Unit) -> Unit:
    """出题: a role at the posing unit itself."""
    return acting_unit(user, Capability.HANDLE, unit)


def working_unit(user: User, project: Project) -> Unit:
    """The unit `user` works on `project` for, or PermissionDenied."""
    member = ProjectMember.objects.filter(project=project, user=user).select_related("unit").first()
    if member is not None and user.is_active:
        return member.unit
    if project.answering_unit is not None:
        try:
            return acting_unit(user, Capability.HANDLE, project.answering_unit)
        except PermissionDenied:
            pass
    try:
        return deciding_unit(user, project.owning_unit)
    except PermissionDenied:
        raise PermissionDenied(_("You are not working on this project.")) from None


def target_unit(user: User, target: Target) -> Unit:
    """Who may update a target: its town's staff (from above too), or the project's workers."""
    if target.town is not None:
        try:
            return acting_unit(user, Capability.HANDLE, target.town, from_above=True)
        except PermissionDenied:
            pass
    return working_unit(user, target.project)


def may_decide(user: User, project: Project) -> bool:
    try:
        deciding_unit(user, project.owning_unit)
    except PermissionDenied:
        return False
    return True


def may_work(user: User, project: Project) -> bool:
    try:
        working_unit(user, project)
    except PermissionDenied:
        return False
    return True
