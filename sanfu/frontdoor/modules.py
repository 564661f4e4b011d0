"""Town modules (模块化): a town's units of kind `module`, the categories each takes, and
where a case dispatched to the town goes.

A case of a mapped category (or of a category under a mapped one) dispatched to the town lands
in the module's queue; an unmapped one stays with the town itself, and the mapping page lists
those categories so the town sees where their cases go.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sanfu.cases.models import OPEN_STATES, Case, Category
from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind
from sanfu.frontdoor.models import ModuleMapping
from sanfu.lib.errors import ValidationFailed


def modules_of(town: Unit) -> list[Unit]:
    return list(town.children.filter(kind=UnitKind.MODULE, is_active=True).order_by("name"))


def module_for(case: Case, lead_unit: Unit) -> Unit | None:
    """The lead resolver cases' dispatch calls: the town's module for the case's category."""
    if lead_unit.kind not in TOWN_KINDS or case.category_id is None:
        return None
    chain: list[int] = []
    node: Category | None = case.category
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    mappings = {
        m.category_id: m.module
        for m in ModuleMapping.objects.filter(town=lead_unit, category_id__in=chain).select_related(
            "module"
        )
    }
    for category_id in chain:  # the narrowest mapping wins
        if category_id in mappings:
            return mappings[category_id]
    return None


@transaction.atomic
def module_map(*, town: Unit, category: Category, module: Unit | None) -> ModuleMapping | None:
    """Map `category` (and the categories under it) to one of the town's modules, or unmap it."""
    if town.kind not in TOWN_KINDS:
        raise ValidationFailed(_("Choose a town."), field="town")
    if module is None:
        ModuleMapping.objects.filter(town=town, category=category).delete()
        return None
    if module.kind != UnitKind.MODULE or module.parent_id != town.pk:
        raise ValidationFailed(
            _("%(unit)s is not a module of %(town)s.") % {"unit": module.name, "town": town.name},
            field="module",
        )
    mapping, _created = ModuleMapping.objects.update_or_create(
        town=town, category=category, defaults={"module": module}
    )
    return mapping


@dataclass(frozen=True)
class ModuleRow:
    module: Unit
    categories: list[Category]
    open_cases: int
    all_cases: int


@dataclass(frozen=True)
class ModuleOverview:
    town: Unit
    rows: list[ModuleRow]
    unmapped: list[
        Category
    ]  # level-1 fields none of whose categories is mapped: stay with the town


def modules_overview(*, town: Unit) -> ModuleOverview:
    modules = modules_of(town)
    mappings = list(
        ModuleMapping.objects.filter(town=town)
        .select_related("category")
        .order_by("category__code")
    )
    counts = {
        row["lead_unit"]: row
        for row in Case.objects.filter(lead_unit__in=modules)
        .values("lead_unit")
        .annotate(all=Count("pk"), open=Count("pk", filter=Q(state__in=OPEN_STATES)))
    }
    rows = [
        ModuleRow(
            module=module,
            categories=[m.category for m in mappings if m.module_id == module.pk],
            open_cases=counts.get(module.pk, {}).get("open", 0),
            all_cases=counts.get(module.pk, {}).get("all", 0),
        )
        for module in modules
    ]
    unmapped = _unmapped({m.category.code for m in mappings})
    return ModuleOverview(town=town, rows=rows, unmapped=unmapped)


def _unmapped(mapped: set[str]) -> list[Category]:
    """The broadest categories no mapping covers: a field none of whose categories is mapped,
    or, in a partly mapped field, each second-level category left out (codes nest: C01 ⊃
    C0101 ⊃ C010101)."""
    found: list[Category] = []
    for node in Category.objects.filter(level__lte=2, is_active=True).order_by("code"):
        if any(node.code.startswith(code) for code in mapped):
            continue  # covered by a mapping at or above it
        partly = any(code.startswith(node.code) for code in mapped)
        if (node.level == 1 and not partly) or (
            node.level == 2
            and not partly
            and node.parent is not None
            and any(code.startswith(node.parent.code) for code in mapped)
        ):
            found.append(node)
    return found
