"""The demo roster and visits (slow: loads the whole demo county)."""

from __future__ import annotations

from datetime import date

import pytest

from sanfu.ops.demo.county import demo_county_create
from sanfu.ops.demo.outreach import outreach_demo_create
from sanfu.outreach.compliance import compliance_for
from sanfu.outreach.models import Link, LinkMonth, LinkRole
from sanfu.outreach.periods import Span
from sanfu.outreach.tallies import tallies_from_visits

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_is_plausible_deterministic_and_idempotent():
    demo_county_create(password="demo-password-for-tests")
    today = date(2026, 12, 4)
    first = outreach_demo_create(say=lambda _: None, cadres=50, patrollers=40, days=60, today=today)
    again = outreach_demo_create(say=lambda _: None, cadres=50, patrollers=40, days=60, today=today)
    assert first.created
    assert not again.created
    assert (again.links, again.visits) == (first.links, first.visits)
    assert Link.objects.filter(role=LinkRole.CHIEF_SERVICE).count() == 50
    assert Link.objects.filter(person__username="demo-grid").exists()
    november = Span(date(2026, 11, 1), date(2026, 11, 30))
    rows = compliance_for(Link.objects.select_related("place"), november, today=today)
    assert any(row.is_overdue for row in rows)
    assert any(row.due and row.done == row.due for row in rows)


def test_the_demo_tallies_are_the_ones_its_visits_give():
    demo_county_create(password="demo-password-for-tests")
    today = date(2026, 12, 4)
    outreach_demo_create(say=lambda _: None, cadres=30, patrollers=20, days=120, today=today)
    kept = {
        (row.link_id, row.month): (row.visits_recorded, row.visits_counted, row.done)
        for row in LinkMonth.objects.all()
    }
    rebuilt = {
        key: (row.recorded, row.counted, row.done)
        for key, row in tallies_from_visits(Link.objects.all()).items()
    }
    assert kept
    assert kept == rebuilt
