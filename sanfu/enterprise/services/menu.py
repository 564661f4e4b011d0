"""The service menu: providers and offers approved by staff, bookings answered within their
deadline and rated; and the enterprise contact's login by a one-time code sent by SMS."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.calendar import add_working_days, load_calendar
from sanfu.directory.models import Enterprise, Unit, UnitKind, User
from sanfu.enterprise.models import (
    Booking,
    BookingState,
    EnterpriseContact,
    Offer,
    OfferCategory,
    Provider,
    ProviderKind,
)
from sanfu.enterprise.policies import may_administer_menu, menu_counties
from sanfu.enterprise.selectors import county_id_of
from sanfu.enterprise.services.contacts import contacts_of_phone
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sanfu.lib.phones import phone_clean, phone_require
from sanfu.notify.codes import Checked, check_code, issue_code

# The one-year loan prime rate (LPR) the legal ceiling is counted from, in per cent; the
# courts protect at most four times it for private lending (最高人民法院, 2020). Banks' offers
# are held to the same ceiling here. Change it when the LPR moves.
LPR_ONE_YEAR = Decimal("3.00")
RATE_CEILING = LPR_ONE_YEAR * 4
# A contact's login code lives half as long as notify.codes' default: it opens a session.
CODE_MINUTES = 5
CODE_PURPOSE = "enterprise_contact"


def _require_county_staff(actor: User) -> None:
    if not may_administer_menu(actor):
        raise PermissionDenied(_("Only county staff approve providers and offers."))


@transaction.atomic
def provider_create(
    *, county: Unit, name: str, kind: str, account: User, phone: str = ""
) -> Provider:
    if county.kind != UnitKind.COUNTY:
        raise ValidationFailed(_("Choose a county."), field="county")
    if kind not in ProviderKind.values:
        raise ValidationFailed(_("Unknown kind."), field="kind")
    if not name.strip():
        raise ValidationFailed(_("This field is required."), field="name")
    if Provider.objects.filter(county=county, name=name.strip()).exists():
        raise ValidationFailed(_("The county already has a provider of this name."), field="name")
    return Provider.objects.create(
        county=county, name=name.strip(), kind=kind, account=account, phone=phone
    )


@transaction.atomic
def provider_approve(*, actor: User, provider_id: int) -> Provider:
    _require_county_staff(actor)
    # Another county's provider is as unknown as one that does not exist.
    mine = Provider.objects.filter(pk=provider_id, county__in=menu_counties(actor))
    updated = mine.filter(approved_at__isnull=True).update(approved_at=timezone.now())
    if not updated and not mine.exists():
        raise NotFound(_("No such provider."))
    return Provider.objects.get(pk=provider_id)


@transaction.atomic
def offer_create(
    *,
    actor: User,
    category: str,
    title: str,
    answer_days: int,
    description: str = "",
    rate: Decimal | None = None,
    ceiling: Decimal | None = None,
    term_months: int | None = None,
    conditions: str = "",
) -> Offer:
    """A provider's offer, waiting for staff approval. A rate must lie in the legal range."""
    provider = Provider.objects.filter(account=actor).first()
    if provider is None:
        raise PermissionDenied(_("This account does not belong to a service provider."))
    if category not in OfferCategory.values:
        raise ValidationFailed(_("Unknown category."), field="category")
    if not title.strip():
        raise ValidationFailed(_("This field is required."), field="title")
    if rate is not None and not Decimal(0) < rate <= RATE_CEILING:
        raise ValidationFailed(
            _("The rate must be above 0 and at most %(ceiling)s%% a year (four times the LPR).")
            % {"ceiling": RATE_CEILING},
            field="rate",
        )
    if category == OfferCategory.FINANCE and rate is None:
        raise ValidationFailed(_("A finance offer states its rate."), field="rate")
    if ceiling is not None and ceiling <= 0:
        raise ValidationFailed(_("The ceiling must be positive."), field="ceiling")
    if not 1 <= answer_days <= 30:
        raise ValidationFailed(_("Answer within 1 to 30 working days."), field="answer_days")
    return Offer.objects.create(
        provider=provider,
        category=category,
        title=title.strip()[:200],
        description=description.strip(),
        rate=rate,
        ceiling=ceiling,
        term_months=term_months,
        conditions=conditions.strip()[:500],
        answer_days=answer_days,
    )


