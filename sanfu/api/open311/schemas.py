"""JSON Schemas of Open311 GeoReport v2 documents, written from the specification's tables.

Each schema describes the JSON format (the XML format carries the same tree with every value as
text). They make the answers' part of the published OpenAPI document (`openapi.py`), and the
tests check every answer against them. Our own choices on top of the specification: codes and
ids are always strings, every field of a request is always present (null when unknown), and
datetimes always carry their offset.
"""

from __future__ import annotations

from typing import Any

from sanfu.cases.models import DESCRIPTION_MAX

W3C_DATETIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
CODE = {"type": "string", "minLength": 1}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def closed_object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


# Service discovery: every field required; formats are MIME types.
DISCOVERY = closed_object(
    {
        "changeset": {"type": "string", "minLength": 1},
        "contact": {"type": "string", "minLength": 1},
        "key_service": {"type": "string", "minLength": 1},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": closed_object(
                {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "changeset": {"type": "string", "minLength": 1},
                    "type": {"enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"enum": ["text/xml", "application/json"]},
                    },
                }
            ),
        },
    }
)

# GET Service List.
SERVICE = closed_object(
    {
        "service_code": CODE,
        "service_name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": {"type": "string"},
        "group": {"type": "string"},
    }
)
SERVICES = {"type": "array", "items": SERVICE}

# GET Service Definition.
ATTRIBUTE = closed_object(
    {
        "variable": {"type": "boolean"},
        "code": CODE,
        "datatype": {
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
        },
        "required": {"type": "boolean"},
        "datatype_description": nullable({"type": "string"}),
        "order": {"type": "integer", "minimum": 1},
        "description": {"type": "string", "minLength": 1},
        "values": {
            "type": "array",
            "items": closed_object({"key": CODE, "name": {"type": "string", "minLength": 1}}),
        },
    }
)
SERVICE_DEFINITION = closed_object(
    {"service_code": CODE, "attributes": {"type": "array", "items": ATTRIBUTE}}
)

# POST Service Request: an id, never with a token (sanfu's services are realtime).
CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": closed_object(
        {
            "service_request_id": CODE,
            "service_notice": nullable({"type": "string"}),
            "account_id": nullable({"type": "string"}),
        }
    ),
}

# GET service_request_id from a token.
TOKEN = {
    "type": "array",
    "minItems": 1,
    "items": closed_object({"service_request_id": CODE, "token": CODE}),
}

# GET Service Requests / GET Service Request; the two extensions only with extensions=true.
NOTE = closed_object(
    {"datetime": W3C_DATETIME, "description": {"type": "string"}, "type": {"type": "string"}}
)
REQUEST_FIELDS: dict[str, Any] = {
    "service_request_id": CODE,
    "status": {"enum": ["open", "closed"]},
    "status_notes": nullable({"type": "string"}),
    "service_name": nullable({"type": "string"}),
    "service_code": nullable(CODE),
    "description": nullable({"type": "string", "maxLength": DESCRIPTION_MAX}),
    "agency_responsible": nullable({"type": "string"}),
    "service_notice": nullable({"type": "string"}),
    "requested_datetime": W3C_DATETIME,
    "updated_datetime": W3C_DATETIME,
    "expected_datetime": nullable(W3C_DATETIME),
    "address": nullable({"type": "string"}),
    "address_id": nullable(CODE),
    "zipcode": nullable({"type": "string"}),
    "lat": nullable({"type": "number", "minimum": -90, "maximum": 90}),
    "long": nullable({"type": "number", "minimum": -180, "maximum": 180}),
    "media_url": nullable({"type": "string"}),
}
EXTENDED = closed_object(
    {
        "channel": {"type": "string"},
        "state": {"type": "string"},
        "priority": {"type": "string"},
        "reply_kind": nullable({"type": "string"}),
        "deadline_state": nullable({"type": "string"}),
        "title": nullable({"type": "string"}),
        "published_datetime": nullable(W3C_DATETIME),
    }
)
REQUEST = closed_object(
    {**REQUEST_FIELDS, "extended_attributes": EXTENDED, "notes": {"type": "array", "items": NOTE}},
    required=list(REQUEST_FIELDS),
)
REQUESTS = {"type": "array", "items": REQUEST}

# Errors: an array of code and description; the code is the HTTP status, as a string.
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": closed_object(
        {"code": {"type": "string", "pattern": r"^\d{3}$"}, "description": {"type": "string"}}
    ),
}
