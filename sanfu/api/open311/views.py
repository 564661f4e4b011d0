"""The Open311 GeoReport v2 endpoints. Each parses its parameters, calls one read or the
intake service, and renders; errors take the specification's form in one decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sanfu.api import idempotency, keys
from sanfu.api.conf import rate_per_address, rate_per_key
from sanfu.api.errors import RateLimited, Unauthenticated, open311_error
from sanfu.api.models import ApiClient, Open311Submission, ServiceAttribute
from sanfu.api.open311 import present, render
from sanfu.api.open311.intake import open311_request_create, submission_read
from sanfu.api.open311.openapi import document as openapi_document
from sanfu.api.open311.params import param, param_list, positive_int, w3c_datetime
from sanfu.api.open311.services import Question, Snapshot, snapshot
from sanfu.api.ratelimit import ADDRESS_BUCKET, KEY_BUCKET, client_address, rate_limits_hit
from sanfu.cases.models import Category
from sanfu.directory.models import Unit, UnitKind
from sanfu.lib.errors import ApplicationError, NotFound, ValidationFailed
from sanfu.lib.rows import row_get, rows_get

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
View = Callable[..., HttpResponseBase]


def endpoint(*methods: str) -> Callable[[View], View]:
    """The request's format from the URL, the allowed methods, and errors as Open311 errors."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponseBase:
            allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
            if request.method not in allowed:
                refusal = render.errors(fmt, 405, [_("Method not allowed.")])
                refusal["Allow"] = ", ".join(methods)
                return refusal
            response: HttpResponseBase
            try:
                response = view(request, *args, fmt=fmt, **kwargs)
            except ApplicationError as error:
                response = open311_error(fmt, error)
            except (RequestDataTooBig, TooManyFieldsSent) as error:
                response = render.errors(fmt, 400, [str(error)])
            if request.method in {"GET", "HEAD"}:
                # Public data: browser apps on other sites may read it.
                response["Access-Control-Allow-Origin"] = "*"
            return response

        # Other systems call with an api_key, never with a browser's cookies; and an
        # undeclared method must meet the 405 above, not the CSRF check's HTML page.
        return csrf_exempt(wrapper)

    return decorate


def jurisdiction(data: QueryDict) -> Unit:
    """The county named by jurisdiction_id (its unit code); optional while there is only one."""
    code = param(data, "jurisdiction_id", limit=32)
    # Read on every POST: statements built once, not queries compiled each time (issue 21).
    counties = "kind = %s AND is_active = %s"
    if code is not None:
        county = row_get(Unit, f"{counties} AND code = %s", [UnitKind.COUNTY, True, code])
        if county is None:
            raise NotFound(_("jurisdiction_id was not found."), field="jurisdiction_id")
        return county
    found = rows_get(Unit, counties, [UnitKind.COUNTY, True], order_by="path", limit=2)
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(_("This server serves no jurisdiction yet."), field="jurisdiction_id")
    raise ValidationFailed(_("jurisdiction_id was not provided."), field="jurisdiction_id")


# --- discovery and services ---------------------------------------------------------------


