"""Chinese 18-character resident identity numbers (GB 11643-1999).

Domain-free: this knows the structure of the number, not who may hold one or why.
Layout: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit sequence code whose
last digit gives the sex (odd for men), and an ISO 7064 MOD 11-2 check character (0-9 or X).
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from operator import mul
from typing import Literal

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed

__all__ = [
    "IdNumberError",
    "IdNumberErrorCode",
    "IdNumberInfo",
    "id_number_check_char",
    "id_number_require",
    "id_number_widen",
    "is_valid_id_number",
    "mask_id_number",
    "parse_id_number",
]

IdNumberErrorCode = Literal["length", "characters", "birth_date", "check_digit"]

_LENGTH = 18
_DIGITS = frozenset("0123456789")
_LAST_CHARS = _DIGITS | {"X"}
# Weight of position i is 2**(17 - i) mod 11; the check character makes the weighted sum of
# all 18 characters (X counting as 10) congruent to 1 mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
_EARLIEST_BIRTH_DATE = date(1890, 1, 1)
# China uses one time zone without daylight saving time, so a fixed offset is exact and does
# not depend on the tz database being installed on the host.
_CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
# Province-level codes of GB/T 2260, plus 71 (Taiwan), 81/82 (residence permits for Hong Kong
# and Macao residents) and 83 (residence permits for Taiwan residents).
_PROVINCE_CODES = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
        *range(50, 55), *range(61, 66), 71, 81, 82, 83,
    )
)  # fmt: skip
# Foreigners' permanent residence ID cards issued since December 2023 use this same format
# and check character but start with 9, which no province-level code does.
_FOREIGNER_PREFIX = "9"


@dataclass(frozen=True)
class IdNumberInfo:
    """What a well-formed ID number says about its holder."""

    number: str  # normalised: ASCII digits and an upper-case X
    birth_date: date
    sex: Literal["male", "female"]
    region_code: str  # first 6 digits; for foreigners' cards not a GB/T 2260 code
    warnings: tuple[str, ...]  # translated, for showing to staff; never a reason to reject


class IdNumberError(ValueError):
    """An ID number that cannot be right; ``code`` says which check failed."""

    def __init__(self, code: IdNumberErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: IdNumberErrorCode = code
        self.message = message


def _normalise(value: str) -> str:
    # NFKC folds the full-width digits and letters that Chinese input methods produce.
    return unicodedata.normalize("NFKC", value).strip().upper()


def id_number_check_char(first17: str) -> str:
    """Return the check character (``0``-``9`` or ``X``) for the first 17 digits."""
    if len(first17) != _LENGTH - 1 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("expected exactly 17 ASCII digits")
    # The digits' code points weighted, less what the code point of "0" adds: five times
    # faster than converting each digit, which imports of many rows notice.
    total = sum(map(mul, first17.encode(), _WEIGHTS)) - _ZERO_WEIGHT
    return _CHECK_CHARS[total % 11]


def _birth_date(digits: str, today: date | None) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdNumberError(
            "birth_date", _("The birth date %(digits)s is not a real date.") % {"digits": digits}
        ) from None
    if today is None:
        today = datetime.now(_CHINA_TZ).date()
    if born > today:
        raise IdNumberError(
            "birth_date", _("The birth date %(date)s is in the future.") % {"date": born}
        )
    if born < _EARLIEST_BIRTH_DATE:
        raise IdNumberError(
            "birth_date", _("The birth date %(date)s is before 1890.") % {"date": born}
        )
    return born


def parse_id_number(value: str, *, today: date | None = None) -> IdNumberInfo:
    """Check an ID number and return what it encodes.

    ``today`` (default: the current date in China) bounds the birth date; pass it in tests.
    Raises ``IdNumberError`` on the first failed check, in the order length, characters,
    birth date, check digit.
    """
    number = _normalise(value)
    if len(number) != _LENGTH:
        raise IdNumberError(
            "length",
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(number)},
        )
    if not set(number[:17]) <= _DIGITS or number[17] not in _LAST_CHARS:
        raise IdNumberError(
            "characters", _("An ID number is 17 digits followed by a digit or the letter X.")
        )
    birth_date = _birth_date(number[6:14], today)
    if id_number_check_char(number[:17]) != number[17]:
        # Deliberately does not name the expected character: that would only help forgers.
        raise IdNumberError("check_digit", _("The check digit does not match the other 17 digits."))
    warnings: tuple[str, ...] = ()
    # Codes change as regions are merged or split, so an unknown one is only worth a warning.
    if number[:2] not in _PROVINCE_CODES and not number.startswith(_FOREIGNER_PREFIX):
        warnings = (
            _("The first two digits (%(code)s) are not a known province-level region code.")
            % {"code": number[:2]},
        )
    return IdNumberInfo(
        number=number,
        birth_date=birth_date,
        sex="male" if int(number[16]) % 2 else "female",
        region_code=number[:6],
        warnings=warnings,
    )


def id_number_widen(value: str) -> str:
    """A first-generation 15-digit number (issued before 1999, holder born in the 1900s) in its
    18-character form; any other value unchanged. Expects a value already normalised."""
    if len(value) == 15 and value.isascii() and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        return first17 + id_number_check_char(first17)
    return value


def id_number_require(value: str, *, field: str = "id_number") -> IdNumberInfo:
    """`parse_id_number` for a form, the API or an import: a refusal names the field."""
    try:
        return parse_id_number(value)
    except IdNumberError as error:
        raise ValidationFailed(error.message, field=field) from None


def is_valid_id_number(value: str) -> bool:
    """Whether ``parse_id_number`` accepts ``value`` (warnings do not count against it)."""
    try:
        parse_id_number(value)
    except IdNumberError:
        return False
    return True


def mask_id_number(value: str) -> str:
    """Mask an ID number for staff outside the handling chain: ``330225********1234``.

    Keeps the first 6 and last 4 characters. Values of 10 characters or fewer are masked
    entirely, since keeping 10 of them would reveal nearly everything.
    """
    number = _normalise(value)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
