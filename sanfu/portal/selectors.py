"""Reads for the public portal: places and categories to choose from, a requester's case, and
the published results. Nothing here reveals personal data or an unpublished case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    Category,
    EventKind,
)
from sanfu.directory.models import TOWN_KINDS, VILLAGE_KINDS, Unit, UnitKind
from sanfu.lib.treepath import path_ids

CATEGORY_RESULTS = 8
SIMILAR_RESULTS = 5
# A model guess below this is not worth a requester's attention.
FIELD_CONFIDENCE = 0.3
PUBLISHED_PAGE_SIZE = 20


def towns() -> QuerySet[Unit]:
    return Unit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("path")


def villages(*, town: Unit | None = None) -> QuerySet[Unit]:
    units = Unit.objects.filter(kind__in=VILLAGE_KINDS, is_active=True)
    if town is not None:
        units = units.filter(path__descendant=town.path)
    return units.select_related("parent").order_by("path")


def counties() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.COUNTY, is_active=True).order_by("path")


def matters() -> QuerySet[Category]:
    """The categories a requester picks from: the active matters (level 3)."""
    return Category.objects.filter(level=3, is_active=True).select_related("parent__parent")


def categories_matching(query: str) -> list[Category]:
    """Matters for what was typed into the search box: words inside names, colloquial words
    (路灯, 供水, 欠薪), pinyin and initials (`ludeng`, `ld`); the routing app's one search."""
    from sanfu.routing.categories import category_search

    return category_search(query, limit=CATEGORY_RESULTS)


def fields_suggested(*, title: str, text: str) -> list[str]:
    """The first-level categories the routing app reads in what was typed, likeliest first.

    Only names of categories: nothing about any other case. Empty without a trained model and
    without a matching rule, and for text too short to say anything.
    """
    from sanfu.routing.selectors import suggestions_for

    if len(f"{title}{text}".strip()) < 4:
        return []
    found = suggestions_for(title=title, text=text, place=None)
    names: list[str] = []
    for item in found.categories:
        name = _field_name(item.category) if item.category is not None else item.label
        if name not in names and (item.confidence is None or item.confidence >= FIELD_CONFIDENCE):
            names.append(name)
    return names


def _field_name(category: Category) -> str:
    node = category
    while node.parent is not None:
        node = node.parent
    return node.name


def categories_suggested(*, title: str, text: str) -> list[Category]:
    """The matters the request's words point to (路灯 → 城市公共设施), the routing model's
    fields ordering equals. A guess for the requester, who can always pick another."""
    from sanfu.routing.categories import leaves_suggested
    from sanfu.routing.suggest import load_router

    if len(f"{title}{text}".strip()) < 2:
        return []
    return leaves_suggested(title=title, text=text, limit=CATEGORY_RESULTS, router=load_router())


@dataclass(frozen=True)
class PublicSimilar:
    """A published case like the one being written, in its public (anonymised) words only."""

    number: str
    title: str
    reply: str
    replied_at: datetime | None
    similarity: float


def similar_open_cases(*, title: str, text: str, place: Unit | None) -> list[PublicSimilar]:
    """Cases nearby already answered and published that say the same thing ("read the answer
    instead?").

    Candidates come from the routing app's index, then are scored again on their *public*
    title and text alone: a case must look alike in what anyone may read, so typing a name or
    a phone number that only the private text holds finds nothing.
    """
    from sanfu.routing.keywords import cosine, hashed, keyword_weights
    from sanfu.routing.selectors import similar_published_cases
    from sanfu.routing.similar import MIN_SIMILARITY

    if place is None or len(f"{title}{text}".strip()) < 4:
        return []
    query = hashed(keyword_weights(title, text))
    found = []
    for item in similar_published_cases(title=title, text=text, place=place):
        case = item.case
        public = hashed(keyword_weights(case.public_title, case.public_text))
        value = cosine(query, public)
        if value >= MIN_SIMILARITY:
            found.append(
                PublicSimilar(
                    case.number, case.public_title, case.public_reply, case.replied_at, value
                )
            )
    found.sort(key=lambda s: -s.similarity)
    return found[:SIMILAR_RESULTS]


