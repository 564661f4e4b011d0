"""Writes to the directory. Every change to units, roles, enterprises and residents comes here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from sanfu.directory.models import (
    ALLOWED_PARENT_KINDS,
    ROLE_UNIT_KINDS,
    TOWN_KINDS,
    VILLAGE_KINDS,
    Enterprise,
    EnterpriseSize,
    Household,
    Industry,
    Membership,
    Relation,
    Resident,
    StaffRole,
    Unit,
    UnitKind,
    User,
)
from sanfu.directory.querysets import forget_scope
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.idnumber import id_number_require
from sanfu.lib.treepath import MAX_DEPTH, child_path, path_depth, path_segment
from sanfu.lib.uscc import CreditCodeError, parse_credit_code

# --- units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    kind: str
    name: str
    code: str


def _temporary_path() -> str:
    # Unique placeholder until the row has an id to build its real path from.
    return "~" + uuid.uuid4().hex


def _clean_text(value: str, *, field: str, label: str, required: bool = True) -> str:
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    return cleaned


def unit_check(*, kind: str, name: str, code: str, parent: Unit | None) -> UnitSpec:
    """Validate a unit before it is written; raises ValidationFailed naming the field."""
    if kind not in UnitKind.values:
        raise ValidationFailed(_("Unknown kind of unit: %(kind)s.") % {"kind": kind}, field="kind")
    allowed = ALLOWED_PARENT_KINDS[kind]
    if parent is None and allowed:
        raise ValidationFailed(
            _("A %(kind)s must have a parent unit.") % {"kind": UnitKind(kind).label},
            field="parent",
        )
    if parent is not None and parent.kind not in allowed:
        raise ValidationFailed(
            _("A %(kind)s cannot be placed under a %(parent)s.")
            % {"kind": UnitKind(kind).label, "parent": UnitKind(parent.kind).label},
            field="parent",
        )
    if parent is not None and path_depth(parent.path) >= MAX_DEPTH:
        raise ValidationFailed(_("The tree is too deep here."), field="parent")
    return UnitSpec(
        kind=kind,
        name=_clean_text(name, field="name", label=_("Name")),
        code=_clean_text(code, field="code", label=_("Code")).upper(),
    )


def _check_unique(spec: UnitSpec, parent: Unit | None, *, exclude_id: int | None = None) -> None:
    others = Unit.objects.all() if exclude_id is None else Unit.objects.exclude(pk=exclude_id)
    if others.filter(code=spec.code).exists():
        raise ValidationFailed(
            _("Another unit already has the code %(code)s.") % {"code": spec.code}, field="code"
        )
    if others.filter(parent=parent, name=spec.name).exists():
        raise ValidationFailed(
            _("Another unit with this name already exists under the same parent."),
            field="name",
        )


@transaction.atomic
def unit_create(*, kind: str, name: str, code: str, parent: Unit | None) -> Unit:
    if parent is not None:
        # Lock the parent so a concurrent move cannot leave this child with a stale path.
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    spec = unit_check(kind=kind, name=name, code=code, parent=parent)
    _check_unique(spec, parent)
    return unit_bulk_create(parent=parent, specs=[spec])[0]


def unit_bulk_create(*, parent: Unit | None, specs: Sequence[UnitSpec]) -> list[Unit]:
    """Create many already-checked children of one parent with two statements."""
    units = [
        Unit(kind=s.kind, name=s.name, code=s.code, parent=parent, path=_temporary_path())
        for s in specs
    ]
    Unit.objects.bulk_create(units)
    if any(unit.pk is None for unit in units):  # pragma: no cover - both engines return ids
        raise RuntimeError("the database did not return the new units' ids")
    prefix = parent.path if parent is not None else ""
    for unit in units:
        unit.path = child_path(prefix, unit.pk)
    Unit.objects.bulk_update(units, ["path"])
    return units


@transaction.atomic
def unit_update(*, unit: Unit, name: str, code: str, parent: Unit | None, is_active: bool) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    spec = unit_check(kind=unit.kind, name=name, code=code, parent=parent)
    _check_unique(spec, parent, exclude_id=unit.pk)
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationFailed(_("A unit cannot be moved under itself."), field="parent")
    if parent != unit.parent:
        _move_subtree(unit, parent)
    unit.name, unit.code, unit.is_active, unit.parent = spec.name, spec.code, is_active, parent
    unit.save(update_fields=["name", "code", "is_active", "parent"])
    return unit


def _move_subtree(unit: Unit, new_parent: Unit | None) -> None:
    old = unit.path
    new = (new_parent.path if new_parent else "") + path_segment(unit.pk)
    if path_depth(new) - path_depth(old) + _subtree_depth(unit) > MAX_DEPTH:
        raise ValidationFailed(_("The tree is too deep here."), field="parent")
    # One statement rewrites the whole subtree's prefix.
    Unit.objects.subtree(old).update(path=Concat(Value(new), Substr(F("path"), len(old) + 1)))
    unit.path = new


def _subtree_depth(unit: Unit) -> int:
    paths = Unit.objects.subtree(unit.path).values_list("path", flat=True)
    return max(path_depth(p) for p in paths)


# --- staff ---------------------------------------------------------------------------------


def membership_check(*, unit: Unit, role: str) -> None:
    if role not in StaffRole.values:
        raise ValidationFailed(_("Unknown role: %(role)s.") % {"role": role}, field="role")
    if unit.kind not in ROLE_UNIT_KINDS[role]:
        raise ValidationFailed(
            _("The role %(role)s cannot be held at a %(kind)s.")
            % {"role": StaffRole(role).label, "kind": UnitKind(unit.kind).label},
            field="unit",
        )


@transaction.atomic
def membership_grant(*, user: User, unit: Unit, role: str) -> Membership:
    membership_check(unit=unit, role=role)
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if role == StaffRole.ADMINISTRATOR and not user.is_staff:
        # The admin site admits staff flags only; administrators manage the directory there.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    user = membership.user
    membership.delete()
    if (
        not user.is_superuser
        and not Membership.objects.filter(user=user, role=StaffRole.ADMINISTRATOR).exists()
    ):
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_scope(user)


# --- enterprises ---------------------------------------------------------------------------


def enterprise_check_location(*, town: Unit, village: Unit | None) -> None:
    if town.kind not in TOWN_KINDS:
        raise ValidationFailed(_("Choose a town or sub-district."), field="town")
    if village is None:
        return
    if village.kind not in VILLAGE_KINDS:
        raise ValidationFailed(_("Choose a village or community."), field="village")
    if village.parent_id != town.pk:
        raise ValidationFailed(_("This village is not in the chosen town."), field="village")


def credit_code_clean(value: str) -> str:
    try:
        return parse_credit_code(value)
    except CreditCodeError as exc:
        raise ValidationFailed(str(exc), field="credit_code") from None


@transaction.atomic
def enterprise_create(
    *,
    name: str,
    credit_code: str,
    town: Unit,
    village: Unit | None = None,
    industry: str = Industry.OTHER,
    size: str = EnterpriseSize.SMALL,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    return enterprise_update(
        enterprise=Enterprise(),
        name=name,
        credit_code=credit_code,
        town=town,
        village=village,
        industry=industry,
        size=size,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


@transaction.atomic
def enterprise_update(
    *,
    enterprise: Enterprise,
    name: str,
    credit_code: str,
    town: Unit,
    village: Unit | None,
    industry: str,
    size: str,
    address: str,
    contact_name: str,
    contact_phone: str,
) -> Enterprise:
    code = credit_code_clean(credit_code)
    enterprise_check_location(town=town, village=village)
    if industry not in Industry.values:
        raise ValidationFailed(_("Choose an industry from the list."), field="industry")
    if size not in EnterpriseSize.values:
        raise ValidationFailed(_("Choose a size from the list."), field="size")
    if Enterprise.objects.filter(credit_code=code).exclude(pk=enterprise.pk).exists():
        raise ValidationFailed(
            _("An enterprise with this credit code is already registered."), field="credit_code"
        )
    enterprise.name = _clean_text(name, field="name", label=_("Name"))
    enterprise.credit_code, enterprise.town, enterprise.village = code, town, village
    enterprise.industry, enterprise.size, enterprise.address = industry, size, address.strip()
    enterprise.contact_name, enterprise.contact_phone = contact_name.strip(), contact_phone.strip()
    enterprise.save()
    return enterprise


# --- residents -----------------------------------------------------------------------------


def resident_check_location(*, village: Unit, household: Household | None) -> None:
    if village.kind not in VILLAGE_KINDS:
        raise ValidationFailed(_("Choose a village or community."), field="village")
    if household is not None and household.village_id != village.pk:
        raise ValidationFailed(_("This household belongs to another village."), field="household")


@transaction.atomic
def resident_create(
    *,
    name: str,
    id_number: str,
    village: Unit,
    household: Household | None = None,
    relation: str = Relation.HEAD,
    phone: str = "",
    address: str = "",
) -> tuple[Resident, tuple[str, ...]]:
    """Register a resident; returns the warnings (e.g. an unknown region code) to show."""
    return resident_update(
        resident=Resident(),
        name=name,
        id_number=id_number,
        village=village,
        household=household,
        relation=relation,
        phone=phone,
        address=address,
    )


@transaction.atomic
def resident_update(
    *,
    resident: Resident,
    name: str,
    id_number: str,
    village: Unit,
    household: Household | None,
    relation: str,
    phone: str,
    address: str,
) -> tuple[Resident, tuple[str, ...]]:
    info = id_number_require(id_number)
    resident_check_location(village=village, household=household)
    if relation not in Relation.values:
        raise ValidationFailed(_("Choose a relation from the list."), field="relation")
    if Resident.objects.filter(id_number=info.number).exclude(pk=resident.pk).exists():
        raise ValidationFailed(
            _("A resident with this ID number is already registered."), field="id_number"
        )
    resident.name = _clean_text(name, field="name", label=_("Name"))
    resident.id_number, resident.birth_date, resident.sex = info.number, info.birth_date, info.sex
    resident.village, resident.household, resident.relation = village, household, relation
    resident.phone, resident.address = phone.strip(), address.strip()
    resident.save()
    return resident, info.warnings


def household_check_location(*, village: Unit, grid: Unit | None) -> None:
    if village.kind not in VILLAGE_KINDS:
        raise ValidationFailed(_("Choose a village or community."), field="village")
    if grid is not None and grid.parent_id != village.pk:
        raise ValidationFailed(_("This grid is not in the chosen village."), field="grid")


@transaction.atomic
def household_create(
    *, number: str, village: Unit, grid: Unit | None = None, address: str = ""
) -> Household:
    household_check_location(village=village, grid=grid)
    number = _clean_text(number, field="number", label=_("Household number"))
    if Household.objects.filter(number=number).exists():
        raise ValidationFailed(_("This household number is already in use."), field="number")
    return Household.objects.create(number=number, village=village, grid=grid, address=address)
