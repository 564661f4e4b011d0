"""POST requests: an Open311 submission becomes a case through `cases.services.case_create`.

Where the case lies (its place in the tree) is decided by one rule, in this order:
1. `address_id` is the code of a town, sub-district, village, community or grid of the
   jurisdiction: that unit. (Requests read back give the same code as their `address_id`.)
2. `address_string` names units of the jurisdiction: the deepest one named, preferring one whose
   town is named too ("石门镇上坪村" is 上坪村 of 石门镇, not another town's 上坪村).
3. Otherwise (coordinates only, or an address naming no unit): the jurisdiction's first town or
   sub-district by code — Chinese division codes put the county seat first.
Coordinates and the address as given are kept on the case either way, for the dispatcher, who
receives every Open311 case at the county desk and moves it where it belongs.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils.translation import gettext as _

from sanfu.api.models import ApiClient, Open311Submission
from sanfu.api.open311 import answers as answer_checks
from sanfu.api.open311.params import coordinate, param
from sanfu.api.open311.services import (
    CONFIDENTIAL,
    ENTERPRISE_NAME,
    REQUESTER_KIND,
    TITLE,
    Snapshot,
)
from sanfu.cases.models import DESCRIPTION_MAX, TITLE_MAX, Case, Category, Channel, RequesterKind
from sanfu.cases.services import NewCase, Requester, case_prepare, case_write
from sanfu.cases.services.intake import PLACE_KINDS
from sanfu.directory.models import TOWN_KINDS, Unit
from sanfu.lib.errors import NotFound, ValidationFailed
from sanfu.lib.rows import row_add, row_get, rows_together
from sanfu.lib.treepath import path_ids

# The case loop's field names, as the Open311 parameter a client has to fix.
PARAMETER_OF = {
    "requester_phone": "phone",
    "requester_name": "first_name",
    "requester_kind": f"attribute[{REQUESTER_KIND}]",
    "text": "description",
    "title": f"attribute[{TITLE}]",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "location_unit": "address_id",
}
TITLE_FROM_DESCRIPTION = 30  # characters of the description's first line


@dataclass(frozen=True)
class Submission:
    """A POST's parameters, read and checked for form; the service checks the rest."""

    service_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    address_string: str
    address_id: str
    answers: dict[str, list[str]]
    email: str
    device_id: str
    account_id: str
    first_name: str
    last_name: str
    phone: str
    description: str
    media_url: str


def submission_read(data: QueryDict) -> Submission:
    service_code = param(data, "service_code", limit=32)
    if service_code is None:
        raise ValidationFailed(_("service_code was not provided."), field="service_code")
    lat, long = param(data, "lat", limit=40), param(data, "long", limit=40)
    if (lat is None) != (long is None):
        raise ValidationFailed(_("Send both lat and long, or neither."), field="lat")
    address_string = param(data, "address_string", limit=200) or ""
    address_id = param(data, "address_id", limit=32) or ""
    if lat is None and not address_string and not address_id:
        raise ValidationFailed(
            _("A location is required: lat and long, address_string or address_id."),
            field="lat",
        )
    return Submission(
        service_code=service_code,
        latitude=None if lat is None else coordinate(lat, name="lat", bound=90),
        longitude=None if long is None else coordinate(long, name="long", bound=180),
        address_string=address_string,
        address_id=address_id,
        answers=answer_checks.raw_answers(data),
        email=_email(param(data, "email", limit=254) or ""),
        device_id=param(data, "device_id", limit=100) or "",
        account_id=param(data, "account_id", limit=100) or "",
        first_name=param(data, "first_name", limit=50) or "",
        last_name=param(data, "last_name", limit=50) or "",
        phone=param(data, "phone", limit=20) or "",
        description=param(data, "description", limit=DESCRIPTION_MAX) or "",
        media_url=_media_url(param(data, "media_url", limit=500) or ""),
    )


def _email(value: str) -> str:
    try:
        validate_email(value) if value else None
    except ValidationError:
        raise ValidationFailed(_("This is not an email address."), field="email") from None
    return value


