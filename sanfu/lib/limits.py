"""Length limits on text people type: one count and one refusal for forms, services and APIs.

Characters are counted as Python counts them (code points), after Windows line ends become
"\n": a browser sends a textarea's line breaks as CRLF, and the counter the person sees
(static/sanfu/forms.js) counts one character per line break and per emoji, the same way.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def normalise_newlines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def too_long(label: str, *, count: int, limit: int) -> str:
    """The refusal, naming the field, the length given and the limit."""
    return _("“%(label)s” is too long: %(count)d characters, at most %(limit)d.") % {
        "label": label,
        "count": count,
        "limit": limit,
    }


def too_long_at_most(label: str, *, limit: int) -> str:
    """The refusal where the length given is not known (a schema validator's report)."""
    return _("“%(label)s” is too long: at most %(limit)d characters.") % {
        "label": label,
        "limit": limit,
    }
