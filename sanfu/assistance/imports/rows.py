"""Checking one row against the layout: a clean record, or the column and reason it is refused."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sanfu.assistance.imports import cells
from sanfu.assistance.imports.cells import Cell, CellError
from sanfu.assistance.imports.fields import FACT_FIELDS, SUMMARY_NAMES, Layout
from sanfu.assistance.models import RecordKind


@dataclass(frozen=True)
class Lookups:
    """What rows are checked against, loaded once per batch."""

    programmes: Mapping[str, int]  # code or name (normalised) -> programme id, this body's only
    towns: Mapping[str, int]  # name, short name or code -> unit id
    defaults: Mapping[str, str]


@dataclass(frozen=True)
class Clean:
    natural_key: str
    kind: str
    name: str
    id_number: str
    phone: str
    birth_date: date | None
    address: str
    town_id: int | None
    household: str
    programme_id: int | None
    amount: Decimal | None
    given_on: date | None
    status: str
    disability_grade: int | None
    income_per_head: Decimal | None


class RowRefused(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class RowSkipped(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Row:
    """One row's cells by our field names (None where the file has no such column)."""

    def __init__(self, values: Sequence[Cell], layout: Layout, headers: Mapping[str, str]) -> None:
        self.headers = headers
        count = len(values)
        self.cells = {f: values[i] if i < count else None for f, i in layout.positions.items()}

    def get(self, field: str) -> Cell:
        return self.cells.get(field)

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


INCOME, AMOUNT = _lazy("Income"), _lazy("Amount")


def check_row(
    values: Sequence[Cell], layout: Layout, headers: Mapping[str, str], lookups: Lookups
) -> Clean:
    """Raises RowSkipped (blank, repeated header, totals) or RowRefused naming the column."""
    row = _Row(values, layout, headers)
    first = cells.text(row.get("name"))
    if not first and all(v is None or cells.text(v) == "" for v in values):
        raise RowSkipped(_("Empty row."))
    if first == headers.get("name") and layout.is_header(values):
        raise RowSkipped(_("The header row repeated; skipped."))
    if first in SUMMARY_NAMES:
        raise RowSkipped(_("A totals row; skipped."))
    field = "name"
    try:
        name = cells.name(row.get("name"))
        field = "id_number"
        id_number = cells.id_number(row.get("id_number"))
        field = "phone"
        phone = cells.phone(row.get("phone"))
        if not id_number and not phone:
            raise CellError(_("Neither an ID number nor a phone: the person cannot be told apart."))
        field = "birth_date"
        birth_date = _birth_date(row.get("birth_date"), id_number)
        field = "address"
        address = cells.short_text(row.get("address"), limit=200)
        field = "household"
        household = cells.short_text(row.get("household"), limit=64)
        field = "town"
        town_id = _town(row.get("town"), lookups)
        field = "status"
        status = cells.status(row.get("status") or lookups.defaults.get("status"))
        field = "disability_grade"
        grade = cells.disability_grade(row.get("disability_grade"))
        field = "income_per_head"
        income = cells.money(row.get("income_per_head"), label=INCOME)
        field = "programme"
        programme_id = _programme(row.get("programme"), lookups)
        field = "amount"
        amount = cells.money(row.get("amount") or lookups.defaults.get("amount"), label=AMOUNT)
        field = "given_on"
        given_on = cells.day(
            row.get("given_on") or lookups.defaults.get("given_on"), allow_month=True
        )
        field = "record_no"
        record_no = cells.short_text(row.get("record_no"), limit=60)
    except CellError as error:
        raise RowRefused(row.column(field), error.message) from None
    kind = RecordKind.AID if programme_id is not None else RecordKind.FACT
    if kind == RecordKind.AID and given_on is None:
        raise RowRefused(row.column("given_on"), _("The date the aid was given is empty."))
    if kind == RecordKind.FACT:
        if not (status or grade is not None or income is not None):
            raise RowRefused(row.column("programme"), _("The programme is empty."))
        amount = None
    facts = (status, grade, income)
    key_parts = (
        kind,
        id_number or f"{name}|{phone}|{birth_date}",
        programme_id,
        given_on,
        amount,
        *facts,
    )
    natural_key = (
        "n:" + record_no
        if record_no
        else hashlib.sha256("|".join(str(p) for p in key_parts).encode()).hexdigest()[:40]
    )
    return Clean(
        natural_key=natural_key,
        kind=kind,
        name=name,
        id_number=id_number,
        phone=phone,
        birth_date=birth_date,
        address=address,
        town_id=town_id,
        household=household,
        programme_id=programme_id,
        amount=amount,
        given_on=given_on,
        status=status,
        disability_grade=grade,
        income_per_head=income,
    )


def _birth_date(value: Cell, id_number: str) -> date | None:
    given = cells.day(value)
    if not id_number:
        return given
    # Already checked by cells.id_number: the digits are a real date.
    from_id = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    if given is not None and given != from_id:
        raise CellError(
            _("The birth date %(given)s differs from the one in the ID number (%(id)s).")
            % {"given": given.isoformat(), "id": from_id.isoformat()}
        )
    return from_id


def _town(value: Cell, lookups: Lookups) -> int | None:
    raw = cells.text(value) or lookups.defaults.get("town", "")
    if not raw:
        return None
    found = lookups.towns.get(raw)
    if found is None:
        raise CellError(_("Unknown town “%(value)s”.") % {"value": raw})
    return found


def _programme(value: Cell, lookups: Lookups) -> int | None:
    raw = cells.text(value) or lookups.defaults.get("programme", "")
    if not raw:
        return None
    found = lookups.programmes.get(raw) or lookups.programmes.get(raw.upper())
    if found is None:
        raise CellError(
            _("Unknown programme “%(value)s” (not one of this body's programmes).") % {"value": raw}
        )
    return found


__all__ = ["FACT_FIELDS", "Clean", "Lookups", "RowRefused", "RowSkipped", "check_row"]
