"""Writes of the outreach app: links begin and end, visits are recorded, checklists revised.

Each function is keyword-only and atomic, checks who acts, and refuses bad input naming the
field, leaving existing data unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Channel, RequesterKind
from sanfu.cases.policies import Capability, may
from sanfu.cases.services import NewCase, Requester, case_create
from sanfu.directory.models import (
    Enterprise,
    Household,
    Membership,
    StaffRole,
    Unit,
    UnitKind,
    User,
)
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sanfu.lib.files import check_photo
from sanfu.outreach.models import (
    NOTE_MAX,
    ChecklistKind,
    ChecklistTemplate,
    ChecklistVersion,
    Link,
    LinkRole,
    Period,
    ProblemOutcome,
    TargetKind,
    Visit,
    VisitPhoto,
    VisitProblem,
)
from sanfu.outreach.tallies import tally_rebuild, tally_visit_added

TARGET_UNIT_KINDS = frozenset(
    {UnitKind.TOWN, UnitKind.STREET, UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.GRID}
)
# Who keeps the roster for the units under them.
ROSTER_ROLES = frozenset({StaffRole.ADMINISTRATOR, StaffRole.LEADER, StaffRole.TOWN_STAFF})
MAX_PHOTOS = 6
MAX_PROBLEMS = 10
ANSWER_MAX = 500
PROBLEM_MAX = 2000
# A phone's clock runs a little ahead; a visit further in the future than this is refused.
CLOCK_SKEW = timedelta(minutes=10)

Target = Enterprise | Unit | Household


def may_keep_roster(user: User, place: Unit) -> bool:
    """Administrators, leaders and town staff keep the roster of the units under them."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    units = Membership.objects.filter(
        user=user, role__in=ROSTER_ROLES, unit__is_active=True
    ).values_list("unit__path", flat=True)
    return any(place.path.startswith(path) for path in units)


def place_of(target: Target) -> Unit:
    """The unit where a target lies, for access and figures."""
    if isinstance(target, Enterprise):
        return target.village or target.town
    if isinstance(target, Household):
        return target.grid or target.village
    return target


def _target_fields(target: Target) -> dict[str, object]:
    if isinstance(target, Enterprise):
        return {"target_kind": TargetKind.ENTERPRISE, "enterprise": target}
    if isinstance(target, Household):
        return {"target_kind": TargetKind.HOUSEHOLD, "household": target}
    if target.kind not in TARGET_UNIT_KINDS:
        raise ValidationFailed(
            _("A link serves a town, village, community or grid, not a %(kind)s.")
            % {"kind": target.get_kind_display()},
            field="target",
        )
    return {"target_kind": TargetKind.UNIT, "target_unit": target}


@dataclass(frozen=True)
class NewLink:
    target: Target
    role: str
    starts_on: date
    cadence_count: int
    cadence_period: str
    person: User | None = None
    person_unit: Unit | None = None
    ends_on: date | None = None
    note: str = ""


def _check_link(new: NewLink) -> None:
    if (new.person is None) == (new.person_unit is None):
        raise ValidationFailed(_("Name one staff member or one unit."), field="person")
    if new.person is not None and not new.person.is_active:
        raise ValidationFailed(_("This staff account is disabled."), field="person")
    if new.role not in LinkRole.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    if new.cadence_period not in Period.values:
        raise ValidationFailed(_("Choose daily, weekly, monthly or quarterly."), field="period")
    if new.cadence_count < 1:
        raise ValidationFailed(_("The cadence must be at least one visit."), field="cadence")
    if new.cadence_count > 100:
        raise ValidationFailed(_("At most 100 visits per period."), field="cadence")
    if new.ends_on is not None and new.ends_on < new.starts_on:
        raise ValidationFailed(_("The link cannot end before it starts."), field="ends_on")
    if len(new.note.strip()) > 200:
        raise ValidationFailed(_("The note is longer than 200 characters."), field="note")


def overlapping(new: NewLink, fields: Mapping[str, object]) -> Link | None:
    """An existing link of the same person to the same target in the same role whose term
    meets the new one's."""
    links = Link.objects.filter(
        person=new.person,
        person_unit=new.person_unit,
        role=new.role,
        **{key: value for key, value in fields.items() if key != "target_kind"},
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=new.starts_on))
    if new.ends_on is not None:
        links = links.filter(starts_on__lte=new.ends_on)
    return links.order_by("pk").first()


