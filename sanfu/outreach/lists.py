"""Outreach's sections of the three lists (grassroots/lists.py), registered from the app's
ready(): who is linked to this place (responsibility) and the service days coming up here
(service). Domain apps may use each other; grassroots knows nothing of outreach, outreach plugs
in.

Names of linked cadres are on the public version as the unit's own staff are (they serve the
place by name); their phones follow the county's choice to publish staff phones, as there.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.grassroots.lists import ROW_LIMIT, ListContext, ListKind, Section, register_section
from sanfu.outreach.models import Link, ServiceDay


def linked_cadres_section(context: ListContext) -> Section:
    """The links active today that serve this place (its targets, or anything under it) or
    that this unit holds (a department linked to a village)."""
    path = context.unit.path
    links = (
        Link.objects.active_on(timezone.localdate(context.now))
        .filter(Q(place__path__descendant=path) | Q(person_unit=context.unit))
        .select_related("person", "person_unit", "enterprise", "target_unit", "household")
        .order_by("role", "place__path", "pk")
    )
    show_phone = not context.public or context.publish_phones
    total = links.count()
    rows = [
        [
            link.person_label,
            str(link.get_role_display()),
            # A household is named by its grid on the public version: no resident's name.
            link.target_label if not (context.public and link.household_id) else _("A household"),
            f"{link.cadence_count}/{link.get_cadence_period_display()}",
            (link.person.phone if link.person and show_phone else ""),
        ]
        for link in links[:ROW_LIMIT]
    ]
    return Section(
        key="linked_cadres",
        title=_("Linked leaders and cadres"),
        columns=[_("Name"), _("Role"), _("Serves"), _("Visits"), _("Phone")],
        rows=rows,
        more=max(0, total - ROW_LIMIT),
        empty=_("No cadre is linked here."),
    )


def service_days_section(context: ListContext) -> Section:
    """Service days coming up, organised by this unit or by one above it (the town's, the
    county's): the days its people can go to."""
    days = (
        ServiceDay.objects.filter(
            unit_id__in=[unit.pk for unit in context.chain],
            held_on__gte=timezone.localdate(context.now),
        )
        .select_related("unit")
        .order_by("held_on", "pk")
    )
    total = days.count()
    rows = [[f"{day.held_on:%Y-%m-%d}", day.title, day.unit.name] for day in days[:ROW_LIMIT]]
    return Section(
        key="service_days",
        title=_("Service days scheduled"),
        columns=[_("Date"), _("Service day"), _("Organised by")],
        rows=rows,
        more=max(0, total - ROW_LIMIT),
        empty=_("No service day is scheduled."),
    )


def lists_register() -> None:
    register_section(ListKind.RESPONSIBILITY, linked_cadres_section)
    register_section(ListKind.SERVICE, service_days_section)
