"""Routing in the workbench, through HTTP: the case page's suggestion and duplicates with a
one-click merge, the operator's help while typing, reply review on the reply form and the
supervision board, the leaders' hot spots, the administrators' accuracy page and rules."""

from __future__ import annotations

from typing import Any

import pytest

from sanfu.cases import queue
from sanfu.cases import services as cases
from sanfu.cases.models import Case, CaseState, ReplyKind
from sanfu.cases.services import Requester
from sanfu.directory.models import StaffRole
from sanfu.routing import services
from sanfu.routing.models import Rule
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login, make_staff

pytestmark = pytest.mark.django_db

LAMP = {"title": "上坪村口路灯不亮", "text": "上坪村村口的三盏路灯已经坏了两周，晚上出行很危险。"}


def lamp(tree: Tree, catalogue: Catalogue, n: int = 0, **fields: Any) -> Case:
    values: dict[str, Any] = {
        **LAMP,
        "requester": Requester(kind="resident", phone=f"1381234567{n}"),
        **fields,
    }
    case = web_case(tree, catalogue, **values)
    assert services.case_index(case=case)
    return case


def page(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def test_the_case_page_loads_the_routing_panel_and_the_reply_check(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = lamp(tree, catalogue)
    html = page(login(people.dispatcher), f"/workbench/cases/{case.pk}/")
    assert f"/workbench/cases/{case.pk}/routing/" in html


def test_the_panel_shows_the_suggestion_and_a_duplicate_merged_in_one_click(
    tree: Tree, catalogue: Catalogue, people: People
):
    Rule.objects.create(keywords="路灯", category=catalogue.roads, lead_unit=tree.town_a)
    first = lamp(tree, catalogue, 1)
    second = lamp(tree, catalogue, 2)
    client = login(people.dispatcher)
    html = page(client, f"/workbench/cases/{second.pk}/routing/")
    # Until the background worker has run, the panel says the suggestion is pending.
    assert 'data-testid="suggestion-pending"' in html
    assert "data-suggested-category" not in html
    queue.work()
    html = page(client, f"/workbench/cases/{second.pk}/routing/")
    # Recorded by the worker: the rule's category and unit.
    assert 'data-testid="suggestion-pending"' not in html
    assert f'data-suggested-category="{catalogue.roads.pk}"' in html
    assert f'data-suggested-unit="{tree.town_a.pk}"' in html
    assert f'data-case="{first.pk}"' in html
    assert f"/workbench/cases/{second.pk}/do/merge/" in html
    response = client.post(
        f"/workbench/cases/{second.pk}/do/merge/",
        {"master": first.number, "note": "", "next": f"/workbench/cases/{second.pk}/"},
    )
    assert response.status_code == 302
    merged = Case.objects.get(pk=second.pk)
    assert (merged.state, merged.master_id) == (CaseState.MERGED, first.pk)
    # A merged case is not offered again as a duplicate.
    assert f'data-case="{second.pk}"' not in page(client, f"/workbench/cases/{first.pk}/routing/")


def test_the_panel_offers_no_merge_to_someone_who_may_not_merge(
    tree: Tree, catalogue: Catalogue, people: People
):
    lamp(tree, catalogue, 1)
    second = lamp(tree, catalogue, 2)
    html = page(login(people.grid_worker), f"/workbench/cases/{second.pk}/routing/")
    assert "/do/merge/" not in html


def test_the_outsider_gets_not_found_everywhere(tree: Tree, catalogue: Catalogue, people: People):
    case = lamp(tree, catalogue)
    client = login(people.outsider)
    assert client.get(f"/workbench/cases/{case.pk}/routing/").status_code == 404
    response = client.post(f"/workbench/cases/{case.pk}/reply-check/", {"text": "已处理"})
    assert response.status_code == 404
    # Typing the same words at intake with town A's village finds nothing of town A.
    html = page(client, "/workbench/intake/assist/", location_unit=str(tree.village_a.pk), **LAMP)
    assert 'data-testid="similar-cases"' not in html


def test_intake_suggests_while_the_operator_types(tree: Tree, catalogue: Catalogue, people: People):
    Rule.objects.create(keywords="路灯 不亮", category=catalogue.roads)
    earlier = lamp(tree, catalogue)
    client = login(people.dispatcher)
    html = page(
        client,
        "/workbench/intake/assist/",
        title="路灯不亮",
        text="上坪村村口路灯坏了两周，很危险",
        location_unit=str(tree.village_a.pk),
    )
    assert f'data-suggested-category="{catalogue.roads.pk}"' in html
    assert f'data-suggested-unit="{tree.village_a.pk}"' in html
    assert earlier.number in html
    assert "intake/assist" in page(client, "/workbench/intake/")


@pytest.mark.parametrize(
    "typed",
    ["", "😀" * 40, "<img src=x onerror=alert(1)>" * 3, "路" * 100_000, "abc ДЖ 路灯 ١٢٣"],
)
def test_odd_typing_gets_an_answer(tree: Tree, people: People, catalogue: Catalogue, typed: str):
    html = page(
        login(people.dispatcher),
        "/workbench/intake/assist/",
        title=typed[:200],
        text=typed,
        location_unit="x",
    )
    assert "<img" not in html


def in_progress(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = lamp(tree, catalogue)
    cases.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    cases.case_sign(actor=people.cadre, case_id=case.pk)
    return case


def test_the_reply_form_explains_what_a_weak_draft_lacks(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = in_progress(tree, catalogue, people)
    client = login(people.cadre)
    html = page(client, f"/workbench/cases/{case.pk}/")
    assert f"/workbench/cases/{case.pk}/reply-check/" in html
    weak = client.post(f"/workbench/cases/{case.pk}/reply-check/", {"text": "您好，收到。"})
    assert weak.status_code == 200
    assert 'data-flag="too_short"' in weak.content.decode()
    # Explained in words, in the page's language (Chinese by default).
    assert "答复除问候语外几乎没有内容" in weak.content.decode()
    good = client.post(
        f"/workbench/cases/{case.pk}/reply-check/",
        {
            "text": "经现场核实，上坪村村口三盏路灯线路老化损坏。根据村道照明管护办法，"
            "村委会已于昨日更换全部路灯并恢复照明，今后安排专人每月巡查。"
            "如有问题请联系村委会，电话0571-88886666。"
        },
    )
    assert "data-flag" not in good.content.decode()
    assert 'data-testid="reply-review"' in good.content.decode()


def test_the_supervision_board_lists_flagged_answers_in_scope(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = in_progress(tree, catalogue, people)
    cases.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已处理。")
    html = page(login(people.supervisor), "/workbench/supervision/replies/")
    assert f'data-case="{case.pk}"' in html
    assert 'data-flag="too_short"' in html
    assert f'data-case="{case.pk}"' not in page(
        login(people.outsider), "/workbench/supervision/replies/"
    )
    assert "supervision/replies/" in page(login(people.supervisor), "/workbench/supervision/")


def test_hot_spots_list_their_cases_scoped_to_the_persons_area(
    tree: Tree, catalogue: Catalogue, people: People
):
    ids = [lamp(tree, catalogue, n).pk for n in range(3)]
    lamp(tree, catalogue, 9, location_unit=tree.village_b, title="下湾村路灯不亮")
    html = page(login(people.town_leader), "/workbench/hotspots/")
    assert html.count('data-testid="hotspot"') == 1
    for pk in ids:
        assert f"/workbench/cases/{pk}/" in html
    assert "上坪村" in html
    # Drill down: town A's area holds it, town B's does not; a week's window still does.
    client = login(people.dispatcher)
    assert 'data-testid="hotspot"' in page(client, "/workbench/hotspots/", area=tree.town_a.pk)
    assert 'data-testid="hotspot"' not in page(client, "/workbench/hotspots/", area=tree.town_b.pk)
    assert 'data-testid="hotspot"' in page(client, "/workbench/hotspots/", days="7")
    # The outsider sees none of town A's, even naming town A as the area.
    outsider = login(people.outsider)
    assert 'data-testid="hotspot"' not in page(outsider, "/workbench/hotspots/")
    assert 'data-testid="hotspot"' not in page(
        outsider, "/workbench/hotspots/", area=tree.town_a.pk, days="oops"
    )


def test_the_accuracy_page_is_for_administrators(tree: Tree, catalogue: Catalogue, people: People):
    administrator = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    html = page(login(administrator), "/workbench/routing/accuracy/")
    assert 'data-testid="routing-accuracy"' in html
    assert "/admin/routing/rule/" in html
    assert login(people.dispatcher).get("/workbench/routing/accuracy/").status_code == 404
    assert login(people.outsider).get("/workbench/routing/accuracy/").status_code == 404


def test_administrators_maintain_rules_in_the_admin_with_checked_keywords(
    tree: Tree, catalogue: Catalogue
):
    administrator = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    client = login(administrator)
    assert client.get("/admin/routing/rule/").status_code == 200
    form = {
        "keywords": " 路灯，不亮、 路灯 ",
        "category": catalogue.roads.pk,
        "lead_unit": tree.town_a.pk,
        "area": "",
        "is_active": "on",
        "note": "",
    }
    response = client.post("/admin/routing/rule/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Rule.objects.get().keywords == "路灯 不亮"
    refused = client.post("/admin/routing/rule/add/", {**form, "keywords": "，、 😀"})
    assert refused.status_code == 200
    assert "请至少填写一个关键词。" in refused.content.decode()
    assert Rule.objects.count() == 1
