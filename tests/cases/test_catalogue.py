"""The service catalogue: loading the taxonomy, time limits and who should lead a case."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import translation

from sanfu.cases.catalogue import (
    BUILT_IN_SLA,
    PACKAGED_TAXONOMY,
    SlaTerms,
    catalogue_load,
    default_units,
    sla_for,
    suggest_lead_unit,
)
from sanfu.cases.models import Category, Priority, Sla
from sanfu.directory import services
from sanfu.directory.models import Unit, UnitKind
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

ROWS = [
    ("城乡建设", "安全生产", "安全隐患"),
    ("城乡建设", "城乡规划", "违章建筑"),
    ("劳动和社会保障", "劳动关系", "非法用工"),
]


def catalogue(*args: str) -> str:
    """The command's output in English, so the tests hold once the messages are translated."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    through = Category.default_units.through
    return {
        "categories": list(
            Category.objects.order_by("pk").values_list(
                "pk", "code", "name", "parent_id", "level", "village_level_ok", "is_active"
            )
        ),
        "units": list(through.objects.order_by("pk").values_list("category_id", "unit_id")),
        "slas": list(
            Sla.objects.order_by("pk").values_list(
                "category_id", "priority", "sign_hours", "reply_days"
            )
        ),
    }


def category(name: str, parent: Category | None = None) -> Category:
    return Category.objects.get(name=name, parent=parent)


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- loading -------------------------------------------------------------------------------


def test_it_loads_the_packaged_taxonomy_into_a_three_level_tree(tree: Tree):
    line = catalogue("load")

    levels = [Category.objects.filter(level=level).count() for level in (1, 2, 3)]
    # The file holds 15 fields: the 7 routing labels of the message data and 8 more.
    assert levels == [15, 118, 517]
    assert "15 level-1, 118 level-2 and 517 level-3" in line
    chain = [Category.objects.get(code=code) for code in ("C01", "C0101", "C010101")]
    assert [(c.name, c.level) for c in chain] == [("城乡建设", 1), ("安全生产", 2), ("事故处理", 3)]
    assert [c.parent_id for c in chain] == [None, chain[0].pk, chain[1].pk]
    assert set(Category.objects.filter(level=1).values_list("name", flat=True)) >= {
        "城乡建设",
        "劳动和社会保障",
        "教育文体",
        "商贸旅游",
        "环境保护",
        "卫生计生",
        "交通运输",
    }
    misplaced = Category.objects.exclude(level=1).exclude(parent__level=F("level") - 1)
    assert not misplaced.exists()


def test_a_second_load_of_the_same_rows_changes_nothing(tree: Tree):
    catalogue("load")
    before = snapshot()

    line = catalogue("load")

    assert snapshot() == before
    assert "nothing changed" in line


def test_new_rows_are_added_after_the_existing_ones_and_nothing_is_deleted(tree: Tree):
    catalogue_load(county=tree.county, rows=ROWS)
    summary = catalogue_load(
        county=tree.county,
        rows=[("城乡建设", "安全生产", "事故处理"), ("民政", "社会救助", "农村低保")],
    )

    assert summary.created == (1, 1, 2)
    assert summary.categories == (3, 4, 5)
    assert category("事故处理", category("安全生产", category("城乡建设"))).code == "C010102"
    assert category("民政").code == "C03"
    assert Category.objects.filter(name="非法用工").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("level1,level2\n城乡建设,安全生产\n", "line 1: missing column(s): level3"),
        (
            "level1,level2,level3\n城乡建设,安全生产,事故处理\n ,安全生产,事故处理\n",
            "line 3: the level-1 name is empty",
        ),
        (
            "level1,level2,level3\n城乡建设,安全生产,事故处理\n城乡建设,城乡规划,违章建筑\n"
            "城乡建设,,事故处理\n",
            "line 4: a level-3 name without a level-2 name",
        ),
        (
            "level1,level2,level3\n城乡建设,安全,生产,管理\n",
            "line 2: more fields than the header names",
        ),
    ],
    ids=["missing-column", "empty-name", "level-3-without-level-2", "extra-field"],
)
def test_a_bad_csv_is_refused_with_its_line_and_nothing_is_written(
    tmp_path: Path, tree: Tree, text: str, problem: str
):
    with pytest.raises(CommandError, match=re.escape(problem)):
        catalogue("load", "--file", str(write_csv(tmp_path, text)))

    assert Category.objects.count() == 0
    assert Sla.objects.count() == 0


