from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.management import call_command
from django.urls import reverse

from sanfu.directory.models import StaffRole, User
from sanfu.enterprise.matching import policies_for_enterprise, policies_match
from sanfu.enterprise.models import Benefit, MatchState, PolicyMatch
from tests.conftest import Tree, login, make_staff
from tests.enterprise.conftest import World


def _open(policy_code: str) -> set[str]:
    return set(
        PolicyMatch.objects.filter(policy__code=policy_code, current=True).values_list(
            "enterprise__name", flat=True
        )
    )


def test_match_policies_lists_who_qualifies_and_has_not_received(world: World) -> None:
    out = StringIO()
    call_command("enterprise", "match-policies", stdout=out)
    result = json.loads(out.getvalue())
    assert result["policies"] == 2
    assert result["added"] == 4
    assert _open("SME-1") == {"云溪恒达机械有限公司", "白岩精密制造有限公司"}
    assert _open("TOWN-A") == {"云溪恒达机械有限公司", "云溪青禾商贸有限公司"}


def test_matching_twice_changes_nothing(world: World) -> None:
    policies_match()
    again = policies_match()
    assert (again.added, again.retired, again.restored) == (0, 0, 0)
    assert PolicyMatch.objects.count() == 4


def test_a_benefit_received_takes_the_pair_off_the_list_and_keeps_the_row(world: World) -> None:
    policies_match()
    Benefit.objects.create(
        policy=world.sme, enterprise=world.hengda, given_on=date(2026, 3, 1), amount=Decimal(10)
    )
    result = policies_match()
    assert result.retired == 1
    assert _open("SME-1") == {"白岩精密制造有限公司"}
    assert PolicyMatch.objects.filter(policy=world.sme, enterprise=world.hengda).exists()


def test_an_enterprise_sees_the_policies_it_qualifies_for(world: World) -> None:
    Benefit.objects.create(
        policy=world.town_a_policy,
        enterprise=world.hengda,
        given_on=date(2026, 3, 1),
        amount=Decimal(500),
    )
    qualified = {(p.code, received) for p, received in policies_for_enterprise(world.hengda)}
    assert qualified == {("SME-1", False), ("TOWN-A", True)}
    assert policies_for_enterprise(world.qinghe)[0][0].code == "TOWN-A"


def test_the_department_confirms_one_on_its_review_list(world: World, handler: User) -> None:
    policies_match()
    client = login(handler)
    page = client.get(reverse("enterprise:policy_review", args=[world.sme.pk]))
    assert page.status_code == 200
    assert "白岩精密制造有限公司" in page.content.decode()
    match = PolicyMatch.objects.get(policy=world.sme, enterprise=world.baiyan)
    response = client.post(
        reverse("enterprise:match_review", args=[match.pk]),
        {"decision": "confirmed", "reason": "核实无误，下月兑现", "policy": world.sme.pk},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.state, match.reason, match.reviewed_by) == (
        MatchState.CONFIRMED,
        "核实无误，下月兑现",
        handler,
    )


def test_a_review_needs_a_reason_and_happens_once(world: World, handler: User) -> None:
    policies_match()
    client = login(handler)
    match = PolicyMatch.objects.get(policy=world.sme, enterprise=world.baiyan)
    url = reverse("enterprise:match_review", args=[match.pk])
    client.post(url, {"decision": "dismissed", "reason": ""})
    match.refresh_from_db()
    assert match.state == MatchState.OPEN
    client.post(url, {"decision": "dismissed", "reason": "已注销"})
    client.post(url, {"decision": "confirmed", "reason": "改主意"})
    match.refresh_from_db()
    assert (match.state, match.reason) == (MatchState.DISMISSED, "已注销")


def test_the_outsider_gets_404_for_the_review_list_and_review(
    world: World, outsider: User, town_staff: User
) -> None:
    policies_match()
    match = PolicyMatch.objects.get(policy=world.sme, enterprise=world.baiyan)
    for user in (outsider, town_staff):
        client = login(user)
        assert (
            client.get(reverse("enterprise:policy_review", args=[world.sme.pk])).status_code == 404
        )
        response = client.post(
            reverse("enterprise:match_review", args=[match.pk]),
            {"decision": "dismissed", "reason": "x"},
        )
        assert response.status_code == 404
    match.refresh_from_db()
    assert match.state == MatchState.OPEN


def test_the_enterprise_page_shows_its_ledger_with_the_representative_masked(
    world: World, town_staff: User
) -> None:
    Benefit.objects.create(
        policy=world.town_a_policy,
        enterprise=world.hengda,
        given_on=date(2026, 3, 1),
        amount=Decimal("1234.50"),
    )
    page = login(town_staff).get(reverse("enterprise:enterprise", args=[world.hengda.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "张**" in html
    assert "张伟强" not in html
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "1234.50" in html
    assert "SME-1" in html
    assert 'id="outreach"' in html


def test_the_outsider_gets_404_for_another_towns_enterprise(world: World, outsider: User) -> None:
    client = login(outsider)
    assert client.get(reverse("enterprise:enterprise", args=[world.hengda.pk])).status_code == 404
    listing = client.get(reverse("enterprise:list")).content.decode()
    assert "恒达" not in listing
    assert "白岩精密" in listing


def test_village_staff_see_their_towns_enterprises_only_by_place(tree: Tree, world: World) -> None:
    cadre = make_staff("cadre", tree.village_a, StaffRole.VILLAGE_CADRE)
    # The enterprise sits in town A without a village: a village cadre is below it.
    assert (
        login(cadre).get(reverse("enterprise:enterprise", args=[world.hengda.pk])).status_code
        == 404
    )


def test_the_sweep_matches_once_a_day(world: World) -> None:
    from sanfu.enterprise.matching import policies_match_sweep
    from sanfu.lib.jobs import jobs_registered

    assert "enterprise-policies" in {job.name for job in jobs_registered()}
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, tzinfo=UTC), tick=False):
        first = policies_match_sweep()
        assert first["added"] == 4
        assert "skipped" in policies_match_sweep()
    with time_machine.travel(datetime(2026, 12, 8, 2, 0, tzinfo=UTC), tick=False):
        assert policies_match_sweep()["added"] == 0
