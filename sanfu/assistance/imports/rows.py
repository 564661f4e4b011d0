"""Checking one row against the layout: a clean record, or the column and reason it is refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

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


class Clean(NamedTuple):
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


INCOME, AMOUNT = _lazy("Income"), _lazy("Amount")
T = TypeVar("T")
MEMO_LIMIT = 100_000  # distinct values remembered per column before starting afresh


def _memo(parse: Callable[[Cell], T]) -> Callable[[Cell], T]:
    """`parse` remembered per cell value: a file repeats its towns, programmes, dates, amounts
    and many names thousands of times, and each is checked once."""
    cache: dict[object, T | CellError] = {}

    def parse_once(value: Cell) -> T:
        key: object = value if type(value) is str else (type(value), value)
        try:
            found = cache[key]
        except KeyError:
            try:
                found = parse(value)
            except CellError as error:
                found = error
            if len(cache) >= MEMO_LIMIT:
                cache.clear()
            cache[key] = found
        if isinstance(found, CellError):
            raise CellError(found.message)
        return found

    return parse_once


RowChecker = Callable[[Sequence[Cell]], Clean]
Reader = Callable[[Sequence[Cell]], T]


def _reader(
    index: int, parse: Callable[[Cell], T], default: str | None, *, memo: bool
) -> Reader[T]:
    """One field's value from a row's cells (padded to the mapped width): its column parsed,
    the mapping's default where the cell is empty, and a column the file lacks parsed once."""
    if index < 0:
        try:
            constant = parse(default)
        except CellError as error:
            message = error.message

            def refuse(values: Sequence[Cell]) -> T:
                raise CellError(message)

            return refuse
        return lambda values: constant
    once = _memo(parse) if memo else parse
    if default is None:
        return lambda values: once(values[index])
    return lambda values: once(values[index] or default)


def row_checker(layout: Layout, headers: Mapping[str, str], lookups: Lookups) -> RowChecker:
    """A function from one row's cells to a clean record, for the rows of one file.

    Raises RowSkipped (blank, repeated header, totals) or RowRefused naming the column. Built
    once per file: the columns' positions are fixed and each column's parser remembers the
    values it has seen, so a row costs a few dictionary look-ups besides its own ID number and
    phone.
    """
    positions = layout.positions
    width = max(positions.values(), default=-1) + 1
    defaults = lookups.defaults

    def reader(field: str, parse: Callable[[Cell], T], *, memo: bool = True) -> Reader[T]:
        return _reader(positions.get(field, -1), parse, defaults.get(field), memo=memo)

    name_of = reader("name", cells.name)
    id_number_of = reader("id_number", cells.id_number, memo=False)  # one a person
    phone_of = reader("phone", cells.phone, memo=False)
    birth_of = reader("birth_date", cells.day)
    address_of = reader("address", lambda v: cells.short_text(v, limit=200))
    household_of = reader("household", lambda v: cells.short_text(v, limit=64))
    town_of = reader("town", lambda v: _town(v, lookups))
    status_of = reader("status", cells.status)
    grade_of = reader("disability_grade", cells.disability_grade)
    income_of = reader("income_per_head", lambda v: cells.money(v, label=INCOME))
    programme_of = reader("programme", lambda v: _programme(v, lookups))
    amount_of = reader("amount", lambda v: cells.money(v, label=AMOUNT))
    given_of = reader("given_on", lambda v: cells.day(v, allow_month=True))
    record_of = reader("record_no", lambda v: cells.short_text(v, limit=60), memo=False)
    # In the order of _clean's arguments after the birth date.
    others: tuple[tuple[str, Reader[Any]], ...] = (
        ("address", address_of), ("household", household_of), ("town", town_of),
        ("status", status_of), ("disability_grade", grade_of), ("income_per_head", income_of),
        ("programme", programme_of), ("amount", amount_of), ("given_on", given_of),
        ("record_no", record_of),
    )  # fmt: skip
    name_at = positions.get("name")
    text = _memo(cells.text)
    header_name = headers.get("name")
    column = {field: headers.get(field, field) for field in _ORDER}

    def check(values: Sequence[Cell]) -> Clean:
        if len(values) < width:
            values = [*values, *([None] * (width - len(values)))]
        first = text(values[name_at]) if name_at is not None else ""
        if not first:
            if all(v is None or text(v) == "" for v in values):
                raise RowSkipped(_("Empty row."))
        elif first == header_name and layout.is_header(values):
            raise RowSkipped(_("The header row repeated; skipped."))
        elif first in SUMMARY_NAMES:
            raise RowSkipped(_("A totals row; skipped."))
        field = "name"
        try:
            name = name_of(values)
            field = "id_number"
            id_number = id_number_of(values)
            field = "phone"
            phone = phone_of(values)
            if not id_number and not phone:
                raise CellError(
                    _("Neither an ID number nor a phone: the person cannot be told apart.")
                )
            field = "birth_date"
            birth_date = _birth_date(birth_of(values), id_number)
            found = []
            for field, read in others:  # noqa: B007 - the refusal below names it
                found.append(read(values))
        except CellError as error:
            raise RowRefused(column[field], error.message) from None
        return _clean(name, id_number, phone, birth_date, *found, column=column)

    return check


_ORDER = (
    "record_no", "name", "id_number", "phone", "birth_date", "address", "town", "household",
    "programme", "amount", "given_on", "status", "disability_grade", "income_per_head",
)  # fmt: skip


def _clean(
    name: str,
    id_number: str,
    phone: str,
    birth_date: date | None,
    address: str,
    household: str,
    town_id: int | None,
    status: str,
    grade: int | None,
    income: Decimal | None,
    programme_id: int | None,
    amount: Decimal | None,
    given_on: date | None,
    record_no: str,
    *,
    column: Mapping[str, str],
) -> Clean:
    kind = RecordKind.AID if programme_id is not None else RecordKind.FACT
    if kind == RecordKind.AID and given_on is None:
        raise RowRefused(column["given_on"], _("The date the aid was given is empty."))
    if kind == RecordKind.FACT:
        if not (status or grade is not None or income is not None):
            raise RowRefused(column["programme"], _("The programme is empty."))
        amount = None
    if record_no:
        natural_key = "n:" + record_no
    else:
        key_parts = (
            kind,
            id_number or f"{name}|{phone}|{birth_date}",
            programme_id,
            given_on,
            amount,
            status,
            grade,
            income,
        )
        digest = hashlib.sha256("|".join([str(p) for p in key_parts]).encode())
        natural_key = digest.hexdigest()[:40]
    return Clean(
        natural_key, kind, name, id_number, phone, birth_date, address, town_id, household,
        programme_id, amount, given_on, status, grade, income,
    )  # fmt: skip


def check_row(
    values: Sequence[Cell], layout: Layout, headers: Mapping[str, str], lookups: Lookups
) -> Clean:
    """One row checked on its own (`row_checker` for the rows of a file)."""
    return row_checker(layout, headers, lookups)(values)


def _birth_date(given: date | None, id_number: str) -> date | None:
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


__all__ = [
    "FACT_FIELDS", "Clean", "Lookups", "RowRefused", "RowSkipped", "check_row", "row_checker",
]  # fmt: skip
