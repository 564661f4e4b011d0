"""A case's files: staff who may see the case download them, the units handling it add their
own (checked like the portal's), and the requester sees only their own through the tracking
link. Outsiders get nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanfu.cases import services
from sanfu.cases.models import Attachment, Case, EventKind
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n% a small document\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_photo(tree: Tree, catalogue: Catalogue) -> tuple[Case, Attachment]:
    case = web_case(tree, catalogue, attachments=[services.Upload(name="路灯.png", content=PNG)])
    return case, case.attachments.get()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_staff_who_see_the_case_download_its_files(
    tree: Tree, catalogue: Catalogue, people: People
):
    case, photo = with_photo(tree, catalogue)
    url = f"/workbench/cases/{case.pk}/files/{photo.pk}/"
    page = login(people.dispatcher).get(f"/workbench/cases/{case.pk}/")
    assert url in page.content.decode()
    response = login(people.dispatcher).get(url)
    assert response.status_code == 200
    assert body(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''%E8%B7%AF%E7%81%AF.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_outsider_and_the_anonymous_get_nothing(
    tree: Tree, catalogue: Catalogue, people: People
):
    case, photo = with_photo(tree, catalogue)
    url = f"/workbench/cases/{case.pk}/files/{photo.pk}/"
    assert login(people.outsider).get(url).status_code == 404
    assert https_client().get(url).status_code == 302
    other = web_case(tree, catalogue)
    # A file is reached only through its own case.
    assert (
        login(people.dispatcher).get(f"/workbench/cases/{other.pk}/files/{photo.pk}/").status_code
        == 404
    )


def test_the_handling_unit_adds_a_document(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    client = login(people.cadre)
    document = SimpleUploadedFile("现场照片说明.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/workbench/cases/{case.pk}/files/", {"attachments": [document]})
    assert response.status_code == 302
    added = case.attachments.get()
    assert (added.uploaded_by, added.content_type, added.size) == (
        people.cadre,
        "application/pdf",
        len(PDF),
    )
    # The timeline says who added which file, and the case page shows it.
    event = case.events.get(kind=EventKind.FILES_ADDED)
    assert (event.actor, event.actor_unit, event.data) == (
        people.cadre,
        tree.village_a,
        {"attachments": [added.pk]},
    )
    assert "现场照片说明.pdf" in client.get(f"/workbench/cases/{case.pk}/").content.decode()
    download = client.get(f"/workbench/cases/{case.pk}/files/{added.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert body(download) == PDF


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_is_kept(
    tree: Tree, catalogue: Catalogue, people: People, media: Path
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    good = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="image/png")
    response = login(people.cadre).post(
        f"/workbench/cases/{case.pk}/files/", {"attachments": [good, bad]}
    )
    assert response.status_code == 400
    assert "run.exe" in response.content.decode()
    assert not case.attachments.exists()
    assert not case.events.filter(kind=EventKind.FILES_ADDED).exists()
    assert not any(media.rglob("*.png"))


def test_only_units_handling_the_case_may_add_files(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    outsider = login(people.outsider).post(
        f"/workbench/cases/{case.pk}/files/",
        {"attachments": [SimpleUploadedFile("a.png", PNG)]},
    )
    assert outsider.status_code == 404
    # The department's handler sees nothing of a case it is not working on.
    handler = login(people.handler).post(
        f"/workbench/cases/{case.pk}/files/",
        {"attachments": [SimpleUploadedFile("a.png", PNG)]},
    )
    assert handler.status_code == 404
    assert not case.attachments.exists()


def test_the_requester_sees_their_own_photos_by_number_and_code_only(
    tree: Tree, catalogue: Catalogue, people: People
):
    case, photo = with_photo(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    [internal] = services.case_attach(
        actor=people.cadre, case_id=case.pk, uploads=[services.Upload(name="内部.pdf", content=PDF)]
    )
    public = https_client()
    base = f"/track/{case.number}/{case.tracking_token}/"
    page = public.get(base).content.decode()
    assert f"{base}files/{photo.pk}/" in page
    assert "内部.pdf" not in page
    mine = public.get(f"{base}files/{photo.pk}/")
    assert mine.status_code == 200
    assert body(mine) == PNG
    assert public.get(f"{base}files/{internal.pk}/").status_code == 404
    wrong = f"/track/{case.number}/{'x' * 43}/files/{photo.pk}/"
    assert public.get(wrong).status_code == 404
