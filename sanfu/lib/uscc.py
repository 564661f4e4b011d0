"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Domain-free: this checks the structure of a code, not whether it was ever issued.
Layout: registration authority (1 character), organisation type (1), administrative region
(6), organisation code (9), and a MOD 31 check character (1). Only the alphabet, the length
and the check character are validated; the authority and type tables change over time.
"""

import unicodedata
from typing import Literal

from django.utils.translation import gettext as _

__all__ = [
    "CreditCodeError",
    "CreditCodeErrorCode",
    "credit_code_check_char",
    "is_valid_credit_code",
    "parse_credit_code",
]

CreditCodeErrorCode = Literal["length", "characters", "check_char"]

_LENGTH = 18
# I, O, Z, S and V are left out because they are easily confused with 1, 0, 2, 5 and U.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {c: i for i, c in enumerate(_ALPHABET)}
# Weight of position i is 3**i mod 31. With 31 prime and consecutive weights in ratio 3, every
# single substitution and every adjacent transposition of distinct characters is detected.
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(ValueError):
    """A credit code that cannot be right; ``code`` says which check failed."""

    def __init__(self, code: CreditCodeErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: CreditCodeErrorCode = code
        self.message = message


def credit_code_check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a credit code."""
    if len(first17) != _LENGTH - 1 or not set(first17) <= _VALUES.keys():
        raise ValueError("expected exactly 17 characters from the credit code alphabet")
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(value: str) -> str:
    """Check a credit code and return it normalised (ASCII, upper case, no surrounding space).

    Raises ``CreditCodeError`` on the first failed check: length, characters, check character.
    """
    # NFKC folds the full-width digits and letters that Chinese input methods produce.
    code = unicodedata.normalize("NFKC", value).strip().upper()
    if len(code) != _LENGTH:
        raise CreditCodeError(
            "length",
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
        )
    if not set(code) <= _VALUES.keys():
        raise CreditCodeError(
            "characters",
            _(
                "A unified social credit code uses only digits and capital letters other "
                "than I, O, S, V and Z."
            ),
        )
    if credit_code_check_char(code[:17]) != code[17]:
        # Deliberately does not name the expected character: that would only help forgers.
        raise CreditCodeError(
            "check_char", _("The check character does not match the other 17 characters.")
        )
    return code


def is_valid_credit_code(value: str) -> bool:
    """Whether ``parse_credit_code`` accepts ``value``."""
    try:
        parse_credit_code(value)
    except CreditCodeError:
        return False
    return True
