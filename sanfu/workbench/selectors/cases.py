"""One case as a staff member sees it: its details, masked or not, and what they may do now."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db.models import QuerySet

from sanfu.cases.catalogue import suggest_lead_unit
from sanfu.cases.models import (
    HANDLING_STATES,
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseReply,
    CaseState,
    Decision,
    Extension,
    Rating,
    SupervisionOrder,
)
from sanfu.cases.policies import HANDLING_KINDS, Capability, acting_unit, may
from sanfu.cases.selectors import actions_for_user, case_get_for_user, case_timeline
from sanfu.directory.models import Membership, Unit, UnitKind, User
from sanfu.lib.anonymise import anonymise
from sanfu.lib.errors import PermissionDenied
from sanfu.lib.masking import mask_id, mask_name, mask_phone
from sanfu.routing.models import Source
from sanfu.routing.selectors import suggestions_for_case
from sanfu.routing.suggest import UnitSuggestion


def handling_chain(case: Case) -> list[Unit]:
    """The desk unit and every unit working on the case now."""
    units = [case.desk_unit]
    units += [a.unit for a in case.assignments.filter(active=True).select_related("unit")]
    return units


def in_handling_chain(*, user: User, case: Case) -> bool:
    """A role at the desk unit, at a lead or co-handling unit, or at a unit above one of them.

    Only these people may see the requester's personal data, and then only on request.
    """
    if not user.is_active:
        return False
    paths = list(
        Membership.objects.filter(user=user, unit__is_active=True).values_list(
            "unit__path", flat=True
        )
    )
    chain = [unit.path for unit in handling_chain(case)]
    return any(target.startswith(path) for path in paths for target in chain)


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    id_number: str
    masked: bool

    @property
    def empty(self) -> bool:
        return not (self.name or self.phone or self.id_number)


def masked_contact(case: Case) -> Contact:
    return Contact(
        name=mask_name(case.requester_name),
        phone=mask_phone(case.requester_phone),
        id_number=mask_id(case.requester_id_number),
        masked=True,
    )


def full_contact(case: Case) -> Contact:
    return Contact(
        name=case.requester_name,
        phone=case.requester_phone,
        id_number=case.requester_id_number,
        masked=False,
    )


def case_actions(*, user: User, case: Case) -> list[str]:
    """`actions_for_user`, plus the actions that hang off a co-handling assignment, an
    extension request, a supervision order or a closed unsatisfied case."""
    actions = actions_for_user(user=user, case=case)
    desk = may(user, Capability.DISPATCH, case.desk_unit, from_above=True)
    if case.state in HANDLING_STATES:
        co = [a for a in _active(case) if a.role == "co" and may(user, Capability.HANDLE, a.unit)]
        if co:
            actions.append("co_opinion")
            if any(a.signed_at is None for a in co):
                actions.append("sign")
        if _pending_extension(case) is not None and (
            desk
            or (
                case.lead_unit is not None
                and may(user, Capability.SUPERVISE, case.lead_unit, from_above=True)
            )
        ):
            actions.append("extension_decide")
        if any(may(user, Capability.HANDLE, order.unit) for order in open_orders(case)):
            actions.append("supervision_answer")
    if case.state == CaseState.NEW and desk and case.accepted_at is not None:
        actions = [action for action in actions if action != "accept"]
    if case.state == CaseState.CLOSED and case.rating == Rating.UNSATISFIED and desk:
        actions.append("reopen")
    if case.state in {CaseState.REPLIED, CaseState.CLOSED} and desk and unrated_answer(case):
        actions.append("callback")
    return list(dict.fromkeys(actions))


def unrated_answer(case: Case) -> bool:
    """The case's latest answer has no rating yet: a callback (回访) may record one."""
    latest = CaseReply.objects.filter(case=case).order_by("-at", "-id").first()
    return latest is not None and not latest.ratings.exists()


def _active(case: Case) -> list[Assignment]:
    return list(case.assignments.filter(active=True).select_related("unit"))


def _pending_extension(case: Case) -> Extension | None:
    return case.extensions.filter(decision=Decision.PENDING).first()


def open_orders(case: Case) -> list[SupervisionOrder]:
    return list(
        case.supervision_orders.filter(answered_at__isnull=True)
        .select_related("unit")
        .order_by("deadline")
    )


def dispatch_targets(*, user: User, case: Case) -> QuerySet[Unit]:
    """Units this person may send the case to: those that handle cases under the unit they
    decide for — the desk, or the unit above it they act from (the county dispatch centre sends
    what waits at a town's desk to a county department).

    The unit they decide for is left out (the desk keeps a case by taking it on, 本级自办), and
    so are grids: a case goes to the village, whose cadres pass it on.
    """
    try:
        base = acting_unit(user, Capability.DISPATCH, case.desk_unit, from_above=True)
    except PermissionDenied:
        base = case.desk_unit
    kinds = HANDLING_KINDS - {UnitKind.GRID}
    return Unit.objects.filter(path__descendant=base.path, kind__in=kinds, is_active=True).exclude(
        pk=base.pk
    )


