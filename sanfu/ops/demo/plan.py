"""The plan of the demo county 云溪县: everything `sanfu seed demo` loads, drawn without a database.

`demo_plan()` draws the county from fixed-seed random generators, so the same code plans the same
county on every call and machine; sanfu.ops.demo.county writes it. Each part (units, enterprises,
households, staff) has its own generator, so changing how one part is drawn does not reshuffle
the others. Ages are counted at a fixed reference date, never today.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from sanfu.directory import zh_names as names
from sanfu.directory.models import (
    TOWN_KINDS,
    VILLAGE_KINDS,
    EnterpriseSize,
    Industry,
    Relation,
    Sex,
    StaffRole,
    UnitKind,
)
from sanfu.lib.idnumber import id_number_check_char
from sanfu.lib.uscc import credit_code_check_char

SEED = "sanfu-demo-county-1"
COUNTY_CODE = "YX"
# A made-up region code (no real county has 330299), so demo people never look like real ones.
REGION_CODE = "330299"
# Ages are counted at this fixed date rather than today, so every run draws the same birth
# dates; it lies in the past, so no birth date can be in the future.
REFERENCE_DATE = date(2025, 7, 1)
HOUSEHOLDS = 6800
ENTERPRISES = 2000
COUNTY_SOCIAL_ORGANISATIONS = 100
TOWN_SOCIAL_ORGANISATIONS = 10
# The credit-code alphabet of GB 32100 (no I, O, S, V, Z).
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)), "150", "151", "152", "153", "155", "156", "157", "158",
    "159", "173", "176", "177", "178", *(f"18{d}" for d in range(10)), "191", "198", "199",
)  # fmt: skip


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedUnit:
    kind: str
    name: str
    code: str
    parent_code: str | None


@dataclass(frozen=True)
class PlannedEnterprise:
    name: str
    credit_code: str
    town_code: str
    village_code: str | None
    industry: str
    size: str
    address: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class PlannedResident:
    name: str
    id_number: str
    relation: str
    phone: str


@dataclass(frozen=True)
class PlannedHousehold:
    number: str
    village_code: str
    grid_code: str
    address: str
    members: tuple[PlannedResident, ...]


@dataclass(frozen=True)
class PlannedStaff:
    username: str
    full_name: str
    phone: str
    role: str
    unit_code: str


@dataclass(frozen=True)
class DemoPlan:
    units: tuple[PlannedUnit, ...]
    enterprises: tuple[PlannedEnterprise, ...]
    households: tuple[PlannedHousehold, ...]
    staff: tuple[PlannedStaff, ...]


def demo_plan() -> DemoPlan:
    """The whole demo county, drawn from fixed seeds: the same on every call and machine."""
    units = _plan_units(_generator("units"))
    return DemoPlan(
        units=tuple(units),
        enterprises=tuple(_plan_enterprises(_generator("enterprises"), units)),
        households=tuple(_plan_households(_generator("households"), units)),
        staff=tuple(_plan_staff(_generator("staff"), units)),
    )


def _generator(part: str) -> random.Random:
    # Reproducible on purpose and never used for secrets; a str seed is hashed with SHA-512, so
    # it does not depend on PYTHONHASHSEED.
    return random.Random(f"{SEED}:{part}")  # noqa: S311


# --- people: names, ID numbers, phones -----------------------------------------------------


class _Namer:
    """Chinese names: a family name by its frequency, a given name by sex and era of birth."""

    _FAMILIES = tuple(family for family, _weight in names.FAMILY_NAMES)
    _CUMULATIVE = tuple(accumulate(weight for _family, weight in names.FAMILY_NAMES))

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def family_name(self) -> str:
        return self._rng.choices(self._FAMILIES, cum_weights=self._CUMULATIVE)[0]

    def given_name(self, sex: str, birth_year: int) -> str:
        old, young = names.NAME_ERA_BOUNDS
        male = sex == Sex.MALE
        if birth_year < old:
            pool = names.MALE_NAMES_OLD if male else names.FEMALE_NAMES_OLD
        elif birth_year < young:
            pool = names.MALE_NAMES_MIDDLE if male else names.FEMALE_NAMES_MIDDLE
        else:
            pool = names.MALE_NAMES_YOUNG if male else names.FEMALE_NAMES_YOUNG
        return self._rng.choice(pool)

    def full_name(self, sex: str, birth_year: int) -> str:
        return self.family_name() + self.given_name(sex, birth_year)


class _IdIssuer:
    """Valid, unique ID numbers: birth date, sex parity and check digit all consistent."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()

    def issue(self, born: date, sex: str) -> str:
        while True:
            # Odd sequence codes are men's; 000 is never issued.
            sequence = self._rng.randrange(1, 500) * 2 + (1 if sex == Sex.MALE else 0)
            first17 = f"{REGION_CODE}{born:%Y%m%d}{sequence:03d}"
            if first17 not in self._issued:
                self._issued.add(first17)
                return first17 + id_number_check_char(first17)


