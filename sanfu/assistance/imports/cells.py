"""Turning one spreadsheet cell into one of our values, or a message saying why it cannot be.

Each parser takes what the reader gives (str, int, float, datetime or None) and returns the
clean value, or raises `CellError` with a translated message. What a valid ID number, phone,
date, name or piece of text is, is decided once, in `sanfu.assistance.linkage.clean`, which
person matching uses too; here are only what belongs to spreadsheet cells (Excel's numbers
and date cells, a month for the date aid was given) and the fields only imports have (amounts,
statuses, disability grades).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from sanfu.assistance.linkage import clean
from sanfu.assistance.models import Status

Cell = str | int | float | datetime | date | None


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: Cell) -> str:
    """The cell as text in the one clean form (NFKC, white space runs to one space, trimmed);
    a whole number Excel stored as a float reads without its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean.clean_text(value)


def id_number(value: Cell) -> str:
    """An 18-character ID number, checked (length, birth date, check digit)."""
    # A whole number of 18 digits in a number cell is one Excel rounded (it keeps 15).
    if not (isinstance(value, int) and str(value).endswith("000")):
        try:
            return clean.clean_id_number(value)
        except ValueError as error:
            if not clean.is_excel_number(value):
                raise CellError(str(error)) from None
    shown = f"{value:.5E}" if isinstance(value, float) else text(value).replace(" ", "")
    raise CellError(
        _(
            "The ID number was stored as a number (%(value)s), so Excel has lost its last "
            "digits; format the column as text and export it again."
        )
        % {"value": shown}
    )


def name_text(value: Cell) -> str:
    """A person's name as the sources' records hold it (`clean_name`), so 张 三 and 张三 are one
    name everywhere; a name `clean_name` refuses is only folded, and matches no record."""
    try:
        return clean.clean_name(value)
    except ValueError:
        return "".join(text(value).split())


def name(value: Cell) -> str:
    try:
        cleaned = clean.clean_name(value)
    except ValueError as error:
        raise CellError(str(error)) from None
    if not cleaned:
        raise CellError(_("The name is empty."))
    if len(cleaned) > 50:
        raise CellError(_("The name is longer than 50 characters."))
    return cleaned


def phone(value: Cell) -> str:
    try:
        return clean.clean_phone(value)
    except ValueError as error:
        raise CellError(str(error)) from None


_MONTH_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def day(value: Cell, *, allow_month: bool = False) -> date | None:
    """A date; `2025-07` (or 2025年7月) means the month's first day where `allow_month`.

    A number cell holds an Excel date serial (45839), or a compact 20250701 typed as a number.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, int) and value >= 1_000_000:
        value = str(value)  # 20250701: no serial is this large
    if allow_month and isinstance(value, str):
        found = _MONTH_PATTERN.match(text(value))
        if found:
            value = f"{found.group(1)}-{int(found.group(2)):02d}-01"
    try:
        cleaned = clean.clean_date(value)
    except ValueError as error:
        raise CellError(str(error)) from None
    return date.fromisoformat(cleaned) if cleaned else None


def money(value: Cell, *, label: str | Promise) -> Decimal | None:
    if isinstance(value, int | float):
        raw = repr(value)
    else:
        raw = text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
        raw = raw.removeprefix("¥").removeprefix("￥")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise CellError(
            _("%(label)s “%(value)s” is not a number.") % {"label": label, "value": raw}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise CellError(_("%(label)s cannot be negative.") % {"label": label})
    if amount >= Decimal("1e9"):
        raise CellError(_("%(label)s is too large.") % {"label": label})
    return amount.quantize(Decimal("0.01"))


_STATUS_WORDS: dict[str, str] = {
    "低保": Status.LOW_INCOME,
    "低保户": Status.LOW_INCOME,
    "低保对象": Status.LOW_INCOME,
    "最低生活保障": Status.LOW_INCOME,
    "特困": Status.EXTREME_POVERTY,
    "特困人员": Status.EXTREME_POVERTY,
    "特困供养": Status.EXTREME_POVERTY,
    "五保": Status.EXTREME_POVERTY,
    "低保边缘": Status.MARGINAL,
    "边缘户": Status.MARGINAL,
    "孤儿": Status.ORPHAN,
    "事实无人抚养儿童": Status.ORPHAN,
    "残疾": Status.DISABLED,
    "持证残疾人": Status.DISABLED,
    **{value: value for value in Status.values},
}


def status(value: Cell) -> str:
    raw = text(value)
    if not raw:
        return ""
    found = _STATUS_WORDS.get(raw) or _STATUS_WORDS.get(raw.lower())
    if found is None:
        raise CellError(_("Unknown registered status “%(value)s”.") % {"value": raw})
    return found


_GRADE_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def disability_grade(value: Cell) -> int | None:
    raw = text(value).removeprefix("残疾").removesuffix("级").removesuffix("等")
    if not raw:
        return None
    grade = _GRADE_WORDS.get(raw)
    if grade is None:
        raise CellError(
            _("A disability grade is 1 to 4 (一级 to 四级), not “%(value)s”.") % {"value": raw}
        )
    return grade


def short_text(value: Cell, *, limit: int) -> str:
    cleaned = text(value)
    if len(cleaned) > limit:
        raise CellError(_("Longer than %(limit)d characters.") % {"limit": limit})
    return cleaned
