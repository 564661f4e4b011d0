"""Turning one spreadsheet cell into one of our values, or a message saying why it cannot be.

Each parser takes what the reader gives (str, int, float, datetime or None) and returns the
clean value, or raises `CellError` with a translated message. Full-width digits and letters
(NFKC) and surrounding spaces are folded everywhere; nothing is guessed beyond that.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from sanfu.assistance.models import Status
from sanfu.lib.idnumber import IdNumberError, parse_id_number

Cell = str | int | float | datetime | date | None


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.isascii():
        return value.strip()  # nothing for NFKC to fold
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


def id_number(value: Cell) -> str:
    """An 18-character ID number, checked (length, birth date, check digit)."""
    if isinstance(value, float):
        raise CellError(
            _(
                "The ID number was stored as a number (%(value)s), so Excel has lost its last "
                "digits; format the column as text and export it again."
            )
            % {"value": f"{value:.5E}"}
        )
    raw = text(value).replace(" ", "")
    if _SCIENTIFIC.match(raw) or (isinstance(value, int) and raw.endswith("000")):
        raise CellError(
            _(
                "The ID number was stored as a number (%(value)s), so Excel has lost its last "
                "digits; format the column as text and export it again."
            )
            % {"value": raw}
        )
    if not raw:
        return ""
    try:
        return parse_id_number(raw).number
    except IdNumberError as error:
        raise CellError(error.message) from None


def name_text(value: Cell) -> str:
    """A person's name as the sources' records hold it: folded (NFKC), no white space inside.
    Applications compare names in this form, so 张 三 and 张三 are one name everywhere."""
    return "".join(text(value).split())


def name(value: Cell) -> str:
    cleaned = name_text(value)
    if not cleaned:
        raise CellError(_("The name is empty."))
    if len(cleaned) > 50:
        raise CellError(_("The name is longer than 50 characters."))
    if any(c.isdigit() for c in cleaned):
        raise CellError(_("A name has no digits."))
    return cleaned


def phone(value: Cell) -> str:
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("This is not a phone number."))
    raw = re.sub(r"[\s\-()（）]", "", text(value))
    if not raw:
        return ""
    if raw.startswith("+86"):
        raw = raw[3:]
    if not raw.isdigit() or not 7 <= len(raw) <= 12 or (raw[0] == "1" and len(raw) != 11):
        raise CellError(_("This is not a phone number."))
    return raw


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def day(value: Cell, *, allow_month: bool = False) -> date | None:
    """A date; `2025-07` (or 2025年7月) means the month's first day where `allow_month`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    if " " in raw:  # "2025-07-01 00:00:00" from a date-time column
        raw = raw.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        found = pattern.match(raw)
        if found:
            year, month, dd = (int(part) for part in found.groups())
            break
    else:
        found = _MONTH_PATTERN.match(raw) if allow_month else None
        if not found:
            raise CellError(_("“%(value)s” is not a date (use 2025-07-01).") % {"value": raw})
        year, month, dd = int(found.group(1)), int(found.group(2)), 1
    try:
        result = date(year, month, dd)
    except ValueError:
        raise CellError(_("%(value)s is not a real date.") % {"value": raw}) from None
    if not 1900 <= result.year <= 2100:
        raise CellError(_("%(value)s is not a plausible date.") % {"value": raw})
    return result


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
    cleaned = " ".join(text(value).split())
    if len(cleaned) > limit:
        raise CellError(_("Longer than %(limit)d characters.") % {"limit": limit})
    return cleaned
