"""`sanfu seed cases`: synthetic history that looks, row for row, like the loop's own."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.calendar import (
    LOCAL_ZONE,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    working_days_between,
)
from sanfu.cases.models import (
    Assignment,
    Case,
    CaseCounter,
    CaseEvent,
    CaseRating,
    CaseReply,
    CaseState,
    Channel,
    EventKind,
    Rating,
)
from sanfu.cases.selectors import timeline_replays
from sanfu.cases.services import NewCase, Requester
from sanfu.directory.models import Unit
from sanfu.ops.synthetic import seed_cases
from sanfu.ops.synthetic.messages import Message, clean_text, messages_load
from sanfu.ops.synthetic.texts import PublicTexts
from sanfu.ops.synthetic.timing import Clocks
from tests.cases.conftest import Catalogue
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^YX(\d{8})-(\d{5})$")
HEADER = "id,user,title,time,text,reply,reply_time\n"


def seed(*args: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed", "cases", *args, stdout=out, stderr=err)
    assert "seed cases:" in err.getvalue()  # progress goes to stderr
    result: dict[str, object] = json.loads(out.getvalue().strip().splitlines()[-1])
    return result


def write_messages(folder: Path, rows: list[str], *, name: str = "replied_messages.csv") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes((HEADER + "".join(rows)).encode("utf-8", "surrogatepass"))
    return folder


def good_row(number: int) -> str:
    return (
        f'{number},U{number},道路破损第{number}号,2019/1/1 9:00:00,"村口道路破损严重，'
        f'请尽快修复。",您好，已安排养护单位修复。,2019/1/5 9:00:00\n'
    )


def test_it_seeds_cases_in_every_state_of_the_loop_over_the_demo_county():
    call_command("seed", "demo", "--password", "demo-pass-123", stdout=io.StringIO())
    call_command("catalogue", "load", stdout=io.StringIO())

    result = seed("--count", "300", "--seed", "7")

    cases = list(Case.objects.all())
    assert len(cases) == result["cases"] == 300
    states = result["states"]
    assert isinstance(states, dict)
    assert set(states) == set(CaseState.values)
    assert {case.state for case in cases} == set(CaseState.values)
    assert all(timeline_replays(case) for case in cases)
    assert CaseEvent.objects.count() == result["events"]
    assert Assignment.objects.count() == result["assignments"]
    check_numbers(cases)
    check_columns(cases)


def check_numbers(cases: list[Case]) -> None:
    assert len({case.number for case in cases}) == len(cases)
    assert len({case.tracking_token for case in cases}) == len(cases)
    for case in cases:
        day, _serial = NUMBER.match(case.number).groups()  # type: ignore[union-attr]
        assert day == f"{case.received_at.astimezone(LOCAL_ZONE):%Y%m%d}"
    # Each day's counter has given out at least the numbers the seed used.
    for counter in CaseCounter.objects.all():
        used = [c.number for c in cases if c.number[2:10] == f"{counter.day:%Y%m%d}"]
        assert counter.last >= max(int(number[-5:]) for number in used)


def check_columns(cases: list[Case]) -> None:
    now = timezone.now()
    two_years = now - timedelta(days=731)
    assert all(two_years <= case.received_at <= now for case in cases)
    assert not any(case.confidential and case.published_at for case in cases)
    assert any(case.published_at for case in cases)
    for case in cases:
        if case.state in {CaseState.NEW, CaseState.ASSIGNED, CaseState.IN_PROGRESS}:
            assert case.received_at >= now - timedelta(days=60), case.number
        if case.state == CaseState.CLOSED:
            assert case.reply_text
            assert case.replied_at
            assert case.closed_at
            assert case.rating or case.auto_closed
        if case.state == CaseState.REJECTED:
            assert case.rejection_reason
            assert not case.reply_text
        if case.state == CaseState.MERGED:
            assert case.master is not None
            assert case.master.received_at <= case.received_at
        if case.state in {CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.REPLIED}:
            assert case.assignments.filter(active=True, role="lead", unit=case.lead_unit).exists()
        if case.rating == Rating.UNSATISFIED and case.state == CaseState.CLOSED:
            assert case.reopen_count >= 1


def test_satisfaction_and_channels_look_like_a_county(tree: Tree, catalogue: Catalogue):
    summary = seed_cases(count=400, seed=3)
    assert summary.cases == 400
    rated = Case.objects.exclude(rating="").filter(state=CaseState.CLOSED)
    content = rated.filter(rating__in=[Rating.SATISFIED, Rating.BASICALLY]).count()
    assert content / rated.count() >= 0.9
    channels = dict(Case.objects.values_list("channel").annotate(n=Count("pk")))
    assert channels[Channel.MOBILE] + channels[Channel.WEB] + channels[Channel.HOTLINE] > 300
    confidential = Case.objects.filter(confidential=True).count()
    assert 0 < confidential < 40


def test_every_seeded_rating_is_a_fact_and_a_reopen_leaves_no_stale_rating(
    tree: Tree, catalogue: Catalogue
):
    seed_cases(count=400, seed=3)
    rated_events = CaseEvent.objects.filter(kind=EventKind.RATED).count()
    assert rated_events > 0
    assert CaseRating.objects.count() == rated_events
    reopened = CaseEvent.objects.filter(kind=EventKind.REOPENED).count()
    assert reopened > 0
    assert CaseRating.objects.filter(satisfaction=Rating.UNSATISFIED).count() >= reopened
    assert CaseReply.objects.count() == CaseEvent.objects.filter(kind=EventKind.REPLIED).count()
    # The service clears a reopened case's rating (it belonged to the earlier answer): a
    # stale 不满意 kept a case waiting forever, since the sweep skips rated cases.
    waiting = [CaseState.NEW, CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.REPLIED]
    assert not Case.objects.filter(state__in=waiting).exclude(rating="").exists()


def test_a_second_run_adds_cases_and_later_intake_gets_a_fresh_number(
    tree: Tree, catalogue: Catalogue
):
    seed_cases(count=30, seed=1)
    seed_cases(count=30, seed=2)
    assert Case.objects.count() == 60
    assert Case.objects.values("number").distinct().count() == 60

    case = services.case_create(
        new=NewCase(
            channel=Channel.WEB,
            title="路灯不亮",
            text="村口路灯坏了。",
            location_unit=tree.village_a,
            requester=Requester(),
        )
    )
    today = Case.objects.filter(number__startswith=case.number[:10])
    assert today.aggregate(Max("number"))["number__max"] == case.number


def test_the_same_seed_and_moment_give_the_same_cases(tree: Tree, catalogue: Catalogue):
    now = datetime(2025, 11, 20, 15, 30, tzinfo=LOCAL_ZONE)

    def run(seed: int) -> list[tuple[object, ...]]:
        with transaction.atomic():
            seed_cases(count=60, seed=seed, now=now, batch_size=25)
            rows: list[tuple[object, ...]] = list(
                Case.objects.order_by("number").values_list(
                    "number",
                    "title",
                    "state",
                    "received_at",
                    "category_id",
                    "lead_unit_id",
                    "replied_at",
                    "rating",
                    "requester_name",
                )
            )
            transaction.set_rollback(True)
        return rows

    first = run(5)
    assert run(5) == first
    assert run(6) != first


def test_it_refuses_without_a_catalogue(tree: Tree):
    with pytest.raises(CommandError) as refused:
        call_command("seed", "cases", "--count", "10", stdout=io.StringIO())
    assert "sanfu catalogue load" in str(refused.value)
    assert not Case.objects.exists()


def test_odd_rows_in_the_data_are_cleaned_or_skipped_never_fatal(
    tmp_path: Path, tree: Tree, catalogue: Catalogue
):
    rows = [
        good_row(1),
        # NULs, control and zero-width characters, and a run of whitespace: cleaned.
        '2,U2,"路灯\x00不亮\u200b",2019/1/1,"村口\x07路灯\n\n  坏了\x1b[31m",已修复。,2019/1/2\n',
        "3,U3,没有正文,2019/1/1,,已答复。,2019/1/2\n",  # no text: skipped
        "4,U4,只有标题\n",  # too few fields: skipped
        f'5,U5,太长,2019/1/1,"{"长" * 200_000}",已答复。,2019/1/2\n',  # over csv's limit
        f'6,U6,{"题" * 300},2019/1/1,"{"字" * 5000}",已答复。,2019/1/2\n',  # cut to fit
        "7,U7,没有答复,2019/1/1,有正文但没有答复,,\n",  # a replied message needs its reply
        good_row(8),
    ]
    folder = write_messages(tmp_path / "data", rows)

    result = seed("--count", "40", "--data-dir", str(folder))

    assert result["cases"] == 40
    assert result["skipped_rows"] == 4
    texts = list(Case.objects.values_list("title", "text", "reply_text"))
    assert all(len(title) <= 200 and len(text) <= 4000 for title, text, _reply in texts)
    assert not any(re.search(r"[\x00-\x1f\u200b]", "".join(row)) for row in texts)
    assert ("路灯不亮", "村口路灯 坏了[31m") in {(title, text) for title, text, _r in texts}


def test_a_folder_without_usable_replies_is_refused(
    tmp_path: Path, tree: Tree, catalogue: Catalogue
):
    folder = write_messages(tmp_path / "empty", ["1,U1,标题,2019/1/1,正文,,\n"])
    with pytest.raises(CommandError) as refused:
        call_command("seed", "cases", "--data-dir", str(folder), stdout=io.StringIO())
    assert str(folder) in str(refused.value)


def test_the_packaged_sample_is_small_and_usable():
    messages = messages_load(None)
    assert len(messages.replied) == 600
    assert len(messages.other) == 400
    assert messages.skipped == 0
    assert all(message.reply for message in messages.replied)


def test_cleaning_keeps_only_visible_text_within_the_limit():
    assert clean_text("a\x00b\u200b\u202e c\t\r\n\u3000d", 100) == "ab c d"
    assert clean_text("一二三四五", 3) == "一二三"
    assert clean_text(None, 10) == ""


def test_events_are_those_the_services_write(tree: Tree, catalogue: Catalogue):
    seed_cases(count=120, seed=11)
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {EventKind.RECEIVED, EventKind.DISPATCHED, EventKind.SIGNED, EventKind.REPLIED,
            EventKind.RATED} <= kinds  # fmt: skip
    received = CaseEvent.objects.filter(kind=EventKind.RECEIVED)
    assert received.count() == Case.objects.count()
    assert not received.filter(~Q(from_state="")).exists()
    # The requester rates and the sweep closes: no staff member is named for either.
    assert not CaseEvent.objects.filter(
        kind__in=[EventKind.RATED, EventKind.AUTO_CLOSED], actor__isnull=False
    ).exists()


def test_the_cached_clocks_agree_with_the_calendar():
    # A week with a holiday and a weekend day worked, so both exceptions are crossed.
    cal = WorkCalendar(
        holidays=frozenset({date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3)}),
        workdays=frozenset({date(2025, 9, 28)}),
        known_years=frozenset({2025}),
    )
    clocks = Clocks(cal)
    rng = random.Random(4)
    start = datetime(2025, 9, 20, tzinfo=LOCAL_ZONE)
    for _ in range(400):
        begin = start + timedelta(hours=rng.uniform(0, 24 * 20))
        end = begin + timedelta(hours=rng.uniform(0, 24 * 15))
        assert clocks.working_days(begin, end) == working_days_between(cal, begin, end)
        hours = rng.choice([1, 2, 4, 8])
        assert clocks.sign_deadline(begin, hours) == add_working_hours(cal, begin, hours)
        assert clocks.reply_deadline(begin, 10) == add_working_days(cal, begin, 10)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_batch_commits_on_its_own(tree: Tree, catalogue: Catalogue):
    # On PostgreSQL this is the writer thread with its own connection.
    summary = seed_cases(count=23, seed=2, batch_size=5)
    assert summary.cases == Case.objects.count() == 23
    assert all(timeline_replays(case) for case in Case.objects.all())


def test_the_set_wise_reference_check_refuses_a_missing_row(tree: Tree):
    if connection.vendor != "postgresql":
        pytest.skip("the triggerless COPY path exists on PostgreSQL only")
    from sanfu.ops.synthetic.postgres import _check_references

    unit = (Unit._meta.db_table, "id")
    with connection.cursor() as cursor:
        _check_references(cursor, {unit: [tree.county.pk]})
        with pytest.raises(IntegrityError):
            _check_references(cursor, {unit: [tree.county.pk, 10**9]})


def test_published_texts_mask_the_requester_and_their_numbers():
    message = Message(
        title="王建国反映路灯",
        text="我是王建国，电话13812345678，住3号。邻居陈丽华也反映过。",
        reply="已修复。如有疑问请致电0571-88886666。",
    )
    public = PublicTexts()
    title, text, reply = public.texts(message.title, message.text, message.reply, "王建国")
    assert reply == message.reply  # an office's number stays
    assert "王建国" not in title + text
    assert "13812345678" not in text
    assert "陈丽华" not in text
    first = public.texts(message.title, message.text, message.reply, "")
    assert first == public.texts(message.title, message.text, message.reply, "")


def test_the_history_is_told_in_the_demo_county_and_dated_within_it(
    tree: Tree, catalogue: Catalogue
):
    seed_cases(count=120, seed=3, batch_size=50)
    told = Case.objects.exclude(reply_text="").values_list(
        "title", "text", "reply_text", "public_reply", "replied_at"
    )
    assert told
    # Coded cities and districts ("A市", "K4县"); a block of a mall ("A区4楼") may stay.
    coded = re.compile(r"(?<![A-Za-z0-9])([A-Z]市|[A-Z]\d{1,2}[市区县])")
    for title, text, reply, public_reply, replied_at in told:
        assert replied_at is not None
        for words in (title, text, reply, public_reply):
            assert not coded.search(words), words
        for year in re.findall(r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日", reply):
            assert int(year) <= replied_at.year
        full = [int(y) for y in re.findall(r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日", reply)]
        if full:
            assert max(full) >= replied_at.year - 1


def test_each_case_tells_its_own_matter_and_its_answer_fits(
    tmp_path: Path, tree: Tree, catalogue: Catalogue
):
    """A water complaint answered under 职业培训 (issue 19 item 10): a case's words, reply,
    category and so its units come from one message that names the matter."""
    road = '{n},U{n},请求道路维修{n},2019/1/1,"村口道路维修拖了很久。",已修复道路{n}。,2019/1/5\n'
    wages = '{n},U{n},举报拖欠工资{n},2019/1/1,"老板拖欠工资三个月。",已补发工资{n}。,2019/1/5\n'
    vague = '{n},U{n},一点想法{n},2019/1/1,"希望生活越来越好。",感谢关注{n}。,2019/1/5\n'
    rows = [row.format(n=n) for n in range(1, 7) for row in (road, wages, vague)]
    folder = write_messages(tmp_path / "data", rows)

    seed("--count", "60", "--data-dir", str(folder))

    told = Case.objects.exclude(reply_text="").values_list("category", "title", "reply_text")
    assert told
    for category, title, reply in told:
        # The same message: its title's number is its reply's number.
        number = re.search(r"\d+$", title)
        assert number is not None, title
        assert reply.endswith(f"{number.group()}。"), (title, reply)
        if category == catalogue.roads.pk:
            assert "道路维修" in title, title
        else:
            assert category == catalogue.wages.pk, title
            assert "拖欠工资" in title, title
    # A message that names no matter is not told at all while others do.
    assert not Case.objects.filter(title__startswith="一点想法").exists()
