"""The published Open311 schemas, and the form the XML format's documents must meet.

`as_xml_values` turns a schema into the one its XML, read by the Spark convention (see
`xmlspark`), must meet: every scalar a string (or empty), booleans "true"/"false".
"""

from __future__ import annotations

import copy
from typing import Any

from sanfu.api.open311.schemas import (
    CREATED,
    DISCOVERY,
    ERRORS,
    REQUEST,
    REQUESTS,
    SERVICE_DEFINITION,
    SERVICES,
    TOKEN,
)

__all__ = [
    "CREATED",
    "DISCOVERY",
    "ERRORS",
    "REQUEST",
    "REQUESTS",
    "SERVICES",
    "SERVICE_DEFINITION",
    "TOKEN",
    "as_xml_values",
]


def as_xml_values(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema for the same document read from XML: text everywhere, empty as null."""
    textual: dict[str, Any] = _textual(copy.deepcopy(schema))
    return textual


def _textual(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "object":
        schema["properties"] = {k: _textual(v) for k, v in schema["properties"].items()}
        return schema
    if schema.get("type") == "array":
        schema["items"] = _textual(schema["items"])
        return schema
    if "anyOf" in schema:
        return {"anyOf": [_textual(option) for option in schema["anyOf"]]}
    kind = schema.get("type")
    if kind == "null":
        return schema
    if kind == "boolean":
        text: dict[str, Any] = {"enum": ["true", "false"]}
    elif kind == "integer":
        text = {"type": "string", "pattern": r"^-?\d+$"}
    elif kind == "number":
        text = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
    elif "const" in schema or "enum" in schema:
        text = schema
    else:
        text = {key: value for key, value in schema.items() if key != "minLength"}
    # An empty element reads as null, whatever the JSON has there ("" or null).
    return {"anyOf": [text, {"type": "null"}]}