def transfer_targets(*, user: User, case: Case) -> QuerySet[Unit]:
    """Where the case may be transferred: under the desk, or under the lead unit for its staff."""
    if may(user, Capability.DISPATCH, case.desk_unit, from_above=True):
        return dispatch_targets(user=user, case=case)
    base = case.lead_unit or case.desk_unit
    return Unit.objects.filter(
        path__descendant=base.path, kind__in=HANDLING_KINDS, is_active=True
    ).exclude(pk=base.pk)


logger = logging.getLogger(__name__)


@dataclass
class CaseView:
    case: Case
    timeline: list[CaseEvent]
    actions: list[str]
    assignments: list[Assignment]
    attachments: list[Attachment]
    extension: Extension | None
    orders: list[SupervisionOrder]
    contact: Contact
    text: str
    may_reveal: bool
    dispatch_targets: QuerySet[Unit]
    transfer_targets: QuerySet[Unit]
    suggested_unit: Unit | None = None
    # "routing" when the unit is the one the case page's routing box names, else "catalogue".
    suggested_by: str = ""
    merged: list[Case] = field(default_factory=list)


def case_view(*, user: User, case_id: int, reveal: bool = False) -> CaseView:
    """Everything the case page shows. Personal data stays masked unless `reveal` — which the
    caller may pass only after `personal_data_reveal` has checked and logged the request."""
    case = case_get_for_user(user=user, case_id=case_id)
    chain = in_handling_chain(user=user, case=case)
    actions = case_actions(user=user, case=case)
    targets = dispatch_targets(user=user, case=case)
    suggested, suggested_by = None, ""
    if "dispatch" in actions:
        suggested, suggested_by = _dispatch_suggestion(case, targets)
    shown = reveal and chain
    return CaseView(
        case=case,
        timeline=case_timeline(case=case),
        actions=actions,
        assignments=_active(case),
        attachments=list(case.attachments.all()),
        extension=_pending_extension(case),
        orders=open_orders(case),
        contact=full_contact(case) if shown else masked_contact(case),
        # Outside the handling chain even the description loses phone and ID numbers.
        text=case.text if chain else anonymise(case.text, names=[case.requester_name]),
        may_reveal=chain and not shown,
        dispatch_targets=targets,
        transfer_targets=(
            transfer_targets(user=user, case=case) if "transfer" in actions else Unit.objects.none()
        ),
        suggested_unit=suggested,
        suggested_by=suggested_by,
        merged=list(case.merged_cases.only("id", "number", "title")),
    )


def _dispatch_suggestion(case: Case, targets: QuerySet[Unit]) -> tuple[Unit | None, str]:
    """The lead unit the dispatch form starts on, and the routing box shows to a dispatcher
    (`dispatch_lead_unit`), so the two never name different units:

    1. a routing rule's unit, when the dispatcher may choose it (an administrator's decision);
    2. else the catalogue's unit for the case's own category and place;
    3. else, for a case without a category, the routing suggestion's unit if allowed;
    4. else the catalogue's unit for the place alone.
    """
    routed = _routed_unit(case)
    allowed = routed is not None and targets.filter(pk=routed.unit.pk).exists()
    if routed is not None and allowed and routed.source == Source.RULE:
        return routed.unit, "routing"
    if case.category is None and routed is not None and allowed:
        return routed.unit, "routing"
    unit = suggest_lead_unit(category=case.category, location_unit=case.location_unit)
    return unit, "catalogue" if unit is not None else ""


def _routed_unit(case: Case) -> UnitSuggestion | None:
    """The routing suggestion's lead unit; None when routing fails, which must never stop a
    dispatcher (the catalogue still answers)."""
    try:
        return suggestions_for_case(case=case).lead_unit
    except Exception:
        logger.exception("routing: no lead unit suggested for case %s", case.pk)
        return None


def dispatch_lead_unit(*, user: User, case: Case) -> UnitSuggestion | None:
    """For the routing box: the unit the dispatch form starts on, None for one who may not
    dispatch (they see the routing suggestion as it was recorded)."""
    if "dispatch" not in case_actions(user=user, case=case):
        return None
    routed = _routed_unit(case)
    unit, by = _dispatch_suggestion(case, dispatch_targets(user=user, case=case))
    if unit is None:
        return None
    if by == "routing" and routed is not None:
        return routed
    return UnitSuggestion(unit, Source.CATALOGUE)


def master_for_user(*, user: User, number: str) -> Case | None:
    """A case this user may see, by its number (the master of a merge)."""
    return Case.objects.visible_to(user).filter(number=number.strip().upper()).first()