def _changeset() -> str:
    """When the service definitions last changed (questions; categories carry no timestamp)."""
    latest = ServiceAttribute.objects.order_by("-updated_at").values_list("updated_at", flat=True)
    moment = latest.first()
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "2025-01-01 00:00"


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = _changeset()
    document: render.Value = {
        "changeset": changeset,
        "contact": _("Ask the county's government service centre about this interface."),
        "key_service": _(
            "API keys for submitting requests are issued by the county's administrators."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.render(fmt, "discovery", document)


def _service(catalogue: Snapshot, category: Category) -> dict[str, render.Value]:
    chain = catalogue.chain(category)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": " / ".join(node.name for node in chain)
        + " — "
        + catalogue.notice(category.pk),
        "metadata": True,  # every service asks the built-in questions
        "type": "realtime",
        "keywords": ", ".join(node.name for node in chain[:-1]),
        "group": chain[0].name,
    }


@endpoint("GET")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    jurisdiction(request.GET)
    catalogue = snapshot()
    return render.render(fmt, "services", [_service(catalogue, c) for c in catalogue.services()])


def _attribute(question: Question, order: int) -> dict[str, render.Value]:
    return {
        "variable": question.variable,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.datatype_description or None,
        "order": order,
        "description": question.description,
        "values": [{"key": choice.key, "name": choice.name} for choice in question.values],
    }


@endpoint("GET")
def service_definition(request: HttpRequest, *, code: str, fmt: str) -> HttpResponse:
    jurisdiction(request.GET)
    category = snapshot().service(code)
    if category is None:
        raise NotFound(_("service_code was not found."), field="service_code")
    questions = snapshot().questions(category)
    document: render.Value = {
        "service_code": category.code,
        "attributes": [_attribute(q, order) for order, q in enumerate(questions, start=1)],
    }
    return render.render(fmt, "service_definition", document)


# --- requests -----------------------------------------------------------------------------


def _query(data: QueryDict) -> present.Query:
    start, end = param(data, "start_date", limit=40), param(data, "end_date", limit=40)
    start_at, end_at = present.window(
        None if start is None else w3c_datetime(start, name="start_date"),
        None if end is None else w3c_datetime(end, name="end_date"),
        timezone.now(),
    )
    statuses = frozenset(param_list(data, "status"))
    if statuses - {"open", "closed"}:
        raise ValidationFailed(_("status is open, closed or both."), field="status")
    return present.Query(
        numbers=param_list(data, "service_request_id")[: present.MAX_PAGE_SIZE],
        service_codes=param_list(data, "service_code"),
        start=start_at,
        end=end_at,
        statuses=statuses,
        page=positive_int(param(data, "page"), name="page", default=1, maximum=100_000),
        page_size=positive_int(
            param(data, "page_size"),
            name="page_size",
            default=present.MAX_PAGE_SIZE,
            maximum=present.MAX_PAGE_SIZE,
        ),
    )


def _extensions(data: QueryDict) -> bool:
    return (param(data, "extensions") or "").lower() == "true"


@endpoint("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponseBase:
    if request.method == "POST":
        return _create(request, fmt)
    county = jurisdiction(request.GET)
    rows = present.requests_find(county, _query(request.GET))
    presenter = present.Presenter(snapshot(), rows, extensions=_extensions(request.GET))
    documents: render.Value = [presenter.request(row) for row in rows]
    return render.render(fmt, "service_requests", documents)


@endpoint("GET")
def request_detail(request: HttpRequest, *, number: str, fmt: str) -> HttpResponse:
    county = jurisdiction(request.GET)
    row = present.request_get(county, number)
    if row is None:
        raise NotFound(_("service_request_id was not found."), field="service_request_id")
    presenter = present.Presenter(snapshot(), [row], extensions=_extensions(request.GET))
    return render.render(fmt, "service_requests", [presenter.request(row)])


@endpoint("GET")
def token(request: HttpRequest, *, token: str, fmt: str) -> HttpResponse:
    county = jurisdiction(request.GET)
    found = (
        Open311Submission.objects.filter(token=token, case__county=county, case__confidential=False)
        .values_list("case__number", flat=True)
        .first()
    )
    if found is None:
        raise NotFound(_("token was not found."), field="token")
    return render.render(fmt, "service_requests", [{"service_request_id": found, "token": token}])


def _client(request: HttpRequest) -> ApiClient:
    key = param(request.POST, "api_key", limit=200) or param(request.GET, "api_key", limit=200)
    if key is None:
        raise Unauthenticated(_("api_key was not provided -- can't proceed with create_request."))
    client = keys.api_client_for_key(key)
    if client is None:
        raise Unauthenticated(_("Invalid api_key received -- can't proceed with create_request."))
    return client


def _limited(request: HttpRequest, client: ApiClient) -> int | None:
    return rate_limits_hit(
        [
            (f"{KEY_BUCKET}{client.pk}", rate_per_key()),
            (f"{ADDRESS_BUCKET}{client_address(request)}", rate_per_address()),
        ]
    )


def _create(request: HttpRequest, fmt: str) -> HttpResponseBase:
    client = _client(request)
    key = idempotency.key_of(request)
    claim = None
    if key is not None:
        claim = idempotency.idempotency_claim(
            scope=f"open311:{client.pk}", key=key, print_=idempotency.fingerprint(request)
        )
        if claim.replay is not None:
            return idempotency.replay_response(claim.replay)
    wait = _limited(request, client)
    if wait is not None:
        if claim is not None:
            idempotency.release(claim)
        raise RateLimited(wait)

    def run() -> HttpResponse:
        try:
            return _created(request, fmt, client)
        except ApplicationError as error:
            return open311_error(fmt, error)

    return run() if claim is None else idempotency.run_once(claim, run)


def _created(request: HttpRequest, fmt: str, client: ApiClient) -> HttpResponse:
    data = request.POST
    county = jurisdiction(data if param(data, "jurisdiction_id") else request.GET)
    catalogue = snapshot()
    case = open311_request_create(
        client=client, county=county, submission=submission_read(data), snapshot=catalogue
    )
    account = param(data, "account_id", limit=100)
    row: render.Value = [
        {
            "service_request_id": case.number,
            "service_notice": catalogue.notice(case.category_id, case.priority),
            "account_id": account,
        }
    ]
    return render.render(fmt, "service_requests", row, status=201)


@endpoint("GET")
def openapi(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """This interface as an OpenAPI document, for generators and client developers."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under the prefix: a 404 in the format asked for, XML by default."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return render.errors(fmt, 404, [_("No such resource.")])