def _birth_date(rng: random.Random, age: int) -> date:
    # Anywhere in the year that ends on the reference date at exactly `age` years old.
    anniversary = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    return anniversary - timedelta(days=rng.randrange(365))


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _adult_name(rng: random.Random, namer: _Namer) -> str:
    sex = Sex.MALE if rng.random() < 0.6 else Sex.FEMALE
    return namer.full_name(sex, REFERENCE_DATE.year - rng.randint(25, 58))


# --- units ---------------------------------------------------------------------------------


def _plan_units(rng: random.Random) -> list[PlannedUnit]:
    """County, towns, villages, grids, departments, social organisations: parents first."""
    county = PlannedUnit(UnitKind.COUNTY, names.COUNTY_NAME, COUNTY_CODE, None)
    towns = [
        PlannedUnit(kind, name, f"{COUNTY_CODE}{number:02d}", COUNTY_CODE)
        for number, (kind, name) in enumerate(
            [(UnitKind.STREET, name) for name in names.STREETS]
            + [(UnitKind.TOWN, name) for name in names.TOWNS],
            start=1,
        )
    ]
    villages = _plan_villages(rng, towns)
    grids = [
        PlannedUnit(
            UnitKind.GRID,
            f"{village.name}第{names.CHINESE_NUMERALS[number - 1]}网格",
            f"{village.code}{number:02d}",
            village.code,
        )
        for village in villages
        for number in range(1, rng.randint(4, 6) + 1)
    ]
    departments = [
        PlannedUnit(UnitKind.DEPARTMENT, name, f"{COUNTY_CODE}D{number:02d}", COUNTY_CODE)
        for number, name in enumerate(names.DEPARTMENTS, start=1)
    ]
    organisations = _plan_social_organisations(rng, towns)
    return [county, *towns, *villages, *grids, *departments, *organisations]


def _plan_villages(rng: random.Random, towns: list[PlannedUnit]) -> list[PlannedUnit]:
    # Drawn without replacement, so no two villages in the county share a name.
    village_names = [p + f for p in names.VILLAGE_PREFIXES for f in names.VILLAGE_LANDFORMS]
    village_names += [*names.VILLAGE_FAMILIES, *names.VILLAGE_LANDMARKS]
    rng.shuffle(village_names)
    community_names = list(names.COMMUNITIES)
    rng.shuffle(community_names)
    villages: list[PlannedUnit] = []
    for town in towns:
        # Sub-districts hold communities, towns villages, as in a real county.
        if town.kind == UnitKind.STREET:
            kind, pool, suffix, count = UnitKind.COMMUNITY, community_names, "社区", (8, 10)
        else:
            kind, pool, suffix, count = UnitKind.VILLAGE, village_names, "村", (11, 14)
        villages += [
            PlannedUnit(kind, pool.pop() + suffix, f"{town.code}{number:03d}", town.code)
            for number in range(1, rng.randint(*count) + 1)
        ]
    return villages


