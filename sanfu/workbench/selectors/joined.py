"""The dashboard's join: the figures of outreach (应访尽访), projects and serving the
grassroots beside the case figures, for the same unit and period.

Each figure is read through its own app's public reads and keeps its app's definition
(outreach/figures.py and compliance.py, projects/figures.py, grassroots/figures.py); the
"how is this computed" notes below restate those definitions for the leader. Every read is a
handful of grouped queries over the whole scope, never one per unit. The unit is the one the
dashboard's form let the viewer choose (within what they may see); outreach links are read
through `visible_to(viewer)` on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanfu.cases.figures import Rate, rate
from sanfu.directory.models import Unit, UnitKind, User
from sanfu.grassroots.figures import burden_figures, meeting_figures
from sanfu.outreach.compliance import compliance_for
from sanfu.outreach.figures import figures_total
from sanfu.outreach.periods import Span
from sanfu.outreach.selectors import links_under
from sanfu.projects.dashboard import figures_for_unit
from sanfu.projects.figures import Period
from sanfu.workbench.selectors.dashboard import Scope


@dataclass(frozen=True)
class Tile:
    key: str
    label: Promise
    how: Promise
    value: str
    counts: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    tiles: list[Tile]


def _count(key: str, label: Promise, how: Promise, value: int) -> Tile:
    return Tile(key=key, label=label, how=how, value=str(value))


def _rate(key: str, label: Promise, how: Promise, value: Rate | None) -> Tile:
    if value is None:
        return Tile(key=key, label=label, how=how, value="—")
    return Tile(
        key=key, label=label, how=how, value=str(value), counts=f"{value.part}/{value.whole}"
    )


def _outreach(user: User, scope_unit: Unit, first: date, last: date) -> Section:
    window = Span(first, last)
    # `compliance_for_unit`'s links without the people, targets and places it joins for its
    # lists: the totals need each link's term and cadence only (a county's links: 17 ms
    # instead of 140). Passed as a queryset, so the tallies, visits and problems are read for
    # the links the database selects itself (a subquery), not for id lists sent back to it in
    # chunks of 2,000.
    links = (
        links_under(user=user, unit=scope_unit)
        .meeting(window.first, window.last)
        .select_related(None)
        .order_by()
        .only("id", "starts_on", "ends_on", "cadence_count", "cadence_period")
    )
    rows = compliance_for(links, window)
    total = figures_total(rows, window, source=links)
    return Section(
        key="outreach",
        title=_("Outreach: visits done against due (应访尽访)"),
        tiles=[
            _count(
                "links",
                _("Links"),
                _(
                    "Links (包联, 首席服务官, 蹲点, 领衔) whose term meets the period, held in or "
                    "serving a target under this unit."
                ),
                total.links,
            ),
            _rate(
                "visits_done_rate",
                _("Visits done / due"),
                _(
                    "Over every link's cadence periods that begin in the period and that the "
                    "link covers whole: visits done (each period counted up to its cadence) / "
                    "visits due. A period still running is due but not yet overdue."
                ),
                rate(total.visits_done, total.visits_due),
            ),
            _count(
                "overdue_links",
                _("Links overdue"),
                _("Links with at least one period that has ended short of visits."),
                total.overdue_links,
            ),
            _count(
                "problems_found",
                _("Problems found on visits"),
                _("Problems recorded on the visits dated in the period."),
                total.problems_found,
            ),
            _rate(
                "problems_to_cases",
                _("Turned into cases"),
                _(
                    "Problems found that became a case in the loop / problems found; the rest "
                    "were solved on the spot or are noted."
                ),
                rate(total.problems_to_cases, total.problems_found),
            ),
            _rate(
                "cases_solved",
                _("Of which solved"),
                _(
                    "Cases from visit problems answered as solved (on the spot or later), as "
                    "the cases stand now / cases from visit problems."
                ),
                rate(total.cases_solved, total.problems_to_cases),
            ),
        ],
    )


def _projects(scope_unit: Unit, first: date, after: date) -> Section:
    figures = figures_for_unit(unit=scope_unit, period=Period(start=first, end=after))
    total = figures.total
    stones = figures.milestones
    return Section(
        key="projects",
        title=_("Projects (破难, 专班, 共建, 应急)"),
        tiles=[
            _count(
                "led",
                _("Projects led"),
                _(
                    "Projects owned by or placed in this unit's subtree that were accepted "
                    "(领衔) in the period."
                ),
                total.led,
            ),
            _rate(
                "finished_on_time",
                _("Finished on time"),
                _(
                    "Projects finished in the period by their planned end / projects finished "
                    "in the period."
                ),
                rate(total.on_time, total.finished),
            ),
            _count(
                "overdue",
                _("Overdue now"),
                _("Open projects past their planned end, as of now (not a flow of the period)."),
                total.overdue,
            ),
            _rate(
                "milestones_on_time",
                _("Milestones on time"),
                _(
                    "Milestones reached in the period by their date / milestones reached in the "
                    "period."
                ),
                rate(stones.on_time, stones.reached),
            ),
            _rate(
                "achieved",
                _("Quantities achieved"),
                _(
                    "Achieved against the goals of the targets of projects accepted in the "
                    "period (mu revitalised, people served…), summed."
                ),
                rate(total.achieved, total.goal),
            ),
            _count(
                "people_served",
                _("People served by co-building"),
                _("People served by co-building deliveries recorded in the period."),
                figures.cobuilding.people_served,
            ),
        ],
    )


def _percent_change(change: float | None) -> str:
    if change is None:
        return "—"
    value = (Decimal(str(change)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:+}%"


def _grassroots(scope_unit: Unit, first: date, last: date) -> Section:
    today = timezone.localdate()
    meetings = meeting_figures(scope=scope_unit, start=first, end=last, today=today)
    tiles = [
        _count(
            "meetings",
            _("Village meetings held"),
            _(
                "Meetings (村民说事, 问询会, 恳谈会, reception days) in villages under this unit "
                "dated in the period, up to today (a scheduled one is not held)."
            ),
            meetings.meetings,
        ),
        _count(
            "problems",
            _("Problems collected"),
            _("Problems raised at those meetings."),
            meetings.problems,
        ),
        _rate(
            "on_the_spot",
            _("Solved on the spot"),
            _("Problems solved at the meeting / problems collected."),
            rate(meetings.on_the_spot, meetings.problems),
        ),
        _rate(
            "answered",
            _("Cases answered"),
            _(
                "Of the problems turned into cases, those the handling unit has answered or "
                "declined, as of now / problems turned into cases."
            ),
            rate(meetings.answered, meetings.cases),
        ),
    ]
    if scope_unit.kind == UnitKind.COUNTY:
        burden = burden_figures(county=scope_unit, on=today)
        if burden.total is not None:
            tiles.append(
                Tile(
                    key="burden_reduction",
                    label=_("Burden on villages since the baseline"),
                    how=_(
                        "Village-hours a year of the county departments' demands on villages "
                        "in force today (forms, meetings, inspections, apps, signs), against "
                        "those in force at the end of the baseline year; negative is less."
                    ),
                    value=_percent_change(burden.total.hours_change),
                    counts=f"{burden.total.current.demands}/{burden.total.baseline.demands}",
                )
            )
    return Section(
        key="grassroots", title=_("Serving the grassroots (村民说事, 减负)"), tiles=tiles
    )


def joined_sections(*, user: User, scope: Scope) -> list[Section]:
    """The three domains' figures for the dashboard's unit and period."""
    unit = scope.unit
    first, last, after = scope.first_day, scope.last_day, scope.after_day
    return [
        _outreach(user, unit, first, last),
        _projects(unit, first, after),
        _grassroots(unit, first, last),
    ]
