"""Surveys and polls: building, answering once per verified phone, results and export."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from sanfu.directory import services
from sanfu.directory.models import Unit, UnitKind, User
from sanfu.frontdoor import surveys, tallies
from sanfu.frontdoor.models import Response, Survey, SurveyTally
from sanfu.lib.errors import ValidationFailed
from sanfu.notify.models import OneTimeCode
from tests.conftest import Tree, https_client, login
from tests.frontdoor.conftest import RecordingSms, last_code

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def clock() -> Any:
    # The survey runs through December 2026; the tests must pass in any year.
    with time_machine.travel("2026-12-04 10:00 +0800", tick=False):
        yield


@pytest.fixture
def survey(tree: Tree, town_staff: User) -> Survey:
    created = surveys.survey_create(
        actor=town_staff,
        area=tree.town_a,
        title_zh="村口道路满意度调查",
        title_en="Village road survey",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
    )
    add = surveys.question_add
    add(
        actor=town_staff,
        survey_id=created.pk,
        kind="single",
        label_zh="道路是否平整？",
        label_en="Is the road even?",
        choices=surveys.choices_parse("是 | Yes\n否 | No"),
    )
    add(actor=town_staff, survey_id=created.pk, kind="scale", label_zh="总体满意度")
    add(
        actor=town_staff,
        survey_id=created.pk,
        kind="multiple",
        label_zh="哪些需要改进？",
        choices=surveys.choices_parse("路灯\n排水\n绿化"),
        required=False,
    )
    add(actor=town_staff, survey_id=created.pk, kind="text", label_zh="其他建议", required=False)
    return surveys.survey_publish(actor=town_staff, survey_id=created.pk)


def _answer(client: Any, survey: Survey, tree: Tree, **extra: Any) -> Any:
    data = {"town": tree.town_a.pk, "q1": "0", "q2": "4", "q3": ["0", "2"], "q4": "=1+1"}
    data.update(extra)
    return client.post(f"/surveys/{survey.pk}/", data)


def _verified_answer(
    survey: Survey, tree: Tree, capture: Capture, phone: str = PHONE, **extra: Any
) -> Any:
    client = https_client()
    with capture(execute=True):
        sent = client.post(f"/surveys/{survey.pk}/", {"action": "code", "phone": phone})
    assert sent.status_code == 200, sent.content.decode()
    return _answer(client, survey, tree, phone=phone, code=last_code(phone), **extra)


def test_staff_build_a_survey_through_the_pages(tree: Tree, town_staff: User) -> None:
    client = login(town_staff)
    created = client.post(
        "/frontdoor/surveys/",
        {
            "title_zh": "老街改造意见征集",
            "area": tree.town_a.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
    )
    assert created.status_code == 302
    survey = Survey.objects.get(title_zh="老街改造意见征集")
    page = f"/frontdoor/surveys/{survey.pk}/"
    no_choices = client.post(page, {"kind": "single", "label_zh": "好吗？", "choices": "好"})
    assert no_choices.status_code == 400
    assert (
        client.post(page, {"kind": "scale", "label_zh": "满意吗？", "required": "on"}).status_code
        == 302
    )
    assert client.post(page, {"action": "publish"}).status_code == 302
    survey.refresh_from_db()
    assert survey.state == "published"
    assert https_client().get("/surveys/").content.decode().count("老街改造意见征集") == 1


def test_a_survey_has_at_most_fifty_questions(survey: Survey, town_staff: User) -> None:
    draft = surveys.survey_create(
        actor=town_staff,
        area=survey.area,
        title_zh="长问卷",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 2),
    )
    for number in range(50):
        surveys.question_add(
            actor=town_staff, survey_id=draft.pk, kind="text", label_zh=f"问{number}"
        )
    with pytest.raises(ValidationFailed, match="50"):
        surveys.question_add(actor=town_staff, survey_id=draft.pk, kind="text", label_zh="多一个")


def test_the_outsider_cannot_see_or_edit_the_survey(survey: Survey, outsider: User) -> None:
    client = login(outsider)
    assert client.get(f"/frontdoor/surveys/{survey.pk}/").status_code == 404
    assert client.get(f"/frontdoor/surveys/{survey.pk}/results/").status_code == 404
    assert client.get(f"/frontdoor/surveys/{survey.pk}/export/").status_code == 404


def test_a_resident_answers_after_verifying_a_phone(
    survey: Survey, tree: Tree, sms: type[RecordingSms], django_capture_on_commit_callbacks: Capture
) -> None:
    response = _verified_answer(survey, tree, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    saved = Response.objects.get()
    assert saved.phone == PHONE
    assert not saved.anonymous
    assert saved.answers.count() == 5


def test_a_missing_required_question_is_named(
    survey: Survey, tree: Tree, sms: type[RecordingSms], django_capture_on_commit_callbacks: Capture
) -> None:
    response = _verified_answer(survey, tree, django_capture_on_commit_callbacks, q2="")
    assert response.status_code == 400
    assert "总体满意度" in response.content.decode()
    assert not Response.objects.exists()


def test_a_second_answer_from_the_same_phone_is_refused_politely(
    survey: Survey, tree: Tree, sms: type[RecordingSms], django_capture_on_commit_callbacks: Capture
) -> None:
    assert _verified_answer(survey, tree, django_capture_on_commit_callbacks).status_code == 302
    again = https_client().post(f"/surveys/{survey.pk}/", {"action": "code", "phone": PHONE})
    assert again.status_code == 400
    assert "already answered" in again.content.decode() or "已经" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_wrong_code_is_refused_and_five_spend_the_code(
    survey: Survey, tree: Tree, sms: type[RecordingSms], django_capture_on_commit_callbacks: Capture
) -> None:
    # Each wrong try must stay counted though the answer is refused: after them the right
    # code no longer works, so six digits cannot be guessed a million tries at a time.
    client = https_client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/surveys/{survey.pk}/", {"action": "code", "phone": PHONE})
    code = last_code(PHONE)
    assert f"问卷“{survey.title_zh}”的验证码" in sms.sent[-1][1]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(8):
        assert _answer(client, survey, tree, phone=PHONE, code=wrong).status_code == 400
    refused = _answer(client, survey, tree, phone=PHONE, code=code)
    assert refused.status_code == 400
    assert "重新获取" in refused.content.decode() or "new one" in refused.content.decode()
    assert not Response.objects.exists()


def test_anonymous_answers_need_the_survey_to_allow_them_and_are_limited(
    survey: Survey, tree: Tree
) -> None:
    client = https_client()
    assert _answer(client, survey, tree, anonymous="1").status_code == 400
    Survey.objects.filter(pk=survey.pk).update(anonymous_allowed=True)
    for _ in range(surveys.ANONYMOUS_PER_HOUR):
        assert _answer(client, survey, tree, anonymous="1").status_code == 302
    assert _answer(client, survey, tree, anonymous="1").status_code == 400
    assert Response.objects.filter(anonymous=True).count() == surveys.ANONYMOUS_PER_HOUR


def test_results_show_counts_by_town_and_export_text_as_text(
    survey: Survey,
    tree: Tree,
    town_staff: User,
    sms: type[RecordingSms],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _verified_answer(survey, tree, django_capture_on_commit_callbacks)
    _verified_answer(survey, tree, django_capture_on_commit_callbacks, phone="13900000000", q1="1")
    client = login(town_staff)
    page = client.get(f"/frontdoor/surveys/{survey.pk}/results/").content.decode()
    assert 'id="survey-data"' in page
    assert "echarts" in page
    assert "<td>石门镇</td><td>2</td>" in page
    results = surveys.survey_results(survey=survey)
    assert results.questions[0].counts == [1, 1]
    assert results.questions[1].counts == [0, 0, 0, 2, 0]
    export = client.get(f"/frontdoor/surveys/{survey.pk}/export/")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    cell = sheet.cell(row=2, column=8)
    assert cell.value == "=1+1"
    assert cell.data_type == "s"


def test_a_published_survey_shows_its_link_as_a_qr_code_for_a_poster(
    survey: Survey, town_staff: User
) -> None:
    client = login(town_staff)
    page = client.get(f"/frontdoor/surveys/{survey.pk}/").content.decode()
    link = f"https://testserver/surveys/{survey.pk}/"
    assert f"<title>{link}</title>" in page  # the inline code carries the link it encodes
    poster = client.get(f"/frontdoor/surveys/{survey.pk}/qr.svg")
    assert poster.status_code == 200
    assert poster["Content-Type"] == "image/svg+xml"
    assert poster.content.startswith(b"<?xml")
    assert link.encode() in poster.content
    # The code leads to the page residents answer on, without logging in.
    assert https_client().get(link.removeprefix("https://testserver")).status_code == 200


def test_a_draft_has_no_qr_code_and_the_outsider_gets_none(
    survey: Survey, town_staff: User, outsider: User
) -> None:
    draft = surveys.survey_create(
        actor=town_staff,
        area=survey.area,
        title_zh="草稿问卷",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 2),
    )
    client = login(town_staff)
    assert 'data-testid="qr"' not in client.get(f"/frontdoor/surveys/{draft.pk}/").content.decode()
    assert client.get(f"/frontdoor/surveys/{draft.pk}/qr.svg").status_code == 404
    assert login(outsider).get(f"/frontdoor/surveys/{survey.pk}/qr.svg").status_code == 404


TEXTS = [
    ("13800000001", "伊景园小区路灯坏了，晚上不亮"),
    ("13800000002", "伊景园小区的路灯坏了很久"),
    ("13800000003", "农贸市场门口停车难，车位太少"),
    ("13800000004", "农贸市场停车难，没有车位"),
    ("13800000005", "办事窗口的工作人员态度很好"),
]


def test_text_answers_are_grouped_with_the_hot_spot_code(
    survey: Survey,
    tree: Tree,
    town_staff: User,
    outsider: User,
    sms: type[RecordingSms],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    for phone, text in TEXTS:
        answered = _verified_answer(
            survey, tree, django_capture_on_commit_callbacks, phone=phone, q4=text
        )
        assert answered.status_code == 302
    client = login(town_staff)
    results = client.get(f"/frontdoor/surveys/{survey.pk}/results/").content.decode()
    groups_url = f"/frontdoor/surveys/{survey.pk}/questions/4/groups/"
    assert groups_url in results
    page = client.get(groups_url)
    assert page.status_code == 200
    html = page.content.decode()
    listed = html.split('data-testid="groups"')[1]
    groups = listed.split("<strong>")[1:]
    # The street lights and the parking, each in one group; the praise alone in none.
    found = sorted(
        ("晚上不亮" in g and "坏了很久" in g, "门口停车难" in g and "没有车位" in g) for g in groups
    )
    assert found == [(False, True), (True, False)]
    assert "态度很好" not in listed
    assert "已归类 5 条文字回答中的 5 条；1 条" in html
    # A question that is not a text question has no groups; the outsider sees none at all.
    assert client.get(f"/frontdoor/surveys/{survey.pk}/questions/1/groups/").status_code == 404
    assert login(outsider).get(groups_url).status_code == 404


def test_an_answer_racing_a_first_one_from_the_phone_is_refused_and_spends_nothing(
    survey: Survey, tree: Tree, sms: type[RecordingSms], django_capture_on_commit_callbacks: Capture
) -> None:
    client = https_client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/surveys/{survey.pk}/", {"action": "code", "phone": PHONE})
    # The phone's first answer lands from another tab between the code and this answer.
    Response.objects.create(survey=survey, town=tree.town_a, phone=PHONE)
    second = _answer(client, survey, tree, phone=PHONE, code=last_code(PHONE))
    assert second.status_code == 400
    assert "已经填写过" in second.content.decode()
    assert Response.objects.count() == 1
    # One transaction: the refused answer gave its code back rather than spending it.
    assert OneTimeCode.objects.get(phone=PHONE).used_at is None


def test_results_count_the_tallied_and_the_pending_answers_alike(
    monkeypatch: pytest.MonkeyPatch,
    survey: Survey,
    tree: Tree,
    town_staff: User,
    sms: type[RecordingSms],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    capture = django_capture_on_commit_callbacks
    _verified_answer(survey, tree, capture)
    _verified_answer(survey, tree, capture, phone="13900000000", q1="1", q3=["1"])
    before = surveys.survey_results(survey=survey)
    call_command("sweep", "--once", stdout=io.StringIO())
    assert SurveyTally.objects.get(survey=survey).responses == 2
    assert not Response.objects.filter(tallied=False).exists()
    # A second sweep finds nothing to fold and counts nothing twice.
    call_command("sweep", "--once", stdout=io.StringIO())
    assert SurveyTally.objects.get(survey=survey).responses == 2
    after = surveys.survey_results(survey=survey)
    assert [(q.counts, q.answered) for q in after.questions] == [
        (q.counts, q.answered) for q in before.questions
    ]
    # One more answer, still pending: the page adds it to the tally.
    _verified_answer(survey, tree, capture, phone="13900000001", q1="1", q2="5", q3=[])
    results = surveys.survey_results(survey=survey)
    assert results.questions[0].counts == [1, 2]
    assert results.questions[1].counts == [0, 0, 0, 2, 1]
    assert results.questions[2].counts == [1, 1, 1]
    assert results.questions[2].answered == 2  # people, not rows: the first chose two
    page = login(town_staff).get(f"/frontdoor/surveys/{survey.pk}/results/").content.decode()
    assert "<td>石门镇</td><td>3</td>" in page
    assert Response.objects.filter(tallied=False).count() == 1
    # Past FOLD_AT pending responses the page folds them first.
    monkeypatch.setattr(tallies, "FOLD_AT", 0)
    assert login(town_staff).get(f"/frontdoor/surveys/{survey.pk}/results/").status_code == 200
    assert SurveyTally.objects.get(survey=survey).responses == 3


@pytest.fixture
def county_survey(tree: Tree, administrator: User) -> Survey:
    created = surveys.survey_create(
        actor=administrator,
        area=tree.county,
        title_zh="全县办事满意度调查",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        anonymous_allowed=True,
    )
    surveys.question_add(
        actor=administrator, survey_id=created.pk, kind="scale", label_zh="总体满意度"
    )
    return surveys.survey_publish(actor=administrator, survey_id=created.pk)


def test_a_county_survey_takes_only_its_active_towns_and_names_the_town_otherwise(
    county_survey: Survey,
    tree: Tree,
    sms: type[RecordingSms],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    Unit.objects.filter(pk=tree.town_b.pk).update(is_active=False)
    client = https_client()
    url = f"/surveys/{county_survey.pk}/"
    other = services.unit_create(kind=UnitKind.COUNTY, name="外县", code="ZZ", parent=None)
    elsewhere = services.unit_create(kind=UnitKind.TOWN, name="外县镇", code="ZZ01", parent=other)
    # The county itself, a village, a department, a closed town, another county's town, none.
    for town in (
        tree.county.pk,
        tree.village_a.pk,
        tree.department.pk,
        tree.town_b.pk,
        elsewhere.pk,
        "",
    ):
        refused = client.post(url, {"town": town, "q1": "4", "anonymous": "1"})
        assert refused.status_code == 400
        assert "请选择您所在的乡镇" in refused.content.decode()
    assert not Response.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "code", "phone": PHONE})
    answered = client.post(
        url, {"town": tree.town_a.pk, "q1": "4", "phone": PHONE, "code": last_code(PHONE)}
    )
    assert answered.status_code == 302
    assert Response.objects.get().town == tree.town_a
