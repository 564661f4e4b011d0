"""Links: made and ended through the services; the database keeps the invariants too."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from sanfu.directory.models import StaffRole
from sanfu.lib.errors import Conflict, PermissionDenied, ValidationFailed
from sanfu.outreach.models import Link, LinkRole, Period, TargetKind
from sanfu.outreach.services import NewLink, link_create, link_end
from tests.cases.conftest import People
from tests.conftest import Tree, make_staff
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db


def _new(outreach: Outreach, people: People, **changes: object) -> NewLink:
    fields: dict[str, object] = {
        "person": people.cadre,
        "target": outreach.enterprise,
        "role": LinkRole.CHIEF_SERVICE,
        "starts_on": date(2026, 12, 1),
        "cadence_count": 1,
        "cadence_period": Period.WEEKLY,
    }
    fields.update(changes)
    return NewLink(**fields)  # type: ignore[arg-type]


def test_it_refuses_an_overlapping_duplicate_link(outreach: Outreach, people: People):
    with pytest.raises(Conflict) as refused:
        link_create(actor=None, new=_new(outreach, people))
    assert refused.value.field == "target"
    assert Link.objects.count() == 2


def test_it_accepts_a_second_term_after_the_first_ended(
    outreach: Outreach, people: People, tree: Tree
):
    admin = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    link_end(actor=admin, link_id=outreach.enterprise_link.pk, ends_on=date(2026, 11, 30))
    again = link_create(actor=admin, new=_new(outreach, people))
    assert again.starts_on == date(2026, 12, 1)
    # An ended link stays ended: its end cannot be moved into the new term.
    with pytest.raises(Conflict):
        link_end(actor=admin, link_id=outreach.enterprise_link.pk, ends_on=date(2026, 12, 5))


@pytest.mark.parametrize("count", [0, -1])
def test_it_refuses_a_cadence_below_one(outreach: Outreach, people: People, count: int):
    with pytest.raises(ValidationFailed) as refused:
        link_create(
            actor=None, new=_new(outreach, people, role=LinkRole.LINKAGE, cadence_count=count)
        )
    assert refused.value.field == "cadence"


def test_the_database_refuses_a_zero_cadence(outreach: Outreach):
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.filter(pk=outreach.grid_link.pk).update(cadence_count=0)


def test_the_database_refuses_a_second_open_link(outreach: Outreach, people: People):
    link = outreach.grid_link
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(
            person=people.grid_worker,
            target_kind=TargetKind.UNIT,
            target_unit=link.target_unit,
            place=link.place,
            role=link.role,
            starts_on=date(2026, 12, 1),
            cadence_count=2,
            cadence_period=Period.DAILY,
        )


def test_it_refuses_a_link_to_a_department(outreach: Outreach, people: People, tree: Tree):
    with pytest.raises(ValidationFailed) as refused:
        link_create(
            actor=None, new=_new(outreach, people, target=tree.department, role=LinkRole.LEADS)
        )
    assert refused.value.field == "target"


def test_an_outsider_may_not_keep_town_a_roster(outreach: Outreach, people: People):
    with pytest.raises(PermissionDenied):
        link_create(actor=people.outsider, new=_new(outreach, people, role=LinkRole.LINKAGE))


def test_a_link_is_ended_once(outreach: Outreach, people: People):
    link_end(actor=people.town_leader, link_id=outreach.grid_link.pk, ends_on=date(2026, 12, 3))
    with pytest.raises(Conflict):
        link_end(actor=people.town_leader, link_id=outreach.grid_link.pk, ends_on=date(2026, 12, 3))
    assert Link.objects.filter(pk=outreach.grid_link.pk).exists()


def test_an_administrator_edits_a_checklist_as_a_new_version(tree: Tree):
    from sanfu.outreach.models import ChecklistTemplate
    from tests.conftest import login

    admin = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    template = ChecklistTemplate.objects.get(kind="grid")
    url = f"/admin/outreach/checklisttemplate/{template.pk}/change/"
    client = login(admin)
    assert "hazards: 安全隐患" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "code": template.code,
            "name": template.name,
            "kind": "grid",
            "questions": "hazards: 安全隐患\nfire: 消防通道",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": str(template.versions.get().pk),
            "versions-0-template": str(template.pk),
        },
    )
    assert response.status_code == 302
    latest = template.versions.order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.questions[1]["key"]) == (2, "fire")
    assert template.versions.get(number=1).questions[0]["key"] == "hazards"
