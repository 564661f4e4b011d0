"""Reads for the public portal: places and categories to choose from, a requester's case, and
the published results. Nothing here reveals personal data or an unpublished case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

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
    """Matters whose name, or whose broader category's name, contains what was typed."""
    query = query.strip()
    if not query:
        return []
    found = matters().filter(
        Q(name__icontains=query)
        | Q(parent__name__icontains=query)
        | Q(parent__parent__name__icontains=query)
    )
    return list(found.order_by("code")[:CATEGORY_RESULTS])


_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+")


def _bigrams(text: str) -> set[str]:
    tokens = _HAN_OR_WORD.findall(text)
    return {a + b for a, b in pairwise(tokens)}


def categories_suggested(text: str) -> list[Category]:
    """Matters whose names share the most two-character words with the request's text.

    A plain lexical guess for the requester, who can always pick another; the routing app's
    classifier will take this place when it exists (see the report of issue 4).
    """
    words = _bigrams(text)
    if not words:
        return []
    scored: list[tuple[int, str, Category]] = []
    for category in matters():
        score = len(words & _bigrams(category.name))
        if score:
            scored.append((-score, category.code, category))
    scored.sort(key=lambda row: (row[0], row[1]))
    return [category for _score, _code, category in scored[:CATEGORY_RESULTS]]


def similar_open_cases(*, title: str, text: str, place: Unit | None) -> list[Case]:
    """Open cases nearby that look like this one ("follow it instead?").

    The slot for `sanfu.routing.selectors.similar_cases(...)`: until the routing app provides
    it, nobody is shown anything rather than a poor guess.
    """
    return []


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
            label=str(EventKind(event.kind).label),
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