def _plan_social_organisations(rng: random.Random, towns: list[PlannedUnit]) -> list[PlannedUnit]:
    county_names = [
        *(names.COUNTY_NAME + name for name in names.COUNTY_ASSOCIATIONS),
        *(names.COUNTY_NAME + name for name in names.COUNTY_FOUNDATIONS),
        *(names.COUNTY_NAME + name for name in names.COUNTY_RESCUE_TEAMS),
    ]
    centres = [f"{names.COUNTY_NAME}{name}社会工作服务中心" for name in names.SOCIAL_WORK_CENTRES]
    county_names += centres[: COUNTY_SOCIAL_ORGANISATIONS - len(county_names)]
    placed = [(name, COUNTY_CODE) for name in county_names]
    for town in towns:
        kinds = list(names.LOCAL_ORGANISATIONS)
        if town.kind == UnitKind.TOWN:
            kinds += names.RURAL_ORGANISATIONS
        placed += [
            (town.name + kind, town.code) for kind in rng.sample(kinds, TOWN_SOCIAL_ORGANISATIONS)
        ]
    return [
        PlannedUnit(UnitKind.SOCIAL_ORG, name, f"{COUNTY_CODE}S{number:03d}", parent_code)
        for number, (name, parent_code) in enumerate(placed, start=1)
    ]


def _children_by_parent(
    units: Sequence[PlannedUnit], kinds: frozenset[str]
) -> dict[str, list[PlannedUnit]]:
    children: dict[str, list[PlannedUnit]] = {}
    for unit in units:
        if unit.kind in kinds and unit.parent_code is not None:
            children.setdefault(unit.parent_code, []).append(unit)
    return children


# --- enterprises ---------------------------------------------------------------------------

# Manufacturing and trade dominate a Zhejiang county's register; most firms are small or micro.
_INDUSTRY_SHARES: dict[str, int] = {
    Industry.MANUFACTURING: 30, Industry.TRADE: 18, Industry.CONSTRUCTION: 10,
    Industry.AGRICULTURE: 10, Industry.SERVICES: 10, Industry.HOSPITALITY: 6,
    Industry.LOGISTICS: 5, Industry.TECHNOLOGY: 4, Industry.TOURISM: 4, Industry.OTHER: 3,
}  # fmt: skip
_SIZE_SHARES: dict[str, int] = {
    EnterpriseSize.MICRO: 55, EnterpriseSize.SMALL: 33, EnterpriseSize.MEDIUM: 10,
    EnterpriseSize.LARGE: 2,
}  # fmt: skip
_INDUSTRIES, _INDUSTRY_WEIGHTS = tuple(_INDUSTRY_SHARES), tuple(_INDUSTRY_SHARES.values())
_SIZES, _SIZE_WEIGHTS = tuple(_SIZE_SHARES), tuple(_SIZE_SHARES.values())


def _plan_enterprises(rng: random.Random, units: list[PlannedUnit]) -> list[PlannedEnterprise]:
    namer = _Namer(rng)
    towns = [unit for unit in units if unit.kind in TOWN_KINDS]
    # Sub-districts are the county seat, where more firms register.
    town_weights = [1.5 if town.kind == UnitKind.STREET else 1.0 for town in towns]
    villages = _children_by_parent(units, VILLAGE_KINDS)
    taken_names: set[str] = set()
    taken_codes: set[str] = set()
    enterprises: list[PlannedEnterprise] = []
    for _index in range(ENTERPRISES):
        town = rng.choices(towns, weights=town_weights)[0]
        village = rng.choice(villages[town.code]) if rng.random() < 0.7 else None
        industry = rng.choices(_INDUSTRIES, weights=_INDUSTRY_WEIGHTS)[0]
        size = rng.choices(_SIZES, weights=_SIZE_WEIGHTS)[0]
        name, cooperative = _enterprise_name(rng, industry, size, taken_names)
        # 91: a company registered by market regulation; 93: a farmers' cooperative.
        code = _credit_code(rng, "93" if cooperative else "91", taken_codes)
        enterprises.append(
            PlannedEnterprise(
                name=name,
                credit_code=code,
                town_code=town.code,
                village_code=village.code if village else None,
                industry=industry,
                size=size,
                address=_enterprise_address(rng, town, village),
                contact_name=_adult_name(rng, namer),
                contact_phone=_mobile(rng),
            )
        )
    return enterprises


