"""The county the synthetic cases happen in, read once into plain Python.

A million cases cannot afford a query each for the requester's village, the category's default
units or the staff member who signs; everything the generator looks up is loaded here in a few
queries and kept as ids and tuples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from sanfu.cases.models import Category
from sanfu.directory.models import (
    TOWN_KINDS,
    VILLAGE_KINDS,
    Enterprise,
    Membership,
    Resident,
    StaffRole,
    Unit,
    UnitKind,
)
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.treepath import path_ids

# Which role acts for a unit, in order of preference, when it handles a case (signs, replies)
# and when it dispatches (the capabilities of sanfu.cases.policies, restricted to one role).
HANDLER_ROLES = (
    StaffRole.DEPARTMENT_HANDLER,
    StaffRole.GRID_WORKER,
    StaffRole.VILLAGE_CADRE,
    StaffRole.TOWN_STAFF,
    StaffRole.DISPATCHER,
    StaffRole.LEADER,
)
DISPATCHER_ROLES = (StaffRole.DISPATCHER, StaffRole.TOWN_STAFF, StaffRole.VILLAGE_CADRE)
OVERSEER_ROLES = (StaffRole.SUPERVISOR, StaffRole.DISPATCHER, StaffRole.LEADER)
# Requesters are adults: a case raised by a child of the demo households would read oddly.
ADULT_BORN_BEFORE = date(2006, 1, 1)


@dataclass(frozen=True)
class Place:
    """A town, village or grid where a case can be located."""

    id: int
    kind: str
    name: str
    town: int
    village: int | None


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    phone: str
    id_number: str
    address: str


@dataclass(frozen=True)
class Firm:
    id: int
    name: str
    phone: str
    address: str
    town: int
    village: int | None


@dataclass(frozen=True)
class Matter:
    """A level-3 category with what routing needs: village level allowed, default departments."""

    category: Category
    category_id: int
    village_ok: bool
    departments: tuple[int, ...]


@dataclass
class World:
    county: Unit
    places: list[Place]
    matters: list[Matter]
    paths: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    villages_of_town: dict[int, list[int]] = field(default_factory=dict)
    departments: list[int] = field(default_factory=list)
    residents: dict[int, list[Person]] = field(default_factory=dict)
    everyone: list[Person] = field(default_factory=list)
    firms: list[Firm] = field(default_factory=list)
    # (unit id, role) -> the first staff account holding that role there.
    staff: dict[tuple[int, str], int] = field(default_factory=dict)
    _dispatching: dict[tuple[int, int | None], tuple[int, int | None]] = field(default_factory=dict)
    _handlers: dict[int, int | None] = field(default_factory=dict)

    # Model instances compute .pk through a property; the generator asks a million times.
    county_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.county_id = self.county.pk

    def user(self, unit: int, roles: tuple[str, ...]) -> int | None:
        for role in roles:
            user = self.staff.get((unit, role))
            if user is not None:
                return user
        return None

    def handler(self, unit: int) -> int | None:
        if unit not in self._handlers:
            self._handlers[unit] = self.user(unit, HANDLER_ROLES)
        return self._handlers[unit]

    def dispatching(self, desk: int, lead: int | None = None) -> tuple[int, int | None]:
        """The unit that dispatches from `desk` (to `lead`), and a person there.

        The nearest unit at or above the desk that has a dispatcher and, for a dispatch, has
        the lead unit in its subtree: the unit sanfu.cases.policies.acting_unit would name.
        """
        key = (desk, lead)
        known = self._dispatching.get(key)
        if known is None:
            known = self._dispatching[key] = self._find_dispatcher(desk, lead)
        return known

    def _find_dispatcher(self, desk: int, lead: int | None) -> tuple[int, int | None]:
        lead_path = self.paths[lead] if lead is not None else ""
        for unit in reversed(path_ids(self.paths[desk])):
            if lead is not None and not lead_path.startswith(self.paths[unit]):
                continue
            person = self.user(unit, (*DISPATCHER_ROLES, StaffRole.LEADER))
            if person is not None:
                return unit, person
        return desk, None

    def overseer(self) -> tuple[int, int | None]:
        return self.county_id, self.user(self.county_id, OVERSEER_ROLES)


def world_load(county_code: str) -> World:
    county = Unit.objects.filter(code=county_code, kind=UnitKind.COUNTY).first()
    if county is None:
        raise ValidationFailed(
            _(
                "There is no county with the code %(code)s: load the demo county first "
                "(sanfu seed demo)."
            )
            % {"code": county_code}
        )
    matters = _matters_load(county)
    world = World(county=county, places=[], matters=matters)
    _units_load(world)
    if not world.places:
        raise ValidationFailed(
            _("%(county)s has no towns, villages or grids to place cases in.")
            % {"county": county.name}
        )
    _people_load(world)
    return world


def matters_exist() -> bool:
    return Category.objects.filter(level=3, is_active=True).exists()


def catalogue_missing() -> ValidationFailed:
    return ValidationFailed(
        _(
            "There are no categories to file cases under: load the catalogue first "
            "(sanfu catalogue load)."
        )
    )


def _units_load(world: World) -> None:
    units = Unit.objects.subtree(world.county.path).filter(is_active=True).order_by("path")
    parents: dict[int, int | None] = {}
    for unit in units.only("pk", "kind", "name", "path", "parent_id"):
        world.paths[unit.pk] = unit.path
        world.names[unit.pk] = unit.name
        world.kinds[unit.pk] = unit.kind
        parents[unit.pk] = unit.parent_id
        if unit.kind == UnitKind.DEPARTMENT:
            world.departments.append(unit.pk)
    for pk, kind in world.kinds.items():
        place = _place_of(pk, kind, world, parents)
        if place is not None:
            world.places.append(place)
            if kind in VILLAGE_KINDS:
                world.villages_of_town.setdefault(place.town, []).append(pk)


def _place_of(pk: int, kind: str, world: World, parents: dict[int, int | None]) -> Place | None:
    parent = parents[pk]
    if kind in TOWN_KINDS:
        return Place(pk, kind, world.names[pk], town=pk, village=None)
    if kind in VILLAGE_KINDS and parent is not None:
        return Place(pk, kind, world.names[pk], town=parent, village=pk)
    if kind == UnitKind.GRID and parent is not None:
        town = parents.get(parent)
        if town is not None and world.kinds.get(parent) in VILLAGE_KINDS:
            return Place(pk, kind, world.names[pk], town=town, village=parent)
    return None


def _people_load(world: World) -> None:
    in_county = world.county.path
    residents = (
        Resident.objects.filter(
            village__path__descendant=in_county, birth_date__lt=ADULT_BORN_BEFORE
        )
        .order_by("pk")
        .values_list("pk", "name", "phone", "id_number", "address", "village_id")
    )
    by_village: dict[int, list[Person]] = defaultdict(list)
    for pk, name, phone, id_number, address, village in residents:
        person = Person(pk, name, phone, id_number, address)
        by_village[village].append(person)
        world.everyone.append(person)
    world.residents = dict(by_village)
    firms = (
        Enterprise.objects.filter(town__path__descendant=in_county)
        .order_by("pk")
        .values_list("pk", "name", "contact_phone", "address", "town_id", "village_id")
    )
    world.firms = [
        Firm(pk, name, phone, address, town, village)
        for pk, name, phone, address, town, village in firms
        if town in world.paths
    ]
    memberships = (
        Membership.objects.filter(unit__path__descendant=in_county, user__is_active=True)
        .order_by("user_id")
        .values_list("unit_id", "role", "user_id")
    )
    for unit, role, user in memberships:
        world.staff.setdefault((unit, role), user)


def _matters_load(county: Unit) -> list[Matter]:
    """Active level-3 categories, each with the county's departments that lead it by default.

    Default units are the category's own, else its parent's, else its grandparent's, as in
    sanfu.cases.catalogue.default_units; only this county's active departments count.
    """
    categories = {c.pk: c for c in Category.objects.filter(is_active=True).order_by("code")}
    through = Category.default_units.through
    links: dict[int, list[int]] = defaultdict(list)
    for category_id, unit_id in (
        through.objects.filter(
            unit__path__descendant=county.path, unit__kind=UnitKind.DEPARTMENT, unit__is_active=True
        )
        .order_by("unit__path")
        .values_list("category_id", "unit_id")
    ):
        links[category_id].append(unit_id)
    matters: list[Matter] = []
    for category in categories.values():
        if category.level != 3:
            continue
        chain: list[int | None] = [category.pk, category.parent_id]
        parent = categories.get(category.parent_id) if category.parent_id else None
        chain.append(parent.parent_id if parent is not None else None)
        departments = next((links[pk] for pk in chain if pk is not None and links.get(pk)), [])
        matters.append(Matter(category, category.pk, category.village_level_ok, tuple(departments)))
    if not matters:
        raise catalogue_missing()
    return matters
