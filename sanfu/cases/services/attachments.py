"""Files on a case after intake: staff add photos or documents as they handle it."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases import events
from sanfu.cases.models import FINAL_STATES, Attachment, Case, EventKind
from sanfu.cases.policies import Capability, acting_unit, may
from sanfu.cases.services.common import lock_case, now
from sanfu.cases.services.intake import MAX_ATTACHMENTS, Upload
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import Conflict, PermissionDenied, ValidationFailed
from sanfu.lib.files import check_upload

# Enough for a long case's photos and papers; a case is not a file store.
MAX_CASE_ATTACHMENTS = 30


def _attaching_unit(actor: User, case: Case) -> Unit | None:
    """The unit the actor adds files for: the desk's dispatchers (or above), or the staff of
    any unit working on the case; None when they are neither."""
    if may(actor, Capability.DISPATCH, case.desk_unit, from_above=True):
        return acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    units = [a.unit for a in case.assignments.filter(active=True).select_related("unit")]
    return next((unit for unit in units if may(actor, Capability.HANDLE, unit)), None)


@transaction.atomic
def case_attach(*, actor: User, case_id: int, uploads: Sequence[Upload]) -> list[Attachment]:
    case = lock_case(actor=actor, case_id=case_id)
    unit = _attaching_unit(actor, case)
    if unit is None:
        raise PermissionDenied(_("Only the units handling this case may add files to it."))
    if case.state in FINAL_STATES:
        raise Conflict(_("The case is finished; files can no longer be added."))
    if not uploads:
        raise ValidationFailed(_("Choose at least one file."), field="attachments")
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("At most %(count)d files at once.") % {"count": MAX_ATTACHMENTS},
            field="attachments",
        )
    if case.attachments.count() + len(uploads) > MAX_CASE_ATTACHMENTS:
        raise ValidationFailed(
            _("A case holds at most %(count)d files.") % {"count": MAX_CASE_ATTACHMENTS},
            field="attachments",
        )
    # Every file is checked before any is stored: one bad file stores none.
    checked = [check_upload(upload.name, upload.content) for upload in uploads]
    made: list[Attachment] = []
    for upload, content_type in zip(uploads, checked, strict=True):
        attachment = Attachment(
            case=case,
            name=upload.name[:200],
            content_type=content_type,
            size=len(upload.content),
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, ContentFile(upload.content), save=False)
        attachment.save()
        made.append(attachment)
    # The timeline is the case's whole history: who added which files, and when.
    events.append(
        case=case,
        kind=EventKind.FILES_ADDED,
        at=now(),
        from_state=case.state,
        actor=actor,
        unit=unit,
        note="、".join(attachment.name for attachment in made),
        data={"attachments": [attachment.pk for attachment in made]},
    )
    return made
