"""Field normalisation shared by the aid-record imports and by person matching.

Every function takes what a source body typed (or what Excel made of it) and returns the one
canonical spelling, ``""`` for an empty value, or raises ``ValueError`` with a short translated
message that names the problem. Nothing here needs a database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from sanfu.lib.idnumber import IdNumberError, id_number_widen, parse_id_number
from sanfu.lib.phones import phone_clean

__all__ = [
    "clean_date",
    "clean_id_number",
    "clean_name",
    "clean_phone",
    "clean_text",
    "is_excel_number",
]

_SPACES = re.compile(r"\s+")
# Separators people and spreadsheets put inside numbers: spaces, dashes of every width, dots
# of phone numbers written 138.1234.5678, brackets around area codes.
_NUMBER_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―﹣－.()（）]+")
# What Excel shows for a long number it has turned into a float: 3.30102E+17, 3.30102e17.
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d+\.\d*$")
# Middle dots of minority and transliterated names (阿卜杜·热合曼) come in many code points.
_NAME_DOTS = re.compile(r"[·•・‧∙⋅．.]+")
_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in); serials between these
# bounds are 1900-01-01 … 2173-10-14, i.e. plausible dates, never a compact yyyymmdd number.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"^(\d{1,5})(?:\.0*)?$")
_EARLIEST_DATE = date(1890, 1, 1)
_LATEST_DATE = date(2100, 12, 31)


def clean_text(value: object) -> str:
    """NFKC (full-width letters and digits to ASCII), runs of white space to one space, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


def clean_name(value: object) -> str:
    """A person's name: no white space inside Chinese names, one kind of middle dot.

    Latin letters are upper-cased (``Zhang Wei`` and ``ZHANG WEI`` are one spelling); the space
    between Latin words is kept. Digits or other symbols in a name are refused.
    """
    text = clean_text(value)
    if not text:
        return ""
    text = _NAME_DOTS.sub("·", text).strip("·")
    # Spaces between Chinese characters are typing noise (张 三); between Latin words they count.
    text = re.sub(r"(?<=[^A-Za-z]) | (?=[^A-Za-z])", "", text).upper()
    for char in text:
        if char in " ·" or unicodedata.category(char).startswith("L"):
            continue
        raise ValueError(
            _("The name contains %(char)s, which is not a letter or a Chinese character.")
            % {"char": char}
        )
    return text


def clean_id_number(value: object) -> str:
    """An 18-character resident ID number, checked (length, birth date, check digit).

    Full-width characters become ASCII, spaces and dashes go, ``x`` becomes ``X``. A 15-digit
    first-generation number (issued before 1999, born in the 1900s) is converted to its 18-digit
    form. A number that Excel turned into a float is refused: its last digits are lost. The region
    code is never checked here (codes change; old residents' codes predate their region).
    """
    if isinstance(value, float):
        raise ValueError(_excel_float_message())
    text = clean_text(value)
    if not text:
        return ""
    if _looks_like_float(text.replace(" ", "")):
        raise ValueError(_excel_float_message())
    text = _NUMBER_SEPARATORS.sub("", text).upper()
    try:
        return parse_id_number(id_number_widen(text)).number
    except IdNumberError as exc:
        raise ValueError(exc.message) from None


def is_excel_number(value: object) -> bool:
    """Whether an ID-number cell holds what Excel made of a long number (a float, 3.30102E+17,
    …1234.0), whose last digits are lost; ``clean_id_number`` refuses exactly these."""
    if isinstance(value, float):
        return True
    return _looks_like_float(clean_text(value).replace(" ", ""))


def _looks_like_float(text: str) -> bool:
    return bool(_SCIENTIFIC.match(text) or _FLOAT_TAIL.match(text))


def _excel_float_message() -> str:
    return _(
        "The ID number was stored as a number (e.g. 3.30102E+17 or …1234.0), so its last digits "
        "are lost; format the column as text and export again."
    )


def clean_phone(value: object) -> str:
    """A phone number in lib.phones' normal form, from whatever a spreadsheet cell holds (a
    phone column Excel made numeric: 13812345678.0)."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("The phone number is not a whole number."))
        value = str(int(value))
    text = clean_text(value)
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return phone_clean(text)


def clean_date(value: object) -> str:
    """A date as ISO ``yyyy-mm-dd``.

    Accepts ISO dates (with a time part, as spreadsheets export them), ``2024/1/5``,
    ``2024.1.5``, ``2024年1月5日``, ``20240105``, Excel serial numbers (``45296``) and
    ``date``/``datetime`` objects. Dates before 1890 or after 2100 are refused.
    """
    if isinstance(value, date):
        return _checked(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(float(value))
    text = clean_text(value)
    if not text:
        return ""
    # 2024-01-05 00:00:00 or 2024-01-05T00:00:00: the time part is meaningless here.
    text = re.sub(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", "", text).strip()
    if match := _DATE_PARTS.match(text) or _COMPACT_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
        try:
            parsed = date(year, month, day)
        except ValueError:
            raise ValueError(_("%(date)s is not a real date.") % {"date": text}) from None
        return _checked(parsed)
    if serial := _EXCEL_SERIAL.match(text):
        return _excel_serial(float(serial.group(1)))
    raise ValueError(
        _("%(value)s is not a date (write it as 2024-01-05, 2024/1/5 or 2024年1月5日).")
        % {"value": text}
    )


def _excel_serial(serial: float) -> str:
    if not serial.is_integer() or not 1 <= serial <= 100_000:
        raise ValueError(_("%(value)s is not a date.") % {"value": f"{serial:g}"})
    return _checked(_EXCEL_EPOCH + timedelta(days=int(serial)))


def _checked(day: date) -> str:
    if isinstance(day, datetime):
        day = day.date()
    if day < _EARLIEST_DATE:
        raise ValueError(_("The date %(date)s is before 1890.") % {"date": day.isoformat()})
    if day > _LATEST_DATE:
        raise ValueError(_("The date %(date)s is after 2100.") % {"date": day.isoformat()})
    return day.isoformat()
