"""`visible_to(user)`: each branch of the rule, and the outsider who sees nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from sanfu.directory.models import StaffRole
from sanfu.outreach import selectors
from sanfu.outreach.models import Link, LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from tests.cases.conftest import People
from tests.conftest import Tree, login, make_staff
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db


def test_a_cadre_sees_their_own_link_outside_their_unit(
    outreach: Outreach, people: People, tree: Tree
):
    # The department's handler covers a town B village: not their subtree, but their link.
    own = link_create(
        actor=None,
        new=NewLink(
            person=people.handler,
            target=tree.village_b,
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.MONTHLY,
        ),
    )
    assert list(Link.objects.visible_to(people.handler)) == [own]


def test_a_town_sees_every_link_in_its_subtree(outreach: Outreach, people: People):
    assert set(Link.objects.visible_to(people.town_leader)) == {
        outreach.enterprise_link,
        outreach.grid_link,
    }


def test_staff_of_a_linked_unit_see_the_units_link(outreach: Outreach, people: People, tree: Tree):
    held = link_create(
        actor=None,
        new=NewLink(
            person_unit=tree.department,
            target=tree.village_b,
            role=LinkRole.LEADS,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.QUARTERLY,
        ),
    )
    assert list(Link.objects.visible_to(people.handler)) == [held]
    assert [link.pk for link in selectors.links_held_by(user=people.handler)] == [held.pk]


def test_the_outsider_and_the_anonymous_see_nothing(outreach: Outreach, people: People):
    assert not Link.objects.visible_to(people.outsider).exists()
    assert not Link.objects.visible_to(AnonymousUser()).exists()


def test_a_disabled_account_sees_nothing(outreach: Outreach, people: People):
    people.cadre.is_active = False
    people.cadre.save(update_fields=["is_active"])
    assert not Link.objects.visible_to(people.cadre).exists()


def test_the_read_api_for_other_apps(outreach: Outreach, people: People):
    officer = selectors.chief_service_officer(
        user=people.town_leader, enterprise=outreach.enterprise
    )
    assert officer == outreach.enterprise_link
    assert (
        selectors.chief_service_officer(user=people.outsider, enterprise=outreach.enterprise)
        is None
    )
    assert selectors.links_for_target(user=people.outsider, target=outreach.enterprise) == []
    assert (
        selectors.visits_for_enterprise(user=people.town_leader, enterprise=outreach.enterprise)
        == []
    )


def test_the_outsider_sees_no_compliance_of_town_a(outreach: Outreach, people: People, tree: Tree):
    outsider = login(people.outsider)
    assert outsider.get(f"/outreach/compliance/?unit={tree.town_a.pk}").status_code == 404
    page = outsider.get("/outreach/compliance/").content.decode()
    assert outreach.enterprise.name not in page
    roster = outsider.get("/outreach/roster.xlsx")
    assert outreach.enterprise.credit_code.encode() not in roster.content


def test_a_county_administrator_sees_the_whole_county(outreach: Outreach, tree: Tree):
    admin = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    assert Link.objects.visible_to(admin).count() == 2
