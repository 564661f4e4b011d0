"""Idle resources: the village's staff pages, and the public search on the portal.

The public pages choose their fields: never the owner's name, ID number or phone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.directory.models import VILLAGE_KINDS, Unit
from sanfu.enterprise.forms import IdleSearchForm, InterestForm, LeaseForm, ResourceForm
from sanfu.enterprise.models import IdleResource, ResourcePhoto
from sanfu.enterprise.services import resources
from sanfu.enterprise.views import staff
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.files import file_response
from sanfu.lib.forms import show_on_form
from sanfu.lib.masking import mask_id, mask_phone

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def resource_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    villages = Unit.objects.visible_to(user).filter(kind__in=VILLAGE_KINDS, is_active=True)
    form = ResourceForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photos = [
            resources.Photo(name=f.name or "photo", content=f.read())
            for f in request.FILES.getlist("photos")
        ]
        try:
            resource = resources.resource_list(
                actor=user,
                village=data["village"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                area_sqm=data["area_sqm"],
                rights=data["rights"],
                asking_rent=data["asking_rent"],
                owner_name=data["owner_name"],
                owner_id_number=data["owner_id_number"],
                owner_phone=data["owner_phone"],
                photos=photos,
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Listed."))
            return redirect("enterprise:resource", resource.pk)
    rows = IdleResource.objects.visible_to(user).select_related("village")[:200]
    return render(
        request,
        "enterprise/resources.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_page(request: HttpRequest, resource_id: int) -> HttpResponse:
    user = staff(request)
    resource = (
        IdleResource.objects.visible_to(user)
        .select_related("village")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise Http404
    form = LeaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resources.lease_record(actor=user, resource_id=resource.pk, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Lease recorded."))
            return redirect("enterprise:resource", resource.pk)
    context = {
        "resource": resource,
        # Staff in the village's scope see the owner, masked like every requester's data.
        "owner_id_number": mask_id(resource.owner_id_number),
        "owner_phone": mask_phone(resource.owner_phone),
        "interests": resource.interests.select_related("case").order_by("-created_at"),
        "lease": getattr(resource, "lease", None),
        "form": form,
    }
    return render(request, "enterprise/resource.html", context, status=400 if form.errors else 200)


# --- public ------------------------------------------------------------------------------


@require_GET
def idle_search(request: HttpRequest) -> HttpResponse:
    form = IdleSearchForm(request.GET or None)
    rows = IdleResource.objects.public().select_related("village", "village__parent")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["town"] is not None:
            rows = rows.filter(village__parent=data["town"])
        if data["max_rent"] is not None:
            rows = rows.filter(asking_rent__lte=data["max_rent"])
        if data["min_area"] is not None:
            rows = rows.filter(area_sqm__gte=data["min_area"])
    page = Paginator(rows.order_by("-listed_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprise/idle_search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def idle_page(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = (
        IdleResource.objects.public()
        .select_related("village", "village__parent")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise Http404
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = resources.resource_interest(resource_id=resource.pk, **form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            url = reverse("portal:case", args=[case.number, case.tracking_token])
            return redirect(f"{url}?new=1")
    context = {"resource": resource, "photos": resource.photos.all(), "form": form}
    return render(request, "enterprise/idle_page.html", context, status=400 if form.errors else 200)


@require_GET
def idle_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = ResourcePhoto.objects.filter(pk=photo_id, resource__state="listed").first()
    if photo is None:
        raise Http404
    return file_response(photo)
