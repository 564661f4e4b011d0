"""The staff API: django-ninja, bearer tokens, one error format, and an honest OpenAPI document.

Every operation may answer with the error document; the OpenAPI document says so for each,
and names the `Idempotency-Key` header on every POST, so clients and the schemathesis run in
the tests know every answer they can get.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from sanfu.api.errors import (
    Unauthenticated,
    staff_http_error,
    staff_invalid,
    staff_response,
)
from sanfu.api.idempotency import HEADER, KEY_MAX
from sanfu.api.staff import actions, projects, reads, routing  # noqa: F401 - they register
from sanfu.api.staff import enterprise as enterprise_reads  # noqa: F401 - registers them too
from sanfu.api.staff import grassroots as grassroots_reads  # noqa: F401 - registers them too
from sanfu.api.staff import outreach as outreach_endpoints  # noqa: F401 - registers them too
from sanfu.api.staff.auth import TokenAuth
from sanfu.api.staff.docs import LocalSwagger
from sanfu.api.staff.routes import router
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.limits import too_long_at_most

ERROR_STATUSES = {
    "400": "The body is not the JSON the operation takes.",
    "401": "No valid token.",
    "403": "The token's owner may not do this.",
    "404": "No such object, or not one the token's owner may see.",
    "409": "The case changed meanwhile, or a request with this Idempotency-Key still runs.",
    "422": "The input is not valid.",
    "429": "Too many requests.",
}


class StaffApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                _document_errors(operation)
                _document_cursor(operation)
                if method == "post":
                    operation.setdefault("parameters", []).append(_IDEMPOTENCY_PARAMETER)
        return schema


_ERROR_SCHEMA = {
    "type": "object",
    "title": "Error",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["code", "message"],
}
_IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Retries with the same key return the first answer and change nothing.",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": "^[!-~]+$"},
}


_CURSOR_DESCRIPTION = (
    "Opaque: the `next_cursor` of the previous page of this same listing, unchanged. Any other"
    " value, a cursor of another listing included, is refused with 422 and field `cursor`."
)


def _document_cursor(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "cursor" and parameter.get("in") == "query":
            parameter["description"] = _CURSOR_DESCRIPTION


def _document_errors(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in ERROR_STATUSES.items():
        responses.setdefault(
            status,
            {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )


api = StaffApi(
    title="Sanfu staff API",
    version="1",
    description="Every read and action of the case loop, scoped like the workbench.",
    urls_namespace="api",
    auth=TokenAuth(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", router)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return staff_response(error)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = []
    for item in error.errors:
        field = _field(tuple(item.get("loc", ())))
        problems.append((field, _message(field, item)))
    return staff_invalid(problems)


def _message(field: str, item: dict[str, Any]) -> str:
    """The schema's words, except for text too long: that refusal reads as on every surface
    (sanfu.lib.limits), in the user's language and naming the field."""
    limit = (item.get("ctx") or {}).get("max_length")
    if item.get("type") == "string_too_long" and isinstance(limit, int):
        return too_long_at_most(field, limit=limit)
    return str(item.get("msg", ""))


def _field(loc: tuple[object, ...]) -> str:
    """("body", "body", "lead_unit") → "lead_unit"; ("query", "limit") → "limit"."""
    parts = list(loc[1:])
    if loc[:1] == ("body",) and len(parts) > 1:
        parts = parts[1:]  # the name of the body parameter itself
    return ".".join(str(part) for part in parts) or "body"


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return staff_response(Unauthenticated(_("Send a valid token: Authorization: Bearer …")))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return staff_response(NotFound(_("No such object.")))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return staff_http_error(error.status_code, str(error.message))
