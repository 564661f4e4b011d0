"""Loading the demo county 云溪县 for `sanfu seed demo`: all of it, once, or nothing.

sanfu.ops.demo.plan draws the county; this writes the plan in one transaction with bulk
statements, after the same checks the services apply to one row at a time. The services write
one row per call, which for ~30,000 rows would take minutes, hence the bulk writes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from sanfu.directory.models import (
    Enterprise,
    Household,
    Membership,
    Resident,
    StaffRole,
    Unit,
    UnitKind,
    User,
)
from sanfu.directory.services import (
    enterprise_check_location,
    household_check_location,
    membership_check,
    resident_check_location,
    unit_bulk_create,
    unit_check,
)
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.idnumber import parse_id_number
from sanfu.lib.uscc import parse_credit_code
from sanfu.ops.demo.plan import (
    COUNTY_CODE,
    PlannedEnterprise,
    PlannedHousehold,
    PlannedStaff,
    PlannedUnit,
    demo_plan,
)

BATCH_SIZE = 1000


@dataclass(frozen=True)
class DemoSummary:
    """What the demo county holds; `created` is False when it was already there."""

    created: bool
    county: str
    towns: int
    villages: int
    grids: int
    departments: int
    social_organisations: int
    enterprises: int
    households: int
    residents: int
    staff: int


# --- writing -------------------------------------------------------------------------------


def demo_county_create(*, password: str) -> DemoSummary:
    """Load the demo county unless a unit with its code exists; all of it or nothing.

    Every demo account gets `password`. Raises ValidationFailed if a demo account's username
    is taken; a clash with any other existing row raises IntegrityError. Either way nothing
    is written.
    """
    with transaction.atomic():
        existing = Unit.objects.filter(code=COUNTY_CODE).first()
        if existing is not None:
            return _summary(existing, created=False)
        plan = demo_plan()
        _check_usernames_free(plan.staff)
        # Hashed once for all ~800 accounts: each hash costs a good fraction of a second.
        password_hash = make_password(password)
        units = _write_units(plan.units)
        _write_enterprises(plan.enterprises, units)
        _write_households(plan.households, units)
        _write_staff(plan.staff, units, password_hash)
        return _summary(units[COUNTY_CODE], created=True)


def _check_usernames_free(staff: Sequence[PlannedStaff]) -> None:
    taken = list(
        User.objects.filter(username__in=[s.username for s in staff])
        .order_by("username")
        .values_list("username", flat=True)[:5]
    )
    if taken:
        raise ValidationFailed(
            _("These demo accounts already exist: %(usernames)s.")
            % {"usernames": ", ".join(taken)},
            field="username",
        )


def _write_units(planned: Sequence[PlannedUnit]) -> dict[str, Unit]:
    siblings: dict[str | None, list[PlannedUnit]] = {}
    for unit in planned:
        siblings.setdefault(unit.parent_code, []).append(unit)
    created: dict[str, Unit] = {}
    # Groups keep the order of their first member, and the plan lists every parent before its
    # children, so each group's parent was written by an earlier group.
    for parent_code, children in siblings.items():
        parent = None if parent_code is None else created[parent_code]
        specs = [
            unit_check(kind=child.kind, name=child.name, code=child.code, parent=parent)
            for child in children
        ]
        created.update((unit.code, unit) for unit in unit_bulk_create(parent=parent, specs=specs))
    return created


def _write_enterprises(planned: Sequence[PlannedEnterprise], units: dict[str, Unit]) -> None:
    rows: list[Enterprise] = []
    for plan in planned:
        town = units[plan.town_code]
        village = units[plan.village_code] if plan.village_code else None
        enterprise_check_location(town=town, village=village)
        rows.append(
            Enterprise(
                name=plan.name,
                credit_code=parse_credit_code(plan.credit_code),
                town=town,
                village=village,
                industry=plan.industry,
                size=plan.size,
                address=plan.address,
                contact_name=plan.contact_name,
                contact_phone=plan.contact_phone,
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _write_households(planned: Sequence[PlannedHousehold], units: dict[str, Unit]) -> None:
    households = [
        Household(
            number=plan.number,
            village=units[plan.village_code],
            grid=units[plan.grid_code],
            address=plan.address,
        )
        for plan in planned
    ]
    for household in households:
        household_check_location(village=household.village, grid=household.grid)
    Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
    residents: list[Resident] = []
    for plan, household in zip(planned, households, strict=True):
        resident_check_location(village=household.village, household=household)
        for member in plan.members:
            # Birth date and sex come from the ID number, as resident_create derives them.
            info = parse_id_number(member.id_number)
            residents.append(
                Resident(
                    name=member.name,
                    id_number=info.number,
                    birth_date=info.birth_date,
                    sex=info.sex,
                    phone=member.phone,
                    address=plan.address,
                    village=household.village,
                    household=household,
                    relation=member.relation,
                )
            )
    Resident.objects.bulk_create(residents, batch_size=BATCH_SIZE)


def _write_staff(
    planned: Sequence[PlannedStaff], units: dict[str, Unit], password_hash: str
) -> None:
    users = [
        User(
            username=plan.username,
            password=password_hash,
            full_name=plan.full_name,
            phone=plan.phone,
            # What membership_grant sets for administrators: the admin site admits staff only.
            is_staff=plan.role == StaffRole.ADMINISTRATOR,
        )
        for plan in planned
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    memberships: list[Membership] = []
    for plan, user in zip(planned, users, strict=True):
        unit = units[plan.unit_code]
        membership_check(unit=unit, role=plan.role)
        memberships.append(Membership(user=user, unit=unit, role=plan.role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)


def _summary(county: Unit, *, created: bool) -> DemoSummary:
    """Counted from the database, so the summary is true of what is there, not of the plan."""
    kinds: dict[str, int] = dict(
        Unit.objects.subtree(county.path)
        .order_by()
        .values_list("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
    )
    in_county = county.path
    return DemoSummary(
        created=created,
        county=county.name,
        towns=kinds.get(UnitKind.TOWN, 0) + kinds.get(UnitKind.STREET, 0),
        villages=kinds.get(UnitKind.VILLAGE, 0) + kinds.get(UnitKind.COMMUNITY, 0),
        grids=kinds.get(UnitKind.GRID, 0),
        departments=kinds.get(UnitKind.DEPARTMENT, 0),
        social_organisations=kinds.get(UnitKind.SOCIAL_ORG, 0),
        enterprises=Enterprise.objects.filter(town__path__descendant=in_county).count(),
        households=Household.objects.filter(village__path__descendant=in_county).count(),
        residents=Resident.objects.filter(village__path__descendant=in_county).count(),
        staff=User.objects.filter(memberships__unit__path__descendant=in_county).distinct().count(),
    )
