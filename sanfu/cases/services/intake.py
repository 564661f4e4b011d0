"""Taking a case in: from the public, from an operator, or from staff in the field."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases import announce, events
from sanfu.cases.models import (
    DESCRIPTION_MAX,
    LOCAL_CHANNELS,
    TEXT_MAX,
    TITLE_MAX,
    Attachment,
    Case,
    CaseCounter,
    CaseState,
    Category,
    Channel,
    EventKind,
    Priority,
    ReplyKind,
    RequesterKind,
)
from sanfu.cases.notifications import notify_requester
from sanfu.cases.policies import Capability, acting_unit
from sanfu.cases.services.common import assign, limit_text, now, reply_record, require_text
from sanfu.directory.models import Enterprise, Resident, Unit, UnitKind, User
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.files import check_upload
from sanfu.lib.idnumber import id_number_require
from sanfu.lib.phones import phone_require
from sanfu.lib.rows import row_get, row_insert, row_values, rows_together, statement_add
from sanfu.lib.treepath import path_ids

MAX_ATTACHMENTS = 6
PLACE_KINDS = frozenset(
    {UnitKind.TOWN, UnitKind.STREET, UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.GRID}
)


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    content_type: str = ""


@dataclass(frozen=True)
class Requester:
    kind: str = RequesterKind.ANONYMOUS
    name: str = ""
    phone: str = ""
    id_number: str = ""
    resident: Resident | None = None
    enterprise: Enterprise | None = None
    unit: Unit | None = None


@dataclass(frozen=True)
class NewCase:
    channel: str
    title: str
    text: str
    location_unit: Unit
    requester: Requester = field(default_factory=Requester)
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    category: Category | None = None
    priority: str = Priority.NORMAL
    confidential: bool = False
    attachments: Sequence[Upload] = ()
    # The county, when the caller has it at hand (Open311 reads it first): one query fewer.
    county: Unit | None = None


def county_of(unit: Unit, known: Unit | None = None) -> Unit:
    """The county `unit` lies in; `known` is used when it is that county, never trusted blindly."""
    root = path_ids(unit.path)[0]
    if known is not None and known.pk == root:
        return known
    # On every intake from the portal and the workbench: a statement built once (issue 21).
    county = row_get(Unit, "id = %s", [root])
    if county is None:
        raise Unit.DoesNotExist(root)
    return county


def next_case_number(county: Unit, at: datetime) -> str:
    """`<county code><yyyymmdd>-<nnnnn>`, counted per county and local day without races.

    One statement: an INSERT … ON CONFLICT DO UPDATE … RETURNING on the counter row (both
    PostgreSQL and SQLite have it). It takes the row's lock until the transaction ends, so two
    intakes at once get consecutive numbers; the first case of a day creates the row. (On
    PostgreSQL intake numbers a case in its own INSERT instead: `_case_add_numbered`.)
    """
    day = timezone.localdate(at)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_NEXT, [county.pk, day])
        (last,) = cursor.fetchone()
    return f"{_number_prefix(county, day)}{last:05d}"


_COUNTER = connection.ops.quote_name(CaseCounter._meta.db_table)
_COUNT_NEXT = (
    f"INSERT INTO {_COUNTER} (county_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - fixed names
    f"ON CONFLICT (county_id, day) DO UPDATE SET last = {_COUNTER}.last + 1 RETURNING last"
)


def _number_prefix(county: Unit, day: date) -> str:
    return f"{county.code}{day:%Y%m%d}-"


_numbered_insert: dict[str, str] = {}


def _case_add_numbered(case: Case) -> None:
    """PostgreSQL: the case's INSERT that takes its number from the counter in the same
    statement, held (`lib.rows.rows_held`) with the case's other rows and sent with them.

    The counter row's lock, which makes intakes of one county and day wait for each other, is
    then taken by the last message before the commit, not held while the request builds its
    other rows (with sixteen requests at once, that wait was most of an intake's time). The id
    was drawn before (`_new_case_id`), so the rows that refer to the case are built meanwhile.
    """
    sql, params = row_values(case, key=True)
    statement = _numbered_insert.get(sql)
    if statement is None:
        names = [f.attname for f in Case._meta.local_concrete_fields]
        places = ["%s"] * len(names)
        # The number as Python writes it (`:05d`: at least five digits, never cut short).
        places[names.index("number")] = (
            "%s || lpad(n.last::text, greatest(5, length(n.last::text)), '0')"
        )
        statement = (
            f"WITH n AS ({_COUNT_NEXT}) {sql.split(' VALUES ', 1)[0]} "  # noqa: S608 - the model's names
            f"SELECT {', '.join(places)} FROM n RETURNING number"
        )
        _numbered_insert[sql] = statement
    day = timezone.localdate(case.received_at)
    params[Case._meta.local_concrete_fields.index(Case._meta.get_field("number"))] = _number_prefix(
        case.county, day
    )

    def numbered(rows: list[tuple[Any, ...]]) -> None:
        case.number = rows[0][0]

    statement_add(statement, [case.county_id, day, *params], on_rows=numbered)
    case._state.adding = False
    case._state.db = "default"


def _new_case_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'))")
        (pk,) = cursor.fetchone()
    return int(pk)


def _check_requester(requester: Requester) -> Requester:
    if requester.kind not in RequesterKind.values:
        raise ValidationFailed(_("Choose who is asking."), field="requester_kind")
    if requester.kind == RequesterKind.ENTERPRISE and not (
        requester.enterprise or requester.name.strip()
    ):
        raise ValidationFailed(_("Name the enterprise."), field="requester_name")
    if requester.kind == RequesterKind.GRASSROOTS and requester.unit is None:
        raise ValidationFailed(_("Choose the village or community."), field="requester_unit")
    phone = phone_require(requester.phone, field="requester_phone")
    id_number = requester.id_number.strip()
    if id_number:
        id_number = id_number_require(id_number, field="requester_id_number").number
    return Requester(
        kind=requester.kind,
        name=limit_text(requester.name, field="requester_name", label=_("Name"), limit=100),
        phone=phone,
        id_number=id_number,
        resident=requester.resident,
        enterprise=requester.enterprise,
        unit=requester.unit,
    )


def _check_place(new: NewCase) -> None:
    if new.location_unit.kind not in PLACE_KINDS:
        raise ValidationFailed(_("Choose a town, village or grid."), field="location_unit")
    for value, low, high, name in (
        (new.latitude, -90, 90, "latitude"),
        (new.longitude, -180, 180, "longitude"),
    ):
        if value is not None and not low <= value <= high:
            raise ValidationFailed(_("This coordinate is out of range."), field=name)
    if (new.latitude is None) != (new.longitude is None):
        raise ValidationFailed(_("Give both coordinates or neither."), field="latitude")


def _desk_for(new: NewCase, actor: User | None, county: Unit) -> Unit:
    """Where the case waits for its first decision.

    Cases taken down in the field (a visit, a patrol, a village meeting) start at the unit of
    the staff member who took them; everything else goes to the county dispatch centre.
    """
    if actor is None or new.channel not in LOCAL_CHANNELS:
        return county
    return acting_unit(actor, Capability.HANDLE, new.location_unit, from_above=True)


@dataclass(frozen=True)
class CheckedCase:
    """A case checked and ready to write (`case_prepare`), not yet numbered or saved."""

    case: Case
    uploads: list[tuple[Upload, str]]
    actor: User | None


def case_create(*, new: NewCase, actor: User | None = None) -> Case:
    """Take in a case; returns it with its number and the requester's tracking token."""
    return case_write(checked=case_prepare(new=new, actor=actor))


def case_prepare(*, new: NewCase, actor: User | None = None) -> CheckedCase:
    """Everything that can refuse a case, checked and read before any write (no transaction).

    A caller that writes more in the same transaction (Open311's extras, the idempotency
    record) then needs no savepoint around `case_write`, and the case counter's row lock,
    taken by the first write, is held for the writes alone.
    """
    if new.channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    if new.priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority."), field="priority")
    title = require_text(new.title, field="title", label=_("Title"), limit=TITLE_MAX)
    text = require_text(new.text, field="text", label=_("Request text"), limit=DESCRIPTION_MAX)
    requester = _check_requester(new.requester)
    _check_place(new)
    if len(new.attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("At most %(count)d attachments.") % {"count": MAX_ATTACHMENTS}, field="attachments"
        )
    checked = [check_upload(upload.name, upload.content) for upload in new.attachments]
    at = now()
    county = county_of(new.location_unit, new.county)
    desk = _desk_for(new, actor, county)
    # Checked last, as when the case was built in the same call that saved it: which of two
    # errors a request meets first is unchanged.
    address = limit_text(new.address, field="address", label=_("Address"), limit=200)
    case = Case(
        county=county,
        tracking_token=secrets.token_urlsafe(24),
        requester_kind=requester.kind,
        requester_name=requester.name,
        requester_phone=requester.phone,
        requester_id_number=requester.id_number,
        resident=requester.resident,
        enterprise=requester.enterprise,
        requester_unit=requester.unit,
        channel=new.channel,
        category=new.category,
        priority=new.priority,
        title=title,
        text=text,
        location_unit=new.location_unit,
        address=address,
        latitude=new.latitude,
        longitude=new.longitude,
        confidential=new.confidential,
        desk_unit=desk,
        received_at=at,
    )
    return CheckedCase(
        case=case, uploads=list(zip(new.attachments, checked, strict=True)), actor=actor
    )


def case_write(*, checked: CheckedCase) -> Case:
    """Number and write a case `case_prepare` checked: its row, attachments, the timeline's
    first event, the announcement (queued work) and the receipt, in one transaction."""
    case, actor = checked.case, checked.actor
    at = case.received_at
    with rows_together():
        # The widest row intake writes: its INSERT built once, not compiled on every case.
        if connection.vendor == "postgresql":
            # Held with the rows below and sent with them in one trip, numbered as it goes in:
            # until then `case.number` is empty (nothing below reads it).
            case.pk = _new_case_id()
            _case_add_numbered(case)
        else:
            case.number = next_case_number(case.county, at)
            row_insert(case)
        for upload, content_type in checked.uploads:
            attachment = Attachment(
                case=case,
                name=upload.name[:200],
                content_type=content_type,
                size=len(upload.content),
            )
            attachment.file.save(upload.name, ContentFile(upload.content), save=False)
            attachment.save()
        events.append(
            case=case,
            kind=EventKind.RECEIVED,
            at=at,
            from_state="",
            actor=actor,
            unit=case.desk_unit if actor else None,
            data={"channel": case.channel},
        )
        announce.case_received(case)
        # The receipt: the case number and the short link, whatever the channel.
        notify_requester(case, "received")
    return case


@transaction.atomic
def case_create_solved_on_the_spot(*, new: NewCase, actor: User, reply: str) -> Case:
    """A case taken down and solved at once (a village meeting, a visit, the hotline).

    It is recorded in full so it counts in the figures: received, then replied as solved on
    the spot by the unit that took it, waiting for the requester's rating like any other.
    """
    reply = require_text(reply, field="reply", label=_("Reply"), limit=TEXT_MAX)
    if new.category is None:
        raise ValidationFailed(_("Choose a category."), field="category")
    case = case_create(new=new, actor=actor)
    unit = acting_unit(actor, Capability.HANDLE, case.desk_unit)
    at = now()
    case.accepted_at = case.dispatched_at = case.signed_at = case.replied_at = at
    case.state = CaseState.REPLIED
    assign(case, lead=unit, co_units=[], at=at)
    case.assignments.filter(active=True).update(signed_at=at)
    case.reply_kind, case.reply_text, case.reply_unit = ReplyKind.ON_THE_SPOT, reply, unit
    case.signed_on_time = case.replied_on_time = True
    case.handling_working_days = Decimal("0")
    case.save()
    reply_record(case, unit=unit, at=at)
    events.append(
        case=case,
        kind=EventKind.REPLIED,
        at=at,
        from_state=CaseState.NEW,
        actor=actor,
        unit=unit,
        note=reply,
        data={"kind": ReplyKind.ON_THE_SPOT},
    )
    announce.case_routed(case, unit, actor, at)
    return case
