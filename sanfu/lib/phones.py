"""Chinese phone numbers: one rule and one normal form for every entry point (forms, the APIs,
imports), so a number typed on the portal and the same number in a department's spreadsheet
are the same string.

The normal form is bare digits: an 11-digit mobile, a landline with its area code, or a local
7- or 8-digit number (what a caller in the county gives). Full-width digits, spaces, dashes,
dots and brackets inside the number and a +86 / 0086 / 86 country prefix are dropped.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed

# Separators people and spreadsheets put inside numbers: spaces, dashes of every width, dots
# of numbers written 138.1234.5678, brackets around area codes.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―﹣－.()（）]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$|^[1-9]\d{6,7}$")


def phone_clean(value: str) -> str:
    """The number in its normal form ('' for a blank value); ValueError saying what is wrong."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return ""
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("86"):
            raise ValueError(_("The phone number is not a Chinese number (+86)."))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(_("The phone number may hold only digits, spaces, dashes and +86."))
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    if digits.startswith("1"):
        raise ValueError(
            _("A mobile number has 11 digits; this one has %(count)d.") % {"count": len(digits)}
        )
    raise ValueError(_("The phone number has %(count)d digits.") % {"count": len(digits)})


def phone_require(value: str, *, field: str = "phone") -> str:
    """`phone_clean` for a form or an API: a refusal names the field."""
    try:
        return phone_clean(value)
    except ValueError as error:
        raise ValidationFailed(str(error), field=field) from None


def phone_is_mobile(phone: str) -> bool:
    """Whether a number in normal form can receive text messages."""
    return bool(_MOBILE.match(phone))
