"""What the staff API takes and gives, as typed schemas (and so as its OpenAPI document)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from sanfu.api.open311.params import clean_text
from sanfu.cases.models import DESCRIPTION_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from sanfu.lib.errors import ValidationFailed

MAX_ID = 2**63 - 1  # both databases' bigint; a larger id must be a 422, not a 500
MIN_YEAR, MAX_YEAR = 1900, 2999
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _clean(value: str) -> str:
    try:
        return clean_text(value, name="value")
    except ValidationFailed as error:
        raise ValueError(error.message) from None


def _written_out(value: object) -> object:
    # pydantic reads a bare number as seconds since 1970 ("0.5" would be 1970-01-01): a date
    # must be written out, as the document's date-time format says.
    if not isinstance(value, str | datetime) or _NUMBER.fullmatch(str(value).strip()):
        raise ValueError("give a date and time such as 2026-01-31T08:00:00+08:00")
    return value


def _moment(value: datetime) -> datetime:
    # Far-off years overflow when converted between time zones, and no case lives there: a
    # moment before 1900 or after 2999 means "before or after every case", so it is moved to
    # the edge rather than refused (the document allows any date-time, and so does this).
    if value.year < MIN_YEAR:
        value = datetime(MIN_YEAR, 1, 1)  # noqa: DTZ001 - made aware below
    elif value.year > MAX_YEAR:
        value = datetime(MAX_YEAR, 12, 31, 23, 59, 59)  # noqa: DTZ001 - made aware below
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _day(value: date) -> date:
    return min(max(value, date(MIN_YEAR, 1, 1)), date(MAX_YEAR, 12, 31))


def _coordinate(value: Any) -> Decimal:
    """A JSON number rounded to six places (about 0.1 m), as the models store it."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("give a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("give a number") from None
    if not number.is_finite():
        raise ValueError("give a finite number")
    if abs(number) > 180:
        return number  # out of range: left whole for the range check to refuse
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


# Text may hold anything printable but NUL, which no database column takes; the document says so.
NO_NUL = {"pattern": "^[^\\u0000]*$"}


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[datetime, BeforeValidator(_written_out), AfterValidator(_moment)]
Day = Annotated[date, AfterValidator(_day)]
Latitude = Annotated[
    Decimal,
    BeforeValidator(_coordinate),
    Field(ge=-90, le=90),
    WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90}),
]
Longitude = Annotated[
    Decimal,
    BeforeValidator(_coordinate),
    Field(ge=-180, le=180),
    WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180}),
]
# Cleaned text of a bounded length (NUL refused, as the document says).
ShortText = Annotated[
    str, Field(max_length=REASON_MAX, json_schema_extra=NO_NUL), AfterValidator(_clean)
]
LongText = Annotated[
    str, Field(max_length=TEXT_MAX, json_schema_extra=NO_NUL), AfterValidator(_clean)
]
Code = Annotated[
    str, Field(min_length=1, max_length=32, json_schema_extra=NO_NUL), AfterValidator(_clean)
]
Title = Annotated[
    str, Field(max_length=TITLE_MAX, json_schema_extra=NO_NUL), AfterValidator(_clean)
]
Name = Annotated[str, Field(max_length=100, json_schema_extra=NO_NUL), AfterValidator(_clean)]
Phone = Annotated[str, Field(max_length=20, json_schema_extra=NO_NUL), AfterValidator(_clean)]
IdNumber = Annotated[str, Field(max_length=18, json_schema_extra=NO_NUL), AfterValidator(_clean)]
Address = Annotated[str, Field(max_length=200, json_schema_extra=NO_NUL), AfterValidator(_clean)]
# The requester's description: its limit is the service's to enforce, so that an over-long text
# gets the same refusal, naming the field, as on the portal and the workbench (not the schema
# validator's English); the document still states it.
Description = Annotated[
    str,
    Field(json_schema_extra={"maxLength": DESCRIPTION_MAX, **NO_NUL}),
    AfterValidator(_clean),
]

