"""Calling the Open311 endpoint in both formats and checking every answer against the schemas.

Each call is made twice, as .json and as .xml. The JSON is validated against its schema; the
XML must start with the UTF-8 declaration, have the expected root and item element names,
meet the schema's textual form, and carry exactly the same tree as the JSON (read by the Spark
convention, the specification's mapping between the two).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import jsonschema_rs
from django.test import Client

from tests.api import open311_schemas as schemas

PREFIX = "/open311/v2/"
CONTAINERS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def spark(element: ET.Element) -> Any:
    """An XML element as the JSON value the Spark convention maps it to."""
    children = list(element)
    if element.tag in CONTAINERS:
        item = CONTAINERS[element.tag]
        assert all(child.tag == item for child in children), (element.tag, children)
        return [spark(child) for child in children]
    if not children:
        return element.text if element.text else None
    tags = [child.tag for child in children]
    assert len(tags) == len(set(tags)), f"repeated element in <{element.tag}>: {tags}"
    return {child.tag: spark(child) for child in children}


def textual(value: Any) -> Any:
    """A JSON value as XML would carry it: scalars as text, empty as None, numbers comparable."""
    if isinstance(value, dict):
        return {key: textual(item) for key, item in value.items()}
    if isinstance(value, list):
        return [textual(item) for item in value]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _NUMBER.match(text):
        try:
            return str(Decimal(text).normalize())
        except InvalidOperation:  # pragma: no cover
            return text
    return text


def validate(schema: dict[str, Any], instance: Any) -> None:
    errors = [str(error) for error in jsonschema_rs.validator_for(schema).iter_errors(instance)]
    assert not errors, "\n".join(errors[:10])


@dataclass
class Answer:
    status: int
    data: Any  # the JSON document
    xml: ET.Element  # the XML document's root
    headers: dict[str, str]


def _check_pair(json_response: Any, xml_response: Any, schema: dict[str, Any], root: str) -> Answer:
    assert json_response.status_code == xml_response.status_code
    assert json_response["Content-Type"] == "application/json; charset=utf-8"
    assert xml_response["Content-Type"] == "text/xml; charset=utf-8"
    data = json.loads(json_response.content.decode("utf-8"))
    validate(schema, data)
    assert xml_response.content.startswith(DECLARATION), xml_response.content[:80]
    tree = ET.fromstring(xml_response.content)  # noqa: S314 - our own server's output
    assert tree.tag == root, tree.tag
    read = spark(tree)
    validate(schemas.as_xml_values(schema), read)
    assert textual(data) == textual(read)
    return Answer(json_response.status_code, data, tree, dict(json_response.headers))


def get(
    client: Client,
    resource: str,
    *,
    schema: dict[str, Any],
    root: str,
    expect: int = 200,
    **params: Any,
) -> Answer:
    """GET `resource` (without its format suffix) as JSON and as XML."""
    answers = [client.get(f"{PREFIX}{resource}.{fmt}", params) for fmt in ("json", "xml")]
    answer = _check_pair(answers[0], answers[1], schema, root)
    assert answer.status == expect, (answer.status, answer.data)
    return answer


def get_error(client: Client, resource: str, *, expect: int, **params: Any) -> Answer:
    return get(client, resource, schema=schemas.ERRORS, root="errors", expect=expect, **params)


def post(
    client: Client,
    fmt: str,
    data: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    query: str = "",
    **environ: Any,
) -> Any:
    """POST requests.{fmt} as a form; returns the raw response."""
    return client.post(
        f"{PREFIX}requests.{fmt}{query}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=headers or {},
        **environ,
    )


def post_both(
    client: Client,
    data: dict[str, Any],
    *,
    schema: dict[str, Any] = schemas.CREATED,
    root: str = "service_requests",
    status: int = 201,
    headers: dict[str, str] | None = None,
) -> tuple[Answer, Answer]:
    """POST the same request as JSON and as XML: two requests, each checked on its own."""
    checked = []
    for fmt in ("json", "xml"):
        response = post(client, fmt, data, headers=headers)
        assert response.status_code == status, (fmt, response.status_code, response.content)
        checked.append(_check_single(response, fmt, schema, root))
    return checked[0], checked[1]


def _check_single(response: Any, fmt: str, schema: dict[str, Any], root: str) -> Answer:
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = json.loads(response.content.decode("utf-8"))
        validate(schema, data)
        return Answer(response.status_code, data, ET.Element(root), dict(response.headers))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(DECLARATION)
    tree = ET.fromstring(response.content)  # noqa: S314 - our own server's output
    assert tree.tag == root, tree.tag
    read = spark(tree)
    validate(schemas.as_xml_values(schema), read)
    return Answer(response.status_code, read, tree, dict(response.headers))
