"""One document, two formats: Open311's XML and its JSON by the Spark convention.

Views build plain values (dicts, lists, strings, numbers, booleans, None); this module writes
them as XML, where a list is a container element whose items repeat one element name
(`services/service`, `attributes/attribute`, …), or as JSON, where the same list is an array
and a root container is the array itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TypeAlias
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

Value: TypeAlias = (
    "str | int | float | bool | Decimal | datetime | list[Value] | dict[str, Value] | None"
)

CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
FORMATS = frozenset(CONTENT_TYPES)

# The element name of the items of each container, as the specification names them.
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}

# Characters XML 1.0 cannot carry at all, even escaped; user text may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def w3c(moment: datetime | None) -> str | None:
    """A W3C datetime with its offset, in the county's time zone: 2024-05-01T09:30:00+08:00.

    The default zone rather than `timezone.localtime`'s current one: the project never
    switches zones per request, and a page of a thousand requests formats four thousand of
    these, where the per-call lookup of the current zone showed in profiles.
    """
    if moment is None:
        return None
    zone = timezone.get_default_timezone()
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def _scalar(value: str | int | float | bool | Decimal | datetime) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return _NOT_XML.sub("", str(value))


def _xml(name: str, value: Value, out: list[str]) -> None:
    if value is None or value == "" or value == [] or value == {}:
        out.append(f"<{name}/>")
        return
    out.append(f"<{name}>")
    if isinstance(value, dict):
        for key, item in value.items():
            _xml(key, item, out)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[name]
        for item in value:
            _xml(item_name, item, out)
    else:
        out.append(escape(_scalar(value)))
    out.append(f"</{name}>")


def to_xml(root: str, value: Value) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _xml(root, value, out)
    out.append("\n")
    return "".join(out).encode("utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return w3c(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: Value) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(fmt: str, root: str, value: Value, *, status: int = 200) -> HttpResponse:
    """`value` as an Open311 document in `fmt` ("xml" or "json") under the root `root`."""
    body = to_xml(root, value) if fmt == "xml" else to_json(value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    """The specification's error document; each code is the HTTP status, as a string."""
    value: Value = [
        {"code": str(status), "description": description} for description in descriptions
    ]
    return render(fmt, "errors", value, status=status)
