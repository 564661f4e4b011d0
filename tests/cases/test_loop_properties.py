"""Random sequences of actions by random people must never break the loop's invariants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState, Rating, ReplyKind, ReturnReason
from sanfu.cases.selectors import timeline_replays
from sanfu.lib.errors import ApplicationError
from tests.cases.conftest import Catalogue, People, publish_as_drafted, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

Action = Callable[[Any, Case, Tree, Any], object]


def _units(tree: Tree) -> list[Any]:
    return [tree.town_a, tree.village_a, tree.grid_a, tree.town_b, tree.department]


ACTIONS: dict[str, Action] = {
    "dispatch": lambda actor, case, tree, pick: services.case_dispatch(
        actor=actor,
        case_id=case.pk,
        lead_unit=pick(_units(tree)),
        co_units=[pick(_units(tree))],
    ),
    "sign": lambda actor, case, tree, pick: services.case_sign(actor=actor, case_id=case.pk),
    "reply": lambda actor, case, tree, pick: services.case_reply(
        actor=actor, case_id=case.pk, kind=pick(ReplyKind.values), text="处理结果"
    ),
    "return": lambda actor, case, tree, pick: services.case_return(
        actor=actor, case_id=case.pk, reason=pick(ReturnReason.values), note="退回说明"
    ),
    "escalate": lambda actor, case, tree, pick: services.case_escalate(
        actor=actor, case_id=case.pk, note="本级无法解决"
    ),
    "transfer": lambda actor, case, tree, pick: services.case_transfer(
        actor=actor, case_id=case.pk, lead_unit=pick(_units(tree)), note="转派"
    ),
    "extend": lambda actor, case, tree, pick: services.case_extension_request(
        actor=actor, case_id=case.pk, days=3, reason="需要时间"
    ),
    "urge": lambda actor, case, tree, pick: services.case_urge(actor=actor, case_id=case.pk),
    "supervise": lambda actor, case, tree, pick: services.case_supervise(
        actor=actor, case_id=case.pk, instruction="限期办结", days=3
    ),
    "reject": lambda actor, case, tree, pick: services.case_reject(
        actor=actor, case_id=case.pk, reason="不属于受理范围"
    ),
    "publish": lambda actor, case, tree, pick: publish_as_drafted(actor, case.pk),
    "rate": lambda actor, case, tree, pick: services.case_rate(
        number=case.number,
        token=case.tracking_token,
        rating=pick(Rating.values),
        solved=pick([True, False]),
    ),
    "rate_with_a_guess": lambda actor, case, tree, pick: services.case_rate(
        number=case.number, token="guessed-token", rating=Rating.SATISFIED, solved=True
    ),
}
ACTORS = [
    "dispatcher",
    "supervisor",
    "town_staff",
    "town_leader",
    "cadre",
    "grid_worker",
    "handler",
    "outsider",
]


def snapshot(case: Case) -> tuple[object, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.lead_unit_id,
        fresh.desk_unit_id,
        fresh.events.count(),
        fresh.reply_deadline,
        fresh.published_at,
    )


def check_invariants(case: Case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert timeline_replays(fresh)
    if fresh.state == CaseState.CLOSED:
        assert fresh.reply_kind
    if fresh.confidential:
        assert fresh.published_at is None
    if fresh.state in {CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.REPLIED}:
        assert fresh.assignments.filter(active=True, role="lead").count() == 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    confidential=st.booleans(),
    steps=st.lists(
        st.tuples(st.sampled_from(ACTORS), st.sampled_from(sorted(ACTIONS)), st.randoms()),
        min_size=1,
        max_size=14,
    ),
)
def test_random_actions_keep_the_invariants(
    tree: Tree, catalogue: Catalogue, people: People, confidential: bool, steps: list[Any]
):
    case = web_case(tree, catalogue, confidential=confidential)
    for actor_name, action_name, random in steps:
        actor = getattr(people, actor_name)
        before = snapshot(case)
        # Escalating or returning ends town B's assignment: look before the action too.
        was_with_b = case.assignments.filter(unit=tree.town_b, active=True).exists()
        try:
            ACTIONS[action_name](actor, case, tree, random.choice)
        except ApplicationError:
            # A refused action leaves the case exactly as it was.
            assert snapshot(case) == before
        else:
            # Town B's staff are outsiders until the case is sent to town B (as lead or
            # co-handling unit, which the random dispatches and transfers may do).
            sent_to_b = case.assignments.filter(unit=tree.town_b, active=True).exists()
            assert actor_name != "outsider" or sent_to_b or was_with_b, (
                f"the outsider managed to {action_name}"
            )
            assert action_name != "rate_with_a_guess"
        check_invariants(case)
