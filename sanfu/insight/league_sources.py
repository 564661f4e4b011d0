"""The other domains' leagues (比学赶超 beyond the cases), registered at start-up.

- Outreach (应访尽访): a unit's rate is visits done / visits due over the month's cadence
  periods (outreach/compliance.py's definition, read through `compliance_for_unit`), of the
  links whose target lies in the unit's subtree or that the unit, or a staff member holding a
  role in it, keeps. Ranked with at least `OUTREACH_MIN_DUE` visits due.
- Projects: a unit's rate is projects finished in the month by their planned end / projects
  finished in the month (projects/figures.py's on time), of the projects owned by or placed in
  the unit's subtree. Ranked with at least `projects.figures.MIN_FINISHED` finished.

Each reads its month for the whole county at once (a few grouped queries), then folds the
rows into the ranked units by path — never one query per unit.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Membership, Unit, User
from sanfu.insight.league import Counts, RateLeague, league_register, month_bounds
from sanfu.insight.models import LeagueTable
from sanfu.outreach.periods import Span
from sanfu.outreach.selectors import compliance_for_unit
from sanfu.projects.dashboard import unit_projects
from sanfu.projects.figures import MIN_FINISHED
from sanfu.projects.models import ProjectPlace

# A unit is ranked on visits only with this many due in the month: two visits missed of
# three say little about a town.
OUTREACH_MIN_DUE = 20


def _ranked_by_path(units: list[Unit]) -> dict[str, int]:
    return {unit.path: unit.pk for unit in units}


def _owners(paths: set[str], ranked: dict[str, int]) -> set[int]:
    """The ranked units whose subtree holds any of these paths (each once)."""
    found: set[int] = set()
    for path in paths:
        for prefix, unit_id in ranked.items():
            if path.startswith(prefix):
                found.add(unit_id)
    return found


def outreach_counts(viewer: User, county: Unit, units: list[Unit], month: date) -> Counts:
    last = month_bounds(month)[1].date() - timedelta(days=1)
    window = Span(month, last)
    rows = compliance_for_unit(user=viewer, unit=county, window=window)
    persons = {row.link.person_id for row in rows if row.link.person_id}
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, path in Membership.objects.filter(
        user_id__in=persons, unit__is_active=True
    ).values_list("user_id", "unit__path"):
        roles[user_id].add(path)
    ranked = _ranked_by_path(units)
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        link = row.link
        paths = {link.place.path}
        if link.person_unit is not None:
            paths.add(link.person_unit.path)
        if link.person_id:
            paths |= roles.get(link.person_id, set())
        for unit_id in _owners(paths, ranked):
            sums[unit_id][0] += row.done
            sums[unit_id][1] += row.due
    return {unit_id: (done, due) for unit_id, (done, due) in sums.items()}


def project_counts(viewer: User, county: Unit, units: list[Unit], month: date) -> Counts:
    start, end = month_bounds(month)
    finished: dict[int, bool] = {}
    paths: dict[int, set[str]] = defaultdict(set)
    for project_id, on_time, path in (
        unit_projects(county)
        .filter(finished_at__gte=start, finished_at__lt=end)
        .values_list("pk", "finished_on_time", "owning_unit__path")
    ):
        finished[project_id] = bool(on_time)
        paths[project_id].add(path)
    for project_id, path in ProjectPlace.objects.filter(project_id__in=list(finished)).values_list(
        "project_id", "unit__path"
    ):
        paths[project_id].add(path)
    ranked = _ranked_by_path(units)
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for project_id, on_time in finished.items():
        for unit_id in _owners(paths[project_id], ranked):
            sums[unit_id][0] += 1 if on_time else 0
            sums[unit_id][1] += 1
    return {unit_id: (on_time, whole) for unit_id, (on_time, whole) in sums.items()}


def _compliance_url(unit_id: int, month: date) -> str:
    return f"{reverse('outreach:compliance')}?unit={unit_id}&period={month:%Y-%m}"


def register() -> None:
    league_register(
        RateLeague(
            name="outreach",
            label=_("Visits done against due (应访尽访)"),
            how=_(
                "Visits done / visits due over the month's cadence periods of the links whose "
                "target lies in the unit or that the unit or its staff keep; each period counts "
                "done up to its cadence; the sample is the visits due."
            ),
            places_table=LeagueTable.OUTREACH_PLACES,
            departments_table=LeagueTable.OUTREACH_DEPARTMENTS,
            min_sample=OUTREACH_MIN_DUE,
            counts=outreach_counts,
            facts_url=_compliance_url,
        )
    )
    league_register(
        RateLeague(
            name="projects",
            label=_("Projects finished on time"),
            how=_(
                "Projects finished in the month by their planned end / projects finished in the "
                "month, of those owned by or placed in the unit; the sample is the projects "
                "finished."
            ),
            places_table=LeagueTable.PROJECTS_PLACES,
            departments_table=LeagueTable.PROJECTS_DEPARTMENTS,
            min_sample=MIN_FINISHED,
            counts=project_counts,
        )
    )