PriorityName = Literal["normal", "urgent", "emergency"]
ReplyKindName = Literal["on_the_spot", "solved", "explained"]
ReturnReasonName = Literal["wrong_locality", "not_our_remit", "overlapping"]
RatingName = Literal["satisfied", "basically", "unsatisfied"]
StaffChannel = Literal[
    "web", "mobile", "hotline", "visit", "patrol", "village_meeting", "reception_day"
]
RequesterKindName = Literal["resident", "enterprise", "grassroots", "anonymous"]
StateName = Literal["new", "assigned", "in_progress", "replied", "closed", "rejected", "merged"]
QueueName = Literal["to_sign", "in_progress", "due_soon", "overdue", "to_dispatch"]


class Error(Schema):
    """Every refusal: `code` for programs, `message` for people, `field` to fix if any."""

    code: str
    message: str
    field: str | None = None


# --- reads ---------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class CategoryRef(Schema):
    id: int
    code: str
    name: str
    level: int


class CategoryOut(CategoryRef):
    parent_code: str | None
    is_active: bool


class MembershipOut(Schema):
    unit: UnitRef
    role: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    memberships: list[MembershipOut]


class CaseSummary(Schema):
    id: int
    number: str
    title: str
    state: str
    state_label: str
    channel: str
    priority: str
    category: CategoryRef | None
    location_unit: UnitRef
    desk_unit: UnitRef
    lead_unit: UnitRef | None
    received_at: datetime
    sign_deadline: datetime | None
    reply_deadline: datetime | None
    sign_clock: str
    reply_clock: str
    deadline_unconfirmed: bool
    confidential: bool


class MaskedRequester(Schema):
    kind: str
    name: str
    phone: str
    has_id_number: bool


class RequesterOut(Schema):
    """Unmasked, for the units handling the case; every read of it is recorded."""

    kind: str
    name: str
    phone: str
    id_number: str
    address: str
    email: str
    enterprise: str | None
    requester_unit: UnitRef | None


class AssignmentOut(Schema):
    unit: UnitRef
    role: str
    active: bool
    assigned_at: datetime
    signed_at: datetime | None
    opinion: str


class ExtensionOut(Schema):
    id: int
    case_id: int
    case_number: str
    unit: UnitRef
    days: int
    reason: str
    requested_at: datetime
    decision: str
    decided_at: datetime | None
    decision_note: str


class SupervisionOrderOut(Schema):
    id: int
    case_id: int
    case_number: str
    unit: UnitRef
    issued_at: datetime
    deadline: datetime
    instruction: str
    answered_at: datetime | None
    answer: str
    overdue: bool


class EventOut(Schema):
    kind: str
    label: str
    at: datetime
    from_state: str
    to_state: str
    actor: str | None
    actor_unit: UnitRef | None
    note: str


class CaseDetail(CaseSummary):
    text: str
    address: str
    requester: MaskedRequester
    reply_kind: str
    reply_text: str
    replied_at: datetime | None
    rating: str
    rating_comment: str
    closed_at: datetime | None
    rejection_reason: str
    master_number: str | None
    published_at: datetime | None
    reopen_count: int
    return_count: int
    urge_count: int
    assignments: list[AssignmentOut]
    extensions: list[ExtensionOut]
    supervision_orders: list[SupervisionOrderOut]
    timeline: list[EventOut]
    actions: list[str]


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None


class UnitPage(Schema):
    items: list[UnitRef]
    next_cursor: str | None


class CategoryPage(Schema):
    items: list[CategoryOut]
    next_cursor: str | None


class ExtensionPage(Schema):
    items: list[ExtensionOut]
    next_cursor: str | None


class SupervisionOrderPage(Schema):
    items: list[SupervisionOrderOut]
    next_cursor: str | None


