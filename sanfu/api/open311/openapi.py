"""The OpenAPI document of sanfu's Open311 GeoReport v2 endpoints (JSON format).

GeoReport v2 predates OpenAPI and publishes its endpoints as prose; this document states them
for generators and clients, with the answers' schemas the tests check (`schemas.py`). Every
operation also answers in XML at the same path ending in `.xml` instead of `.json`.

Open311 has one status for any input it cannot take, 400, whether the fault is the form (a
coordinate out of range) or a rule (lat without long); 404 for an unknown service, jurisdiction
or request; 403 for a missing or bad api_key; 429 with Retry-After when a client posts too fast.
"""

from __future__ import annotations

from typing import Any

from sanfu.api.idempotency import HEADER, KEY_MAX
from sanfu.api.open311 import schemas
from sanfu.api.open311.present import MAX_PAGE_SIZE
from sanfu.cases.models import DESCRIPTION_MAX

JSON = "application/json"


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


_ERRORS = {
    "400": _answer(
        "The input cannot be taken; the description says which parameter.", schemas.ERRORS
    ),
    "404": _answer("No such service, jurisdiction or request.", schemas.ERRORS),
}
_POST_ERRORS = {
    **_ERRORS,
    "403": _answer("api_key is missing or not valid.", schemas.ERRORS),
    "409": _answer("A request with this Idempotency-Key still runs.", schemas.ERRORS),
    "429": {
        **_answer("Too many requests; wait for Retry-After seconds.", schemas.ERRORS),
        "headers": {"Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}}},
    },
}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": "^[^/]+$"},
    }


_JURISDICTION = _query(
    "jurisdiction_id", "The county's unit code; may be left out while the server serves one."
)
_EXTENSIONS = _query(
    "extensions",
    "true adds extended_attributes and notes to each request.",
    {"type": "string", "enum": ["true", "false"]},
)
_PAGE = {"type": "string", "pattern": "^[0-9]+$"}

_REQUEST_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": {"type": "string", "description": "The key the county issued to the client."},
        "jurisdiction_id": {"type": "string"},
        "service_code": {"type": "string", "description": "From GET services.json."},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": {"type": "string", "description": "At most 200 characters."},
        "address_id": {"type": "string", "description": "A place's unit code."},
        "email": {"type": "string", "description": "An email address."},
        "device_id": {"type": "string"},
        "account_id": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "description": {"type": "string", "description": f"At most {DESCRIPTION_MAX} characters."},
        "media_url": {"type": "string", "description": "An http(s) URL."},
    },
    "additionalProperties": {
        "type": "string",
        "description": "attribute[CODE]: the answers to the service definition's questions.",
    },
}


def document() -> dict[str, Any]:
    """The whole document; servers are relative, so it holds on any host."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sanfu Open311 GeoReport v2",
            "version": "2",
            "description": __doc__,
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {
            "/discovery.json": {
                "get": {
                    "operationId": "discovery",
                    "responses": {"200": _answer("Service discovery.", schemas.DISCOVERY)},
                }
            },
            "/services.json": {
                "get": {
                    "operationId": "services",
                    "parameters": [_JURISDICTION],
                    "responses": {"200": _answer("Every service.", schemas.SERVICES), **_ERRORS},
                }
            },
            "/services/{service_code}.json": {
                "get": {
                    "operationId": "service_definition",
                    "parameters": [_path("service_code", "A service's code."), _JURISDICTION],
                    "responses": {
                        "200": _answer("The service's questions.", schemas.SERVICE_DEFINITION),
                        **_ERRORS,
                    },
                }
            },
            "/requests.json": {
                "get": {
                    "operationId": "requests",
                    "parameters": [
                        _query("service_request_id", "Case numbers, comma-separated."),
                        _query("service_code", "Service codes, comma-separated."),
                        _query("start_date", "A W3C datetime with its offset, or a date."),
                        _query("end_date", "A W3C datetime with its offset, or a date."),
                        _query("status", "open, closed or open,closed."),
                        _query("page", "From 1 to 100000.", _PAGE),
                        _query("page_size", f"From 1 to {MAX_PAGE_SIZE}.", _PAGE),
                        _EXTENSIONS,
                        _JURISDICTION,
                    ],
                    "responses": {"200": _answer("The requests.", schemas.REQUESTS), **_ERRORS},
                },
                "post": {
                    "operationId": "create_request",
                    "parameters": [
                        {
                            "name": HEADER,
                            "in": "header",
                            "required": False,
                            "description": "Retries with the same key return the first answer.",
                            "schema": {"type": "string", "maxLength": KEY_MAX},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": {"schema": _REQUEST_FORM}},
                    },
                    "responses": {
                        "201": _answer("The new request's id.", schemas.CREATED),
                        **_POST_ERRORS,
                    },
                },
            },
            "/requests/{service_request_id}.json": {
                "get": {
                    "operationId": "request",
                    "parameters": [
                        _path("service_request_id", "A case number."),
                        _EXTENSIONS,
                        _JURISDICTION,
                    ],
                    "responses": {"200": _answer("The request.", schemas.REQUESTS), **_ERRORS},
                }
            },
            "/tokens/{token}.json": {
                "get": {
                    "operationId": "token",
                    "parameters": [_path("token", "The token a POST returned."), _JURISDICTION],
                    "responses": {"200": _answer("The request's id.", schemas.TOKEN), **_ERRORS},
                }
            },
        },
    }