# --- a requester's own case ------------------------------------------------------------------


# The events a requester sees, in plain words; staff-only steps (urging, co-handling opinions,
# internal extension requests) are left out. Values: whether the event's note is shown.
PUBLIC_EVENTS: dict[str, bool] = {
    EventKind.RECEIVED: False,
    EventKind.ACCEPTED: False,
    EventKind.DISPATCHED: False,
    EventKind.SIGNED: False,
    EventKind.RETURNED: False,
    EventKind.TRANSFERRED: False,
    EventKind.ESCALATED: False,
    EventKind.EXTENSION_APPROVED: False,
    EventKind.REPLIED: True,
    EventKind.RATED: True,
    EventKind.REOPENED: False,
    EventKind.CLOSED: False,
    EventKind.AUTO_CLOSED: False,
    EventKind.OVERDUE: False,
    EventKind.MERGED: False,
    EventKind.MASTER_REPLIED: True,
    EventKind.REJECTED: True,
    EventKind.PUBLISHED: False,
}


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    label: str
    unit: str
    note: str


def public_timeline(*, case: Case) -> list[PublicStep]:
    events = (
        CaseEvent.objects.filter(case=case, kind__in=list(PUBLIC_EVENTS))
        .select_related("actor_unit")
        .order_by("at", "id")
    )
    return [
        PublicStep(
            at=event.at,
            label=event.label,
            unit=event.actor_unit.name if event.actor_unit else "",
            note=event.note if PUBLIC_EVENTS[event.kind] else "",
        )
        for event in events
    ]


def who_has_it(case: Case) -> str:
    """The unit working on the case now, in the requester's words."""
    if case.state in {CaseState.ASSIGNED, CaseState.IN_PROGRESS} and case.lead_unit:
        return case.lead_unit.name
    if case.state == CaseState.NEW:
        return _("%(unit)s (deciding who handles it)") % {"unit": case.desk_unit.name}
    return ""


# --- published results (公示) -----------------------------------------------------------------


@dataclass(frozen=True)
class PublishedFilters:
    query: str = ""
    town: Unit | None = None
    category: Category | None = None
    month: date | None = None  # the first day of the month the case was answered


def published_cases(*, filters: PublishedFilters) -> QuerySet[Case]:
    """Published cases, newest answer first; only their anonymised fields are shown."""
    cases = Case.objects.filter(published_at__isnull=False, confidential=False)
    if filters.query:
        cases = cases.filter(
            Q(public_title__icontains=filters.query) | Q(public_text__icontains=filters.query)
        )
    if filters.town is not None:
        cases = cases.filter(location_unit__path__descendant=filters.town.path)
    if filters.category is not None:
        category = filters.category
        cases = cases.filter(
            Q(category=category)
            | Q(category__parent=category)
            | Q(category__parent__parent=category)
        )
    if filters.month is not None:
        start = timezone.make_aware(datetime.combine(filters.month, time.min))
        following = (filters.month.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = timezone.make_aware(datetime.combine(following, time.min))
        cases = cases.filter(replied_at__gte=start, replied_at__lt=end)
    return cases.select_related("category", "location_unit", "reply_unit").order_by(
        "-replied_at", "-id"
    )


def town_names(places: list[Unit]) -> dict[int, str]:
    """The town or sub-district each place lies in, by the place's id (one query)."""
    town_ids = {place.pk: path_ids(place.path)[1] for place in places if place.depth >= 2}
    names = dict(Unit.objects.filter(pk__in=set(town_ids.values())).values_list("pk", "name"))
    return {place: names.get(town, "") for place, town in town_ids.items()}


def broad_categories() -> QuerySet[Category]:
    return Category.objects.filter(level=1, is_active=True).order_by("code")
