"""Who asks, about what, where and through which channel; and which units get the case.

The shares are a county's plausible mix, not measurements: most requests come from residents
on a phone, the web or the hotline; enterprises ask about their own town; grid workers and
village cadres take requests down in person. Routing follows the rules of
sanfu.cases.catalogue.suggest_lead_unit, with the dispatcher's occasional other choice.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from sanfu.cases.models import Channel, Priority, RequesterKind
from sanfu.directory.models import StaffRole, UnitKind
from sanfu.ops.synthetic.world import Firm, Matter, Person, Place, World

CHANNELS = {
    Channel.MOBILE: 34.0,
    Channel.WEB: 28.0,
    Channel.HOTLINE: 22.0,
    Channel.PATROL: 5.0,
    Channel.VISIT: 4.0,
    Channel.VILLAGE_MEETING: 3.0,
    Channel.OPEN311: 2.5,
    Channel.RECEPTION_DAY: 1.5,
}
REQUESTERS = {
    RequesterKind.RESIDENT: 72.0,
    RequesterKind.ENTERPRISE: 13.0,
    RequesterKind.ANONYMOUS: 8.0,
    RequesterKind.GRASSROOTS: 7.0,
}
PRIORITIES = {Priority.NORMAL: 90.0, Priority.URGENT: 8.5, Priority.EMERGENCY: 1.5}
PLACE_KINDS = {UnitKind.GRID: 55.0, "village": 33.0, "town": 12.0}
CONFIDENTIAL_SHARE = 0.03
# A resident requester matched to the population register (the rest only give a name/phone).
LINKED_RESIDENT_SHARE = 0.7
ADDRESS_SHARE = 0.6
CO_HANDLING_SHARE = 0.1
_MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "158", "177", "187", "189")


class Weighted:
    """Fast repeated draws from a fixed weighted list."""

    def __init__(self, items: dict[Any, float] | list[tuple[Any, float]]) -> None:
        pairs = list(items.items()) if isinstance(items, dict) else items
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(accumulate(weight for _item, weight in pairs))

    def draw(self, rng: random.Random) -> Any:
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.items[min(index, len(self.items) - 1)]


@dataclass(frozen=True)
class Intake:
    """What the generator needs after the columns are set: routing inputs and who took it."""

    matter: Matter
    place: Place
    desk: int
    taker: int | None  # the staff member who took the case down in person


class Drawer:
    def __init__(
        self, world: World, rng: random.Random, matters: Sequence[Matter] | None = None
    ) -> None:
        self.world = world
        self.rng = rng
        self.channels = Weighted(CHANNELS)
        self.requesters = Weighted(REQUESTERS)
        self.priorities = Weighted(PRIORITIES)
        # Some matters come up far more than others (the hot spots): a skewed weight each.
        drawn = world.matters if matters is None else matters
        self.matters = Weighted([(m, rng.lognormvariate(0, 1.2)) for m in drawn])
        self.places_by_kind: dict[str, list[Place]] = {}
        for place in world.places:
            key = (
                place.kind
                if place.kind == UnitKind.GRID
                else ("village" if place.village == place.id else "town")
            )
            self.places_by_kind.setdefault(key, []).append(place)
        self.place_kinds = Weighted(
            [(kind, weight) for kind, weight in PLACE_KINDS.items() if kind in self.places_by_kind]
        )
        self.place_of = {place.id: place for place in world.places}

    def intake(
        self, v: dict[str, Any], *, matter: Matter | None = None, place: Place | None = None
    ) -> Intake:
        """Fill the requester, channel, category and place columns of a new case."""
        rng = self.rng
        kind = self.requesters.draw(rng)
        firm = None
        if kind == RequesterKind.ENTERPRISE and self.world.firms and place is None:
            firm = rng.choice(self.world.firms)
            place = self.place_of.get(firm.village or firm.town)
        if place is None:
            place = rng.choice(self.places_by_kind[self.place_kinds.draw(rng)])
        matter = matter or self.matters.draw(rng)
        v["requester_kind"] = self._requester(v, kind, firm, place)
        v["channel"] = channel = self.channels.draw(rng)
        v["category_id"] = matter.category_id
        v["priority"] = self.priorities.draw(rng)
        v["location_unit_id"] = place.id
        v["confidential"] = rng.random() < CONFIDENTIAL_SHARE
        desk, taker = self._desk(channel, place)
        v["desk_unit_id"] = desk
        return Intake(matter=matter, place=place, desk=desk, taker=taker)

    def _requester(self, v: dict[str, Any], kind: str, firm: Firm | None, place: Place) -> str:
        if kind == RequesterKind.ENTERPRISE and firm is not None:
            v["enterprise_id"] = firm.id
            v["requester_name"] = firm.name[:100]
            v["requester_phone"] = firm.phone
            v["address"] = firm.address
            return kind
        village = place.village or self._village_in(place.town)
        if kind == RequesterKind.GRASSROOTS and village is not None:
            v["requester_unit_id"] = village
            v["requester_name"] = self.world.names[village]
            return kind
        if kind == RequesterKind.ANONYMOUS:
            return kind
        self._resident(v, village, place)
        return RequesterKind.RESIDENT

    def _resident(self, v: dict[str, Any], village: int | None, place: Place) -> None:
        rng = self.rng
        neighbours = self.world.residents.get(village or 0)
        if neighbours and rng.random() < LINKED_RESIDENT_SHARE:
            person: Person = rng.choice(neighbours)
            v["resident_id"] = person.id
            v["requester_name"] = person.name
            v["requester_phone"] = person.phone
            v["requester_id_number"] = person.id_number
            v["address"] = person.address
            return
        if self.world.everyone:
            v["requester_name"] = rng.choice(self.world.everyone).name
        v["requester_phone"] = f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        if rng.random() < ADDRESS_SHARE:
            v["address"] = f"{self.world.names[place.id]}{rng.randint(1, 200)}号"

    def _village_in(self, town: int) -> int | None:
        villages = self.world.villages_of_town.get(town)
        return self.rng.choice(villages) if villages else None

    def _desk(self, channel: str, place: Place) -> tuple[int, int | None]:
        """Where the case waits for dispatch, and who took it down (see intake._desk_for).

        Requests taken down in person start at the unit of the person who took them: the grid
        worker on patrol, the village cadre at a village meeting, town staff on a visit, a
        town leader on reception day. Everything else goes to the county dispatch centre.
        """
        county = self.world.county_id
        posts: list[tuple[int | None, str]] = []
        if channel == Channel.PATROL:
            posts = [
                (place.id if place.kind == UnitKind.GRID else None, StaffRole.GRID_WORKER),
                (place.village, StaffRole.VILLAGE_CADRE),
            ]
        elif channel == Channel.VILLAGE_MEETING:
            posts = [(place.village, StaffRole.VILLAGE_CADRE), (place.town, StaffRole.TOWN_STAFF)]
        elif channel == Channel.VISIT:
            posts = [(place.town, StaffRole.TOWN_STAFF)]
        elif channel == Channel.RECEPTION_DAY:
            posts = [(place.town, StaffRole.LEADER)]
        for unit, role in posts:
            person = self.world.staff.get((unit, role)) if unit is not None else None
            if unit is not None and person is not None:
                return unit, person
        return county, None

    # --- routing ---------------------------------------------------------------------------

    def lead(self, matter: Matter, place: Place) -> int:
        """Mostly the catalogue's suggestion; now and then the dispatcher's other choice."""
        rng = self.rng
        if matter.village_ok and place.village is not None and rng.random() < 0.75:
            return place.village
        if matter.departments and rng.random() < 0.8:
            # The first default unit leads most; the others when the matter is theirs.
            return matter.departments[0] if rng.random() < 0.8 else rng.choice(matter.departments)
        return place.town

    def co_units(self, matter: Matter, place: Place, lead: int) -> list[int]:
        rng = self.rng
        if rng.random() >= CO_HANDLING_SHARE:
            return []
        if self.world.kinds[lead] == UnitKind.DEPARTMENT:
            return [place.town]
        others = [unit for unit in matter.departments if unit != lead]
        return [rng.choice(others)] if others else []

    def redirect(self, matter: Matter, place: Place, previous: int) -> int:
        """Where the desk sends a returned case instead."""
        kind = self.world.kinds[previous]
        if kind != UnitKind.TOWN and kind != UnitKind.STREET and previous != place.town:
            return place.town
        others = [unit for unit in matter.departments if unit != previous]
        if others:
            return self.rng.choice(others)
        if place.village is not None and matter.village_ok:
            return place.village
        departments = [unit for unit in self.world.departments if unit != previous]
        return self.rng.choice(departments) if departments else previous


def lognormal_hours(rng: random.Random, median: float, sigma: float = 1.0) -> float:
    return rng.lognormvariate(math.log(median), sigma)
