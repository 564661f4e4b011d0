"""The enterprise contact's pages (mobile-first, on the portal), and the service menu's staff
and provider pages.

A contact logs in with a one-time code texted to the enterprise's registered contact phone;
the session then holds that enterprise only. Nothing here reads another enterprise's rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanfu.directory.models import Enterprise
from sanfu.enterprise import selectors
from sanfu.enterprise.forms import AnswerForm, CodeForm, OfferForm, PhoneForm
from sanfu.enterprise.matching import policies_for_enterprise
from sanfu.enterprise.models import Booking, BookingState, EnterpriseContact, Offer, Provider
from sanfu.enterprise.policies import menu_counties
from sanfu.enterprise.services import menu
from sanfu.enterprise.services.contacts import contacts_of_phone
from sanfu.enterprise.views import staff
from sanfu.lib.addresses import client_address
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form

SESSION_KEY = "sanfu_enterprise_contact"


def _contact(request: HttpRequest) -> tuple[Enterprise, str] | None:
    held: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not held or not held.get("enterprise"):
        return None
    # The phone must still be a contact of the enterprise: a removed contact is logged out.
    contact = (
        EnterpriseContact.objects.filter(enterprise_id=held["enterprise"], phone=held["phone"])
        .select_related("enterprise")
        .first()
    )
    if contact is None:
        return None
    return contact.enterprise, held["phone"]


@require_http_methods(["GET", "POST"])
def contact_login(request: HttpRequest) -> HttpResponse:
    phone_form = PhoneForm(request.POST if "send" in request.POST else None)
    code_form = CodeForm(request.POST if "verify" in request.POST else None)
    sent = False
    if phone_form.is_bound and phone_form.is_valid():
        try:
            menu.code_send(phone=phone_form.cleaned_data["phone"], address=client_address(request))
        except ApplicationError as error:
            show_on_form(phone_form, error)
        else:
            sent = True
            code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
    if code_form.is_bound and code_form.is_valid():
        try:
            phone, enterprises = menu.code_verify(
                phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
            )
        except ApplicationError as error:
            show_on_form(code_form, error)
            sent = True
        else:
            request.session.cycle_key()
            # A phone that speaks for several enterprises chooses one; the choice is checked
            # against the phone's contacts again (contact_choose).
            chosen = enterprises[0].pk if len(enterprises) == 1 else None
            request.session[SESSION_KEY] = {"enterprise": chosen, "phone": phone}
            if chosen is None:
                return redirect("enterprise:contact_choose")
            return redirect("enterprise:contact_home")
    if code_form.is_bound:
        sent = True
    status = 400 if phone_form.errors or code_form.errors else 200
    context = {"phone_form": phone_form, "code_form": code_form, "sent": sent}
    return render(request, "enterprise/contact_login.html", context, status=status)


@require_http_methods(["GET", "POST"])
def contact_choose(request: HttpRequest) -> HttpResponse:
    """Which enterprise a verified phone acts for now (a bookkeeper for several firms)."""
    held: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not held:
        return redirect("enterprise:contact_login")
    contacts = contacts_of_phone(held["phone"])
    if request.method == "POST":
        wanted = request.POST.get("enterprise", "")
        chosen = next((c for c in contacts if str(c.enterprise_id) == wanted), None)
        if chosen is None:
            raise Http404
        request.session[SESSION_KEY] = {"enterprise": chosen.enterprise_id, "phone": held["phone"]}
        return redirect("enterprise:contact_home")
    return render(request, "enterprise/contact_choose.html", {"contacts": contacts})


@require_GET
def contact_home(request: HttpRequest) -> HttpResponse:
    held = _contact(request)
    if held is None:
        return redirect("enterprise:contact_login")
    enterprise, _phone = held
    context = {
        "enterprise": enterprise,
        "qualified": policies_for_enterprise(enterprise),
        "texts": selectors.policy_texts_for(enterprise),
        "offers": selectors.offers_ranked(
            now=timezone.now(), county_ids=[selectors.county_id_of(enterprise)]
        ),
        "bookings": Booking.objects.filter(enterprise=enterprise).select_related(
            "offer", "offer__provider"
        ),
    }
    return render(request, "enterprise/contact_home.html", context)


@require_POST
def contact_book(request: HttpRequest, offer_id: int) -> HttpResponse:
    held = _contact(request)
    if held is None:
        return redirect("enterprise:contact_login")
    enterprise, phone = held
    try:
        menu.booking_create(
            enterprise=enterprise,
            phone=phone,
            offer_id=offer_id,
            note=request.POST.get("note", ""),
        )
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Sent to the provider; you will see the answer here."))
    return redirect("enterprise:contact_home")


@require_POST
def contact_rate(request: HttpRequest, booking_id: int) -> HttpResponse:
    held = _contact(request)
    if held is None:
        return redirect("enterprise:contact_login")
    rating = request.POST.get("rating", "")
    try:
        menu.booking_rate(
            enterprise=held[0], booking_id=booking_id, rating=int(rating) if rating.isdigit() else 0
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for rating."))
    return redirect("enterprise:contact_home")


@require_POST
def contact_logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("enterprise:contact_login")


# --- staff and providers ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def menu_review(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    if request.method == "POST":
        try:
            if "provider" in request.POST:
                menu.provider_approve(actor=user, provider_id=int(request.POST["provider"]))
            elif "offer" in request.POST:
                menu.offer_approve(actor=user, offer_id=int(request.POST["offer"]))
        except (ValueError, NotFound):
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Approved."))
        return redirect("enterprise:menu")
    counties = list(menu_counties(user).values_list("pk", flat=True))
    context = {
        "providers": Provider.objects.filter(approved_at__isnull=True, county_id__in=counties),
        "offers": Offer.objects.filter(
            approved_at__isnull=True, provider__county_id__in=counties
        ).select_related("provider"),
        "ranked": selectors.offers_ranked(now=timezone.now(), county_ids=counties),
    }
    return render(request, "enterprise/menu.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def provider_desk(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    provider = Provider.objects.filter(account=user).first()
    if provider is None:
        raise Http404
    offer_form = OfferForm(request.POST if "new_offer" in request.POST else None)
    answer_form = AnswerForm(request.POST if "answer" in request.POST else None)
    if offer_form.is_bound and offer_form.is_valid():
        try:
            menu.offer_create(actor=user, **offer_form.cleaned_data)
        except ApplicationError as error:
            show_on_form(offer_form, error)
        else:
            messages.success(request, _("Offer sent for approval."))
            return redirect("enterprise:provider")
    if answer_form.is_bound and answer_form.is_valid():
        try:
            menu.booking_answer(
                actor=user,
                booking_id=answer_form.cleaned_data["booking"],
                answer=answer_form.cleaned_data["answer"],
            )
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Answer sent."))
        return redirect("enterprise:provider")
    context = {
        "provider": provider,
        "offer_form": offer_form,
        "bookings": Booking.objects.filter(offer__provider=provider).select_related(
            "offer", "enterprise"
        ),
        "requested": BookingState.REQUESTED,
        "now": timezone.now(),
    }
    status = 400 if offer_form.errors else 200
    return render(request, "enterprise/provider.html", context, status=status)