def test_loading_needs_a_county_named_when_there_are_several(tree: Tree):
    services.unit_create(kind=UnitKind.COUNTY, name="青田县", code="QT", parent=None)

    with pytest.raises(CommandError, match="several counties"):
        catalogue("load")
    catalogue("load", "--county", "yx")

    housing = Category.objects.get(name="城乡建设").default_units.get()
    assert housing == tree.department


def test_load_sets_default_time_limits_and_tighter_ones_for_urgent_matters(tree: Tree):
    catalogue_load(county=tree.county, rows=ROWS)

    defaults = {row.priority: row for row in Sla.objects.filter(category__isnull=True)}
    assert set(defaults) == set(Priority.values)
    safety = category("安全生产", category("城乡建设"))
    hazard = category("安全隐患", safety)
    assert sla_for(hazard, Priority.NORMAL) == SlaTerms(sign_hours=2, reply_days=5)
    # The row sits on the subfield only; the matter inherits it.
    assert not Sla.objects.filter(category=hazard).exists()
    assert (
        sla_for(category("违章建筑", category("城乡规划", category("城乡建设"))), "normal")
        == (BUILT_IN_SLA[Priority.NORMAL])
    )


def test_show_prints_the_tree_with_default_units_and_time_limits(tree: Tree):
    catalogue_load(county=tree.county, rows=ROWS)

    lines = catalogue("show").splitlines()

    assert "normal: sign for within 4 h, reply within 10 working days" in lines[0].lower()
    assert lines[1].startswith("C01 城乡建设 · default units: 县住房和城乡建设局")
    assert lines[2].startswith("  C0101 安全生产")
    assert "sign for within 2 h, reply within 5 working days" in lines[2]
    assert lines[3] == "    C010101 安全隐患"


# --- the demo county -----------------------------------------------------------------------


def test_in_the_demo_county_fields_and_subfields_get_their_departments():
    call_command("seed", "demo", "--password", "x-pass-12345", stdout=io.StringIO())

    line = catalogue("load")

    def units_of(*names: str) -> list[str]:
        found: Category | None = None
        for name in names:
            found = category(name, found)
        return [unit.name for unit in default_units(found)]

    assert units_of("城乡建设") == ["云溪县住房和城乡建设局"]
    assert units_of("城乡建设", "住房保障与房地产", "物业服务") == ["云溪县住房和城乡建设局"]
    assert units_of("教育文体", "体育") == ["云溪县文化和广电旅游体育局"]
    assert units_of("政法", "社会治安", "治安案件") == ["云溪县公安局"]
    assert units_of("劳动和社会保障", "城镇职工社会保险", "职工医疗保险") == ["云溪县医疗保障局"]
    assert units_of("政法", "诉讼") == []
    with_units = Category.default_units.through.objects.values("category_id").distinct().count()
    assert f"{with_units} with default units in 云溪县" in line


# --- time limits ---------------------------------------------------------------------------


