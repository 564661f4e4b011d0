"""Projects in the staff API: reads scoped by `Project.objects.visible_to`, a progress report
and a warning's acknowledgement. Thin over `sanfu.projects`; a project the caller may not see
is a 404, as in the workbench."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field
from pydantic.config import JsonDict

from sanfu.api.staff import schemas
from sanfu.api.staff.guard import idempotency_guard
from sanfu.api.staff.paging import page
from sanfu.api.staff.reads import user_of, visible_unit
from sanfu.api.staff.routes import router
from sanfu.cases.services import Upload
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.files import MAX_UPLOAD_BYTES
from sanfu.projects import selectors, services
from sanfu.projects.models import Kind, Project, State, Target

idempotent = decorate_view(idempotency_guard)
Limit = Annotated[int, Field(ge=1, le=200)]
COUNT_LIMIT = 10_000_000
Count = Annotated[int, Field(ge=-COUNT_LIMIT, le=COUNT_LIMIT)]
TARGET_KEY = r"^[0-9]{1,18}$"
TargetKey = Annotated[str, Field(pattern=TARGET_KEY)]
# The same dict in JSON Schema words generators read (patternProperties, no other keys).
QUANTITIES_SCHEMA: JsonDict = {
    "additionalProperties": False,
    "patternProperties": {
        TARGET_KEY: {"type": "integer", "minimum": -COUNT_LIMIT, "maximum": COUNT_LIMIT}
    },
}


class TargetOut(Schema):
    id: int
    label: str
    measure: str
    goal: int
    achieved: int
    town: int | None
    deadline: datetime | None
    reached_at: datetime | None


class ProjectOut(Schema):
    id: int
    kind: str
    title: str
    origin: str
    state: str
    owning_unit: int
    answering_unit: int | None
    posed_at: datetime
    ends_on: date | None
    finished_at: datetime | None
    targets: list[TargetOut]


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class ProjectFilters(Schema):
    town: schemas.Id | None = None
    kind: Kind | None = None
    state: State | None = None
    cursor: str | None = None
    limit: Limit = 50


# A photo travels base64-encoded inside the JSON body, so one Idempotency-Key covers the text,
# the quantities and the photos together; the service checks what the bytes are, not the name.
PHOTO_B64_LIMIT = (MAX_UPLOAD_BYTES + 2) // 3 * 4


class PhotoIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=PHOTO_B64_LIMIT, description="base64")


class ReportIn(Schema):
    text: str = Field(min_length=1, max_length=4000)
    photos: list[PhotoIn] = Field(default_factory=list, max_length=services.MAX_PHOTOS)
    # Target id → change since the last report (negative to correct).
    quantities: dict[TargetKey, Count] = Field(
        default_factory=dict, max_length=200, json_schema_extra=QUANTITIES_SCHEMA
    )


class ReportOut(Schema):
    id: int
    project: int
    at: datetime
    targets: list[TargetOut]


class Acknowledged(Schema):
    warning: int
    acknowledged_at: datetime | None


def _target(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "label": target.label,
        "measure": target.measure,
        "goal": target.goal,
        "achieved": target.achieved,
        "town": target.town_id,
        "deadline": target.deadline,
        "reached_at": target.reached_at,
    }


def _project(project: Project, targets: list[Target]) -> dict[str, Any]:
    return {
        "id": project.pk,
        "kind": project.kind,
        "title": project.title,
        "origin": project.origin,
        "state": project.state,
        "owning_unit": project.owning_unit_id,
        "answering_unit": project.answering_unit_id,
        "posed_at": project.posed_at,
        "ends_on": project.ends_on,
        "finished_at": project.finished_at,
        "targets": [_target(target) for target in targets],
    }


@router.get(tags=["projects"], path="/projects", response=ProjectPage, summary="Projects")
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, Any]:
    user = user_of(request)
    town = visible_unit(user, filters.town, field="town") if filters.town else None
    projects = selectors.project_list(
        user=user, town=town, kind=filters.kind or "", state=filters.state or ""
    ).prefetch_related("targets")
    rows, cursor = page(projects, fields=["id"], cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [_project(row, list(row.targets.all())) for row in rows],
        "next_cursor": cursor,
    }


@router.get(
    tags=["projects"], path="/projects/{project_id}", response=ProjectOut, summary="A project"
)
def project_detail(request: HttpRequest, project_id: schemas.Id) -> dict[str, Any]:
    project = selectors.project_get_for_user(user=user_of(request), project_id=project_id)
    return _project(project, list(project.targets.all()))


@router.post(
    tags=["projects"],
    path="/projects/{project_id}/reports",
    response={201: ReportOut},
    summary="Report progress",
)
@idempotent
def report(request: HttpRequest, project_id: schemas.Id, body: ReportIn) -> Status[dict[str, Any]]:
    """Text and quantity changes per target; refused whole if one would pass its goal or 0."""
    user = user_of(request)
    quantities = {int(key): value for key, value in body.quantities.items()}
    created = services.progress_report(
        actor=user,
        project_id=project_id,
        text=body.text,
        photos=[_photo(photo) for photo in body.photos],
        quantities=quantities,
    )
    return Status(
        201,
        {
            "id": created.pk,
            "project": project_id,
            "at": created.at,
            "targets": [_target(t) for t in Target.objects.filter(project_id=project_id)],
        },
    )


def _photo(photo: PhotoIn) -> Upload:
    try:
        content = base64.b64decode(photo.content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            _("%(name)s is not base64-encoded.") % {"name": photo.name}, field="photos"
        ) from None
    return Upload(name=photo.name, content=content)


@router.post(
    tags=["projects"],
    path="/projects/{project_id}/acknowledge",
    response=Acknowledged,
    summary="收到: acknowledge the warning",
)
@idempotent
def acknowledge(request: HttpRequest, project_id: schemas.Id) -> dict[str, Any]:
    receipt = services.project_warning_acknowledge(actor=user_of(request), project_id=project_id)
    return {"warning": receipt.warning_id, "acknowledged_at": receipt.acknowledged_at}
