"""Every rating is a fact of its own: one per answer, never erased by a reopen; callbacks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.models import Case, CaseEvent, CaseRating, CaseReply, CaseState, Rating, ReplyKind
from sanfu.cases.sweep import sweep_once
from sanfu.cases.timeline_facts import facts_from_timeline
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def answered(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    answer(case, people)
    return Case.objects.get(pk=case.pk)


def answer(case: Case, people: People) -> None:
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已修好。")


def rate(case: Case, rating: str, solved: bool) -> None:
    services.case_rate(number=case.number, token=case.tracking_token, rating=rating, solved=solved)


def test_an_unsatisfied_rating_stays_counted_after_the_reopen(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = answered(tree, catalogue, people)
    rate(case, Rating.UNSATISFIED, solved=False)
    case.refresh_from_db()
    assert (case.state, case.rating) == (CaseState.ASSIGNED, "")
    services.case_sign(actor=people.cadre, case_id=case.pk)
    answer(case, people)
    rate(case, Rating.SATISFIED, solved=True)
    ratings = list(CaseRating.objects.filter(case=case).order_by("at", "id"))
    assert [(r.satisfaction, r.solved, r.first) for r in ratings] == [
        (Rating.UNSATISFIED, False, True),
        (Rating.SATISFIED, True, False),
    ]
    replies = list(CaseReply.objects.filter(case=case).order_by("at", "id"))
    assert [r.pk for r in replies] == [r.reply_id for r in ratings]
    assert [r.first for r in replies] == [True, False]


def test_the_reopen_signs_a_new_assignment_and_keeps_the_first_one_signed(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = answered(tree, catalogue, people)
    rate(case, Rating.UNSATISFIED, solved=False)
    leads = list(case.assignments.filter(role="lead").order_by("pk"))
    assert len(leads) == 2
    assert leads[0].signed_at is not None
    assert not leads[0].active
    assert leads[1].signed_at is None
    assert leads[1].active
    assert leads[1].reply_deadline is not None


def test_a_second_rating_of_one_answer_is_refused(tree: Tree, catalogue: Catalogue, people: People):
    case = answered(tree, catalogue, people)
    rate(case, Rating.SATISFIED, solved=True)
    with pytest.raises(Conflict):
        rate(case, Rating.UNSATISFIED, solved=False)
    with pytest.raises(ValidationFailed) as refused:
        services.case_callback(
            actor=people.dispatcher, case_id=case.pk, rating=Rating.UNSATISFIED, solved=False
        )
    assert refused.value.field == "case"
    assert CaseRating.objects.filter(case=case).count() == 1
    # The database holds the rule too, whoever writes.
    first = CaseRating.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseRating.objects.create(
            case=case, reply=first.reply, at=timezone.now(), satisfaction=Rating.SATISFIED
        )


def test_a_rating_must_say_whether_it_was_solved(tree: Tree, catalogue: Catalogue, people: People):
    case = answered(tree, catalogue, people)
    with pytest.raises(ValidationFailed) as refused:
        services.case_rate(
            number=case.number, token=case.tracking_token, rating=Rating.SATISFIED, solved="maybe"
        )
    assert refused.value.field == "solved"
    assert not CaseRating.objects.filter(case=case).exists()


def test_a_callback_records_the_answers_of_a_requester_who_gave_none(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = answered(tree, catalogue, people)
    sweep_once(at=timezone.now() + timedelta(days=30))
    case.refresh_from_db()
    assert (case.state, case.auto_closed) == (CaseState.CLOSED, True)
    services.case_callback(
        actor=people.dispatcher,
        case_id=case.pk,
        rating=Rating.BASICALLY,
        solved="yes",
        note="电话回访",
    )
    rating = CaseRating.objects.get(case=case)
    assert (rating.satisfaction, rating.solved, rating.callback, rating.actor) == (
        Rating.BASICALLY,
        True,
        True,
        people.dispatcher,
    )
    case.refresh_from_db()
    assert (case.state, case.rating) == (CaseState.CLOSED, Rating.BASICALLY)


def test_a_callback_on_a_waiting_case_rates_it_as_the_requester_would(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = answered(tree, catalogue, people)
    services.case_callback(
        actor=people.dispatcher, case_id=case.pk, rating=Rating.UNSATISFIED, solved=False
    )
    case.refresh_from_db()
    assert (case.state, case.reopen_count) == (CaseState.ASSIGNED, 1)
    assert CaseRating.objects.get(case=case).callback


def test_a_callback_on_a_case_never_answered_is_refused(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    with pytest.raises(ValidationFailed) as refused:
        services.case_callback(
            actor=people.dispatcher, case_id=case.pk, rating=Rating.SATISFIED, solved=True
        )
    assert refused.value.field == "case"
    assert not CaseRating.objects.exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.NEW


def test_an_outsider_cannot_record_a_callback(tree: Tree, catalogue: Catalogue, people: People):
    case = answered(tree, catalogue, people)
    with pytest.raises(NotFound):
        services.case_callback(
            actor=people.outsider, case_id=case.pk, rating=Rating.SATISFIED, solved=True
        )
    assert not CaseRating.objects.exists()


def test_the_timeline_reads_back_into_the_same_facts(
    tree: Tree, catalogue: Catalogue, people: People
):
    """What the migration does for the history written before the facts were kept."""
    case = answered(tree, catalogue, people)
    rate(case, Rating.UNSATISFIED, solved=False)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    answer(case, people)
    rate(case, Rating.SATISFIED, solved=True)
    other = answered(tree, catalogue, people)  # answered, never rated

    def facts() -> list[tuple[object, ...]]:
        replies = CaseReply.objects.order_by("case_id", "at").values_list(
            "case_id", "unit_id", "at", "kind", "first"
        )
        ratings = CaseRating.objects.order_by("case_id", "at").values_list(
            "case_id", "reply__at", "at", "satisfaction", "solved", "first", "comment"
        )
        return [*replies, *ratings]

    before = facts()
    CaseRating.objects.all().delete()
    CaseReply.objects.all().delete()
    added = facts_from_timeline(
        case_model=Case, event_model=CaseEvent, reply_model=CaseReply, rating_model=CaseRating
    )
    assert added == (3, 2)
    assert facts() == before
    assert CaseReply.objects.filter(case=other).count() == 1
    # Run again, it adds nothing: cases with facts are left alone.
    assert facts_from_timeline(
        case_model=Case, event_model=CaseEvent, reply_model=CaseReply, rating_model=CaseRating
    ) == (0, 0)


def test_facts_are_never_changed_or_removed(tree: Tree, catalogue: Catalogue, people: People):
    case = answered(tree, catalogue, people)
    reply = CaseReply.objects.get(case=case)
    with pytest.raises(ValueError, match="never changed"):
        reply.save()
    with pytest.raises(ValueError, match="never removed"):
        reply.delete()
