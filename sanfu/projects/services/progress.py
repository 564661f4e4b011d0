"""Work on a project: targets and their quantities, milestones, progress reports, cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import CaseState, ReplyKind
from sanfu.cases.services import Upload, case_reply
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import NotFound, ValidationFailed
from sanfu.lib.files import check_photo
from sanfu.projects import events
from sanfu.projects.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    WORKING_STATES,
    EventKind,
    Milestone,
    ProgressReport,
    Project,
    ProjectCase,
    QuantityUpdate,
    ReportPhoto,
    Target,
)
from sanfu.projects.policies import deciding_unit, target_unit, working_unit
from sanfu.projects.services.core import (
    clean_text,
    link_case,
    lock_project,
    now,
    require_state,
    start_if_accepted,
)

MAX_PHOTOS = 6
MAX_GOAL = 10_000_000


def _check_goal(goal: int) -> int:
    if not 0 < goal <= MAX_GOAL:
        raise ValidationFailed(
            _("The goal must be a whole number from 1 to %(max)d.") % {"max": MAX_GOAL},
            field="goal",
        )
    return goal


@transaction.atomic
def target_add(
    *,
    actor: User,
    project_id: int,
    label: str,
    measure: str,
    goal: int,
    town: Unit | None = None,
    deadline: datetime | None = None,
    owner: User | None = None,
) -> Target:
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, {"proposed", *WORKING_STATES}, action=_("given targets"))
    unit = working_unit(actor, project)
    at = now()
    if deadline is not None and deadline <= at:
        raise ValidationFailed(_("The deadline has already passed."), field="deadline")
    target = Target.objects.create(
        project=project,
        label=clean_text(label, field="label", label=_("What"), limit=100),
        measure=clean_text(measure, field="measure", label=_("Unit of measure"), limit=20),
        goal=_check_goal(goal),
        town=town,
        owner=owner,
        opened_at=at,
        deadline=deadline,
    )
    events.append(
        project=project,
        kind=EventKind.TARGET_ADDED,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        data={"target": target.pk, "label": target.label, "goal": goal, "measure": target.measure},
    )
    return target


@transaction.atomic
def target_goal_raise(*, actor: User, target_id: int, goal: int, reason: str) -> Target:
    """A goal only grows, and only with a reason on the timeline."""
    target = _visible_target(actor, target_id, lock=True)
    project = target.project
    require_state(project, {"proposed", *WORKING_STATES}, action=_("given new goals"))
    unit = deciding_unit(actor, project.owning_unit)
    reason = clean_text(reason, field="reason", label=_("Reason"), limit=REASON_MAX)
    if _check_goal(goal) <= target.goal:
        raise ValidationFailed(
            _("The new goal must be above %(goal)d.") % {"goal": target.goal}, field="goal"
        )
    before = target.goal
    # Raising the goal reopens a reached target.
    Target.objects.filter(pk=target.pk).update(goal=goal, reached_at=None, version=F("version") + 1)
    target.refresh_from_db()
    events.append(
        project=project,
        kind=EventKind.GOAL_RAISED,
        at=now(),
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=reason,
        data={"target": target.pk, "label": target.label, "from": before, "to": goal},
    )
    return target


def _visible_target(actor: User, target_id: int, *, lock: bool = False) -> Target:
    targets = Target.objects.select_related("project", "project__owning_unit", "town")
    if lock:
        targets = targets.select_for_update(of=("self",))
    visible = Project.objects.visible_to(actor).values("pk")
    target = targets.filter(pk=target_id, project__in=visible).first()
    if target is None:
        raise NotFound(_("No such target."), field="target")
    return target


def quantity_add(
    *,
    actor: User,
    target: Target,
    delta: int,
    at: datetime,
    report: ProgressReport | None = None,
) -> QuantityUpdate:
    """Add `delta` (negative to correct) in one conditional UPDATE: concurrent updates add up,
    and a result beyond the goal or below zero changes nothing and is refused."""
    if delta == 0:
        raise ValidationFailed(_("The change is zero."), field=f"quantity_{target.pk}")
    reached = SqlCase(
        When(Q(achieved=F("goal") - delta), then=Coalesce(F("reached_at"), Value(at))),
        default=Value(None),
        output_field=DateTimeField(),
    )
    changed = Target.objects.filter(
        Q(pk=target.pk), Q(achieved__lte=F("goal") - delta), Q(achieved__gte=-delta)
    ).update(achieved=F("achieved") + delta, reached_at=reached, version=F("version") + 1)
    if not changed:
        current = Target.objects.filter(pk=target.pk).values_list("achieved", "goal").get()
        raise ValidationFailed(
            _("%(label)s: %(achieved)d of %(goal)d; a change of %(delta)d would go %(where)s.")
            % {
                "label": target.label,
                "achieved": current[0],
                "goal": current[1],
                "delta": delta,
                "where": _("below zero") if delta < 0 else _("beyond the goal"),
            },
            field=f"quantity_{target.pk}",
        )
    # The UPDATE holds the row's lock until commit, so this reads our own result.
    after = Target.objects.filter(pk=target.pk).values_list("achieved", flat=True).get()
    target.achieved = after
    return QuantityUpdate.objects.create(
        report=report, target=target, author=actor, at=at, delta=delta, after=after
    )


@transaction.atomic
def target_update(*, actor: User, target_id: int, delta: int) -> Target:
    """A quick count on the emergency board: "+3 power lines restored"."""
    target = _visible_target(actor, target_id)
    project = target.project
    require_state(project, WORKING_STATES, action=_("updated"))
    unit = target_unit(actor, target)
    at = now()
    update = quantity_add(actor=actor, target=target, delta=delta, at=at)
    start_if_accepted(project, actor=actor, unit=unit, at=at)
    events.append(
        project=project,
        kind=EventKind.QUANTITY,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        data={"target": target.pk, "label": target.label, "delta": delta, "after": update.after},
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def progress_report(
    *,
    actor: User,
    project_id: int,
    text: str,
    photos: Sequence[Upload] = (),
    quantities: Mapping[int, int] | None = None,
    key: str = "",
) -> ProgressReport:
    """Text, photos (images only) and quantity changes per target, in one report.

    With an idempotency `key`, a retried report returns the first one unchanged.
    """
    if key:
        earlier = ProgressReport.objects.filter(author=actor, key=key).first()
        if earlier is not None:
            return earlier
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, WORKING_STATES, action=_("reported on"))
    unit = working_unit(actor, project)
    text = clean_text(text, field="text", label=_("Progress"), limit=TEXT_MAX)
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(
            _("At most %(count)d photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    checked = [check_photo(upload.name, upload.content) for upload in photos]
    targets = {target.pk: target for target in project.targets.all()}
    for target_id in quantities or {}:
        if target_id not in targets:
            raise ValidationFailed(_("No such target."), field=f"quantity_{target_id}")
    at = now()
    report = ProgressReport.objects.create(
        project=project, author=actor, unit=unit, at=at, text=text, key=key[:64]
    )
    for upload, content_type in zip(photos, checked, strict=True):
        photo = ReportPhoto(
            report=report,
            name=upload.name[:200],
            content_type=content_type,
            size=len(upload.content),
        )
        photo.file.save(upload.name, ContentFile(upload.content), save=False)
        photo.save()
    changes = []
    for target_id, delta in (quantities or {}).items():
        if delta:
            update = quantity_add(
                actor=actor, target=targets[target_id], delta=delta, at=at, report=report
            )
            changes.append({"target": target_id, "delta": delta, "after": update.after})
    start_if_accepted(project, actor=actor, unit=unit, at=at)
    events.append(
        project=project,
        kind=EventKind.REPORTED,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=text,
        data={"report": report.pk, "photos": len(photos), "quantities": changes},
    )
    return report


@transaction.atomic
def milestone_add(*, actor: User, project_id: int, title: str, due_on: date) -> Milestone:
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, {"proposed", *WORKING_STATES}, action=_("given milestones"))
    unit = working_unit(actor, project)
    if project.ends_on is not None and due_on > project.ends_on:
        raise ValidationFailed(
            _("The milestone is due after the project's planned end (%(end)s).")
            % {"end": project.ends_on.isoformat()},
            field="due_on",
        )
    milestone = Milestone.objects.create(
        project=project,
        title=clean_text(title, field="title", label=_("Milestone"), limit=TITLE_MAX),
        due_on=due_on,
    )
    events.append(
        project=project,
        kind=EventKind.MILESTONE_ADDED,
        at=now(),
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=milestone.title,
        data={"milestone": milestone.pk, "due_on": due_on.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_done(*, actor: User, milestone_id: int) -> Milestone:
    visible = Project.objects.visible_to(actor).values("pk")
    milestone = Milestone.objects.filter(pk=milestone_id, project__in=visible).first()
    if milestone is None:
        raise NotFound(_("No such milestone."), field="milestone")
    project = lock_project(actor=actor, project_id=milestone.project_id)
    require_state(project, WORKING_STATES, action=_("updated"))
    unit = working_unit(actor, project)
    at = now()
    on_time = timezone.localdate(at) <= milestone.due_on
    if not Milestone.objects.filter(pk=milestone.pk, done_at__isnull=True).update(
        done_at=at, done_on_time=on_time
    ):
        raise ValidationFailed(_("This milestone is already reached."), field="milestone")
    milestone.refresh_from_db()
    start_if_accepted(project, actor=actor, unit=unit, at=at)
    events.append(
        project=project,
        kind=EventKind.MILESTONE_DONE,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=milestone.title,
        data={"milestone": milestone.pk, "on_time": on_time},
    )
    return milestone


@transaction.atomic
def project_case_link(*, actor: User, project_id: int, case_id: int) -> ProjectCase:
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, {"proposed", *WORKING_STATES}, action=_("linked to cases"))
    working_unit(actor, project)
    return link_case(project=project, case_id=case_id, actor=actor, at=now())


@transaction.atomic
def project_case_answer(*, actor: User, project_id: int, case_id: int, text: str) -> None:
    """Answer a linked case by pointing to the project: the case's reply names it."""
    project = lock_project(actor=actor, project_id=project_id)
    link = (
        ProjectCase.objects.filter(project=project, case_id=case_id).select_related("case").first()
    )
    if link is None:
        raise NotFound(_("This case is not linked to the project."), field="case")
    if link.case.state != CaseState.IN_PROGRESS:
        raise ValidationFailed(
            _("Case %(number)s is not being handled; it cannot be answered now.")
            % {"number": link.case.number},
            field="case",
        )
    text = clean_text(text, field="text", label=_("Reply"), limit=TEXT_MAX - 300)
    reply = _("Answered by the project “%(title)s”: %(text)s") % {
        "title": project.title,
        "text": text,
    }
    case = case_reply(actor=actor, case_id=link.case_id, kind=ReplyKind.SOLVED, text=reply)
    events.append(
        project=project,
        kind=EventKind.CASE_ANSWERED,
        at=now(),
        from_state=project.state,
        actor=actor,
        unit=case.reply_unit,
        note=text,
        data={"case": case.pk, "number": case.number},
    )