@transaction.atomic
def link_create(*, actor: User | None, new: NewLink) -> Link:
    """Link a person to a target. `actor` None is the system (data migrations, the demo)."""
    _check_link(new)
    fields = _target_fields(new.target)
    place = place_of(new.target)
    if actor is not None and not may_keep_roster(actor, place):
        raise PermissionDenied(
            _("You may not keep the roster for %(unit)s.") % {"unit": place.name}
        )
    # Two imports at once must not both pass the overlap test: lock the person's row.
    if new.person is not None:
        User.objects.select_for_update().filter(pk=new.person.pk).first()
    else:
        Unit.objects.select_for_update().filter(pk=new.person_unit.pk).first()  # type: ignore[union-attr]
    clash = overlapping(new, fields)
    if clash is not None:
        raise Conflict(
            _("%(person)s is already linked to %(target)s in this role from %(start)s.")
            % {
                "person": clash.person_label,
                "target": clash.target_label,
                "start": clash.starts_on,
            },
            field="target",
        )
    return Link.objects.create(
        person=new.person,
        person_unit=new.person_unit,
        place=place,
        role=new.role,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        cadence_count=new.cadence_count,
        cadence_period=new.cadence_period,
        note=new.note.strip(),
        created_by=actor,
        **fields,
    )


@transaction.atomic
def link_end(*, actor: User, link_id: int, ends_on: date) -> Link:
    """End a link on `ends_on`. A link is never deleted; its visits stay."""
    link = Link.objects.visible_to(actor).filter(pk=link_id).first()
    if link is None:
        raise NotFound(_("No such link."))
    if not may_keep_roster(actor, link.place):
        raise PermissionDenied(
            _("You may not keep the roster for %(unit)s.") % {"unit": link.place.name}
        )
    if ends_on < link.starts_on:
        raise ValidationFailed(_("The link cannot end before it starts."), field="ends_on")
    # The state is checked in the same statement, so two people ending it at once end it once.
    changed = Link.objects.filter(pk=link.pk, ends_on__isnull=True).update(
        ends_on=ends_on, ended_by=actor
    )
    if not changed:
        raise Conflict(_("This link has already ended."), field="ends_on")
    # Periods past the end are no longer due, nor counted done: the tallies follow the term.
    tally_rebuild(link_ids=[link.pk])
    link.refresh_from_db()
    return link


CHECKLIST_FOR: dict[str, str] = {
    UnitKind.TOWN: ChecklistKind.VILLAGE,
    UnitKind.STREET: ChecklistKind.VILLAGE,
    UnitKind.VILLAGE: ChecklistKind.VILLAGE,
    UnitKind.COMMUNITY: ChecklistKind.VILLAGE,
    UnitKind.GRID: ChecklistKind.GRID,
}


def checklist_kind_for(link: Link) -> str:
    if link.target_kind == TargetKind.ENTERPRISE:
        return ChecklistKind.ENTERPRISE
    if link.target_kind == TargetKind.HOUSEHOLD:
        return ChecklistKind.GRID
    assert link.target_unit is not None  # noqa: S101 - the check constraint guarantees it
    return CHECKLIST_FOR.get(link.target_unit.kind, ChecklistKind.VILLAGE)


def checklist_current(kind: str) -> ChecklistVersion | None:
    return (
        ChecklistVersion.objects.filter(template__kind=kind)
        .select_related("template")
        .order_by("-number")
        .first()
    )


@transaction.atomic
def checklist_revise(
    *, actor: User, template_id: int, questions: Sequence[Mapping[str, str]]
) -> ChecklistVersion:
    """A new version of a checklist; visits answered on the old one keep it."""
    if not (actor.is_superuser or _is_administrator(actor)):
        raise PermissionDenied(_("Only administrators edit checklists."))
    template = ChecklistTemplate.objects.select_for_update().filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No such checklist."))
    cleaned: list[dict[str, str]] = []
    keys: set[str] = set()
    for question in questions:
        key = str(question.get("key", "")).strip()
        text = str(question.get("text", "")).strip()
        if not key or not text or key in keys or len(text) > 200:
            raise ValidationFailed(
                _("Each question needs its own key and a text of at most 200 characters."),
                field="questions",
            )
        keys.add(key)
        cleaned.append({"key": key, "text": text})
    if not cleaned:
        raise ValidationFailed(_("A checklist needs at least one question."), field="questions")
    last = template.versions.aggregate(last=Max("number"))["last"] or 0
    return ChecklistVersion.objects.create(template=template, number=last + 1, questions=cleaned)


