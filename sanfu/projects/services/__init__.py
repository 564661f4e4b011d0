"""Every write on a project. Each checks who acts and the project's state, writes in one
transaction (state changes under the project's row lock), appends to the timeline and notifies
after commit."""

from sanfu.projects.services.cobuilding import (
    commitment_deliver,
    commitment_rate,
    commitment_sign,
)
from sanfu.projects.services.core import (
    project_accept,
    project_drop,
    project_finish,
    project_member_add,
    project_pose,
    project_set,
)
from sanfu.projects.services.emergency import (
    BoardTarget,
    incident_open,
    project_warning_acknowledge,
    warning_acknowledge,
    warning_recipients,
    warning_send,
)
from sanfu.projects.services.progress import (
    MAX_PHOTOS,
    milestone_add,
    milestone_done,
    progress_report,
    project_case_answer,
    project_case_link,
    target_add,
    target_goal_raise,
    target_update,
)

__all__ = [
    "MAX_PHOTOS",
    "BoardTarget",
    "commitment_deliver",
    "commitment_rate",
    "commitment_sign",
    "incident_open",
    "milestone_add",
    "milestone_done",
    "progress_report",
    "project_accept",
    "project_case_answer",
    "project_case_link",
    "project_drop",
    "project_finish",
    "project_member_add",
    "project_pose",
    "project_set",
    "project_warning_acknowledge",
    "target_add",
    "target_goal_raise",
    "target_update",
    "warning_acknowledge",
    "warning_recipients",
    "warning_send",
]
