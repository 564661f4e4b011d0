"""Reading Open311 parameters: an empty parameter is an absent one, as the specification says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed
from sanfu.lib.limits import normalise_newlines, too_long

DEFAULT_LIMIT = 1000


def clean_text(value: str, *, name: str) -> str:
    """Refuse what no database column can hold: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise ValidationFailed(_("The value holds a NUL character."), field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed(_("The value is not valid UTF-8."), field=name) from None
    return value


def param(data: QueryDict, name: str, *, limit: int = DEFAULT_LIMIT) -> str | None:
    """The parameter's value, stripped; None when absent or empty."""
    raw = data.get(name)
    if raw is None or not raw.strip():
        return None
    value = normalise_newlines(clean_text(raw.strip(), name=name))
    if len(value) > limit:
        raise ValidationFailed(too_long(name, count=len(value), limit=limit), field=name)
    return value


def param_list(data: QueryDict, name: str) -> list[str]:
    """A comma-separated parameter (also accepted repeated) as its non-empty items."""
    items: list[str] = []
    for raw in data.getlist(name):
        items += [item.strip() for item in clean_text(raw, name=name).split(",")]
    return list(dict.fromkeys(item for item in items if item))


def w3c_datetime(value: str, *, name: str) -> dt.datetime:
    """A W3C datetime with its time zone (2010-01-01T00:00:00Z), or a date taken as local."""
    try:
        # A date first: Python reads "2010-01-01" as a datetime too, without a time zone.
        day = parse_date(value)
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        moment = day = None
    if day is not None:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    if moment is None:
        raise ValidationFailed(
            _("Not a W3C datetime such as 2010-01-01T00:00:00Z."),
            field=name,
        )
    if timezone.is_naive(moment):
        raise ValidationFailed(
            _("The datetime must include its time zone, such as Z or +08:00."),
            field=name,
        )
    return moment


def coordinate(value: str, *, name: str, bound: int) -> Decimal:
    """A WGS84 degree, rounded to six places (about 0.1 m)."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not -bound <= number <= bound:
        raise ValidationFailed(
            _("Not a coordinate between -%(bound)d and %(bound)d.") % {"bound": bound},
            field=name,
        )
    return number.quantize(Decimal("0.000001"))


def positive_int(value: str | None, *, name: str, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ValidationFailed(
            _("A whole number from 1 to %(maximum)d.") % {"maximum": maximum},
            field=name,
        )
    return int(value)
