"""Idle rural houses and land a village lists for lease (闲置资源), and what comes of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case
from sanfu.directory.models import Unit, User
from sanfu.enterprise.querysets import IdleResourceQuerySet


class ResourceKind(models.TextChoices):
    HOUSE = "house", _("Idle house")
    LAND = "land", _("Idle land")


class ResourceState(models.TextChoices):
    LISTED = "listed", _("Listed")
    LEASED = "leased", _("Leased")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# One mu (亩) is 10000/15 square metres.
SQM_PER_MU = 10000 / 15


class IdleResource(models.Model):
    """An idle house or plot. The owner's ID number and phone are for the village only:
    public pages and exports of the listing never show them."""

    village = models.ForeignKey(
        Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    area_sqm = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    rights = models.CharField(_("rights"), max_length=100, blank=True)
    asking_rent = models.DecimalField(
        _("asking rent (yuan a year)"), max_digits=12, decimal_places=2
    )
    owner_name = models.CharField(_("owner"), max_length=50)
    owner_id_number = models.CharField(_("owner's ID number"), max_length=18, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ResourceState.choices, default=ResourceState.LISTED
    )
    listed_at = models.DateTimeField(_("listed at"))
    listed_by = models.ForeignKey(
        User, verbose_name=_("listed by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = IdleResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("idle resource")
        verbose_name_plural = _("idle resources")
        ordering = ["-listed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ResourceKind.values), name="ent_resource_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ResourceState.values),
                name="ent_resource_state_valid",
            ),
            models.CheckConstraint(condition=models.Q(area_sqm__gt=0), name="ent_resource_area"),
            models.CheckConstraint(
                condition=models.Q(asking_rent__gte=0), name="ent_resource_rent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ResourcePhoto(models.Model):
    resource = models.ForeignKey(
        IdleResource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(upload_to="idle/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.name


class ResourceInterest(models.Model):
    """Somebody wants to lease it; the interest goes to the village as a case."""

    resource = models.ForeignKey(
        IdleResource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.resource_id} · {self.case_id}"


class Lease(models.Model):
    resource = models.OneToOneField(
        IdleResource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="lease"
    )
    lessee = models.CharField(_("lessee"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    annual_rent = models.DecimalField(_("rent (yuan a year)"), max_digits=12, decimal_places=2)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="ent_lease_period"
            ),
            models.CheckConstraint(condition=models.Q(annual_rent__gte=0), name="ent_lease_rent"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} · {self.lessee}"