def _is_administrator(user: User) -> bool:
    return Membership.objects.filter(user=user, role=StaffRole.ADMINISTRATOR).exists()


@dataclass(frozen=True)
class Photo:
    name: str
    content: bytes


@dataclass(frozen=True)
class NewProblem:
    text: str
    solved_on_the_spot: bool = False
    solution: str = ""


@dataclass(frozen=True)
class NewVisit:
    link_id: int
    client_key: str
    visited_at: datetime
    where: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    companions: str = ""
    answers: Mapping[str, str] | None = None
    notes: str = ""
    photos: Sequence[Photo] = ()
    problems: Sequence[NewProblem] = ()


def _held_link(actor: User, link_id: int) -> Link:
    """The link, if `actor` keeps it; an outsider learns nothing of it."""
    link = Link.objects.visible_to(actor).filter(pk=link_id).select_related("place").first()
    if link is None:
        raise NotFound(_("No such link."), field="link")
    if not Link.objects.held_by(actor).filter(pk=link.pk).exists():
        # Decided: no ad-hoc visits. A visit belongs to a link its visitor keeps, so every
        # visit counts for someone; a county that wants ad-hoc visits links the cadre first.
        raise PermissionDenied(_("You may record visits only on your own links."), field="link")
    return link


def _clean_key(key: str) -> str:
    key = key.strip()
    if not 8 <= len(key) <= 64 or not all(c.isalnum() or c in "-_" for c in key):
        raise ValidationFailed(_("The visit's client key is malformed."), field="client_key")
    return key


