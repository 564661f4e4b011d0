"""Reply review: answers that miss the question, lack what an answer must hold, or came late
are flagged with the reason in words; a complete answer is not."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sanfu.routing.review import case_reply_review, reply_review
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree

ASKED = datetime(2019, 5, 1, 9, 0)  # noqa: DTZ001 - board times are naive local times
TITLE = "上坪村路灯不亮"
TEXT = "上坪村村口的路灯坏了两周，晚上出行很危险。"
GOOD = (
    "网友您好！来信收悉。经现场核查，上坪村村口三盏路灯线路老化，我局已于5月6日更换线路，"
    "路灯已恢复照明。根据《城市照明管理规定》，我局将每月巡查一次。"
    "如有疑问请致电县城管局0571-88886666。"
)


def codes(
    reply: str, *, replied_at: datetime | None = None, deadline: datetime | None = None
) -> list[str]:
    flags = reply_review(
        reply=reply,
        asked_at=ASKED,
        replied_at=replied_at,
        deadline=deadline,
        title=TITLE,
        text=TEXT,
    )
    return [flag.code for flag in flags]


def test_a_complete_timely_answer_is_not_flagged():
    assert codes(GOOD, replied_at=ASKED + timedelta(days=5)) == []


def test_an_answer_of_greetings_only_is_too_short():
    assert "too_short" in codes("网友：您好！留言已收悉。")


def test_an_answer_about_something_else_is_flagged_naming_the_question_s_points():
    flags = reply_review(
        reply="您好，关于学校招生问题，根据教育局规定，今年秋季招生将于8月开始，"
        "报名需要户口簿、房产证明和预防接种证，外地户籍子女另需居住证和社保缴纳证明。"
        "各校招生范围以教育局网站公布的学区划分为准，名额不足时按登记顺序安排。"
        "请到教育局窗口办理，电话0571-88881234，已安排专人负责。",
        title=TITLE,
        text=TEXT,
    )
    off_topic = [f for f in flags if f.code == "off_topic"]
    assert off_topic
    assert "路灯" in off_topic[0].reason


def test_missing_action_basis_and_contact_are_each_explained():
    flags = reply_review(
        reply="您好，关于上坪村路灯的事情我们知道了，感谢您的关心和支持，"
        "这个路灯的问题大家都很关心，路灯的事情很重要。",
        title=TITLE,
        text=TEXT,
    )
    reasons = {f.code: f.reason for f in flags}
    assert set(reasons) >= {"no_action", "no_basis", "no_contact"}
    assert "whom to contact" in reasons["no_contact"]


def test_a_late_answer_is_flagged_against_the_deadline_when_there_is_one():
    assert "late" in codes(GOOD, replied_at=ASKED + timedelta(days=20))
    assert "late" in codes(
        GOOD, replied_at=ASKED + timedelta(days=4), deadline=ASKED + timedelta(days=3)
    )
    assert "late" not in codes(
        GOOD, replied_at=ASKED + timedelta(days=20), deadline=ASKED + timedelta(days=30)
    )


@pytest.mark.django_db
def test_a_draft_answer_on_a_case_is_reviewed_before_it_is_sent(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    flags = case_reply_review(case, draft="网友您好，留言已收悉。")
    assert "too_short" in [f.code for f in flags]
    assert case_reply_review(case, draft=GOOD) == []


def test_a_short_concrete_answer_is_not_too_short():
    assert "too_short" not in codes("你好。如果你是重度残疾人，是可以领取护理补贴的。")
    assert "too_short" not in codes("网友：您好！您反映的问题已转L6县调查核处。2018年8月22日")


def test_forwarding_to_nobody_in_particular_is_too_short():
    assert "too_short" in codes("网友：您好！您反映的问题，我们已转交相关单位。2019年12月9日")
    assert "too_short" in codes("“UU0081341”您好！您的留言收悉，已转有关部门答复反馈，谢谢！")


def test_an_answer_resting_on_a_check_by_a_named_office_has_a_basis():
    found = codes("经县住建局核查，上坪村村口路灯线路老化，已于5月6日更换，路灯已恢复照明。")
    assert "no_basis" not in found
    assert "no_action" not in found


def test_a_date_alone_is_no_basis_but_a_dated_event_is():
    assert "no_basis" in codes("网友您好！您反映的问题已转县交通局办理。2019年5月31日")
    assert "no_basis" not in codes("我局已于5月6日对步行街下水道进行清淤疏通，现已全部疏通。")


def test_a_public_office_number_or_a_named_office_to_ask_is_a_contact():
    assert "no_contact" not in codes("请到户口所在地派出所申请办理，咨询电话0746-8362789。")
    assert "no_contact" not in codes("低保可向当地民政部门申请，一级残疾人每月护理补贴50元。")
    assert "no_contact" not in codes("请拨打市场监管部门投诉举报电话12315反映。")
