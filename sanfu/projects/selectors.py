"""Reads of projects for staff. Lists come from `visible_to(user)`, single rows from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import Unit, UnitKind, User
from sanfu.directory.querysets import AnyUser
from sanfu.lib.errors import NotFound
from sanfu.projects.models import (
    EarlyWarning,
    Kind,
    Milestone,
    Project,
    ProjectCase,
    ProjectEvent,
    ProjectPlace,
    QuantityUpdate,
    Receipt,
    State,
    Target,
)


def project_get_for_user(*, user: AnyUser, project_id: int) -> Project:
    # An outsider learns nothing, not even that the project exists.
    project = (
        Project.objects.visible_to(user)
        .select_related("owning_unit", "answering_unit", "lead_leader", "posed_by", "posed_by_unit")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise NotFound(_("No such project."))
    return project


def project_list(
    *,
    user: AnyUser,
    town: Unit | None = None,
    kind: str = "",
    state: str = "",
    query: str = "",
) -> QuerySet[Project]:
    """The list page and its export: filtered by the town a project is placed in, kind, state."""
    projects = Project.objects.visible_to(user)
    if town is not None:
        placed = ProjectPlace.objects.filter(
            project=OuterRef("pk"), unit__path__descendant=town.path
        )
        projects = projects.filter(Q(owning_unit__path__descendant=town.path) | Exists(placed))
    if kind:
        projects = projects.filter(kind=kind)
    if state:
        projects = projects.filter(state=state)
    if query:
        projects = projects.filter(title__contains=query.strip())
    return projects.select_related("owning_unit", "answering_unit", "lead_leader").order_by(
        "-posed_at", "-id"
    )


def towns_for(user: AnyUser) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(kind__in=[UnitKind.TOWN, UnitKind.STREET])


@dataclass(frozen=True)
class Step:
    """One step of 四题式 and how long it took."""

    label: str
    who: str
    at: datetime | None
    took: timedelta | None


def project_steps(project: Project) -> list[Step]:
    """Who posed, who accepted and answers, who finished — and the time each step took."""
    envoys = ", ".join(
        str(member.user) for member in project.members.filter(role="envoy").select_related("user")
    )
    answered_by = project.answering_unit.name if project.answering_unit else ""
    if envoys:
        answered_by = f"{answered_by} · {envoys}"
    posed_label = _("Set (点题)") if project.origin != "grassroots" else _("Posed (出题)")
    steps = [
        Step(
            posed_label,
            f"{project.posed_by_unit.name} · {project.posed_by}",
            project.posed_at,
            None,
        )
    ]
    last = project.posed_at
    if project.accepted_at and project.accepted_at != project.posed_at:
        steps.append(
            Step(
                _("Accepted and assigned (答题)"),
                answered_by,
                project.accepted_at,
                project.accepted_at - last,
            )
        )
        last = project.accepted_at
    elif answered_by:
        steps.append(Step(_("Answered by"), answered_by, None, None))
    if project.started_at and project.started_at != last:
        steps.append(Step(_("Work started"), "", project.started_at, project.started_at - last))
        last = project.started_at
    end = project.finished_at or project.dropped_at
    if end:
        label = _("Finished") if project.state == State.FINISHED else _("Dropped")
        steps.append(Step(label, "", end, end - last))
    return steps


@dataclass(frozen=True)
class Series:
    """One target's achieved count over time, for the project page's progress chart."""

    label: str
    goal: int
    opened_at: datetime
    points: list[tuple[datetime, int]]


def progress_series(project: Project, *, limit: int = 6) -> list[Series]:
    """The first `limit` targets' counts after each update (two queries)."""
    targets = list(project.targets.order_by("id")[:limit])
    points: dict[int, list[tuple[datetime, int]]] = {target.pk: [] for target in targets}
    updates = QuantityUpdate.objects.filter(target__in=targets).order_by("at", "id")
    for target_id, at, after in updates.values_list("target_id", "at", "after"):
        points[target_id].append((at, after))
    return [
        Series(
            label=target.label + (f" · {target.town.name}" if target.town else ""),
            goal=target.goal,
            opened_at=target.opened_at,
            points=points[target.pk],
        )
        for target in targets
    ]


@dataclass(frozen=True)
class Page:
    project: Project
    steps: list[Step]
    events: list[ProjectEvent]
    targets: list[Target]
    milestones: list[Milestone]
    cases: list[ProjectCase]
    places: list[Unit]
    series: list[Series]


