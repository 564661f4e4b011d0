"""The organisation tree: where units may stand, subtree reads, moves, database invariants."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from sanfu.directory import services
from sanfu.directory.models import Unit, UnitKind
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.treepath import path_ids
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_a_units_path_is_the_chain_of_ids_from_the_county(tree: Tree):
    assert path_ids(tree.grid_a.path) == [
        tree.county.pk,
        tree.town_a.pk,
        tree.village_a.pk,
        tree.grid_a.pk,
    ]


def test_subtree_holds_the_unit_and_everything_under_it(tree: Tree):
    names = set(Unit.objects.subtree(tree.town_a.path).values_list("name", flat=True))
    assert names == {"石门镇", "上坪村", "上坪村第一网格"}


@pytest.mark.parametrize(
    ("kind", "parent_attr", "field"),
    [
        (UnitKind.GRID, "town_a", "parent"),
        (UnitKind.VILLAGE, "county", "parent"),
        (UnitKind.TOWN, None, "parent"),
        ("planet", "county", "kind"),
    ],
)
def test_it_refuses_a_unit_in_the_wrong_place(tree: Tree, kind: str, parent_attr, field: str):
    parent = getattr(tree, parent_attr) if parent_attr else None
    before = Unit.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.unit_create(kind=kind, name="新单位", code="NEW1", parent=parent)
    assert refused.value.field == field
    assert Unit.objects.count() == before


def test_it_refuses_a_duplicate_code_or_sibling_name(tree: Tree):
    with pytest.raises(ValidationFailed) as refused:
        services.unit_create(kind=UnitKind.TOWN, name="新镇", code="yx01", parent=tree.county)
    assert refused.value.field == "code"
    with pytest.raises(ValidationFailed) as refused:
        services.unit_create(kind=UnitKind.TOWN, name="石门镇", code="YX99", parent=tree.county)
    assert refused.value.field == "name"


def test_moving_a_village_moves_its_grids_with_it(tree: Tree):
    services.unit_update(
        unit=tree.village_a, name="上坪村", code="YX01001", parent=tree.town_b, is_active=True
    )
    grid = Unit.objects.get(pk=tree.grid_a.pk)
    assert grid.path.startswith(Unit.objects.get(pk=tree.town_b.pk).path)
    moved = set(Unit.objects.subtree(tree.town_b.path).values_list("name", flat=True))
    assert {"上坪村", "上坪村第一网格"} <= moved
    assert "上坪村" not in set(
        Unit.objects.subtree(tree.town_a.path).values_list("name", flat=True)
    )


def test_a_unit_cannot_move_under_itself(tree: Tree):
    with pytest.raises(ValidationFailed) as refused:
        services.unit_update(
            unit=tree.town_a, name="石门镇", code="YX01", parent=tree.grid_a, is_active=True
        )
    assert refused.value.field == "parent"


def test_the_database_refuses_a_second_root_county_with_a_parent(tree: Tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            kind=UnitKind.COUNTY, name="另一县", code="LY", parent=tree.county, path="x"
        )


def test_the_subtree_query_uses_the_path_index(tree: Tree):
    query = Unit.objects.subtree(tree.town_a.path).values("id").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "INDEX" in plan
            assert "path>?" in plan
        else:
            # The table is tiny, so ask the planner to prefer the index to see that it can.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan
            assert "path" in plan
