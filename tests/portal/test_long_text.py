"""A long complaint is taken whole up to 20,000 characters and refused clearly beyond, never cut."""

from __future__ import annotations

import re

import pytest

from sanfu.cases.models import DESCRIPTION_MAX, Case
from tests.cases.conftest import People
from tests.conftest import Tree, https_client, login
from tests.portal.test_submit import form
from tests.workbench.test_intake_and_board import intake

pytestmark = pytest.mark.django_db

HUNDRED_KB = "长" * 100_000


def test_the_description_field_shows_a_counter_and_does_not_cut_pasted_text(tree: Tree):
    page = https_client().get("/submit/").content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"text\"[^>]*>", page)
    assert textarea is not None
    assert f'data-limit="{DESCRIPTION_MAX}"' in textarea.group(0)
    assert "maxlength" not in textarea.group(0)
    assert "已输入 {count} / {limit} 字" in textarea.group(0)
    assert '<script src="/static/sanfu/forms' in page  # the counter's script, not inline


def test_a_description_of_20000_characters_is_taken_whole(tree: Tree):
    # Line breaks arrive as CRLF from a browser and count as one character, as on the counter.
    text = "投诉" * 5000 + "\r\n" + "投" * 9999
    assert len(text) == DESCRIPTION_MAX + 1
    response = https_client().post("/submit/", form(tree, text=text))
    assert response.status_code == 302
    assert Case.objects.get().text == text.replace("\r\n", "\n")


def test_a_forged_100_kb_description_is_refused_naming_the_field(tree: Tree):
    response = https_client().post("/submit/", form(tree, text=HUNDRED_KB))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“诉求内容”过长：共 100000 字，最多 20000 字。" in page
    assert "确保该值" not in page  # not Django's stock wording
    assert not Case.objects.exists()


def test_an_over_long_title_is_refused_the_same_way(tree: Tree):
    response = https_client().post("/submit/", form(tree, title="题" * 201))
    assert response.status_code == 400
    assert "“标题”过长：共 201 字，最多 200 字。" in response.content.decode()


def test_the_workbench_intake_takes_and_refuses_alike(tree: Tree, people: People):
    client = login(people.dispatcher)
    refused = client.post(
        "/workbench/intake/", intake(location_unit=tree.village_a.pk, text=HUNDRED_KB)
    )
    assert refused.status_code == 400
    assert "过长：共 100000 字，最多 20000 字。" in refused.content.decode()
    taken = client.post(
        "/workbench/intake/", intake(location_unit=tree.village_a.pk, text="长" * DESCRIPTION_MAX)
    )
    assert taken.status_code == 302
    assert len(Case.objects.get().text) == DESCRIPTION_MAX
