"""The staff API's project reads and progress report, scoped like the workbench."""

from __future__ import annotations

from base64 import b64encode
from typing import Any

import pytest

from sanfu.projects import services
from sanfu.projects.models import Receipt, ReportPhoto
from tests.api.conftest import StaffClient, staff
from tests.conftest import Tree
from tests.projects.conftest import PNG, Crew, accepted
from tests.projects.test_emergency import open_incident

pytestmark = pytest.mark.django_db


def test_the_envoy_reads_projects_and_reports_progress_once_per_key(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    target = services.target_add(
        actor=crew.envoy, project_id=project.pk, label="供水户数", measure="户", goal=30
    )
    client = staff(crew.envoy)
    listing = client.get("/api/projects").json()
    assert [item["id"] for item in listing["items"]] == [project.pk]
    body = {"text": "12户恢复供水", "quantities": {str(target.pk): 12}}
    first = client.post(
        f"/api/projects/{project.pk}/reports",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "report-1"},
    )
    again = client.post(
        f"/api/projects/{project.pk}/reports",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "report-1"},
    )
    assert first.status_code == 201
    assert again.json() == first.json()
    assert first.json()["targets"][0]["achieved"] == 12
    assert project.reports.count() == 1


def test_a_report_beyond_the_goal_names_the_target(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    target = services.target_add(
        actor=crew.envoy, project_id=project.pk, label="供水户数", measure="户", goal=30
    )
    response = staff(crew.envoy).post(
        f"/api/projects/{project.pk}/reports",
        {"text": "x", "quantities": {str(target.pk): 31}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == f"quantity_{target.pk}"
    assert not project.reports.exists()


def test_the_outsider_reads_nothing_and_reports_nothing(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    client = staff(crew.outsider)
    assert client.get("/api/projects").json()["items"] == []
    assert client.get(f"/api/projects/{project.pk}").status_code == 404
    response = client.post(
        f"/api/projects/{project.pk}/reports", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404


def _report_with_photo(client: StaffClient, project_id: int, name: str, content: bytes) -> Any:
    return client.post(
        f"/api/projects/{project_id}/reports",
        {"text": "现场照片", "photos": [{"name": name, "content": b64encode(content).decode()}]},
        content_type="application/json",
    )


def test_the_envoy_reports_progress_with_a_photo(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    response = _report_with_photo(staff(crew.envoy), project.pk, "site.png", PNG)
    assert response.status_code == 201
    photo = ReportPhoto.objects.get(report__project=project)
    assert (photo.name, photo.content_type, photo.size) == ("site.png", "image/png", len(PNG))


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"%PDF-1.4 a document", "photos"),
        (b"just text, called a photo", "photos"),
        (b"", "photos.0.content"),
    ],
    ids=["pdf", "text", "empty"],
)
def test_a_file_that_is_not_a_photo_is_refused_naming_the_field(
    tree: Tree, crew: Crew, content: bytes, field: str
):
    project = accepted(tree, crew)
    response = _report_with_photo(staff(crew.envoy), project.pk, "site.jpg", content)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert not project.reports.exists()


def test_a_photo_that_is_not_base64_is_refused_naming_the_field(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    response = staff(crew.envoy).post(
        f"/api/projects/{project.pk}/reports",
        {"text": "x", "photos": [{"name": "site.png", "content": "not base64!"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "photos"
    assert not project.reports.exists()


def test_the_outsider_cannot_send_photos(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    response = _report_with_photo(staff(crew.outsider), project.pk, "site.png", PNG)
    assert response.status_code == 404
    assert not ReportPhoto.objects.exists()


def test_a_recipient_acknowledges_through_the_api_once(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    client = staff(crew.cadre)
    first = client.post(f"/api/projects/{project.pk}/acknowledge")
    again = client.post(f"/api/projects/{project.pk}/acknowledge")
    assert first.status_code == 200
    assert again.json() == first.json()
    receipt = Receipt.objects.get(user=crew.cadre)
    assert first.json()["warning"] == receipt.warning_id
    assert Receipt.objects.filter(acknowledged_at__isnull=False).count() == 1


def test_the_outsider_cannot_acknowledge_a_warning_not_sent_to_them(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    response = staff(crew.outsider).post(f"/api/projects/{project.pk}/acknowledge")
    assert response.status_code == 404
    assert not Receipt.objects.filter(acknowledged_at__isnull=False).exists()


def test_a_later_warning_is_acknowledged_anew_and_the_first_keeps_its_time(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    client = staff(crew.cadre)
    first = client.post(f"/api/projects/{project.pk}/acknowledge").json()
    later = services.warning_send(
        actor=crew.leader, project_id=project.pk, text="水位上涨，转移群众"
    )
    second = client.post(f"/api/projects/{project.pk}/acknowledge").json()
    assert second["warning"] == later.pk != first["warning"]
    assert second["acknowledged_at"] is not None
    times = dict(
        Receipt.objects.filter(user=crew.cadre).values_list("warning_id", "acknowledged_at")
    )
    assert times[first["warning"]] is not None
    assert times[later.pk] is not None
    assert Receipt.objects.filter(user=crew.cadre, acknowledged_at__isnull=True).count() == 0
