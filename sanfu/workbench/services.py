"""The workbench's one write of its own: logging who unmasked a requester's personal data."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases.models import AccessVia
from sanfu.cases.selectors import case_get_for_user
from sanfu.cases.services import personal_data_access_record
from sanfu.directory.models import User
from sanfu.lib.errors import PermissionDenied
from sanfu.workbench.selectors.cases import CaseView, case_view, in_handling_chain

SHOWN_FIELDS = ["requester_name", "requester_phone", "requester_id_number"]


@transaction.atomic
def personal_data_reveal(*, user: User, case_id: int) -> CaseView:
    """The case page with the requester's data unmasked, for someone in the handling chain.

    Logged before anything is shown: a view that is not recorded does not happen.
    """
    case = case_get_for_user(user=user, case_id=case_id)
    if not in_handling_chain(user=user, case=case):
        raise PermissionDenied(
            _("Only the units handling this case may see the requester's personal data.")
        )
    personal_data_access_record(user=user, case=case, via=AccessVia.WORKBENCH, fields=SHOWN_FIELDS)
    return case_view(user=user, case_id=case_id, reveal=True)
