"""Cases as public Open311 service requests: what the public may see of them, and nothing more.

- Confidential cases never appear, not even as a 404 that differs from an unknown number.
- Text is shown only once a case is published (公示), and then only its anonymised version;
  before that `description` is null. Requesters' names, phones and addresses never appear:
  `address` is the place's unit names, most specific first, `address_id` its unit code, and
  coordinates are rounded to three decimals (about 100 m), enough for a map and no more.
- Status: `open` while the case waits for or is in handling (new, assigned, in progress);
  `closed` once answered (replied, closed), not accepted (rejected) or merged into another.
  `status_notes` says which, `agency_responsible` is the lead unit, `expected_datetime` the
  reply deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from sanfu.api.models import Open311Submission
from sanfu.api.open311.render import Value, w3c
from sanfu.api.open311.services import Snapshot
from sanfu.cases.models import OPEN_STATES, Case, CaseEvent, CaseState, EventKind, ReplyKind
from sanfu.directory.models import Unit
from sanfu.lib.anonymise import anonymise
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.treepath import path_ids

WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
PUBLIC_PLACES = Decimal("0.001")

# What a request shows, read as plain rows: a page of a thousand cases is then one query and
# no model instances.
_FIELDS = (
    "id",
    "number",
    "state",
    "channel",
    "priority",
    "category_id",
    "received_at",
    "closed_at",
    "reply_deadline",
    "reply_clock",
    "reply_kind",
    "latitude",
    "longitude",
    "published_at",
    "public_title",
    "public_text",
    "public_reply",
    "rejection_reason",
    "lead_unit__name",
    "location_unit_id",
    "location_unit__code",
    "location_unit__path",
    "master__number",
    "last_event_at",
    "open311_media_url",
)
Row = dict[str, Any]


@dataclass(frozen=True)
class Query:
    """GET requests' filters, already checked."""

    numbers: list[str]
    service_codes: list[str]
    start: datetime
    end: datetime
    statuses: frozenset[str]
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The search range: at most 90 days, the most recent 90 days when neither end is given."""
    try:
        if start is not None and end is not None:
            if end < start:
                raise ValidationFailed(_("end_date is before start_date."), field="end_date")
            if end - start > WINDOW:
                raise ValidationFailed(
                    _("start_date and end_date may not span more than 90 days."),
                    field="end_date",
                )
            return start, end
        if start is not None:
            return start, start + WINDOW
        if end is not None:
            return end - WINDOW, end
    except OverflowError:
        raise ValidationFailed(_("The date is out of range."), field="start_date") from None
    return now - WINDOW, now


def public_cases(county: Unit) -> QuerySet[Case]:
    """The cases of a jurisdiction the public may know of. A case not yet categorised has no
    service_code, which GeoReport requires: it appears once a dispatcher has categorised it."""
    return Case.objects.filter(county=county, confidential=False, category__isnull=False)


def _rows(cases: QuerySet[Case]) -> QuerySet[Case, Row]:
    last_event = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1]
    media = Open311Submission.objects.filter(case=OuterRef("pk")).values("media_url")[:1]
    return cases.annotate(
        last_event_at=Subquery(last_event), open311_media_url=Subquery(media)
    ).values(*_FIELDS)


def requests_find(county: Unit, query: Query) -> list[Row]:
    """GET requests: `numbers` overrides every other filter, as the specification says."""
    cases = public_cases(county)
    if query.numbers:
        cases = cases.filter(number__in=query.numbers)
    else:
        cases = cases.filter(received_at__gte=query.start, received_at__lte=query.end)
        if query.service_codes:
            cases = cases.filter(category__code__in=query.service_codes)
        if query.statuses == {"open"}:
            cases = cases.filter(state__in=OPEN_STATES)
        elif query.statuses == {"closed"}:
            cases = cases.exclude(state__in=OPEN_STATES)
    offset = (query.page - 1) * query.page_size
    ordered = _rows(cases).order_by("-received_at", "-id")
    return list(ordered[offset : offset + query.page_size])


def request_get(county: Unit, number: str) -> Row | None:
    return _rows(public_cases(county).filter(number=number)).first()


def notes_of(rows: list[Row]) -> dict[int, list[Row]]:
    """The timelines of these cases: kind, time and acting unit only, in order."""
    timelines: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    events = (
        CaseEvent.objects.filter(case_id__in=list(timelines))
        .order_by("case_id", "at", "id")
        .values("case_id", "kind", "at", "actor_unit__name")
    )
    for event in events:
        timelines[event["case_id"]].append(dict(event))
    return timelines


# --- one case as a request --------------------------------------------------------------------


def status(state: str) -> str:
    return "open" if state in OPEN_STATES else "closed"


def _rounded(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(PUBLIC_PLACES))


class Presenter:
    """Turns case rows into request documents, computing what rows share only once."""

    def __init__(self, snapshot: Snapshot, rows: list[Row], *, extensions: bool = False) -> None:
        self.snapshot = snapshot
        ids = {i for row in rows for i in path_ids(row["location_unit__path"])}
        self.unit_names = dict(Unit.objects.filter(pk__in=ids).values_list("id", "name"))
        self.timelines = notes_of(rows) if extensions else None
        self._labels = {state.value: str(state.label) for state in CaseState}
        self._solved = {kind.value: str(kind.label) for kind in ReplyKind}
        self._events = {kind.value: str(kind.label) for kind in EventKind}
        self._notices: dict[tuple[int | None, str], str] = {}
        self._addresses: dict[int, str] = {}

    def address(self, row: Row) -> str:
        unit_id = row["location_unit_id"]
        if unit_id not in self._addresses:
            ids = reversed(path_ids(row["location_unit__path"]))
            self._addresses[unit_id] = ", ".join(
                self.unit_names[i] for i in ids if i in self.unit_names
            )
        return self._addresses[unit_id]

    def notice(self, row: Row) -> str:
        key = (row["category_id"], row["priority"])
        if key not in self._notices:
            self._notices[key] = self.snapshot.notice(*key)
        return self._notices[key]

    def status_notes(self, row: Row) -> str:
        state, label = row["state"], self._labels[row["state"]]
        if state == CaseState.MERGED and row["master__number"]:
            return _("Merged into case %(number)s, whose answer it receives.") % {
                "number": row["master__number"]
            }
        if state == CaseState.REJECTED and row["rejection_reason"]:
            return f"{label}：{anonymise(row['rejection_reason'])}"
        if row["reply_kind"] and state in {CaseState.REPLIED, CaseState.CLOSED}:
            solved = self._solved[row["reply_kind"]]
            if row["published_at"] is not None and row["public_reply"]:
                return f"{label}（{solved}）：{row['public_reply']}"
            return f"{label}（{solved}）"
        return label

    def request(self, row: Row) -> dict[str, Value]:
        category = self.snapshot.by_id.get(row["category_id"]) if row["category_id"] else None
        published = row["published_at"] is not None
        closed = status(row["state"]) == "closed"
        document: dict[str, Value] = {
            "service_request_id": row["number"],
            "status": status(row["state"]),
            "status_notes": self.status_notes(row),
            "service_name": category.name if category else None,
            "service_code": category.code if category else None,
            "description": row["public_text"] if published else None,
            "agency_responsible": row["lead_unit__name"],
            "service_notice": self.notice(row),
            "requested_datetime": w3c(row["received_at"]),
            "updated_datetime": w3c(
                (closed and row["closed_at"]) or row["last_event_at"] or row["received_at"]
            ),
            "expected_datetime": w3c(row["reply_deadline"]),
            "address": self.address(row),
            "address_id": row["location_unit__code"],
            "zipcode": None,
            "lat": _rounded(row["latitude"]),
            "long": _rounded(row["longitude"]),
            "media_url": (row["open311_media_url"] or None) if published else None,
        }
        if self.timelines is not None:
            document["extended_attributes"] = self._extended(row)
            document["notes"] = [self._note(event) for event in self.timelines[row["id"]]]
        return document

    def _extended(self, row: Row) -> dict[str, Value]:
        return {
            "channel": row["channel"],
            "state": row["state"],
            "priority": row["priority"],
            "reply_kind": row["reply_kind"] or None,
            "deadline_state": row["reply_clock"] or None,
            "title": row["public_title"] if row["published_at"] else None,
            "published_datetime": w3c(row["published_at"]),
        }

    def _note(self, event: Row) -> dict[str, Value]:
        # The label and the acting unit only: the notes staff write may name people.
        description = self._events.get(event["kind"], event["kind"])
        if event["actor_unit__name"]:
            description = f"{description} · {event['actor_unit__name']}"
        return {"datetime": w3c(event["at"]), "description": description, "type": event["kind"]}
