"""Who is who and where: the organisation tree, staff and their roles, enterprises, residents."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from sanfu.directory.querysets import (
    EnterpriseQuerySet,
    HouseholdQuerySet,
    ResidentQuerySet,
    UnitQuerySet,
)
from sanfu.lib.treepath import PathField, path_depth


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")
    STREET = "street", _("Sub-district")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    DEPARTMENT = "department", _("Department")
    SOCIAL_ORG = "social_org", _("Social organisation")
    # A town's module (模块): a group of its staff that takes one kind of matter.
    MODULE = "module", _("Town module")


# Which kinds of unit may sit directly under which.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    UnitKind.COUNTY: frozenset(),
    UnitKind.TOWN: frozenset({UnitKind.COUNTY}),
    UnitKind.STREET: frozenset({UnitKind.COUNTY}),
    UnitKind.VILLAGE: frozenset({UnitKind.TOWN, UnitKind.STREET}),
    UnitKind.COMMUNITY: frozenset({UnitKind.TOWN, UnitKind.STREET}),
    UnitKind.GRID: frozenset({UnitKind.VILLAGE, UnitKind.COMMUNITY}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.COUNTY, UnitKind.DEPARTMENT}),
    UnitKind.SOCIAL_ORG: frozenset({UnitKind.COUNTY, UnitKind.TOWN, UnitKind.STREET}),
    UnitKind.MODULE: frozenset({UnitKind.TOWN, UnitKind.STREET}),
}
TOWN_KINDS = frozenset({UnitKind.TOWN, UnitKind.STREET})
VILLAGE_KINDS = frozenset({UnitKind.VILLAGE, UnitKind.COMMUNITY})


class Unit(models.Model):
    """A node of the organisation tree: the county, a town, a village, a grid, a department…"""

    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Administrative division code or another code unique in the system."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Written only by the services in this app; see sanfu.lib.treepath for the format and why.
    path = PathField(_("tree path"), unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind=UnitKind.COUNTY, parent__isnull=True))
                | (~models.Q(kind=UnitKind.COUNTY) & models.Q(parent__isnull=False)),
                name="unit_only_county_is_root",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return path_depth(self.path)


class StaffRole(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    TOWN_STAFF = "town_staff", _("Town staff")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISPATCHER = "dispatcher", _("Dispatch centre operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")
    DISCIPLINE = "discipline", _("Discipline inspection")


# The kinds of unit at which each role can be held.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    StaffRole.GRID_WORKER: frozenset({UnitKind.GRID}),
    StaffRole.VILLAGE_CADRE: VILLAGE_KINDS,
    StaffRole.TOWN_STAFF: TOWN_KINDS | {UnitKind.MODULE},
    StaffRole.DEPARTMENT_HANDLER: frozenset({UnitKind.DEPARTMENT}),
    StaffRole.DISPATCHER: frozenset({UnitKind.COUNTY}) | TOWN_KINDS,
    StaffRole.SUPERVISOR: frozenset({UnitKind.COUNTY}) | TOWN_KINDS,
    StaffRole.LEADER: frozenset({UnitKind.COUNTY, UnitKind.DEPARTMENT}) | TOWN_KINDS,
    StaffRole.ADMINISTRATOR: frozenset({UnitKind.COUNTY}),
    StaffRole.DISCIPLINE: frozenset({UnitKind.COUNTY}),
}


class User(AbstractUser):
    """A staff account. Residents and enterprises use the portal without one."""

    # Chinese names are not split into given and family names in practice.
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    second_factor = models.BooleanField(
        _("SMS code at log-in"),
        default=False,
        help_text=_("After the password, a one-time code texted to the account's phone."),
    )

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """One role that one staff account holds at one unit."""

    user = models.ForeignKey(
        User, verbose_name=_("staff account"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=StaffRole.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Industry(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture, forestry and fishing")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction")
    TRADE = "trade", _("Wholesale and retail")
    LOGISTICS = "logistics", _("Transport and logistics")
    HOSPITALITY = "hospitality", _("Hotels and catering")
    TECHNOLOGY = "technology", _("Information technology")
    TOURISM = "tourism", _("Tourism and culture")
    SERVICES = "services", _("Business services")
    OTHER = "other", _("Other")


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    town = models.ForeignKey(
        Unit, verbose_name=_("town"), on_delete=models.PROTECT, related_name="enterprises"
    )
    village = models.ForeignKey(
        Unit,
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="village_enterprises",
    )
    industry = models.CharField(_("industry"), max_length=24, choices=Industry.choices)
    size = models.CharField(_("size"), max_length=8, choices=EnterpriseSize.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("credit_code"), 18), name="enterprise_credit_code_length"
            ),
            models.CheckConstraint(
                condition=models.Q(size__in=EnterpriseSize.values), name="enterprise_size_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    number = models.CharField(_("household number"), max_length=32, unique=True)
    village = models.ForeignKey(
        Unit,
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    grid = models.ForeignKey(
        Unit,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grid_households",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other relative")


class Resident(models.Model):
    name = models.CharField(_("name"), max_length=50)
    # Birth date and sex are derived from the ID number by the services, never typed.
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    village = models.ForeignKey(
        Unit,
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    relation = models.CharField(
        _("relation to head"), max_length=12, choices=Relation.choices, default=Relation.HEAD
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("id_number"), 18), name="resident_id_number_length"
            ),
            models.CheckConstraint(
                condition=models.Q(sex__in=Sex.values), name="resident_sex_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ThrottleKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    ADDRESS = "address", _("Address")


class LoginThrottle(models.Model):
    """Password tries of one account (or failed ones from one address) in the current window.

    A try is counted before the password is checked, in one conditional UPDATE, so parallel
    guessers together get no more tries than one (see `sanfu.directory.logins`)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ThrottleKind.choices)
    key = models.CharField(_("account or address"), max_length=150)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    window_started_at = models.DateTimeField(_("window started at"))
    last_try_at = models.DateTimeField(_("last try at"))

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="directory_login_throttle_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