def _clean_text(value: str, *, field: str, label: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise ValidationFailed(
            _("%(label)s is too long: at most %(limit)d characters.")
            % {"label": label, "limit": limit},
            field=field,
        )
    return value


def _check_place(new: NewVisit) -> None:
    if (new.latitude is None) != (new.longitude is None):
        raise ValidationFailed(_("Give both coordinates or neither."), field="latitude")
    if new.latitude is not None and not -90 <= new.latitude <= 90:
        raise ValidationFailed(_("This coordinate is out of range."), field="latitude")
    if new.longitude is not None and not -180 <= new.longitude <= 180:
        raise ValidationFailed(_("This coordinate is out of range."), field="longitude")


def _answers(checklist: ChecklistVersion | None, given: Mapping[str, str]) -> dict[str, str]:
    if checklist is None:
        return {}
    answers: dict[str, str] = {}
    for question in checklist.questions:
        key = question["key"]
        text = _clean_text(
            str(given.get(key, "")), field=f"answer_{key}", label=question["text"], limit=ANSWER_MAX
        )
        if text:
            answers[key] = text
    return answers


def _checked_photos(photos: Sequence[Photo]) -> list[str]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(
            _("At most %(count)d photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    types: list[str] = []
    for photo in photos:
        content_type = check_photo(photo.name, photo.content)
        types.append(content_type)
    return types


def _check_problems(problems: Sequence[NewProblem]) -> list[NewProblem]:
    if len(problems) > MAX_PROBLEMS:
        raise ValidationFailed(
            _("At most %(count)d problems per visit.") % {"count": MAX_PROBLEMS},
            field="problems",
        )
    cleaned: list[NewProblem] = []
    for problem in problems:
        text = _clean_text(problem.text, field="problems", label=_("Problem"), limit=PROBLEM_MAX)
        if not text:
            continue
        solution = _clean_text(
            problem.solution, field="problems", label=_("How it was solved"), limit=PROBLEM_MAX
        )
        if problem.solved_on_the_spot and not solution:
            raise ValidationFailed(
                _("Say how “%(problem)s” was solved on the spot.") % {"problem": text[:30]},
                field="problems",
            )
        cleaned.append(NewProblem(text, problem.solved_on_the_spot, solution))
    return cleaned


def visit_record(*, actor: User, new: NewVisit) -> tuple[Visit, bool]:
    """Record a visit; returns it and whether it is new.

    The client key makes this idempotent: the same key from the same visitor returns the visit
    already stored (an offline phone retrying); from anyone else it is refused.
    """
    key = _clean_key(new.client_key)
    existing = Visit.objects.filter(client_key=key).first()
    if existing is not None:
        return _replayed(existing, actor), False
    try:
        return _visit_create(actor=actor, new=new, key=key), True
    except IntegrityError:
        # The same visit arrived twice at once; the other request stored it.
        existing = Visit.objects.filter(client_key=key).first()
        if existing is None:
            raise
        return _replayed(existing, actor), False


def _replayed(visit: Visit, actor: User) -> Visit:
    if visit.visitor_id != actor.pk:
        raise Conflict(_("This client key belongs to another visit."), field="client_key")
    return visit


@transaction.atomic
def _visit_create(*, actor: User, new: NewVisit, key: str) -> Visit:
    link = _held_link(actor, new.link_id)
    if timezone.is_naive(new.visited_at):
        raise ValidationFailed(_("The visit's time has no time zone."), field="visited_at")
    if new.visited_at > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed(_("A visit cannot be in the future."), field="visited_at")
    _check_place(new)
    checklist = checklist_current(checklist_kind_for(link))
    answers = _answers(checklist, new.answers or {})
    types = _checked_photos(new.photos)
    problems = _check_problems(new.problems)
    day = timezone.localdate(new.visited_at)
    outside = day < link.starts_on or (link.ends_on is not None and day > link.ends_on)
    visit = Visit.objects.create(
        client_key=key,
        link=link,
        visitor=actor,
        place=link.place,
        visited_at=new.visited_at,
        where=_clean_text(new.where, field="where", label=_("Where"), limit=200),
        latitude=new.latitude,
        longitude=new.longitude,
        companions=_clean_text(new.companions, field="companions", label=_("Who went"), limit=200),
        checklist=checklist,
        answers=answers,
        notes=_clean_text(new.notes, field="notes", label=_("Notes"), limit=NOTE_MAX),
        outside_term=outside,
    )
    # Compliance reads the monthly tallies: they change with the visit, in its transaction.
    tally_visit_added(visit)
    for photo, content_type in zip(new.photos, types, strict=True):
        row = VisitPhoto(
            visit=visit, name=photo.name[:200], content_type=content_type, size=len(photo.content)
        )
        row.file.save(photo.name[-100:], ContentFile(photo.content), save=False)
        row.save()
    for problem in problems:
        _problem_create(actor=actor, visit=visit, problem=problem)
    return visit


def _problem_create(*, actor: User, visit: Visit, problem: NewProblem) -> VisitProblem:
    if problem.solved_on_the_spot:
        return VisitProblem.objects.create(
            visit=visit,
            link_id=visit.link_id,
            text=problem.text,
            outcome=ProblemOutcome.ON_THE_SPOT,
            solution=problem.solution,
            found_at=visit.visited_at,
        )
    link = visit.link
    channel = Channel.PATROL if checklist_kind_for(link) == ChecklistKind.GRID else Channel.VISIT
    title = problem.text.splitlines()[0][:60]
    # A cadre with a handling role over the place keeps the case at their own desk; one who
    # has none (a county department's cadre linked to a village enterprise) sends it to the
    # county dispatch centre.
    handles = may(actor, Capability.HANDLE, visit.place, from_above=True)
    case = case_create(
        new=NewCase(
            channel=channel,
            title=title,
            text=problem.text,
            location_unit=visit.place,
            requester=_requester(link),
            address=visit.where,
            latitude=visit.latitude,
            longitude=visit.longitude,
        ),
        actor=actor if handles else None,
    )
    return VisitProblem.objects.create(
        visit=visit,
        link_id=visit.link_id,
        text=problem.text,
        outcome=ProblemOutcome.CASE,
        case=case,
        found_at=visit.visited_at,
    )


def _requester(link: Link) -> Requester:
    if link.enterprise is not None:
        return Requester(
            kind=RequesterKind.ENTERPRISE, name=link.enterprise.name, enterprise=link.enterprise
        )
    if link.household is not None:
        head = link.household.members.order_by("pk").first()
        if head is None:
            return Requester(kind=RequesterKind.ANONYMOUS)
        return Requester(kind=RequesterKind.RESIDENT, name=head.name, resident=head)
    unit = link.target_unit
    assert unit is not None  # noqa: S101 - the check constraint guarantees one target
    if unit.kind == UnitKind.GRID and unit.parent is not None:
        unit = unit.parent
    if unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
        return Requester(kind=RequesterKind.GRASSROOTS, name=unit.name, unit=unit)
    return Requester(kind=RequesterKind.ANONYMOUS, name=unit.name)
