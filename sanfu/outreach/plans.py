"""一企一策: each enterprise's plan of items arising from visits — what it needs, who owes it,
by when — kept by its chief service officer (or whoever keeps the roster over it). An item may
become a case in the loop at once."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Channel, RequesterKind
from sanfu.cases.policies import Capability, may
from sanfu.cases.services import NewCase, Requester, case_create
from sanfu.directory.models import Enterprise, Unit, User
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sanfu.outreach.models import Link, LinkRole, PlanItem, PlanItemState, Visit
from sanfu.outreach.services import may_keep_roster, place_of

NEED_MAX = 500


def enterprise_for_outreach(*, user: User, enterprise_id: int) -> Enterprise:
    """The enterprise, if `user` sees it in the directory or serves it through a link."""
    enterprise = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        held = Link.objects.held_by(user).filter(enterprise_id=enterprise_id)
        enterprise = Enterprise.objects.filter(pk=enterprise_id, outreach_links__in=held).first()
    if enterprise is None:
        raise NotFound(_("No such enterprise."))
    return enterprise


def may_keep_plan(user: User, enterprise: Enterprise) -> bool:
    """The enterprise's chief service officer today, or a keeper of the roster over it."""
    officer = (
        Link.objects.held_by(user)
        .active_on(timezone.localdate())
        .filter(enterprise=enterprise, role=LinkRole.CHIEF_SERVICE)
        .exists()
    )
    return officer or may_keep_roster(user, place_of(enterprise))


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    enterprise: Enterprise,
    need: str,
    owner: Unit,
    due_on: date,
    visit: Visit | None = None,
    as_case: bool = False,
) -> PlanItem:
    if not may_keep_plan(actor, enterprise):
        raise PermissionDenied(_("Only the enterprise's chief service officer keeps its plan."))
    need = need.strip()
    if not need:
        raise ValidationFailed(_("Say what the enterprise needs."), field="need")
    if len(need) > NEED_MAX:
        raise ValidationFailed(
            _("At most %(limit)d characters.") % {"limit": NEED_MAX}, field="need"
        )
    if due_on < timezone.localdate():
        raise ValidationFailed(_("The date is in the past."), field="due_on")
    if visit is not None and visit.link.enterprise_id != enterprise.pk:
        raise ValidationFailed(_("This visit was not to this enterprise."), field="visit")
    case = None
    if as_case:
        place = place_of(enterprise)
        case = case_create(
            new=NewCase(
                channel=Channel.VISIT,
                title=need.splitlines()[0][:60],
                text=need,
                location_unit=place,
                requester=Requester(
                    kind=RequesterKind.ENTERPRISE, name=enterprise.name, enterprise=enterprise
                ),
            ),
            actor=actor if may(actor, Capability.HANDLE, place, from_above=True) else None,
        )
    return PlanItem.objects.create(
        enterprise=enterprise,
        need=need,
        owner=owner,
        due_on=due_on,
        visit=visit,
        case=case,
        created_by=actor,
    )


@transaction.atomic
def plan_item_done(*, actor: User, item_id: int) -> PlanItem:
    item = PlanItem.objects.select_related("enterprise").filter(pk=item_id).first()
    if item is None or not may_keep_plan(actor, item.enterprise):
        raise NotFound(_("No such plan item."))
    # Checked in the same statement: two clicks mark it done once.
    changed = PlanItem.objects.filter(pk=item.pk, state=PlanItemState.OPEN).update(
        state=PlanItemState.DONE, done_at=timezone.now()
    )
    if not changed:
        raise Conflict(_("This item is already done."))
    item.refresh_from_db()
    return item