def _media_url(value: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(value) if value else None
    except ValidationError:
        raise ValidationFailed(_("This is not an http(s) URL."), field="media_url") from None
    return value


# --- where --------------------------------------------------------------------------------


def place_for(county: Unit, *, address_id: str, address_string: str) -> Unit:
    """The unit a request lies in, by the rule in this module's docstring."""
    if address_id:
        # By the unique code first, then the county: one index lookup, not a subtree scan
        # (and a statement built once: this runs on nearly every POST).
        unit = row_get(Unit, "code = %s AND is_active = %s", [address_id, True])
        if unit is None or unit.kind not in PLACE_KINDS or not unit.path.startswith(county.path):
            raise ValidationFailed(
                _("No town, village or grid of this jurisdiction has this code."),
                field="address_id",
            )
        return unit
    places = Unit.objects.filter(kind__in=PLACE_KINDS, is_active=True)
    places = places.filter(path__descendant=county.path)
    named = _named_in(places.order_by("path").values_list("id", "name", "path"), address_string)
    if named is not None:
        return Unit.objects.get(pk=named)
    first_town = places.filter(kind__in=TOWN_KINDS, parent=county).order_by("code").first()
    if first_town is None:
        raise ValidationFailed(
            _("This jurisdiction has no town to file the request under; send address_id."),
            field="address_id",
        )
    return first_town


def _named_in(units: Iterable[tuple[int, str, str]], address: str) -> int | None:
    """The id of the deepest unit named in `address`, preferring those whose parents are named."""
    if not address:
        return None
    rows = [(pk, path_ids(path)) for pk, name, path in units if len(name) >= 2 and name in address]
    named = {pk for pk, _ids in rows}
    best = max(rows, key=lambda row: (sum(i in named for i in row[1]), len(row[1])), default=None)
    return None if best is None else best[0]


# --- who and what --------------------------------------------------------------------------


def _full_name(first: str, last: str) -> str:
    """Chinese names are written family name first and without a space."""
    han = any(unicodedata.name(ch, "").startswith("CJK") for ch in first + last)
    return f"{last}{first}" if han else " ".join(part for part in (first, last) if part)


def _requester(submission: Submission, answers: dict[str, answer_checks.Answer]) -> Requester:
    person = _full_name(submission.first_name, submission.last_name)
    kind = str(answers.get(REQUESTER_KIND, ""))
    if not kind:
        kind = RequesterKind.RESIDENT if person or submission.phone else RequesterKind.ANONYMOUS
    name = person
    if kind == RequesterKind.ENTERPRISE:
        name = str(answers.get(ENTERPRISE_NAME, "")) or person
        if not name:
            raise ValidationFailed(_("Name the enterprise."), field=f"attribute[{ENTERPRISE_NAME}]")
    return Requester(kind=kind, name=name, phone=submission.phone)


def _title(category: Category, description: str, answers: dict[str, answer_checks.Answer]) -> str:
    title = str(answers.get(TITLE, ""))
    if title:
        if len(title) > TITLE_MAX:
            raise ValidationFailed(
                _("At most %(limit)d characters.") % {"limit": TITLE_MAX},
                field=f"attribute[{TITLE}]",
            )
        return title
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if not first_line:
        return category.name
    if len(first_line) > TITLE_FROM_DESCRIPTION:
        return first_line[:TITLE_FROM_DESCRIPTION] + "…"
    return first_line


def open311_request_create(
    *, client: ApiClient, county: Unit, submission: Submission, snapshot: Snapshot
) -> Case:
    """File the submission as a case at the county desk, with what only Open311 carries.

    Checks and reads come first; the transaction holds the writes alone (the case's and the
    Open311 extras), and needs no savepoint inside the idempotency record's transaction:
    `case_prepare` refuses before anything is written.
    """
    category = snapshot.service(submission.service_code)
    if category is None:
        raise NotFound(_("service_code was not found."), field="service_code")
    questions = snapshot.questions(category)
    answers = answer_checks.check_answers(questions, submission.answers)
    text = "\n\n".join(
        part
        for part in [submission.description, *answer_checks.describe(questions, answers)]
        if part
    )
    if len(text) > DESCRIPTION_MAX:
        raise ValidationFailed(
            _("The description and answers together exceed %(limit)d characters.")
            % {"limit": DESCRIPTION_MAX},
            field="description",
        )
    new = NewCase(
        channel=Channel.OPEN311,
        title=_title(category, submission.description, answers),
        text=text or category.name,
        location_unit=place_for(
            county, address_id=submission.address_id, address_string=submission.address_string
        ),
        requester=_requester(submission, answers),
        address=submission.address_string,
        latitude=submission.latitude,
        longitude=submission.longitude,
        category=category,
        confidential=answers.get(CONFIDENTIAL) == "true",
        county=county,
    )
    try:
        checked = case_prepare(new=new)
    except ValidationFailed as error:
        raise ValidationFailed(
            error.message, field=PARAMETER_OF.get(error.field or "", error.field)
        ) from None
    with rows_together():
        case = case_write(checked=checked)
        # Held with the case's own rows (PostgreSQL): all of them go in one trip.
        row_add(
            Open311Submission(
                case=case,
                client=client,
                token=secrets.token_hex(16),
                email=submission.email,
                device_id=submission.device_id,
                account_id=submission.account_id,
                media_url=submission.media_url,
                attributes=answers,
            )
        )
    return case