class QueueCounts(Schema):
    to_sign: int
    in_progress: int
    due_soon: int
    overdue: int
    to_dispatch: int
    extensions_to_decide: int
    supervision_orders: int


class RateOut(Schema):
    """An exact rate: part / whole, and the percentage rounded once, half-up, to 0.1."""

    percent: Decimal
    part: int
    whole: int


class BacklogOut(Schema):
    """Open now, whatever the period asked for."""

    open: int
    overdue: int
    due_soon: int


class FiguresOut(Schema):
    """Counts of dated facts in the period (see sanfu/cases/figures.py for each definition)."""

    received: int
    accepted: int
    assigned: int
    signed: int
    handled: int
    rated: int
    reopened: int
    callbacks: int
    late: int
    response_rate: RateOut | None
    resolution_rate: RateOut | None
    declared_resolution_rate: RateOut | None
    satisfaction_rate: RateOut | None
    first_satisfaction_rate: RateOut | None
    on_time_rate: RateOut | None
    unit_on_time_rate: RateOut | None
    on_the_spot_rate: RateOut | None
    average_handling_days: Decimal | None
    reopen_rate: RateOut | None
    backlog: BacklogOut


class TokenOut(Schema):
    id: int
    name: str
    token_prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


# --- actions -------------------------------------------------------------------------------


class RequesterIn(Schema):
    kind: RequesterKindName = "anonymous"
    name: Name = ""
    phone: Phone = ""
    id_number: IdNumber = ""
    unit: Id | None = None


class CaseIn(Schema):
    channel: StaffChannel
    title: Title
    text: Description
    location_unit: Id
    address: Address = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    category: Code | None = None
    priority: PriorityName = "normal"
    confidential: bool = False
    requester: RequesterIn = Field(default_factory=RequesterIn)
    solved_on_the_spot: LongText | None = Field(
        None, description="The answer given on the spot, when the case was solved at once."
    )


class AcceptIn(Schema):
    category: Code | None = None
    priority: PriorityName | None = None


class DispatchIn(Schema):
    lead_unit: Id
    co_units: Annotated[list[Id], Field(max_length=20)] = []
    category: Code | None = None
    priority: PriorityName | None = None
    note: ShortText = ""


class TransferIn(Schema):
    lead_unit: Id
    co_units: Annotated[list[Id], Field(max_length=20)] = []
    note: ShortText


class MergeIn(Schema):
    master: Id
    note: ShortText = ""


class ReasonIn(Schema):
    reason: ShortText


class NoteIn(Schema):
    note: ShortText


class OptionalNoteIn(Schema):
    note: ShortText = ""


class OpinionIn(Schema):
    opinion: LongText


class ReturnIn(Schema):
    reason: ReturnReasonName
    note: ShortText


class ExtensionRequestIn(Schema):
    days: Annotated[int, Field(ge=1, le=60)]
    reason: ShortText


class ReplyIn(Schema):
    kind: ReplyKindName
    text: LongText


class PublishIn(Schema):
    """公示: the texts as they will appear, reviewed (start from GET .../publication-draft)."""

    title: Annotated[str, Field(min_length=1, max_length=TITLE_MAX), AfterValidator(_clean)]
    text: Annotated[str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(_clean)]
    reply: Annotated[str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(_clean)]


class PublicationDraftOut(Schema):
    title: str
    text: str
    reply: str
    names: list[str] = Field(
        description="Personal names found besides the requester's, masked in the draft."
    )


class CallbackIn(Schema):
    """回访: the requester's two answers, asked by staff on the phone."""

    solved: bool
    rating: RatingName
    note: ShortText = ""


class SuperviseIn(Schema):
    instruction: ShortText
    days: Annotated[int, Field(ge=1, le=30)]


class DecideIn(Schema):
    approve: bool
    note: ShortText = ""


class AnswerIn(Schema):
    answer: ShortText