def _enterprise_name(
    rng: random.Random, industry: str, size: str, taken: set[str]
) -> tuple[str, bool]:
    """A unique name such as 云溪恒达机械制造有限公司; True if it is a farmers' cooperative."""
    small = size in (EnterpriseSize.SMALL, EnterpriseSize.MICRO)
    while True:
        trade = rng.choice(names.TRADE_NAMES)
        cooperative = industry == Industry.AGRICULTURE and small and rng.random() < 0.4
        if cooperative:
            name = f"{names.COUNTY_NAME}{trade}{rng.choice(names.COOPERATIVE_WORDS)}专业合作社"
        else:
            word = rng.choice(names.INDUSTRY_WORDS[industry])
            if small:
                prefix = rng.choice((names.COUNTY_SHORT, names.COUNTY_SHORT, names.COUNTY_NAME))
            else:
                prefix = rng.choice(("浙江", names.COUNTY_SHORT))
            limited = size == EnterpriseSize.LARGE and rng.random() < 0.5
            name = f"{prefix}{trade}{word}{'股份有限公司' if limited else '有限公司'}"
        if name not in taken:
            taken.add(name)
            return name, cooperative


def _credit_code(rng: random.Random, authority_and_type: str, taken: set[str]) -> str:
    while True:
        body = "".join(rng.choice(_CODE_ALPHABET) for _index in range(9))
        first17 = f"{authority_and_type}{REGION_CODE}{body}"
        if first17 not in taken:
            taken.add(first17)
            return first17 + credit_code_check_char(first17)


def _enterprise_address(rng: random.Random, town: PlannedUnit, village: PlannedUnit | None) -> str:
    number = rng.randint(1, 300)
    if town.kind == UnitKind.STREET:
        return f"{town.name}{rng.choice(names.STREET_ROADS)}{number}号"
    if village is None:
        return f"{town.name}工业功能区{number}号"
    return f"{town.name}{village.name}{number}号"


# --- households and residents --------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    relation: str
    sex: str
    age: int
    family_name: str