def project_page(*, project: Project) -> Page:
    return Page(
        project=project,
        steps=project_steps(project),
        events=list(project.events.select_related("actor", "actor_unit").order_by("-at", "-id")),
        targets=list(project.targets.select_related("town", "owner")),
        milestones=list(project.milestones.all()),
        cases=list(project.case_links.select_related("case").order_by("linked_at")),
        places=list(Unit.objects.filter(pk__in=project.place_links.values("unit_id"))),
        series=progress_series(project),
    )


@dataclass(frozen=True)
class BoardRow:
    pk: int
    town: str
    label: str
    measure: str
    goal: int
    achieved: int
    left: timedelta | None
    status: str  # "done", "behind", "overdue", "on_track"

    @property
    def done(self) -> bool:
        return self.achieved >= self.goal


def _status(row: dict[str, Any], at: datetime) -> tuple[str, timedelta | None]:
    if row["achieved"] >= row["goal"]:
        return "done", None
    deadline, opened = row["deadline"], row["opened_at"]
    if deadline is None:
        return "on_track", None
    left = deadline - at
    if left <= timedelta(0):
        return "overdue", left
    # Behind: a smaller share done than the share of the time already gone.
    span = (deadline - opened).total_seconds()
    gone = (at - opened).total_seconds()
    if span > 0 and row["achieved"] / row["goal"] < gone / span:
        return "behind", left
    return "on_track", left


@dataclass(frozen=True)
class Board:
    project: Project
    rows: list[BoardRow]
    achieved: int
    goal: int
    all_done: bool
    warning: EarlyWarning | None
    acknowledged: int
    pending: list[User]
    pending_count: int
    at: datetime


PENDING_SHOWN = 100
BOARD_FIELDS = ("pk", "label", "measure", "goal", "achieved", "opened_at", "deadline", "town__name")


def board(*, project: Project, at: datetime | None = None) -> Board:
    """The emergency task board: every target with its progress and clock, the warning's
    acknowledgements and who has not answered yet. A few queries and plain rows (no model
    instances), so a wall board of 2,000 targets refreshes fast."""
    at = at or timezone.now()
    rows = []
    for row in project.targets.order_by("town__path", "id").values(*BOARD_FIELDS):
        status, left = _status(row, at)
        rows.append(
            BoardRow(
                pk=row["pk"],
                town=row["town__name"] or "",
                label=row["label"],
                measure=row["measure"],
                goal=row["goal"],
                achieved=row["achieved"],
                left=left,
                status=status,
            )
        )
    warning = project.warnings.first()
    pending: list[User] = []
    acknowledged = pending_count = 0
    if warning is not None:
        receipts = Receipt.objects.filter(warning=warning)
        acknowledged = receipts.filter(acknowledged_at__isnull=False).count()
        waiting = receipts.filter(acknowledged_at__isnull=True).values("user_id")
        pending_count = receipts.filter(acknowledged_at__isnull=True).count()
        # A wall board names the first ones; the count says how many more.
        pending = list(
            User.objects.filter(pk__in=waiting).order_by("full_name", "pk")[:PENDING_SHOWN]
        )
    return Board(
        project=project,
        rows=rows,
        achieved=sum(row.achieved for row in rows),
        goal=sum(row.goal for row in rows),
        all_done=bool(rows) and all(row.done for row in rows),
        warning=warning,
        acknowledged=acknowledged,
        pending=pending,
        pending_count=pending_count,
        at=at,
    )


def receipt_for(*, user: AnyUser, warning: EarlyWarning | None) -> Receipt | None:
    if warning is None or not user.is_authenticated:
        return None
    return Receipt.objects.filter(warning=warning, user_id=user.pk).first()


@dataclass(frozen=True)
class Banner:
    title: str
    incident: str
    towns: list[str]
    text: str


def open_incident_banners() -> list[Banner]:
    """For the public portal: the open emergencies, their towns and the latest warning text.

    Only what the warning itself says publicly; no names, no progress."""
    incidents = Project.objects.filter(kind=Kind.EMERGENCY, state=State.IN_PROGRESS).order_by(
        "-posed_at"
    )[:3]
    banners = []
    for project in incidents:
        towns = Unit.objects.filter(pk__in=project.place_links.values("unit_id")).order_by("path")
        warning = project.warnings.first()
        banners.append(
            Banner(
                title=project.title,
                incident=str(project.get_incident_kind_display()),
                towns=[town.name for town in towns],
                text=warning.text if warning else "",
            )
        )
    return banners
