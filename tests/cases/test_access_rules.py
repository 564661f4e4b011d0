"""Every branch of the case access rules (policies, visible_to, attaching files), each with
someone who must be refused. The coverage check holds these modules at 100%."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanfu.cases import services
from sanfu.cases.models import Case
from sanfu.cases.policies import Capability, acting_unit
from sanfu.cases.services.attachments import MAX_CASE_ATTACHMENTS
from sanfu.directory.models import Unit, UnitKind, User
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, make_staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a small document\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _visible(user: User) -> set[int]:
    return set(Case.objects.visible_to(user).values_list("pk", flat=True))


def test_a_superuser_sees_every_case(tree: Tree, catalogue: Catalogue) -> None:
    a = web_case(tree, catalogue)
    b = web_case(tree, catalogue, location_unit=tree.village_b)
    root = User.objects.create_superuser(username="root", password="x" * 20)
    assert _visible(root) == {a.pk, b.pk}


def test_an_account_without_a_role_sees_no_case(tree: Tree, catalogue: Catalogue) -> None:
    web_case(tree, catalogue)
    assert _visible(make_staff("nobody")) == set()


def test_a_disabled_account_may_not_act(tree: Tree, people: People) -> None:
    people.dispatcher.is_active = False
    with pytest.raises(PermissionDenied, match=r"disabled|停用"):
        acting_unit(people.dispatcher, Capability.DISPATCH, tree.town_a, from_above=True)


def test_a_role_counts_only_at_the_kind_of_unit_it_was_given_at(tree: Tree, people: People) -> None:
    # Town staff dispatch at their town's desk and, from above, at its villages' desks.
    assert acting_unit(people.town_staff, Capability.DISPATCH, tree.town_a) == tree.town_a
    found = acting_unit(people.town_staff, Capability.DISPATCH, tree.village_a, from_above=True)
    assert found == tree.town_a
    # Re-zoned: village A became a grid of town A. Its cadre's membership is left over and
    # gives nothing there any more.
    Unit.objects.filter(pk=tree.village_a.pk).update(kind=UnitKind.GRID)
    with pytest.raises(PermissionDenied):
        acting_unit(people.cadre, Capability.DISPATCH, tree.grid_a, from_above=True)
    with pytest.raises(PermissionDenied):
        acting_unit(people.cadre, Capability.HANDLE, tree.village_a)


def _attach(user: User, case: Case, count: int = 1) -> object:
    uploads = [services.Upload(name=f"文件{i}.pdf", content=PDF) for i in range(count)]
    return services.case_attach(actor=user, case_id=case.pk, uploads=uploads)


def test_the_desk_and_the_handling_units_attach_files_and_others_are_refused(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    _attach(people.dispatcher, case)  # the desk (the county dispatch centre)
    _attach(people.cadre, case)  # the lead unit
    # The supervisor sees the case but neither dispatches nor handles it.
    with pytest.raises(PermissionDenied):
        _attach(people.supervisor, case)
    # The outsider does not even see it.
    with pytest.raises(NotFound):
        _attach(people.outsider, case)
    assert case.attachments.count() == 2


def test_files_are_refused_when_none_too_many_or_the_case_is_full_or_finished(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    with pytest.raises(ValidationFailed) as none:
        _attach(people.dispatcher, case, count=0)
    assert none.value.field == "attachments"
    with pytest.raises(ValidationFailed):
        _attach(people.dispatcher, case, count=7)
    for _ in range(MAX_CASE_ATTACHMENTS // 5):
        _attach(people.dispatcher, case, count=5)
    with pytest.raises(ValidationFailed):
        _attach(people.dispatcher, case)
    assert case.attachments.count() == MAX_CASE_ATTACHMENTS
    services.case_reject(actor=people.dispatcher, case_id=case.pk, reason="不属于受理范围")
    with pytest.raises(Conflict):
        _attach(people.dispatcher, case)