def _plan_households(rng: random.Random, units: list[PlannedUnit]) -> list[PlannedHousehold]:
    namer, issuer = _Namer(rng), _IdIssuer(rng)
    by_code = {unit.code: unit for unit in units}
    villages = [unit for unit in units if unit.kind in VILLAGE_KINDS]
    grids = _children_by_parent(units, frozenset({UnitKind.GRID}))
    # Communities in the county seat are denser than mountain villages.
    weights = [
        rng.uniform(0.6, 1.4) * (1.3 if village.kind == UnitKind.COMMUNITY else 1.0)
        for village in villages
    ]
    households: list[PlannedHousehold] = []
    for village, weight in zip(villages, weights, strict=True):
        count = round(HOUSEHOLDS * weight / sum(weights))
        town = by_code[village.parent_code or ""]
        addresses = _household_addresses(rng, town, village, count)
        village_grids = grids[village.code]
        for index, address in enumerate(addresses):
            members = _plan_family(rng, namer)
            households.append(
                PlannedHousehold(
                    number=f"{village.code}{index + 1:05d}",
                    village_code=village.code,
                    # Contiguous runs of house numbers make up a grid, as on the ground.
                    grid_code=village_grids[index * len(village_grids) // count].code,
                    address=address,
                    members=tuple(_resident(rng, namer, issuer, m) for m in members),
                )
            )
    return households


def _household_addresses(
    rng: random.Random, town: PlannedUnit, village: PlannedUnit, count: int
) -> list[str]:
    place = town.name + village.name
    if village.kind == UnitKind.COMMUNITY:
        # Flats: 12 per block (2 stairwells x 6 floors), so every address is distinct.
        return [
            f"{place}{index // 12 + 1}幢{index % 12 // 6 + 1}单元"
            f"{index % 6 + 1}0{rng.randint(1, 2)}室"
            for index in range(count)
        ]
    addresses: list[str] = []
    number = 0
    for _index in range(count):
        number += rng.randint(1, 3)
        addresses.append(f"{place}{number}号")
    return addresses


def _plan_family(rng: random.Random, namer: _Namer) -> list[_Member]:
    head_sex = Sex.MALE if rng.random() < 0.78 else Sex.FEMALE
    head = _Member(Relation.HEAD, head_sex, int(rng.triangular(30, 86, 52)), namer.family_name())
    members = [head]
    spouse = _plan_spouse(rng, namer, head)
    if spouse is not None:
        members.append(spouse)
    # Children take their father's family name.
    father = head if head.sex == Sex.MALE or spouse is None else spouse
    children = _plan_children(rng, members, father.family_name)
    members += children
    members += _plan_grandchildren(rng, head, children, father.family_name)
    if head.age <= 62 and rng.random() < 0.18:
        sex = Sex.FEMALE if rng.random() < 0.6 else Sex.MALE
        age = min(head.age + rng.randint(22, 34), 96)
        # The head's father shares the head's family name; the mother has her own.
        family = head.family_name if sex == Sex.MALE else namer.family_name()
        members.append(_Member(Relation.PARENT, sex, age, family))
    return members


def _plan_spouse(rng: random.Random, namer: _Namer, head: _Member) -> _Member | None:
    chance = 0.85 if head.age < 70 else 0.65 if head.age < 80 else 0.4
    if head.sex == Sex.FEMALE:
        # A woman heads the household mostly when widowed or when her husband lives away.
        chance /= 2
    if rng.random() >= chance:
        return None
    # Husbands are usually a few years older than their wives.
    gap = rng.randint(-1, 5)
    if head.sex == Sex.MALE:
        return _Member(Relation.SPOUSE, Sex.FEMALE, head.age - gap, namer.family_name())
    return _Member(Relation.SPOUSE, Sex.MALE, min(head.age + gap, 95), namer.family_name())


def _plan_children(rng: random.Random, parents: list[_Member], family: str) -> list[_Member]:
    head_age = parents[0].age
    if head_age < 45:
        count = rng.choices((0, 1, 2, 3), weights=(15, 45, 35, 5))[0]
    elif head_age < 60:
        count = rng.choices((0, 1, 2), weights=(30, 50, 20))[0]
    else:
        count = rng.choices((0, 1, 2), weights=(55, 35, 10))[0]
    # Born when the younger parent was between 21 and 42.
    youngest = min(parent.age for parent in parents)
    oldest_child, youngest_child = youngest - 21, max(0, youngest - 42)
    if oldest_child < 0:
        return []
    return [
        _Member(
            Relation.CHILD,
            Sex.MALE if rng.random() < 0.52 else Sex.FEMALE,
            rng.randint(youngest_child, oldest_child),
            family,
        )
        for _index in range(count)
    ]


def _plan_grandchildren(
    rng: random.Random, head: _Member, children: list[_Member], family: str
) -> list[_Member]:
    # Grandparents often raise grandchildren whose parents work in the cities (留守儿童).
    if head.age < 52 or rng.random() >= 0.3:
        return []
    oldest = min(17, head.age - 44)
    if children:
        # Not older than the eldest child here could have fathered or borne.
        oldest = min(oldest, max(child.age for child in children) - 20)
    if oldest < 0:
        return []
    count = 1 if rng.random() < 0.7 else 2
    return [
        _Member(
            Relation.GRANDCHILD,
            Sex.MALE if rng.random() < 0.52 else Sex.FEMALE,
            rng.randint(0, oldest),
            family,
        )
        for _index in range(count)
    ]


def _resident(
    rng: random.Random, namer: _Namer, issuer: _IdIssuer, member: _Member
) -> PlannedResident:
    born = _birth_date(rng, member.age)
    # Nearly every adult has a mobile phone; many of the very old and all children do not.
    chance = 0.0 if member.age < 16 else 0.92 if member.age < 75 else 0.55
    return PlannedResident(
        name=member.family_name + namer.given_name(member.sex, born.year),
        id_number=issuer.issue(born, member.sex),
        relation=member.relation,
        phone=_mobile(rng) if rng.random() < chance else "",
    )


# --- staff ---------------------------------------------------------------------------------


def _plan_staff(rng: random.Random, units: list[PlannedUnit]) -> list[PlannedStaff]:
    """Named demo accounts, one for each role, then one account for every post in the tree."""
    namer = _Namer(rng)

    def of_kind(*kinds: str) -> list[PlannedUnit]:
        return [unit for unit in units if unit.kind in kinds]

    county = of_kind(UnitKind.COUNTY)[0]
    # The demo town is a 镇 (not a 街道), so that its demo accounts see villages.
    first_town, second_town = of_kind(UnitKind.TOWN)[:2]
    first_village = next(u for u in units if u.parent_code == first_town.code)
    first_grid = next(u for u in units if u.parent_code == first_village.code)
    housing = next(u for u in units if u.name == names.HOUSING_DEPARTMENT)
    posts: list[tuple[str, str, PlannedUnit]] = [
        ("demo-admin", StaffRole.ADMINISTRATOR, county),
        ("demo-dispatcher", StaffRole.DISPATCHER, county),
        ("demo-supervisor", StaffRole.SUPERVISOR, county),
        ("demo-leader", StaffRole.LEADER, county),
        ("demo-town", StaffRole.TOWN_STAFF, first_town),
        ("demo-town-leader", StaffRole.LEADER, first_town),
        ("demo-village", StaffRole.VILLAGE_CADRE, first_village),
        ("demo-grid", StaffRole.GRID_WORKER, first_grid),
        ("demo-department", StaffRole.DEPARTMENT_HANDLER, housing),
        ("demo-outsider", StaffRole.TOWN_STAFF, second_town),
    ]
    generated: list[tuple[str, str, list[PlannedUnit]]] = [
        ("yx-town", StaffRole.TOWN_STAFF, of_kind(*TOWN_KINDS)),
        ("yx-town-leader", StaffRole.LEADER, of_kind(*TOWN_KINDS)),
        ("yx-village", StaffRole.VILLAGE_CADRE, of_kind(*VILLAGE_KINDS)),
        ("yx-grid", StaffRole.GRID_WORKER, of_kind(UnitKind.GRID)),
        ("yx-department", StaffRole.DEPARTMENT_HANDLER, of_kind(UnitKind.DEPARTMENT)),
        ("yx-department-leader", StaffRole.LEADER, of_kind(UnitKind.DEPARTMENT)),
    ]
    for prefix, role, at in generated:
        posts += [(f"{prefix}-{number:04d}", role, unit) for number, unit in enumerate(at, 1)]
    # Last, so the names drawn for every account above stay as they were before this role.
    posts.append(("demo-discipline", StaffRole.DISCIPLINE, county))
    return [
        PlannedStaff(username, _adult_name(rng, namer), _mobile(rng), role, unit.code)
        for username, role, unit in posts
    ]