@transaction.atomic
def offer_approve(*, actor: User, offer_id: int) -> Offer:
    _require_county_staff(actor)
    mine = Offer.objects.filter(pk=offer_id, provider__county__in=menu_counties(actor))
    if not mine.update(approved_at=timezone.now()):
        raise NotFound(_("No such offer."))
    return Offer.objects.get(pk=offer_id)


@transaction.atomic
def booking_create(*, enterprise: Enterprise, phone: str, offer_id: int, note: str = "") -> Booking:
    offer = (
        Offer.objects.filter(
            pk=offer_id,
            approved_at__isnull=False,
            provider__approved_at__isnull=False,
            provider__county_id=county_id_of(enterprise),
        )
        .select_related("provider")
        .first()
    )
    if offer is None:
        raise NotFound(_("No such offer."))
    at = timezone.now()
    return Booking.objects.create(
        offer=offer,
        enterprise=enterprise,
        phone=phone,
        note=note.strip()[:500],
        created_at=at,
        due_at=add_working_days(load_calendar(), at, offer.answer_days).at,
    )


@transaction.atomic
def booking_answer(*, actor: User, booking_id: int, answer: str) -> Booking:
    """The provider answers; the state is checked in the same UPDATE."""
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(_("This field is required."), field="answer")
    booking = Booking.objects.filter(pk=booking_id, offer__provider__account=actor).first()
    if booking is None:
        raise NotFound(_("No such booking."))
    at = timezone.now()
    updated = Booking.objects.filter(pk=booking.pk, state=BookingState.REQUESTED).update(
        state=BookingState.ANSWERED,
        answer=answer[:1000],
        answered_at=at,
        answered_on_time=at <= booking.due_at,
    )
    if not updated:
        raise Conflict(_("This booking has been answered already."))
    booking.refresh_from_db()
    return booking


@transaction.atomic
def booking_rate(*, enterprise: Enterprise, booking_id: int, rating: int) -> Booking:
    if not 1 <= rating <= 5:
        raise ValidationFailed(_("Rate from 1 to 5."), field="rating")
    updated = Booking.objects.filter(
        pk=booking_id, enterprise=enterprise, state=BookingState.ANSWERED, rating__isnull=True
    ).update(rating=rating, rated_at=timezone.now())
    if not updated:
        raise Conflict(_("Only an answered booking is rated, once."))
    return Booking.objects.get(pk=booking_id)


# --- one-time codes --------------------------------------------------------------------------


def contact_enterprises(phone: str) -> list[Enterprise]:
    """The enterprises a phone is a contact of (sanfu.enterprise.models.EnterpriseContact)."""
    return [contact.enterprise for contact in contacts_of_phone(phone)]


@transaction.atomic
def code_send(*, phone: str, address: str = "") -> None:
    """Text a login code to an enterprise's registered contact phone (sanfu.notify.codes: its
    limits per phone and address). An unknown phone gets the same answer and limits and no
    text, so the page does not tell who is registered."""
    phone = phone_require(phone)
    if not phone:
        raise ValidationFailed(_("This field is required."), field="phone")
    issue_code(
        CODE_PURPOSE,
        phone,
        address=address,
        deliver=EnterpriseContact.objects.filter(phone=phone).exists(),
        minutes=CODE_MINUTES,
        message="contact_login_code",
    )


def code_verify(*, phone: str, code: str) -> tuple[str, list[Enterprise]]:
    """The phone (normal form) and the enterprises it is a contact of, when `code` is its
    latest live code.

    Not atomic: each try is counted against the code in its own statement (check_code), so a
    refused try is not rolled back; after notify.codes.CODE_TRIES tries the code is dead.
    """
    refused = ValidationFailed(_("The code is wrong or has expired."), field="code")
    try:
        phone = phone_clean(phone)
    except ValueError:
        raise refused from None
    if not phone:
        raise refused
    checked = check_code(CODE_PURPOSE, phone, code)
    if checked is Checked.SPENT:
        raise ValidationFailed(_("Too many wrong tries; ask for a new code."), field="code")
    if not checked:
        raise refused
    enterprises = contact_enterprises(phone)
    if not enterprises:
        raise refused
    return phone, enterprises
