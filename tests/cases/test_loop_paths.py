"""Every path of the loop, through the service functions, as the people who act on it."""

from __future__ import annotations

import pytest

from sanfu.cases import services
from sanfu.cases.models import (
    Case,
    CaseState,
    Channel,
    Decision,
    EventKind,
    Rating,
    ReplyKind,
    ReturnReason,
)
from sanfu.cases.selectors import case_get_by_token, timeline_replays
from sanfu.cases.services import NewCase, Requester
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.cases.conftest import Catalogue, People, publish_as_drafted, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


def test_a_web_request_goes_round_the_whole_loop(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    assert case.state == CaseState.NEW
    assert case.desk_unit == tree.county
    assert case.number.startswith("YX")

    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    case = reload(case)
    assert (case.state, case.lead_unit) == (CaseState.ASSIGNED, tree.village_a)
    assert case.sign_deadline is not None
    assert case.reply_deadline is not None

    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(
        actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已更换三盏路灯。"
    )
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )

    case = reload(case)
    assert case.state == CaseState.CLOSED
    assert case.replied_on_time is True
    assert case.handling_working_days is not None
    assert kinds(case) == ["received", "dispatched", "signed", "replied", "rated"]
    assert timeline_replays(case)


def test_escalation_goes_village_to_town_to_county_and_back_down(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_escalate(actor=people.cadre, case_id=case.pk, note="涉及跨村道路，村里解决不了")
    case = reload(case)
    assert (case.state, case.desk_unit, case.lead_unit) == (CaseState.NEW, tree.town_a, None)

    # The town's staff now decide; the village cadre no longer can.
    with pytest.raises(PermissionDenied):
        services.case_dispatch(actor=people.cadre, case_id=case.pk, lead_unit=tree.village_a)
    services.case_dispatch(actor=people.town_staff, case_id=case.pk, lead_unit=tree.town_a)
    services.case_sign(actor=people.town_staff, case_id=case.pk)
    services.case_escalate(actor=people.town_staff, case_id=case.pk, note="需要县级部门协调")
    case = reload(case)
    assert (case.state, case.desk_unit) == (CaseState.NEW, tree.county)

    # The county sends it back down, with the department co-handling.
    services.case_dispatch(
        actor=people.dispatcher,
        case_id=case.pk,
        lead_unit=tree.town_a,
        co_units=[tree.department],
    )
    services.case_sign(actor=people.town_staff, case_id=case.pk)
    services.case_sign(actor=people.handler, case_id=case.pk)
    services.case_co_opinion(actor=people.handler, case_id=case.pk, opinion="已安排资金。")
    services.case_reply(
        actor=people.town_staff, case_id=case.pk, kind=ReplyKind.SOLVED, text="道路已修复。"
    )
    case = reload(case)
    assert case.state == CaseState.REPLIED
    assert kinds(case).count("escalated") == 2
    assert "co_signed" in kinds(case)
    assert timeline_replays(case)


def test_a_return_goes_back_to_the_dispatcher_who_dispatches_again(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue, category=catalogue.wages, location_unit=tree.village_a)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
    with pytest.raises(ValidationFailed) as refused:
        services.case_return(actor=people.handler, case_id=case.pk, reason="because", note="x")
    assert refused.value.field == "reason"
    services.case_return(
        actor=people.handler,
        case_id=case.pk,
        reason=ReturnReason.NOT_OUR_REMIT,
        note="属于人社局职责",
    )
    case = reload(case)
    assert (case.state, case.lead_unit, case.return_count) == (CaseState.NEW, None, 1)
    # The requester's clock does not stop for a return: the next dispatch keeps it.
    deadline = case.reply_deadline
    assert deadline is not None
    assert case.sign_deadline is None
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.town_a)
    assert reload(case).state == CaseState.ASSIGNED
    assert reload(case).reply_deadline == deadline
    assert timeline_replays(reload(case))


def test_a_department_category_cannot_go_to_a_village(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue, category=catalogue.wages)
    with pytest.raises(ValidationFailed) as refused:
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    assert refused.value.field == "lead_unit"
    assert reload(case).state == CaseState.NEW


