"""Persons linked across bodies, findings from their aid, and the caseworkers' review queue."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sanfu.assistance.findings import findings_compute
from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
from sanfu.assistance.models import Finding, FindingReview, Person, SourceRecord
from sanfu.assistance.persons import persons_match_new, persons_relink
from sanfu.directory.models import StaffRole, Unit, User
from tests.assistance.conftest import HEADER, LI, WANG, ZHANG, Bodies, csv_bytes
from tests.conftest import Tree, login, make_staff

FACTS = ["姓名", "身份证号", "联系电话", "乡镇", "身份类别", "残疾等级"]


def _import(source: Unit, rows: list[list[str]], name: str) -> None:
    data = csv_bytes(rows)
    mapping = mapping_guess(source=source, file_name=name, data=data)
    batch, _ = batch_upload(source=source, mapping=mapping, file_name=name, data=data, user=None)
    assert batch_claim(batch.pk)
    assert batch_process(batch=batch).state == "done"


@pytest.fixture
def county(bodies: Bodies, linkage_model: Any) -> Bodies:
    """张三 gets medical aid from 民政 and from the charity (the charity misspells his name:
    duplicate, and over the medical cap); 李四 is a registered low-income person with no
    medical aid (missed); 王五 has a grade-1 disability and nothing for it (missed)."""
    _import(
        bodies.civil,
        [
            HEADER,
            ["张三", ZHANG, "13800138000", "石门镇", "YL01", "3000", "2025-03-01"],
            ["李四", LI, "13800138001", "石门镇", "DB01", "800", "2025-06-01"],
        ],
        "民政.csv",
    )
    _import(
        bodies.charity,
        [
            HEADER,
            ["张叁", ZHANG, "13800138000", "石门镇", "CS01", "2000", "2025-05-01"],
        ],
        "慈善.csv",
    )
    _import(
        bodies.civil,
        [
            FACTS,
            ["李四", LI, "13800138001", "石门镇", "低保户", ""],
            ["王五", WANG, "13800138002", "石门镇", "", "一级"],
        ],
        "对象.csv",
    )
    persons_relink(model=linkage_model)
    findings_compute(on=date(2025, 12, 31))
    return bodies


def test_records_of_one_person_from_two_bodies_are_one_person(county: Bodies) -> None:
    zhang = {r.person_id for r in SourceRecord.objects.filter(id_number=ZHANG)}
    assert len(zhang) == 1
    assert Person.objects.count() == 3
    li = Person.objects.get(id_number=LI)
    assert li.statuses == ["low_income"]


def test_it_finds_duplicate_excessive_and_missed_aid_with_evidence(county: Bodies) -> None:
    found = {(f.kind, f.person_name, f.need) for f in Finding.objects.all()}
    assert found == {
        ("duplicate", "张三", "medical"),
        ("excessive", "张三", "medical"),
        ("missed", "李四", "medical"),
        ("missed", "王五", "disability"),
    }
    duplicate = Finding.objects.get(kind="duplicate")
    bodies = {r["body_name"] for r in duplicate.evidence["records"]}
    assert bodies == {"县民政局", "云溪县慈善总会"}
    assert {b.name for b in duplicate.bodies.all()} == bodies


def test_computing_again_changes_nothing(county: Bodies) -> None:
    before = list(Finding.objects.order_by("pk").values_list("pk", "key"))
    summary = findings_compute(on=date(2025, 12, 31))
    assert summary.new == 0
    assert list(Finding.objects.order_by("pk").values_list("pk", "key")) == before


def test_a_new_record_is_matched_to_its_person_without_relinking(
    county: Bodies, linkage_model: Any
) -> None:
    _import(
        county.civil,
        [HEADER, ["王五", WANG, "13800138002", "石门镇", "CJ01", "200", "2025-12-01"]],
        "十二月.csv",
    )
    record = SourceRecord.objects.get(id_number=WANG, kind="aid")
    assert record.person_id is None
    persons_match_new(model=linkage_model)
    record.refresh_from_db()
    assert record.person == Person.objects.get(id_number=WANG)
    findings_compute(on=date(2025, 12, 31))
    assert not Finding.objects.get(kind="missed", person_name="王五").current


def test_a_town_caseworker_confirms_and_the_decision_is_recorded(
    county: Bodies, town_staff: User
) -> None:
    finding = Finding.objects.get(kind="missed", person_name="李四")
    client = login(town_staff)
    page = client.get(f"/assistance/findings/{finding.pk}/")
    assert page.status_code == 200
    # The evidence names the status the sources certify, not its code (a bug once).
    evidence = page.content.decode().split('data-testid="evidence"')[1].split("</section>")[0]
    assert "低保户" in evidence
    assert "low_income" not in evidence
    refused = client.post(
        f"/assistance/findings/{finding.pk}/", {"decision": "confirmed", "reason": " "}
    )
    assert refused.status_code == 400
    done = client.post(
        f"/assistance/findings/{finding.pk}/",
        {"decision": "confirmed", "reason": "已核实，纳入医疗救助"},
    )
    assert done.status_code == 302
    review = FindingReview.objects.get()
    assert (review.reviewer, review.unit.name, review.decision) == (
        town_staff,
        "石门镇",
        "confirmed",
    )
    again = client.post(
        f"/assistance/findings/{finding.pk}/", {"decision": "dismissed", "reason": "改主意"}
    )
    assert again.status_code == 400
    assert FindingReview.objects.count() == 1


def test_a_department_dismisses_a_finding_about_its_programme(county: Bodies) -> None:
    civil = make_staff("civil-2", county.civil, StaffRole.DEPARTMENT_HANDLER)
    finding = Finding.objects.get(kind="duplicate")
    response = login(civil).post(
        f"/assistance/findings/{finding.pk}/",
        {"decision": "dismissed", "reason": "慈善总会的大病救助可叠加"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "dismissed"


def test_an_outsider_town_sees_no_finding(county: Bodies, outsider: User) -> None:
    client = login(outsider)
    listing = client.get("/assistance/findings/?state=").content.decode()
    for finding in Finding.objects.all():
        assert finding.person_name not in listing
        assert client.get(f"/assistance/findings/{finding.pk}/").status_code == 404
        response = client.post(
            f"/assistance/findings/{finding.pk}/", {"decision": "dismissed", "reason": "x"}
        )
        assert response.status_code == 404
    figures = client.get("/assistance/figures/").content.decode()
    assert "石门镇" not in figures
    assert FindingReview.objects.count() == 0


def test_figures_count_findings_by_need_body_and_town(
    county: Bodies, tree: Tree, administrator: User
) -> None:
    page = login(administrator).get("/assistance/figures/").content.decode()
    assert "石门镇" in page
    assert "云溪县慈善总会" in page
    assert "医疗救助" in page


def test_an_application_is_matched_to_the_person_the_sources_know(
    county: Bodies, tree: Tree, linkage_model: Any, settings: Any, tmp_path: Any
) -> None:
    from sanfu.assistance.linkage import default_model_path
    from sanfu.assistance.models import Application
    from tests.conftest import https_client

    settings.DATA_DIR = tmp_path
    linkage_model.save(default_model_path())
    response = https_client().post(
        "/assistance/apply/",
        {
            "id_number": LI,
            "name": "李四",
            "phone": "13800138001",
            "town": tree.town_a.pk,
            "statuses": ["low_income"],
            "programme": county.medical.pk,
            "apply": "1",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.person == Person.objects.get(id_number=LI)
    assert application.match_probability is not None
    assert application.match_probability > 0.9
