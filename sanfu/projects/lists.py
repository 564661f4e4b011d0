"""Projects' section of the problem list (grassroots/lists.py), registered from the app's
ready(): the problem-solving projects, task forces and co-building here, open ones first, and
those finished this year.

"Here" is a project with a place in the unit's subtree, or, for a department, one it owns. An
emergency board is left off the public version: its warnings go to the people concerned, not
to the notice board.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from sanfu.grassroots.lists import ROW_LIMIT, ListContext, ListKind, Section, register_section
from sanfu.projects.models import OPEN_STATES, Kind, Project, State


def projects_section(context: ListContext) -> Section:
    here = Q(place_links__unit__path__descendant=context.unit.path)
    if context.is_department:
        here |= Q(owning_unit=context.unit)
    projects = (
        Project.objects.filter(here)
        .filter(
            Q(state__in=OPEN_STATES) | Q(state=State.FINISHED, finished_at__gte=context.year_start)
        )
        .distinct()
    )
    if context.public:
        projects = projects.exclude(kind=Kind.EMERGENCY)
    total = projects.count()
    chosen = (
        projects.select_related("owning_unit")
        .annotate(
            finished=Case(
                When(state=State.FINISHED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("finished", "ends_on", "pk")[:ROW_LIMIT]
    )
    rows = [
        [
            project.title,
            str(project.get_kind_display()),
            str(project.get_state_display()),
            project.owning_unit.name,
            f"{project.ends_on:%Y-%m-%d}" if project.ends_on else "",
        ]
        for project in chosen
    ]
    return Section(
        key="projects",
        title=_("Projects here"),
        columns=[_("Project"), _("Kind"), _("State"), _("Owned by"), _("Planned end")],
        rows=rows,
        more=max(0, total - ROW_LIMIT),
        empty=_("No project here."),
    )


def lists_register() -> None:
    register_section(ListKind.PROBLEM, projects_section)
