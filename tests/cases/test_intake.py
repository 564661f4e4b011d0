"""Taking cases in: numbers, tracking codes, input checks, attachments, the operator's desk."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.models import Attachment, Case, CaseCounter, Channel
from sanfu.cases.services import NewCase, Requester, Upload
from sanfu.lib.errors import PermissionDenied, ValidationFailed
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_numbers_count_up_per_county_and_day_and_tokens_are_unguessable(
    tree: Tree, catalogue: Catalogue
):
    cases = [web_case(tree, catalogue) for _ in range(3)]
    today = timezone.localdate().strftime("%Y%m%d")
    assert [c.number for c in cases] == [f"YX{today}-0000{i}" for i in (1, 2, 3)]
    tokens = {c.tracking_token for c in cases}
    assert len(tokens) == 3
    assert all(len(token) >= 32 for token in tokens)
    # As read back: the number written with the row is the one the caller was given.
    assert list(Case.objects.order_by("pk").values_list("number", flat=True)) == [
        c.number for c in cases
    ]


def test_the_hundred_thousandth_case_of_a_day_gets_six_digits_not_a_cut_number(
    tree: Tree, catalogue: Catalogue
):
    first = web_case(tree, catalogue)
    CaseCounter.objects.filter(county=tree.county).update(last=99_998)
    second, third = web_case(tree, catalogue), web_case(tree, catalogue)
    today = timezone.localdate().strftime("%Y%m%d")
    assert [first.number, second.number, third.number] == [
        f"YX{today}-00001",
        f"YX{today}-99999",
        f"YX{today}-100000",
    ]
    assert Case.objects.get(pk=third.pk).number == f"YX{today}-100000"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"text": "说" * 20001}, "text"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"priority": "whenever"}, "priority"),
        ({"requester": Requester(kind="resident", phone="call me")}, "requester_phone"),
        (
            {"requester": Requester(kind="resident", id_number="330299198013011234")},
            "requester_id_number",
        ),
        ({"requester": Requester(kind="enterprise")}, "requester_name"),
        ({"requester": Requester(kind="martian")}, "requester_kind"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_kept(
    tree: Tree, catalogue: Catalogue, overrides: dict[str, object], field: str
):
    with pytest.raises(ValidationFailed) as refused:
        web_case(tree, catalogue, **overrides)
    assert refused.value.field == field
    assert not Case.objects.exists()


def test_a_case_must_be_placed_in_a_town_village_or_grid(tree: Tree, catalogue: Catalogue):
    with pytest.raises(ValidationFailed) as refused:
        web_case(tree, catalogue, location_unit=tree.department)
    assert refused.value.field == "location_unit"


def test_text_is_kept_exactly_as_given(tree: Tree, catalogue: Catalogue):
    text = "<script>alert('x')</script> 路灯\u3000坏了 & 危险"
    case = web_case(tree, catalogue, text=text)
    assert Case.objects.get(pk=case.pk).text == text


def test_photos_are_checked_by_their_content(tree: Tree, catalogue: Catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = web_case(tree, catalogue, attachments=[Upload(name="路灯.png", content=PNG)])
    attachment = Attachment.objects.get(case=case)
    assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))
    with pytest.raises(ValidationFailed) as refused:
        web_case(tree, catalogue, attachments=[Upload(name="photo.jpg", content=b"MZ\x90\x00")])
    assert refused.value.field == "attachments"
    with pytest.raises(ValidationFailed):
        web_case(
            tree, catalogue, attachments=[Upload(name=f"{i}.png", content=PNG) for i in range(7)]
        )
    assert Case.objects.count() == 1


def test_a_case_taken_on_patrol_starts_at_the_grid_workers_unit(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = services.case_create(
        new=NewCase(
            channel=Channel.PATROL,
            title="网格巡查发现井盖缺失",
            text="上坪村第一网格内一处井盖缺失。",
            location_unit=tree.grid_a,
        ),
        actor=people.grid_worker,
    )
    assert case.desk_unit == tree.grid_a
    with pytest.raises(PermissionDenied):
        services.case_create(
            new=NewCase(
                channel=Channel.PATROL,
                title="巡查",
                text="巡查发现问题",
                location_unit=tree.village_a,
            ),
            actor=people.outsider,
        )


def test_the_hotline_operator_files_to_the_county_desk(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = services.case_create(
        new=NewCase(
            channel=Channel.HOTLINE, title="来电", text="来电反映问题", location_unit=tree.village_a
        ),
        actor=people.dispatcher,
    )
    assert case.desk_unit == tree.county
