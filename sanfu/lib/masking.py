"""Masking personal data for display: one rule per kind of value, used by every surface
(workbench, staff API, exports, portal, published text). Knows nothing of who is looking.

Values are normalised first (NFKC folds full-width digits and letters; runs of spaces count
as one separator), so the same person shows the same way everywhere, however it was typed.
"""

from __future__ import annotations

import re
import unicodedata

from sanfu.lib.idnumber import mask_id_number

_SEPARATORS = re.compile(r"[\s\-()（）]+")
# A phone number shows its first three and last four digits only when it has eleven or more
# (a mobile, or a landline with its area code): keeping seven digits of a shorter number
# would show nearly all of it.
_PHONE_KEEP_FROM = 11


def mask_name(value: str) -> str:
    """`王**`: the first character and a star for every other letter (spaces dropped)."""
    letters = "".join(unicodedata.normalize("NFKC", value).split())
    if not letters:
        return ""
    if len(letters) == 1:
        return "*"
    return letters[0] + "*" * (len(letters) - 1)


def mask_phone(value: str) -> str:
    """`138****5678`; numbers shorter than eleven digits are masked entirely."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if len(digits) < _PHONE_KEEP_FROM:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id(value: str) -> str:
    """`330225********1234` (lib.idnumber's rule; 15-digit and short values alike)."""
    return mask_id_number(value) if value.strip() else ""
