"""Bulk copies of a template case for the benchmarks (sanfu.ops.synthetic.bulk)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sanfu.cases.models import Case
from sanfu.ops.synthetic.bulk import bulk_copy_cases, moment_sql, pick_sql
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree

START = datetime(2020, 3, 1, 8, 0, tzinfo=UTC)


def test_it_copies_the_template_varying_the_named_columns(tree: Tree, catalogue: Catalogue) -> None:
    template = web_case(tree, catalogue)
    bulk_copy_cases(
        template=template,
        count=30,
        prefix="X",
        varied={
            "location_unit_id": pick_sql("n", [tree.village_a.pk, tree.village_b.pk]),
            "received_at": moment_sql(START, days="n", seconds="n * 60"),
            "state": "CASE WHEN n % 3 = 0 THEN 'closed' ELSE template.state END",
        },
    )
    copies = Case.objects.filter(number__startswith="X").order_by("received_at")
    assert copies.count() == 30
    assert len({c.tracking_token for c in copies}) == 30
    first = copies[0]
    assert first.number == "X1"
    assert first.received_at == START + timedelta(days=1, seconds=60)
    assert first.location_unit_id == tree.village_b.pk
    assert first.title == template.title
    assert copies.filter(location_unit=tree.village_a).count() == 15
    assert copies.filter(state="closed").count() == 10
    assert copies.exclude(state="closed").filter(state=template.state).count() == 20
