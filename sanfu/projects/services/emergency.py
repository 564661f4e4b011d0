"""Emergency response (应急): an incident opens a project with its task board in one step, an
early warning goes to everyone concerned, each acknowledges it (收到)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sanfu.cases.services.intake import county_of
from sanfu.directory.models import Membership, Unit, UnitKind, User
from sanfu.lib.errors import NotFound, ValidationFailed
from sanfu.notify.services import notify_staff, render_message
from sanfu.outreach.selectors import cadres_linked_under
from sanfu.projects import events
from sanfu.projects.models import (
    TITLE_MAX,
    EarlyWarning,
    EventKind,
    IncidentKind,
    Kind,
    Origin,
    Project,
    ProjectPlace,
    Receipt,
    State,
    Target,
)
from sanfu.projects.policies import deciding_unit, leader_unit
from sanfu.projects.services.core import clean_text, lock_project, now

TOWN_KINDS = frozenset({UnitKind.TOWN, UnitKind.STREET})
MAX_HOURS = 24 * 90
WARNING_MAX = 500


@dataclass(frozen=True)
class BoardTarget:
    """One row of the task board: a count to restore in one town, due in hours or days.

    Emergency deadlines run on the clock: calendar days, not working days.
    """

    label: str
    measure: str
    goal: int
    town: Unit
    hours: int = 0
    days: int = 0
    owner: User | None = None

    def deadline(self, opened: datetime) -> datetime:
        return opened + timedelta(hours=self.hours, days=self.days)


def _check_board_target(row: BoardTarget, index: int, towns: Sequence[Unit]) -> None:
    field = f"targets-{index}"
    if row.town not in towns:
        raise ValidationFailed(_("The target's town is not an affected town."), field=field)
    if row.hours < 0 or row.days < 0 or not 0 < row.hours + row.days * 24 <= MAX_HOURS:
        raise ValidationFailed(
            _("Give the deadline in hours or days, at most %(days)d days.")
            % {"days": MAX_HOURS // 24},
            field=field,
        )
    if not 0 < row.goal <= 10_000_000:
        raise ValidationFailed(_("The goal must be a positive whole number."), field=field)


@transaction.atomic
def incident_open(
    *,
    actor: User,
    title: str,
    incident_kind: str,
    towns: Sequence[Unit],
    targets: Sequence[BoardTarget],
    warning: str = "",
) -> Project:
    """Open the emergency project, its board and (with `warning`) the warning, in one step."""
    unit = leader_unit(actor)
    if incident_kind not in IncidentKind.values:
        raise ValidationFailed(_("Choose what happened."), field="incident_kind")
    if not towns:
        raise ValidationFailed(_("Choose the affected towns."), field="towns")
    for town in towns:
        if town.kind not in TOWN_KINDS or not town.path.startswith(unit.path):
            raise ValidationFailed(
                _("%(town)s is not a town under %(unit)s.")
                % {"town": town.name, "unit": unit.name},
                field="towns",
            )
    for index, row in enumerate(targets):
        _check_board_target(row, index, towns)
    at = now()
    project = Project.objects.create(
        county=county_of(unit),
        kind=Kind.EMERGENCY,
        incident_kind=incident_kind,
        title=clean_text(title, field="title", label=_("Title"), limit=TITLE_MAX),
        origin=Origin.INCIDENT,
        posed_by=actor,
        posed_by_unit=unit,
        posed_at=at,
        owning_unit=unit,
        lead_leader=actor,
        state=State.IN_PROGRESS,
        accepted_by=actor,
        accepted_at=at,
        started_at=at,
    )
    ProjectPlace.objects.bulk_create([ProjectPlace(project=project, unit=t) for t in towns])
    Target.objects.bulk_create(
        [
            Target(
                project=project,
                label=clean_text(row.label, field=f"targets-{i}", label=_("What"), limit=100),
                measure=clean_text(
                    row.measure, field=f"targets-{i}", label=_("Unit of measure"), limit=20
                ),
                goal=row.goal,
                town=row.town,
                owner=row.owner,
                opened_at=at,
                deadline=row.deadline(at),
            )
            for i, row in enumerate(targets)
        ]
    )
    events.append(
        project=project,
        kind=EventKind.OPENED,
        at=at,
        from_state="",
        actor=actor,
        unit=unit,
        data={"towns": [town.name for town in towns], "targets": len(targets)},
    )
    if warning.strip():
        _send_warning(project, actor=actor, unit=unit, text=warning, at=at)
    return project


def warning_recipients(project: Project) -> list[User]:
    """Everyone an emergency's warning must reach.

    The staff of the affected units and every unit under them (villages, grids), and the
    cadres linked through outreach (包联, 首席服务官, 蹲点…) to a village, grid, household or
    enterprise under them, wherever those cadres work.
    """
    places = Unit.objects.filter(pk__in=project.place_links.values("unit_id"))
    under = Q(pk__in=[])
    for place in places:
        under |= Q(unit__path__descendant=place.path)
    staff = Membership.objects.filter(under, user__is_active=True)
    found = {user.pk: user for user in User.objects.filter(pk__in=staff.values("user_id"))}
    for cadre in cadres_linked_under(units=places):
        found.setdefault(cadre.pk, cadre)
    return [found[pk] for pk in sorted(found)]


def _send_warning(
    project: Project, *, actor: User, unit: Unit, text: str, at: datetime
) -> EarlyWarning:
    text = clean_text(text, field="warning", label=_("Warning"), limit=WARNING_MAX)
    warning = EarlyWarning.objects.create(project=project, text=text, sent_at=at, sent_by=actor)
    recipients = warning_recipients(project)
    Receipt.objects.bulk_create(
        [Receipt(warning=warning, user=user) for user in recipients], batch_size=2000
    )
    events.append(
        project=project,
        kind=EventKind.WARNING_SENT,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=text,
        data={"warning": warning.pk, "recipients": len(recipients)},
    )
    notify_staff(
        recipients,
        render_message(
            "projects_warning",
            {"project": project, "warning": warning},
            link=reverse("projects:board", args=[project.pk]),
        ),
    )
    return warning


@transaction.atomic
def warning_send(*, actor: User, project_id: int, text: str) -> EarlyWarning:
    project = lock_project(actor=actor, project_id=project_id)
    if project.kind != Kind.EMERGENCY or project.state != State.IN_PROGRESS:
        raise ValidationFailed(_("Warnings go out for open incidents only."), field="warning")
    unit = deciding_unit(actor, project.owning_unit)
    return _send_warning(project, actor=actor, unit=unit, text=text, at=now())


def warning_acknowledge(*, actor: User, warning_id: int) -> Receipt:
    """收到: recorded once; a second press changes nothing. One conditional UPDATE, no lock."""
    at = now()
    receipts = Receipt.objects.filter(warning_id=warning_id, user=actor)
    receipts.filter(acknowledged_at__isnull=True).update(acknowledged_at=at)
    receipt = receipts.first()
    if receipt is None:
        raise NotFound(_("This warning was not sent to you."), field="warning")
    return receipt


def project_warning_acknowledge(*, actor: User, project_id: int) -> Receipt:
    """收到 the latest warning of a project that was sent to the actor.

    The receipt itself is the permission: it exists only for the warning's recipients, so no
    scope query and no lock. The first press is one statement (hundreds a second from the
    API); a second press writes nothing and reads what the first one recorded."""
    if not actor.is_active:
        raise NotFound(_("This warning was not sent to you."), field="warning")
    at = now()
    recorded = _acknowledge_latest(user=actor, project_id=project_id, at=at)
    if recorded is not None:
        return recorded
    # Nothing recorded: no warning was sent to the actor, or they have acknowledged it.
    receipt = (
        Receipt.objects.filter(user=actor, warning__project_id=project_id)
        .order_by("-warning__sent_at", "-warning_id")
        .only("pk", "warning_id", "user_id", "acknowledged_at")
        .first()
    )
    if receipt is None:
        raise NotFound(_("This warning was not sent to you."), field="warning")
    if receipt.acknowledged_at is None:  # a newer warning went out between the two statements
        pending = Receipt.objects.filter(pk=receipt.pk, acknowledged_at__isnull=True)
        if pending.update(acknowledged_at=at):
            receipt.acknowledged_at = at
        else:  # a second press won the race: keep its time, the first one recorded
            receipt.refresh_from_db(fields=["acknowledged_at"])
    return receipt


def _acknowledge_latest(*, user: User, project_id: int, at: datetime) -> Receipt | None:
    """Record `at` on the actor's receipt of the project's latest warning if it has no time
    yet, in one UPDATE … RETURNING (PostgreSQL and SQLite alike); None when nothing changed.

    Written out because the ORM compiles an update with a subquery on every call, which cost
    more CPU than the rest of the request; the names come from the models. Under concurrent
    presses the row lock and the re-checked `IS NULL` let exactly one of them write."""
    quote = connection.ops.quote_name
    receipts, warnings = quote(Receipt._meta.db_table), quote(EarlyWarning._meta.db_table)
    pk, at_column = quote("id"), quote("acknowledged_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {receipts} SET {at_column} = %s "  # noqa: S608 - fixed names only
            f"WHERE {pk} = (SELECT r.{pk} FROM {receipts} r "
            f"INNER JOIN {warnings} w ON w.{pk} = r.{quote('warning_id')} "
            f"WHERE r.{quote('user_id')} = %s AND w.{quote('project_id')} = %s "
            f"ORDER BY w.{quote('sent_at')} DESC, w.{pk} DESC LIMIT 1) "
            f"AND {at_column} IS NULL RETURNING {pk}, {quote('warning_id')}",
            [connection.ops.adapt_datetimefield_value(at), user.pk, project_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    fields = ["id", "warning_id", "user_id", "acknowledged_at"]
    receipt = Receipt.from_db(connection.alias, fields, [row[0], row[1], user.pk, at])
    receipt.user = user
    return receipt
