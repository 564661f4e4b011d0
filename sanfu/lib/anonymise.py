"""Removing personal data from text that will be published.

Mobile numbers are a person's; a landline with its area code (0571-88886666) or a short
hotline (12345, 12315) in an office's answer is how the public reaches that office, and an
answer is asked to give one (routing.review's no_contact), so an answer keeps them. In a
resident's own words a landline is more likely their home's and is masked.
"""

from __future__ import annotations

import re

from sanfu.lib.masking import mask_name

_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Resident ID numbers (18 characters, or the old 15-digit form).
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)"), "[身份证号]"),
    # Mobile numbers, with or without +86 and separators.
    (re.compile(r"(?:\+?86[-\s]?)?(?<!\d)1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"), "[手机号]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
    # House numbers: keep the street, drop the door.
    (re.compile(r"\d+\s*(?:号楼|栋|幢|单元|室|号)"), "**号"),
)


def anonymise(
    text: str, *, names: list[str] | None = None, keep_office_phones: bool = False
) -> str:
    """Mask ID numbers, mobiles, email addresses, door numbers and the given personal names;
    landlines too unless `keep_office_phones` (an office's answer)."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    if not keep_office_phones:
        text = _LANDLINE.sub("[电话]", text)
    for name in names or []:
        name = name.strip()
        # A one-letter "name" would mask that letter all through the text.
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text
