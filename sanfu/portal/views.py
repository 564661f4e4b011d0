"""The public portal: submit, track and rate, published results. Parse, call, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.cases import services
from sanfu.cases.models import Channel
from sanfu.cases.selectors import (
    case_get_by_phone,
    case_get_by_short_code,
    case_get_by_token,
    case_short_code,
)
from sanfu.directory.models import Unit
from sanfu.lib.addresses import client_address
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.files import file_response
from sanfu.lib.forms import show_on_form
from sanfu.notify import codes
from sanfu.portal import selectors
from sanfu.portal.forms import (
    PublishedFilterForm,
    RateForm,
    SubmitForm,
    TrackByPhoneForm,
    TrackForm,
)

SERVICE_FIELDS = {"location_unit": "town", "attachments": "photos"}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _submit_page(request, SubmitForm())
    form = SubmitForm(request.POST, request.FILES)
    # "Find" searches the catalogue without JavaScript: the same page, with the matches.
    if "find" in request.POST or not form.is_valid():
        return _submit_page(request, form, status=200 if "find" in request.POST else 400)
    try:
        case = services.case_create(new=form.new_case(channel=Channel.WEB))
    except ApplicationError as error:
        show_on_form(form, error, aliases=SERVICE_FIELDS)
        return _submit_page(request, form, status=400)
    url = reverse("portal:case", args=[case.number, case.tracking_token])
    return redirect(f"{url}?new=1")


def _submit_page(request: HttpRequest, form: SubmitForm, *, status: int = 200) -> HttpResponse:
    data = form.data if form.is_bound else {}
    query = str(data.get("category_query", ""))
    title, text = str(data.get("title", "")), str(data.get("text", ""))
    choices, fields = _category_choices(query, title, text, str(data.get("category", "")))
    context = {
        "form": form,
        "choices": choices,
        "fields": fields,
        "category_query": query,
        "villages": selectors.villages(town=_unit(data.get("town"))),
    }
    return render(request, "portal/submit.html", context, status=status)


def _category_choices(
    query: str, title: str, text: str, chosen: str
) -> tuple[list[object], list[str]]:
    """The matters to offer, and the broad fields the routing app reads in the text."""
    fields = [] if query.strip() else selectors.fields_suggested(title=title, text=text)
    found = (
        selectors.categories_matching(query)
        if query.strip()
        else selectors.categories_suggested(title=title, text=text)
    )
    if chosen.isdigit() and all(str(c.pk) != chosen for c in found):
        found = list(selectors.matters().filter(pk=int(chosen))) + found
    return list(found), fields


def _unit(value: object) -> Unit | None:
    if not isinstance(value, str) or not value.isdigit():
        return None
    return selectors.towns().filter(pk=int(value)).first()


@require_GET
def category_choices(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("category_query", "")
    chosen = request.GET.get("category", "")
    choices, fields = _category_choices(
        query, request.GET.get("title", ""), request.GET.get("text", ""), chosen
    )
    context = {"choices": choices, "fields": fields, "chosen": chosen}
    return render(request, "portal/_category_choices.html", context)


@require_GET
def village_choices(request: HttpRequest) -> HttpResponse:
    town = _unit(request.GET.get("town"))
    context = {"villages": selectors.villages(town=town), "chosen": ""}
    return render(request, "portal/_village_options.html", context)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    town = _unit(request.GET.get("town"))
    cases = selectors.similar_open_cases(
        title=request.GET.get("title", ""),
        text=request.GET.get("text", ""),
        place=_village(request.GET.get("village"), town) or town,
    )
    return render(request, "portal/_similar.html", {"cases": cases})


def _village(value: object, town: Unit | None) -> Unit | None:
    if town is None or not isinstance(value, str) or not value.isdigit():
        return None
    return selectors.villages(town=town).filter(pk=int(value)).first()


TRACK_PURPOSE = "track"


@require_http_methods(["GET", "POST"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    """Find a case by its number and the requester's phone, proved by a code sent to it.

    A GET with `number` and `code` still takes the long tracking code of older receipts.
    """
    if request.method == "GET" and "code" in request.GET:
        return _track_by_token(request)
    form = TrackByPhoneForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _track_page(request, form, status=200 if request.method == "GET" else 400)
    number, phone = form.cleaned_data["number"], form.cleaned_data["phone"]
    found = case_get_by_phone(number=number, phone=phone)
    if "send" in request.POST:
        try:
            # Asked alike whether or not the phone is the case's, so that neither the answer
            # nor the limits tell a stranger which phone filed which case.
            codes.issue_code(
                TRACK_PURPOSE, phone, address=client_address(request), deliver=found is not None
            )
        except ApplicationError as error:
            show_on_form(form, error)
            return _track_page(request, form, status=error.status)
        return _track_page(request, form, sent=True)
    if found is not None and codes.check_code(TRACK_PURPOSE, phone, form.cleaned_data["code"]):
        return redirect("portal:case", found.number, found.tracking_token)
    form.add_error(
        "code",
        _("The code is wrong or no longer valid. Ask for a new one if it has expired."),
    )
    return _track_page(request, form, sent=True, status=400)


def _track_page(
    request: HttpRequest, form: TrackByPhoneForm, *, sent: bool = False, status: int = 200
) -> HttpResponse:
    context = {"form": form, "sent": sent, "minutes": codes.CODE_MINUTES}
    return render(request, "portal/track_lookup.html", context, status=status)


def _track_by_token(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET)
    if form.is_valid():
        number, code = form.cleaned_data["number"].strip(), form.cleaned_data["code"].strip()
        try:
            case_get_by_token(number=number, token=code)
        except NotFound:
            pass
        else:
            return redirect("portal:case", number, code)
    raise Http404


@require_GET
def short_link(request: HttpRequest, number: str, code: str) -> HttpResponse:
    """The link in the requester's receipt: leads to the case page, which holds the token."""
    try:
        found = case_get_by_short_code(number=number, code=code)
    except NotFound:
        raise Http404 from None
    return redirect("portal:case", found.number, found.tracking_token)


