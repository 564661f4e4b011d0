"""Reports against cadres: confidential to the discipline role, verified, cleared with consent."""

from __future__ import annotations

import pytest

from sanfu.directory.models import StaffRole, User
from sanfu.frontdoor import reports
from sanfu.frontdoor.models import Report, ReportRead
from sanfu.lib.errors import NotFound, ValidationFailed
from tests.conftest import Tree, https_client, login, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tree: Tree) -> Report:
    return reports.report_create(
        county=tree.county,
        person_name="李书记",
        person_post="上坪村党支部书记",
        person_unit=tree.village_a,
        content="收受好处，优亲厚友。",
    )


def test_a_resident_reports_a_cadre_on_the_portal(tree: Tree) -> None:
    response = https_client().post(
        "/report-a-cadre/",
        {"person_name": "李书记", "person_unit": tree.village_a.pk, "content": "优亲厚友。"},
    )
    assert response.status_code == 200
    assert 'data-testid="report-number"' in response.content.decode()
    assert Report.objects.get().channel == "portal"


@pytest.mark.parametrize(
    ("field", "data"), [("person_name", {"content": "x"}), ("content", {"person_name": "李"})]
)
def test_a_report_without_a_name_or_content_is_refused(
    tree: Tree, field: str, data: dict[str, str]
) -> None:
    response = https_client().post("/report-a-cadre/", data)
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_only_the_discipline_role_sees_a_report(
    report: Report,
    inspector: User,
    administrator: User,
    town_staff: User,
    outsider: User,
) -> None:
    village = make_staff("village", report.person_unit, StaffRole.VILLAGE_CADRE)
    for user in (administrator, town_staff, outsider, village):
        client = login(user)
        assert client.get(f"/frontdoor/reports/{report.pk}/").status_code == 404
        assert client.get("/frontdoor/reports/").status_code == 404
    assert not ReportRead.objects.exists()
    page = login(inspector).get(f"/frontdoor/reports/{report.pk}/")
    assert page.status_code == 200
    assert "收受好处" in page.content.decode()
    assert ReportRead.objects.filter(user=inspector).count() == 1  # every read logged


def test_an_inspector_who_also_works_in_the_persons_town_does_not_see_it(
    tree: Tree, report: Report, inspector: User
) -> None:
    from sanfu.directory import services

    services.membership_grant(user=inspector, unit=tree.town_a, role=StaffRole.TOWN_STAFF)
    assert login(inspector).get(f"/frontdoor/reports/{report.pk}/").status_code == 404


def test_an_unfounded_report_is_cleared_with_consent(report: Report, inspector: User) -> None:
    client = login(inspector)
    page = f"/frontdoor/reports/{report.pk}/"
    conclude = {"action": "conclude", "conclude-outcome": "unfounded", "conclude-note": "查无实据"}
    assert client.post(page, conclude).status_code == 400  # no verification step yet
    assert client.post(page, {"action": "step", "step-note": "走访群众十人"}).status_code == 302
    assert client.post(page, conclude).status_code == 302
    notice = {"action": "notice", "notice-notice": "经核查，反映李书记的问题不属实，予以澄清。"}
    refused = client.post(page, notice)
    assert refused.status_code == 400  # no consent recorded
    assert "consent" in refused.content.decode() or "同意" in refused.content.decode()
    assert "予以澄清" not in https_client().get("/clearing/").content.decode()
    assert (
        client.post(page, {"action": "consent", "consent-how": "本人书面同意"}).status_code == 302
    )
    assert client.post(page, notice).status_code == 302
    meeting = {"action": "meeting", "meeting-record": "在村民代表会议上澄清"}
    assert client.post(page, meeting).status_code == 302
    assert "予以澄清" in https_client().get("/clearing/").content.decode()
    figures = reports.report_figures(user=inspector)
    assert figures == reports.ReportFigures(received=1, verified=1, unfounded=1, cleared=1)


def test_a_founded_report_cannot_be_cleared(report: Report, inspector: User) -> None:
    reports.report_verify(actor=inspector, report_id=report.pk, note="核实")
    reports.report_conclude(actor=inspector, report_id=report.pk, outcome="founded", note="属实")
    with pytest.raises(ValidationFailed):
        reports.clearing_consent(actor=inspector, report_id=report.pk, how="同意")


def test_staff_actions_on_a_report_are_refused_to_others(
    report: Report, administrator: User
) -> None:
    with pytest.raises(NotFound):
        reports.report_verify(actor=administrator, report_id=report.pk, note="看看")


def test_staff_take_a_report_down_and_cannot_read_it_afterwards(
    tree: Tree, town_staff: User, inspector: User
) -> None:
    client = login(town_staff)
    response = client.post(
        "/frontdoor/reports/new/", {"person_name": "王镇长", "content": "工作作风粗暴。"}
    )
    assert response.status_code == 302
    taken = Report.objects.get()
    assert taken.channel == "staff"
    assert taken.taken_by == town_staff
    assert client.get(f"/frontdoor/reports/{taken.pk}/").status_code == 404
    assert login(inspector).get(f"/frontdoor/reports/{taken.pk}/").status_code == 200


def test_anonymous_visitors_and_a_disabled_inspector_see_no_report(
    report: Report, inspector: User
) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Report.objects.visible_to(AnonymousUser()).exists()
    assert https_client().get(f"/frontdoor/reports/{report.pk}/").status_code in {302, 404}
    inspector.is_active = False
    assert not Report.objects.visible_to(inspector).exists()
