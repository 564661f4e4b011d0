"""Idle houses and land listed by a village; interest from the public becomes a case to the
village through the cases intake service; a lease concluded is recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Case, Channel, RequesterKind
from sanfu.cases.services.intake import NewCase, Requester, case_create
from sanfu.directory.models import VILLAGE_KINDS, Unit, User
from sanfu.enterprise.models import (
    IdleResource,
    Lease,
    ResourceInterest,
    ResourceKind,
    ResourcePhoto,
    ResourceState,
)
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed
from sanfu.lib.files import check_photo
from sanfu.lib.idnumber import id_number_require
from sanfu.lib.phones import phone_require

MAX_PHOTOS = 6
MAX_AREA_SQM = Decimal("10000000")


@dataclass(frozen=True)
class Photo:
    name: str
    content: bytes


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(value) > limit:
        raise ValidationFailed(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    return value


def _phone(value: str, *, field: str) -> str:
    return phone_require(value, field=field) if value.strip() else ""


def _photos(photos: Sequence[Photo]) -> list[tuple[Photo, str]]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(
            _("At most %(count)d photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    checked = []
    for photo in photos:
        content_type = check_photo(photo.name, photo.content)
        checked.append((photo, content_type))
    return checked


@transaction.atomic
def resource_list(
    *,
    actor: User,
    village: Unit,
    kind: str,
    title: str,
    area_sqm: Decimal,
    asking_rent: Decimal,
    owner_name: str,
    description: str = "",
    rights: str = "",
    owner_id_number: str = "",
    owner_phone: str = "",
    photos: Sequence[Photo] = (),
    at: datetime | None = None,
) -> IdleResource:
    """List an idle house or plot for a village in the actor's scope."""
    if village.kind not in VILLAGE_KINDS:
        raise ValidationFailed(_("Choose a village or community."), field="village")
    if not Unit.objects.visible_to(actor).filter(pk=village.pk).exists():
        raise NotFound(_("No such village."))
    if kind not in ResourceKind.values:
        raise ValidationFailed(_("Unknown kind."), field="kind")
    if not Decimal(0) < area_sqm <= MAX_AREA_SQM:
        raise ValidationFailed(_("The area must be a positive number."), field="area_sqm")
    if asking_rent < 0:
        raise ValidationFailed(_("The rent cannot be negative."), field="asking_rent")
    id_number = owner_id_number.strip()
    if id_number:
        id_number = id_number_require(id_number, field="owner_id_number").number
    checked = _photos(photos)
    resource = IdleResource.objects.create(
        village=village,
        kind=kind,
        title=_text(title, field="title", limit=100, required=True),
        description=_text(description, field="description", limit=2000),
        area_sqm=area_sqm,
        rights=_text(rights, field="rights", limit=100),
        asking_rent=asking_rent,
        owner_name=_text(owner_name, field="owner_name", limit=50, required=True),
        owner_id_number=id_number,
        owner_phone=_phone(owner_phone, field="owner_phone"),
        listed_at=at or timezone.now(),
        listed_by=actor,
    )
    for photo, content_type in checked:
        row = ResourcePhoto(resource=resource, name=photo.name[:200], content_type=content_type)
        row.file.save(photo.name, ContentFile(photo.content), save=False)
        row.save()
    return resource


@transaction.atomic
def resource_interest(
    *, resource_id: int, name: str, phone: str, message: str, at: datetime | None = None
) -> Case:
    """Someone wants to lease a listed resource: a case placed at its village, so the village
    sees it in its queue (the case follows the usual loop from the dispatch centre)."""
    resource = (
        IdleResource.objects.public().select_related("village").filter(pk=resource_id).first()
    )
    if resource is None:
        raise NotFound(_("This listing is no longer available."))
    name = _text(name, field="name", limit=50, required=True)
    phone = _phone(phone, field="phone")
    if not phone:
        raise ValidationFailed(_("Give a phone number the village can call."), field="phone")
    message = _text(message, field="message", limit=1000)
    case = case_create(
        new=NewCase(
            channel=Channel.WEB,
            title=_("Interest in leasing: %(title)s") % {"title": resource.title},
            text=message or _("I would like to lease this listing; please contact me."),
            location_unit=resource.village,
            requester=Requester(kind=RequesterKind.RESIDENT, name=name, phone=phone),
        )
    )
    ResourceInterest.objects.create(resource=resource, case=case, created_at=at or timezone.now())
    return case


@transaction.atomic
def lease_record(
    *,
    actor: User,
    resource_id: int,
    lessee: str,
    starts_on: date,
    ends_on: date,
    annual_rent: Decimal,
    purpose: str = "",
    at: datetime | None = None,
) -> Lease:
    resource = (
        IdleResource.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise NotFound(_("No such listing."))
    if resource.state != ResourceState.LISTED:
        raise Conflict(_("Only a listed resource can be leased."))
    if ends_on <= starts_on:
        raise ValidationFailed(_("The lease ends before it starts."), field="ends_on")
    if annual_rent < 0:
        raise ValidationFailed(_("The rent cannot be negative."), field="annual_rent")
    lease = Lease.objects.create(
        resource=resource,
        lessee=_text(lessee, field="lessee", limit=100, required=True),
        purpose=_text(purpose, field="purpose", limit=100),
        starts_on=starts_on,
        ends_on=ends_on,
        annual_rent=annual_rent,
        recorded_at=at or timezone.now(),
        recorded_by=actor,
    )
    resource.state = ResourceState.LEASED
    resource.save(update_fields=["state"])
    return lease
