"""Recording a read of a requester's unmasked personal data (before it is shown)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from sanfu.cases.models import AccessVia, Case, PersonalDataAccess
from sanfu.directory.models import User

REQUESTER_FIELDS = ("requester_name", "requester_phone", "requester_id_number")


def personal_data_access_record(
    *, user: User, case: Case, via: AccessVia, fields: Sequence[str] = REQUESTER_FIELDS
) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        user=user, case=case, at=timezone.now(), via=via, fields=list(fields)
    )