def test_an_extension_moves_the_deadline_and_must_be_asked_before_it(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    before = reload(case).reply_deadline
    extension = services.case_extension_request(
        actor=people.cadre, case_id=case.pk, days=5, reason="需要等待材料到货"
    )
    with pytest.raises(Conflict):
        services.case_extension_request(actor=people.cadre, case_id=case.pk, days=3, reason="again")
    with pytest.raises(PermissionDenied):
        services.case_extension_decide(actor=people.cadre, extension_id=extension.pk, approve=True)
    services.case_extension_decide(actor=people.dispatcher, extension_id=extension.pk, approve=True)
    after = reload(case).reply_deadline
    assert before is not None
    assert after is not None
    assert after > before
    extension.refresh_from_db()
    assert extension.decision == Decision.APPROVED

    Case.objects.filter(pk=case.pk).update(reply_deadline=case.received_at)
    with pytest.raises(ValidationFailed) as refused:
        services.case_extension_request(
            actor=people.cadre, case_id=case.pk, days=2, reason="还要两天"
        )
    assert "deadline" in refused.value.message or "期限" in refused.value.message


def test_unsatisfied_reopens_to_the_same_unit_until_the_limit(
    tree: Tree, catalogue: Catalogue, people: People, settings
):
    settings.CASE_MAX_REOPENS = 1
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    for round_ in range(2):
        services.case_sign(actor=people.cadre, case_id=case.pk)
        services.case_reply(
            actor=people.cadre, case_id=case.pk, kind=ReplyKind.EXPLAINED, text=f"解释{round_}"
        )
        services.case_rate(
            solved=False,
            number=case.number,
            token=case.tracking_token,
            rating=Rating.UNSATISFIED,
            comment="没有解决",
        )
        case = reload(case)
        if round_ == 0:
            assert (case.state, case.lead_unit, case.reopen_count) == (
                CaseState.ASSIGNED,
                tree.village_a,
                1,
            )
    assert case.state == CaseState.CLOSED
    assert case.rating == Rating.UNSATISFIED
    assert kinds(case).count("reopened") == 1
    assert timeline_replays(case)


def test_merged_duplicates_receive_the_masters_answer(
    tree: Tree, catalogue: Catalogue, people: People
):
    master = web_case(tree, catalogue)
    duplicate = web_case(tree, catalogue, title="村口路灯坏了")
    services.case_merge(actor=people.dispatcher, case_id=duplicate.pk, master_id=master.pk)
    assert reload(duplicate).state == CaseState.MERGED
    services.case_dispatch(actor=people.dispatcher, case_id=master.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=master.pk)
    services.case_reply(actor=people.cadre, case_id=master.pk, kind=ReplyKind.SOLVED, text="已修")
    duplicate = reload(duplicate)
    assert (duplicate.state, duplicate.reply_text) == (CaseState.MERGED, "已修")
    assert "master_replied" in kinds(duplicate)
    assert timeline_replays(duplicate)


def test_a_rejection_gives_the_requester_the_reason(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    with pytest.raises(ValidationFailed):
        services.case_reject(actor=people.dispatcher, case_id=case.pk, reason="  ")
    services.case_reject(actor=people.dispatcher, case_id=case.pk, reason="属于司法诉讼范围")
    seen = case_get_by_token(number=case.number, token=case.tracking_token)
    assert (seen.state, seen.rejection_reason) == (CaseState.REJECTED, "属于司法诉讼范围")


def test_the_outsider_can_neither_see_nor_act(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    with pytest.raises(NotFound):
        services.case_dispatch(actor=people.outsider, case_id=case.pk, lead_unit=tree.town_b)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    for action in (services.case_sign, services.case_urge):
        with pytest.raises(NotFound):
            action(actor=people.outsider, case_id=case.pk)
    assert not Case.objects.visible_to(people.outsider).exists()
    assert reload(case).state == CaseState.ASSIGNED


def test_only_the_requester_rates_and_only_with_the_right_code(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="好了")
    other = web_case(tree, catalogue)
    for number, token in [
        (case.number, other.tracking_token),
        (case.number, ""),
        (other.number, case.tracking_token),
    ]:
        with pytest.raises(NotFound):
            services.case_rate(solved=True, number=number, token=token, rating=Rating.SATISFIED)
    assert reload(case).state == CaseState.REPLIED


def test_a_confidential_case_is_never_published(tree: Tree, catalogue: Catalogue, people: People):
    secret = web_case(tree, catalogue, confidential=True)
    public = web_case(tree, catalogue)
    for case in (secret, public):
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
        services.case_sign(actor=people.cadre, case_id=case.pk)
        services.case_reply(
            actor=people.cadre,
            case_id=case.pk,
            kind=ReplyKind.SOLVED,
            text="已联系王建国（13812345678）并修复。",
        )
        services.case_rate(
            solved=True, number=case.number, token=case.tracking_token, rating="satisfied"
        )
    with pytest.raises(ValidationFailed):
        publish_as_drafted(people.dispatcher, secret.pk)
    assert reload(secret).published_at is None
    published = publish_as_drafted(people.dispatcher, public.pk)
    assert "13812345678" not in published.public_text + published.public_reply
    assert "王建国" not in published.public_reply
    assert "路灯" in published.public_title


def test_urge_and_supervision_reach_the_lead_unit(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_urge(actor=people.dispatcher, case_id=case.pk, note="请尽快签收")
    with pytest.raises(PermissionDenied):
        services.case_supervise(actor=people.dispatcher, case_id=case.pk, instruction="x", days=3)
    order = services.case_supervise(
        actor=people.supervisor, case_id=case.pk, instruction="三日内解决", days=3
    )
    from sanfu.cases.selectors import supervision_orders_for_leader

    assert list(supervision_orders_for_leader(user=people.cadre)) == [order]
    assert not supervision_orders_for_leader(user=people.outsider).exists()
    services.supervision_answer(actor=people.cadre, order_id=order.pk, answer="已落实")
    assert reload(case).urge_count == 1
    assert {"urged", "supervised", "supervision_answered"} <= set(kinds(case))


def test_a_field_case_solved_on_the_spot_counts_as_received_and_replied(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = services.case_create_solved_on_the_spot(
        new=NewCase(
            channel=Channel.VILLAGE_MEETING,
            title="村民反映垃圾桶不够",
            text="村民说事会上提出增加两个垃圾桶。",
            location_unit=tree.village_a,
            category=catalogue.roads,
            requester=Requester(kind="resident", name="李秀英"),
        ),
        actor=people.cadre,
        reply="当场协调，增加两个垃圾桶。",
    )
    assert (case.state, case.reply_kind, case.lead_unit) == (
        CaseState.REPLIED,
        ReplyKind.ON_THE_SPOT,
        tree.village_a,
    )
    assert case.desk_unit == tree.village_a
    assert timeline_replays(case)
    assert kinds(case) == [EventKind.RECEIVED, EventKind.REPLIED]


def test_two_actions_in_the_wrong_order_get_a_conflict(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    with pytest.raises(Conflict):
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.town_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    with pytest.raises(Conflict):
        services.case_sign(actor=people.cadre, case_id=case.pk)
