"""Reads of the outreach app, for its own pages and for other apps.

The small read API other apps use (grassroots' responsibility lists, the enterprise page):

- `links_for_target(user=, target=, on=None)`: the links serving an enterprise, unit or
  household that `user` may see, active on `on` (default today; None-able via `active=False`).
- `chief_service_officer(user=, enterprise=)`: the enterprise's current 首席服务官 link, or None.
- `visits_for_enterprise(user=, enterprise=, limit=20)` and `visits_for_target(...)`: the latest
  visits, newest first.
- `compliance_for_unit(user=, unit=, window=)`: each link's due/done/overdue under a unit; its
  links are read slim: name the ones shown with `links_labelled(links)`.
- `cadres_linked_under(units=, on=None)`: the active staff accounts linked (in their own name)
  to a target lying under any of the units, on `on` (default today). Not scoped to a viewer:
  it answers "whom must a warning about these places reach" (projects' emergency warning).

All but `cadres_linked_under` read through `visible_to(user)`; an outsider gets empty lists,
and the single-row getters raise NotFound (a 404), never PermissionDenied, so existence is
not leaked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import Enterprise, Household, Unit, User
from sanfu.directory.querysets import AnyUser
from sanfu.lib.errors import NotFound
from sanfu.outreach.compliance import LinkCompliance, compliance_for
from sanfu.outreach.models import Link, LinkRole, Visit
from sanfu.outreach.periods import Span
from sanfu.outreach.querysets import LinkQuerySet, VisitQuerySet

Target = Enterprise | Unit | Household

_LINK_RELATED = ("person", "person_unit", "enterprise", "target_unit", "household", "place")


def _target_filter(target: Target, prefix: str = "") -> Q:
    if isinstance(target, Enterprise):
        return Q(**{f"{prefix}enterprise": target})
    if isinstance(target, Household):
        return Q(**{f"{prefix}household": target})
    return Q(**{f"{prefix}target_unit": target})


def links_for_target(
    *, user: AnyUser, target: Target, on: date | None = None, active: bool = True
) -> list[Link]:
    links: LinkQuerySet = Link.objects.visible_to(user).filter(_target_filter(target))
    if active:
        links = links.active_on(on or timezone.localdate())
    return list(links.select_related(*_LINK_RELATED).order_by("role", "starts_on", "pk"))


def chief_service_officer(*, user: AnyUser, enterprise: Enterprise) -> Link | None:
    links = [
        link
        for link in links_for_target(user=user, target=enterprise)
        if link.role == LinkRole.CHIEF_SERVICE
    ]
    return links[0] if links else None


def links_held_by(*, user: AnyUser, on: date | None = None) -> list[Link]:
    """A staff member's own links (and their units'), active on `on` (default today)."""
    links = (
        Link.objects.visible_to(user)
        .held_by(user)
        .active_on(on or timezone.localdate())
        .select_related(*_LINK_RELATED)
        .order_by("place__path", "pk")
    )
    return list(links)


def link_get_for_user(*, user: AnyUser, link_id: int) -> Link:
    link = Link.objects.visible_to(user).select_related(*_LINK_RELATED).filter(pk=link_id).first()
    if link is None:
        raise NotFound(_("No such link."))
    return link


def visit_get_for_user(*, user: AnyUser, visit_id: int) -> Visit:
    visit = (
        Visit.objects.visible_to(user)
        .select_related(
            "link",
            "visitor",
            "checklist__template",
            "place",
            *(f"link__{name}" for name in _LINK_RELATED),
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFound(_("No such visit."))
    return visit


def visits_for_target(*, user: AnyUser, target: Target, limit: int = 20) -> list[Visit]:
    visits: VisitQuerySet = Visit.objects.visible_to(user).filter(_target_filter(target, "link__"))
    return list(visits.select_related("link", "visitor").order_by("-visited_at", "-pk")[:limit])


def visits_for_enterprise(*, user: AnyUser, enterprise: Enterprise, limit: int = 20) -> list[Visit]:
    return visits_for_target(user=user, target=enterprise, limit=limit)


def visits_for_link(*, user: AnyUser, link: Link, limit: int = 50) -> list[Visit]:
    visits = Visit.objects.visible_to(user).filter(link=link).select_related("visitor")
    return list(visits.order_by("-visited_at", "-pk")[:limit])


def links_under(*, user: AnyUser, unit: Unit) -> LinkQuerySet:
    """Links visible to `user` whose target lies under `unit` or which a unit under it holds."""
    return (
        Link.objects.visible_to(user)
        .filter(Q(place__path__descendant=unit.path) | Q(person_unit__path__descendant=unit.path))
        .order_by("place__path", "pk")
    )


# What compliance reads of a link: a county's thousands of rows load without their six related
# rows; the few the page shows get their names afterwards (`links_labelled`).
_COMPLIANCE_FIELDS = (
    "person_id",
    "person_unit_id",
    "target_kind",
    "enterprise_id",
    "target_unit_id",
    "household_id",
    "place_id",
    "role",
    "starts_on",
    "ends_on",
    "cadence_count",
    "cadence_period",
)


def compliance_links_under(*, user: AnyUser, unit: Unit, window: Span) -> LinkQuerySet:
    """The links `compliance_for_unit` reports on, slim, each with its place's path
    (`place_path`): pass it to `compliance_for` and to the figures, which then select the links
    inside the database."""
    return (
        links_under(user=user, unit=unit)
        .meeting(window.first, window.last)
        .only(*_COMPLIANCE_FIELDS)
        .annotate(place_path=F("place__path"))
    )


def compliance_for_unit(
    *, user: AnyUser, unit: Unit, window: Span, today: date | None = None
) -> list[LinkCompliance]:
    links = compliance_links_under(user=user, unit=unit, window=window)
    return compliance_for(links, window, today=today)


def holder_key(link: Link) -> str:
    """Who holds a link, as a key `holder_names` names: "p<user id>" or "u<unit id>"."""
    return f"p{link.person_id}" if link.person_id else f"u{link.person_unit_id}"


def holder_names(keys: Iterable[str], *, links: QuerySet[Link] | None = None) -> dict[str, str]:
    """The names of the holders `holder_key` gave, in two small queries (no whole rows).
    `links`, the queryset the keys' links came from, lets the database select the people
    itself: a county's eleven thousand ids cost more to send in IN (...) than to read."""
    chosen = set(keys)
    people = [int(key[1:]) for key in chosen if key.startswith("p")]
    units = [int(key[1:]) for key in chosen if key.startswith("u")]
    names: dict[str, str] = {}
    holders = (
        User.objects.filter(pk__in=links.order_by().values("person_id"))
        if links is not None
        else User.objects.filter(pk__in=people)
    )
    for pk, full_name, username in holders.values_list("pk", "full_name", "username"):
        names[f"p{pk}"] = full_name or username
    for pk, name in Unit.objects.filter(pk__in=units).values_list("pk", "name"):
        names[f"u{pk}"] = name
    return names


def areas_below(unit: Unit) -> dict[str, str]:
    """The units right below `unit` (a county's towns, a town's villages), path to name: the
    rows of the compliance page's figures by area."""
    return dict(Unit.objects.filter(parent=unit).values_list("path", "name"))


def links_labelled(links: Iterable[Link], *, names: Iterable[str] = _LINK_RELATED) -> None:
    """Load the related rows that name `links` (person, target, place) in one query each, for
    links read slim; only those a page shows."""
    prefetch_related_objects(list(links), *names)


def cadres_linked_under(*, units: Iterable[Unit], on: date | None = None) -> list[User]:
    """Active staff with a link in their own name, active on `on`, whose target lies under one of
    `units`. A unit holding a link (a department linked to a village) is not expanded to its
    whole staff: its members are reached as that unit's staff, where that matters."""
    under = Q(pk__in=[])
    for unit in units:
        under |= Q(place__path__descendant=unit.path)
    links = (
        Link.objects.active_on(on or timezone.localdate())
        .filter(under, person__isnull=False, person__is_active=True)
        .values("person_id")
    )
    return list(User.objects.filter(pk__in=links).order_by("pk"))
