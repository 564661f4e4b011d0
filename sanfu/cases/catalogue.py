"""The service catalogue: time limits and default handling units per category, and its loading.

Reads (`sla_for`, `default_units`, `suggest_lead_unit`, `catalogue_tree`) walk up the category
tree, so a county sets a rule once on a broad category and overrides it only where a matter
differs. `catalogue_load` builds the three-level tree from a taxonomy (the packaged one is the
2020 message-board taxonomy described in data/README) and fills in sensible defaults once; it
never overwrites what an administrator has set since, and never deletes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sanfu.cases.models import Category, Priority, Sla
from sanfu.directory.models import TOWN_KINDS, VILLAGE_KINDS, Unit, UnitKind
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.treepath import path_ids

PACKAGED_TAXONOMY = Path(__file__).resolve().parent / "data" / "category_taxonomy.csv"
COLUMNS = ("level1", "level2", "level3")
NAME_LIMIT = 100  # Category.name's max_length
CODE_PREFIX = "C"

CatalogueRow = tuple[str, str, str]


# --- time limits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaTerms:
    sign_hours: int
    reply_days: int


# Used when the database holds no default row at all, so a case always gets deadlines. County
# 12345 hotlines work to limits of this kind: sign for within hours, answer within days.
BUILT_IN_SLA: dict[str, SlaTerms] = {
    Priority.NORMAL: SlaTerms(sign_hours=4, reply_days=10),
    Priority.URGENT: SlaTerms(sign_hours=2, reply_days=5),
    Priority.EMERGENCY: SlaTerms(sign_hours=1, reply_days=1),
}


def sla_for(category: Category | None, priority: str) -> SlaTerms:
    """The time limits for a case: the category's own row for `priority`, else its parent's,
    else its grandparent's, else the county default (category empty), else the built-in ones.

    One query: the grandparent is found by a subquery, so the parent need not be loaded.
    """
    if priority not in BUILT_IN_SLA:
        raise ValueError(f"unknown priority: {priority!r}")
    condition = Q(category__isnull=True)
    if category is not None:
        condition |= _chain(category)
    rows = list(Sla.objects.filter(condition, priority=priority))
    if not rows:
        return BUILT_IN_SLA[priority]
    best = min(rows, key=lambda row: _distance(row.category_id, category))
    return SlaTerms(sign_hours=best.sign_hours, reply_days=best.reply_days)


def _chain(category: Category) -> Q:
    """Rows whose category_id is the category, its parent or its grandparent."""
    condition = Q(category_id=category.pk)
    if category.parent_id is not None:
        grandparent = Category.objects.filter(pk=category.parent_id).values("parent_id")
        condition |= Q(category_id=category.parent_id) | Q(category_id__in=grandparent)
    return condition


def _distance(owner_id: int | None, category: Category | None) -> int:
    """How far up the chain a row found by the chain query sits (the default row is last)."""
    if owner_id is None:
        return 3
    if category is not None and owner_id == category.pk:
        return 0
    if category is not None and owner_id == category.parent_id:
        return 1
    return 2


# --- handling units ------------------------------------------------------------------------


def default_units(category: Category | None) -> list[Unit]:
    """The category's own active default units, else those of its nearest ancestor that has any."""
    if category is None:
        return []
    through = Category.default_units.through
    links = (
        through.objects.filter(_chain(category), unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path")
    )
    by_distance: dict[int, list[Unit]] = {}
    for link in links:
        by_distance.setdefault(_distance(link.category_id, category), []).append(link.unit)
    if not by_distance:
        return []
    return by_distance[min(by_distance)]


def suggest_lead_unit(*, category: Category | None, location_unit: Unit) -> Unit | None:
    """The unit that should lead a case of `category` raised at `location_unit`.

    1. If the category may be handled at village level and the place is a village, community
       or grid: that village or community (a grid's own village).
    2. Else the first of the category's default units (or its nearest ancestor's) that is a
       department of the same county as the place.
    3. Else the town or sub-district the place lies in.
    4. Else None (the place is the county itself or a department): the dispatcher decides.
    """
    if category is not None and category.village_level_ok:
        village = _village_of(location_unit)
        if village is not None:
            return village
    county_id = path_ids(location_unit.path)[0]
    for unit in default_units(category):
        if unit.kind == UnitKind.DEPARTMENT and path_ids(unit.path)[0] == county_id:
            return unit
    return _town_of(location_unit)


def _village_of(unit: Unit) -> Unit | None:
    if unit.kind in VILLAGE_KINDS:
        return unit
    if unit.kind == UnitKind.GRID and unit.parent_id is not None:
        return Unit.objects.get(pk=unit.parent_id)
    return None


def _town_of(unit: Unit) -> Unit | None:
    if unit.kind in TOWN_KINDS:
        return unit
    return Unit.objects.filter(pk__in=path_ids(unit.path), kind__in=TOWN_KINDS).first()


# --- reading a taxonomy --------------------------------------------------------------------


def catalogue_row_clean(values: Sequence[str | None], *, where: str) -> CatalogueRow:
    """One row of a taxonomy with its names' whitespace tidied, or ValidationFailed.

    A row may stop early ("城乡建设,安全生产," adds a level-2 category only), but it may not
    skip a level, and the level-1 name is always required.
    """
    level1, level2, level3 = (" ".join((value or "").split()) for value in values)
    if not level1:
        raise ValidationFailed(_("%(where)s: the level-1 name is empty.") % {"where": where})
    if level3 and not level2:
        raise ValidationFailed(
            _("%(where)s: a level-3 name without a level-2 name.") % {"where": where}
        )
    for name in (level1, level2, level3):
        if len(name) > NAME_LIMIT:
            raise ValidationFailed(
                _("%(where)s: the name “%(name)s” is longer than %(limit)d characters.")
                % {"where": where, "name": name, "limit": NAME_LIMIT}
            )
    return level1, level2, level3


def catalogue_rows_read(lines: Iterable[str]) -> list[CatalogueRow]:
    """The rows of a taxonomy CSV with a header naming level1, level2 and level3.

    Raises ValidationFailed naming the line of the first problem, before anything is written.
    """
    reader = csv.DictReader(lines)
    header = reader.fieldnames
    if header is None:
        raise ValidationFailed(_("The file is empty."))
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ValidationFailed(
            _("line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows: list[CatalogueRow] = []
    for record in reader:
        where = _("line %(number)d") % {"number": reader.line_num}
        if None in record:
            # Extra fields usually mean a name with an unquoted comma in it.
            raise ValidationFailed(
                _("%(where)s: more fields than the header names.") % {"where": where}
            )
        if not any((record.get(column) or "").strip() for column in COLUMNS):
            continue  # a blank line
        rows.append(catalogue_row_clean([record.get(column) for column in COLUMNS], where=where))
    if not rows:
        raise ValidationFailed(_("The file holds no categories."))
    return rows


# --- loading: the rules --------------------------------------------------------------------

# Which department leads each field, as keywords looked for in the names of the county's
# departments. Each inner tuple is one department, given as alternatives tried in order
# because counties name the same body differently (住房和城乡建设局 / 住建局). A county without
# a match simply gets no default there: the dispatcher routes by hand, as before.
DepartmentKeywords = tuple[str, ...]

LEVEL1_DEPARTMENTS: dict[str, tuple[DepartmentKeywords, ...]] = {
    "城乡建设": (("住房和城乡建设", "住建"),),
    "劳动和社会保障": (("人力资源和社会保障", "人社"),),
    "教育文体": (("教育",),),
    "商贸旅游": (("商务",),),
    "环境保护": (("生态环境",),),
    "卫生计生": (("卫生健康", "卫健"),),
    "交通运输": (("交通运输",),),
    # The taxonomy has eight fields beyond the seven routing labels. These have an obvious
    # lead; 党务政务, 政法 and 纪检监察 do not (party bodies, courts and the discipline
    # commission are not county government departments), so only their subfields get one.
    "农村农业": (("农业农村",),),
    "国土资源": (("自然资源",),),
    "民政": (("民政",),),
    "科技与信息产业": (("科学技术", "科技"),),
    "经济管理": (("发展和改革", "发改"),),
}

CULTURE: DepartmentKeywords = ("文化", "文旅", "体育")
MARKET: DepartmentKeywords = ("市场监督管理", "市场监管")
POLICE: DepartmentKeywords = ("公安",)
JUSTICE: DepartmentKeywords = ("司法",)
EMERGENCY: DepartmentKeywords = ("应急管理",)
MEDICAL_SECURITY: DepartmentKeywords = ("医疗保障", "医保")
VETERANS: DepartmentKeywords = ("退役军人",)
FINANCE: DepartmentKeywords = ("财政",)

# Subfields (level 2) that belong to another department than their field's.
LEVEL2_DEPARTMENTS: dict[str, tuple[DepartmentKeywords, ...]] = {
    "体育": (CULTURE,),
    "文化": (CULTURE,),
    "文物管理": (CULTURE,),
    "旅游管理": (CULTURE,),
    "市场监管": (MARKET,),
    "质监检验检疫": (MARKET,),
    # County food and drug regulation sits in the market regulator since the 2018 reform.
    "食品药品监管": (MARKET,),
    "知识产权": (MARKET,),
    "安全生产": (EMERGENCY,),
    "城乡规划": (("自然资源和规划", "规划"),),
    "交通管理": (POLICE,),
    "刑案侦破": (POLICE,),
    "户籍证件": (POLICE,),
    "社会治安": (POLICE,),
    "警务督察": (POLICE,),
    "仲裁与调解": (JUSTICE,),
    "刑罚执行": (JUSTICE,),
    "法制建设": (JUSTICE,),
    "法律服务": (JUSTICE,),
    "行政复议": (JUSTICE,),
    "水利水电": (("水利",),),
    "水库移民": (("水利",),),
    "林业管理": (("林业",),),
    "野生资源管理": (("林业",),),
    "优抚": (VETERANS,),
    "复退安置": (VETERANS,),
    "信息化建设": (("大数据", "数据资源"),),
    "电信": (("经济和信息化", "经信"),),
    "金融财税": (FINANCE,),
    "国资监管": (FINANCE,),
}

# A few matters (level 3) whose body is plain from the name; the 2018 reform moved medical
# and maternity insurance and medical aid to the medical security bureau.
LEVEL3_DEPARTMENTS: dict[str, tuple[DepartmentKeywords, ...]] = {
    "职工医疗保险": (MEDICAL_SECURITY,),
    "职工生育保险": (MEDICAL_SECURITY,),
    "城镇居民医疗保险": (MEDICAL_SECURITY,),
    "新农村合作医疗": (MEDICAL_SECURITY,),
    "医疗救助": (MEDICAL_SECURITY,),
    "住房公积金": (("住房公积金",),),
    "劳动仲裁": (("人力资源和社会保障", "人社"),),
    "人事仲裁": (("人力资源和社会保障", "人社"),),
    "消防安全": (("消防",),),
    "税收征管": (("税务",),),
    "气象": (("气象",),),
    "工会工作": (("总工会",),),
    "共青团工作": (("共青团",),),
    "妇联工作": (("妇女联合会", "妇联"),),
    "广播影视管理": (CULTURE,),
}

DEPARTMENT_RULES: dict[int, dict[str, tuple[DepartmentKeywords, ...]]] = {
    1: LEVEL1_DEPARTMENTS,
    2: LEVEL2_DEPARTMENTS,
    3: LEVEL3_DEPARTMENTS,
}

# Fields whose matters a village or community committee can settle itself (roads, drains,
# litter, noise, land contracts, village affairs). Everything else needs a department's powers
# (insurance, schools, licences, law enforcement), so a village is never suggested as its lead.
# Subcategories take their field's value when created; administrators refine it afterwards.
VILLAGE_LEVEL_FIELDS = frozenset({"城乡建设", "环境保护", "农村农业"})

# Matters where delay endangers people or cuts off a basic supply get a tighter normal limit:
# signed for within 2 hours and answered within 5 working days (the urgent default) instead of
# 4 hours and 10 days. The row is set on the highest category whose name holds a keyword; its
# subcategories inherit it through sla_for.
URGENT_KEYWORDS = ("安全", "隐患", "燃气", "供水", "自来水", "停电", "电力供应", "突发", "防汛")
TIGHT_NORMAL_SLA = SlaTerms(sign_hours=2, reply_days=5)


def is_urgent_matter(name: str) -> bool:
    return any(keyword in name for keyword in URGENT_KEYWORDS)


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueSummary:
    """What the catalogue holds after a load, and what this load added."""

    county: str
    categories: tuple[int, int, int]  # per level, after the load
    created: tuple[int, int, int]  # per level, by this load
    with_default_units: int  # categories with a default unit in the county, after the load
    default_units_set: int  # categories given default units by this load
    slas_created: int

    @property
    def changed(self) -> bool:
        return any(self.created) or bool(self.default_units_set or self.slas_created)


@dataclass
class _Index:
    """The categories already in the database, keyed the way the loader looks them up."""

    by_key: dict[tuple[int | None, str], Category] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> _Index:
        index = cls()
        for category in Category.objects.order_by("level", "code"):
            index.add(category)
        return index

    def add(self, category: Category) -> None:
        self.by_key[(category.parent_id, category.name)] = category
        self.codes.add(category.code)

    def all(self) -> list[Category]:
        return sorted(self.by_key.values(), key=lambda c: (c.level, c.code))

    def next_code(self, parent: Category | None) -> str:
        """The next free two-digit code under `parent` (C01 → C0103 → C010307)."""
        prefix = parent.code if parent is not None else CODE_PREFIX
        parent_id = parent.pk if parent is not None else None
        used = [
            int(c.code[len(prefix) :])
            for (owner, _name), c in self.by_key.items()
            if owner == parent_id
            and c.code.startswith(prefix)
            and c.code[len(prefix) :].isdigit()
            and len(c.code) == len(prefix) + 2
        ]
        number = max(used, default=0) + 1
        while f"{prefix}{number:02d}" in self.codes:
            number += 1
        if number > 99:
            raise ValidationFailed(
                _("More than 99 categories under %(parent)s.") % {"parent": prefix}
            )
        return f"{prefix}{number:02d}"


@transaction.atomic
def catalogue_load(*, county: Unit, rows: Iterable[CatalogueRow]) -> CatalogueSummary:
    """Add the rows' categories to the catalogue and fill in defaults; all of it or nothing.

    Categories are shared by every county; `county` is where default units are looked for.
    Existing categories (same name under the same parent) are kept as they are, so a second
    run with the same rows changes nothing and an administrator's edits survive a reload.
    Defaults are only ever added where missing: a default unit or time limit an administrator
    deleted comes back on the next load, one they changed stays as they set it.
    """
    if county.kind != UnitKind.COUNTY:
        raise ValidationFailed(_("Choose a county."), field="county")
    checked = [
        catalogue_row_clean(row, where=_("row %(number)d") % {"number": number})
        for number, row in enumerate(rows, start=1)
    ]
    index = _Index.load()
    created = _tree_build(index, checked)
    units_set = _default_units_assign(index, county)
    slas_created = _default_slas_create() + _tight_slas_create(index)
    categories = index.all()
    return CatalogueSummary(
        county=county.name,
        categories=_per_level(categories),
        created=created,
        with_default_units=_with_default_units(county),
        default_units_set=units_set,
        slas_created=slas_created,
    )


def _per_level(categories: Iterable[Category]) -> tuple[int, int, int]:
    levels = [c.level for c in categories]
    return levels.count(1), levels.count(2), levels.count(3)


def _tree_build(index: _Index, rows: Sequence[CatalogueRow]) -> tuple[int, int, int]:
    """Create the rows' missing categories level by level (three bulk inserts)."""
    created: list[int] = []
    for level in (1, 2, 3):
        new: list[Category] = []
        for row in rows:
            name = row[level - 1]
            if not name:
                continue
            parent = _parent_of(index, row, level)
            if (parent.pk if parent else None, name) in index.by_key:
                continue
            category = Category(
                code=index.next_code(parent),
                name=name,
                parent=parent,
                level=level,
                village_level_ok=name in VILLAGE_LEVEL_FIELDS
                if parent is None
                else parent.village_level_ok,
            )
            index.add(category)
            new.append(category)
        Category.objects.bulk_create(new)
        if any(c.pk is None for c in new):  # pragma: no cover - both engines return ids
            raise RuntimeError("the database did not return the new categories' ids")
        created.append(len(new))
    return created[0], created[1], created[2]


def _parent_of(index: _Index, row: CatalogueRow, level: int) -> Category | None:
    parent: Category | None = None
    for name in row[: level - 1]:
        parent = index.by_key[(parent.pk if parent else None, name)]
    return parent


def _default_units_assign(index: _Index, county: Unit) -> int:
    """Give each category with a rule the matching departments, unless it has some already.

    "Already" means a default unit in this county, so an administrator's choice is kept and
    each county sharing the catalogue gets its own departments.
    """
    departments = list(
        Unit.objects.subtree(county.path)
        .filter(kind=UnitKind.DEPARTMENT, is_active=True)
        .order_by("path")
    )
    through = Category.default_units.through
    has_units = set(
        through.objects.filter(unit__path__descendant=county.path).values_list(
            "category_id", flat=True
        )
    )
    links = []
    for category in index.all():
        rules = DEPARTMENT_RULES[category.level].get(category.name, ())
        if category.pk in has_units or not rules:
            continue
        matched = {_department_matching(departments, keywords) for keywords in rules}
        for unit in sorted((u for u in matched if u is not None), key=lambda u: u.path):
            links.append(through(category_id=category.pk, unit_id=unit.pk))
    through.objects.bulk_create(links)
    return len({link.category_id for link in links})


def _department_matching(departments: Sequence[Unit], keywords: DepartmentKeywords) -> Unit | None:
    for keyword in keywords:
        for unit in departments:
            if keyword in unit.name:
                return unit
    return None


def _with_default_units(county: Unit) -> int:
    through = Category.default_units.through
    return (
        through.objects.filter(unit__path__descendant=county.path)
        .values("category_id")
        .distinct()
        .count()
    )


def _default_slas_create() -> int:
    created = 0
    for priority, terms in BUILT_IN_SLA.items():
        _row, was_created = Sla.objects.get_or_create(
            category=None,
            priority=priority,
            defaults={"sign_hours": terms.sign_hours, "reply_days": terms.reply_days},
        )
        created += was_created
    return created


def _tight_slas_create(index: _Index) -> int:
    """Tighter normal limits for urgent matters (see URGENT_KEYWORDS); never overwrites a row."""
    has_normal = set(
        Sla.objects.filter(category__isnull=False, priority=Priority.NORMAL).values_list(
            "category_id", flat=True
        )
    )
    by_id = {c.pk: c for c in index.all()}
    new = []
    for category in by_id.values():
        if category.level == 1 or not is_urgent_matter(category.name):
            continue
        parent = by_id.get(category.parent_id) if category.parent_id else None
        if parent is not None and parent.level > 1 and is_urgent_matter(parent.name):
            continue  # the parent's row covers it
        if category.pk in has_normal:
            continue
        new.append(
            Sla(
                category=category,
                priority=Priority.NORMAL,
                sign_hours=TIGHT_NORMAL_SLA.sign_hours,
                reply_days=TIGHT_NORMAL_SLA.reply_days,
            )
        )
    Sla.objects.bulk_create(new)
    return len(new)


# --- reading the catalogue -----------------------------------------------------------------


PRIORITY_ORDER = {priority: number for number, priority in enumerate(Priority.values)}


@dataclass(frozen=True)
class CatalogueNode:
    category: Category
    depth: int  # 0 for a field (level 1)
    units: list[Unit]  # its own default units
    slas: list[Sla]  # its own time limits
    # Whether village_level_ok differs from what the category would inherit (a field: False).
    village_level_set: bool


def catalogue_tree() -> list[CatalogueNode]:
    """Every category, depth first in code order, with its own default units and time limits."""
    categories = list(Category.objects.order_by("code").prefetch_related("default_units", "slas"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    nodes: list[CatalogueNode] = []
    stack = [(category, 0, False) for category in reversed(children.get(None, []))]
    while stack:
        category, depth, inherited = stack.pop()
        units = sorted(category.default_units.all(), key=lambda u: u.path)
        slas = sorted(category.slas.all(), key=lambda s: PRIORITY_ORDER[s.priority])
        differs = category.village_level_ok != inherited
        nodes.append(CatalogueNode(category, depth, units, slas, differs))
        stack.extend(
            (child, depth + 1, category.village_level_ok)
            for child in reversed(children.get(category.pk, []))
        )
    return nodes


def default_slas() -> dict[str, SlaTerms]:
    """The county default per priority, the built-in value where no row exists."""
    terms = dict(BUILT_IN_SLA)
    for row in Sla.objects.filter(category__isnull=True):
        terms[row.priority] = SlaTerms(sign_hours=row.sign_hours, reply_days=row.reply_days)
    return terms