def test_sla_for_falls_back_through_the_chain_to_the_default_and_the_built_in(
    tree: Tree, django_assert_max_num_queries
):
    catalogue_load(county=tree.county, rows=[("劳动和社会保障", "劳动关系", "非法用工")])
    field = category("劳动和社会保障")
    subfield = category("劳动关系", field)
    matter = category("非法用工", subfield)
    for owner, days in ((matter, 3), (subfield, 4), (field, 6)):
        Sla.objects.create(category=owner, priority="urgent", sign_hours=days, reply_days=days)
    Sla.objects.filter(category=None, priority="urgent").update(reply_days=7)

    found = []
    owners: list[Category | None] = [matter, subfield, field, None]
    for removed in owners:
        with django_assert_max_num_queries(1):
            found.append(sla_for(matter, "urgent").reply_days)
        Sla.objects.filter(category=removed, priority="urgent").delete()
    found.append(sla_for(matter, "urgent").reply_days)

    assert found == [3, 4, 6, 7, BUILT_IN_SLA["urgent"].reply_days]


def test_sla_for_no_category_is_the_county_default(tree: Tree):
    assert sla_for(None, "emergency") == SlaTerms(sign_hours=1, reply_days=1)
    Sla.objects.create(category=None, priority="emergency", sign_hours=2, reply_days=2)

    assert sla_for(None, "emergency") == SlaTerms(sign_hours=2, reply_days=2)


def test_sla_for_refuses_an_unknown_priority():
    with pytest.raises(ValueError, match="unknown priority"):
        sla_for(None, "whenever")


# --- default and lead units ----------------------------------------------------------------


@pytest.fixture
def labour(tree: Tree) -> Category:
    """A level-3 matter whose field (劳动和社会保障) is led by a department, not a village."""
    catalogue_load(county=tree.county, rows=ROWS)
    labour_bureau = services.unit_create(
        kind=UnitKind.DEPARTMENT, name="县人力资源和社会保障局", code="YXD10", parent=tree.county
    )
    field = category("劳动和社会保障")
    field.default_units.set([labour_bureau])
    return category("非法用工", category("劳动关系", field))


def test_default_units_are_the_categorys_own_else_the_nearest_ancestors(tree: Tree, labour):
    labour_bureau = Unit.objects.get(code="YXD10")
    assert default_units(labour) == [labour_bureau]

    labour.parent.default_units.set([tree.department])
    assert default_units(labour) == [tree.department]

    labour.default_units.set([tree.town_a])
    assert default_units(labour) == [tree.town_a]
    assert default_units(None) == []


def test_a_village_level_category_raised_at_a_grid_goes_to_its_village(tree: Tree):
    catalogue_load(county=tree.county, rows=ROWS)
    violation = category("违章建筑", category("城乡规划", category("城乡建设")))

    assert violation.village_level_ok
    assert suggest_lead_unit(category=violation, location_unit=tree.grid_a) == tree.village_a
    assert suggest_lead_unit(category=violation, location_unit=tree.village_b) == tree.village_b


def test_a_department_category_goes_to_its_department_even_from_a_grid(tree: Tree, labour):
    assert not labour.village_level_ok

    lead = suggest_lead_unit(category=labour, location_unit=tree.grid_a)

    assert lead == Unit.objects.get(code="YXD10")


def test_a_department_of_another_county_is_not_suggested_the_town_is(tree: Tree, labour):
    other = services.unit_create(kind=UnitKind.COUNTY, name="青田县", code="QT", parent=None)
    elsewhere = services.unit_create(
        kind=UnitKind.DEPARTMENT, name="青田县人力资源和社会保障局", code="QTD10", parent=other
    )
    labour.default_units.set([elsewhere])

    assert suggest_lead_unit(category=labour, location_unit=tree.grid_a) == tree.town_a
    assert suggest_lead_unit(category=None, location_unit=tree.village_b) == tree.town_b
    assert suggest_lead_unit(category=None, location_unit=tree.town_a) == tree.town_a


def test_nothing_is_suggested_for_a_place_outside_any_town(tree: Tree):
    assert suggest_lead_unit(category=None, location_unit=tree.county) is None
    assert suggest_lead_unit(category=None, location_unit=tree.department) is None


def test_the_packaged_taxonomy_ships_inside_the_package():
    assert PACKAGED_TAXONOMY.is_file()
    assert PACKAGED_TAXONOMY.read_text(encoding="utf-8").count("\n") == 518