@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, number: str, token: str) -> HttpResponse:
    try:
        found = case_get_by_token(number=number, token=token)
    except NotFound:
        raise Http404 from None
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_rate(
                number=number,
                token=token,
                rating=form.cleaned_data["rating"],
                solved=form.cleaned_data["solved"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect(reverse("portal:case", args=[number, token]) + "?rated=1")
    context = {
        "case": found,
        "token": token,
        "files": list(found.attachments.filter(uploaded_by__isnull=True).order_by("pk")),
        "steps": selectors.public_timeline(case=found),
        "who": selectors.who_has_it(found),
        "form": form,
        "new": request.GET.get("new") == "1",
        "rated": request.GET.get("rated") == "1",
        "link": request.build_absolute_uri(
            reverse("portal:short", args=[found.number, case_short_code(found)])
        ),
    }
    return render(request, "portal/case.html", context, status=400 if form.errors else 200)


@require_GET
def attachment(request: HttpRequest, number: str, token: str, attachment_id: int) -> FileResponse:
    """One of the requester's own files, reached only with the case number and its code."""
    try:
        found = case_get_by_token(number=number, token=token)
    except NotFound:
        raise Http404 from None
    # Files staff added while handling the case are for staff only.
    own = found.attachments.filter(pk=attachment_id, uploaded_by__isnull=True).first()
    if own is None:
        raise Http404
    return file_response(own)


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    form = PublishedFilterForm(request.GET)
    filters = selectors.PublishedFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PublishedFilters(
            query=data["q"].strip(),
            town=data["town"],
            category=data["category"],
            month=data["month"].replace(day=1) if data["month"] else None,
        )
    paginator = Paginator(selectors.published_cases(filters=filters), selectors.PUBLISHED_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    towns = selectors.town_names([case.location_unit for case in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(case, towns.get(case.location_unit_id, "")) for case in page.object_list],
        "query": query.urlencode(),
    }
    return render(request, "portal/published.html", context)
