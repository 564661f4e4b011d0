"""The project figures of one unit's subtree, for the leaders' dashboard.

The dashboard is scoped by a unit the viewer may see (its form checks that), not by the
viewer's own roles as `figures.figures_for` is; the projects it counts are those owned by or
placed in the unit's subtree — `figures.in_scope`'s rule for that one unit. The definitions
are `figures.py`'s; this only chooses the projects.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanfu.directory.models import Unit
from sanfu.projects.figures import Figures, Period, _cells, by_kind, cobuilding, milestones
from sanfu.projects.models import Project, ProjectPlace


def unit_projects(unit: Unit) -> QuerySet[Project]:
    """Projects owned by or placed in the unit's subtree (two semi-joins, as `in_scope`)."""
    units = Unit.objects.filter(path__descendant=unit.path).values("pk")
    placed = ProjectPlace.objects.filter(unit__in=units).values("project_id")
    return Project.objects.filter(Q(owning_unit__in=units) | Q(pk__in=placed))


def figures_for_unit(*, unit: Unit, period: Period) -> Figures:
    """The figures of the unit's projects; no per-unit table (the dashboard shows totals)."""
    projects = unit_projects(unit)
    return Figures(
        period=period,
        kinds=by_kind(_cells(projects, period)),
        units=[],
        milestones=milestones(projects, period),
        cobuilding=cobuilding(projects, period),
    )
