"""The only writer of the project timeline. Services call `append` once per thing that happened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sanfu.directory.models import Unit, User
from sanfu.projects.models import EventKind, Project, ProjectEvent


def append(
    *,
    project: Project,
    kind: EventKind,
    at: datetime,
    from_state: str,
    actor: User | None = None,
    unit: Unit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ProjectEvent:
    """Record one event; `to_state` is the project's state after the change."""
    return ProjectEvent.objects.create(
        project=project,
        kind=kind,
        at=at,
        actor=actor,
        actor_unit=unit,
        from_state=from_state,
        to_state=project.state,
        note=note,
        data=data or {},
    )
