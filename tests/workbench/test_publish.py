"""公示 from the case page: the publisher sees the anonymised texts as they will appear, with
other people's names masked for review, may edit and preview them, and publishes what they saw;
nothing is published without its texts."""

from __future__ import annotations

import pytest
from django.test import Client

from sanfu.cases import services
from sanfu.cases.models import Case, CaseEvent, EventKind, Rating, ReplyKind
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db

TEXT = "上坪村村口的路灯坏了两周。隔壁陈丽华家门口也黑着，王建国本人电话13812345678。"
REPLY = (
    "经县住建局核查，上坪村村口三盏路灯线路老化，已于5月6日更换，路灯已恢复照明。"
    "如有疑问请致电县城管局0571-88886666或拨打12345。"
)


def closed_case(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue, text=TEXT)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text=REPLY)
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )
    return Case.objects.get(pk=case.pk)


def page(client: Client, case: Case) -> str:
    return client.get(f"/workbench/cases/{case.pk}/").content.decode()


def publish(client: Client, case: Case, **texts: str):
    data = {f"publish-{field}": value for field, value in texts.items() if field != "preview"}
    if texts.get("preview"):
        data["preview"] = "1"  # the preview button
    return client.post(f"/workbench/cases/{case.pk}/do/publish/", data)


def test_the_publisher_sees_the_text_as_it_will_appear(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed_case(tree, catalogue, people)
    html = page(login(people.dispatcher), case)
    assert 'data-testid="publish-preview"' in html
    # The requester and a third party are masked; the third party is listed for review.
    assert "王**" in html
    assert "陈**" in html
    assert 'data-testid="publish-names"' in html
    assert "陈丽华" in html
    assert "13812345678" not in html.split('data-testid="publish-preview"')[1]
    # The office's landline and the hotline stay: the answer was asked to give them.
    assert "0571-88886666" in html
    assert "12345" in html


def test_a_preview_shows_the_edited_text_and_publishes_nothing(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed_case(tree, catalogue, people)
    response = publish(
        login(people.dispatcher),
        case,
        title="上坪村路灯不亮",
        text="上坪村村口的路灯坏了两周。王建国反映。",
        reply="路灯已修复。",
        preview="1",
    )
    assert response.status_code == 200
    preview = response.content.decode().split('data-testid="publish-preview-text"')[1]
    assert "路灯已修复。" in preview
    # The requester's name typed back in is masked again.
    assert "王建国" not in preview
    assert "王**反映" in preview
    assert Case.objects.get(pk=case.pk).published_at is None


def test_the_edited_text_is_published_and_on_the_timeline(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed_case(tree, catalogue, people)
    client = login(people.dispatcher)
    response = publish(
        client,
        case,
        title="上坪村路灯不亮",
        text="上坪村村口的路灯坏了两周，晚上出行危险。",
        reply=REPLY + "感谢反映。",
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.public_text == "上坪村村口的路灯坏了两周，晚上出行危险。"
    assert case.public_reply.endswith("感谢反映。")
    assert "0571-88886666" in case.public_reply
    event = CaseEvent.objects.get(case=case, kind=EventKind.PUBLISHED)
    assert event.data["edited"] == ["title", "text", "reply"]
    assert event.data["names_found"] == 1
    html = page(client, case)
    assert 'data-testid="published-text"' in html
    assert "晚上出行危险" in html
    published = https_client().get("/published/").content.decode()
    assert "晚上出行危险" in published
    assert "陈丽华" not in published


def test_the_draft_published_unchanged_masks_the_third_party(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed_case(tree, catalogue, people)
    client = login(people.dispatcher)
    form = client.get(f"/workbench/cases/{case.pk}/").context["actions"][0].form
    assert form.draft.names == ("陈丽华",)
    response = publish(
        client, case, title=form.draft.title, text=form.draft.text, reply=form.draft.reply
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert "陈丽华" not in case.public_text
    assert "陈**" in case.public_text
    assert "13812345678" not in case.public_text
    assert CaseEvent.objects.get(case=case, kind=EventKind.PUBLISHED).data["edited"] == []


def test_a_forged_post_without_the_texts_is_refused_with_a_message(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed_case(tree, catalogue, people)
    response = publish(login(people.dispatcher), case)
    assert response.status_code == 400
    assert "Nothing is published without its texts" in response.content.decode() or (
        "没有经过审阅的文本不能公示" in response.content.decode()
    )
    response = publish(login(people.dispatcher), case, title="x", text="  ", reply="y")
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).published_at is None


def test_it_refuses_the_outsider_and_a_unit_that_does_not_publish(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed_case(tree, catalogue, people)
    texts = {"title": "标题", "text": "内容", "reply": "答复"}
    assert publish(login(people.outsider), case, **texts).status_code == 404
    cadre = login(people.cadre)
    offered = cadre.get(f"/workbench/cases/{case.pk}/").context["actions"]
    assert "publish" not in [a.name for a in offered]
    assert publish(cadre, case, **texts).status_code == 403
    assert Case.objects.get(pk=case.pk).published_at is None
