"""Enterprise contacts in their own table: staff keep them, the migration moved the register's
in, a contact logs in by code against them (choosing when the phone speaks for several)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse

from sanfu.directory import services as directory
from sanfu.directory.models import User
from sanfu.enterprise.models import ContactRole, EnterpriseContact
from sanfu.enterprise.services.contacts import contacts_from_register
from tests.conftest import Tree, https_client, login
from tests.enterprise import sms
from tests.enterprise.conftest import World
from tests.factories import valid_credit_code

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def texts() -> Iterator[list[tuple[str, str]]]:
    sms.SENT.clear()
    with override_settings(SANFU_SMS_BACKEND="tests.enterprise.sms.CapturingSms"):
        yield sms.SENT


def _log_in(client: Client, phone: str, capture: Capture) -> Any:
    page = reverse("enterprise:contact_login")
    with capture(execute=True):
        client.post(page, {"phone": phone, "send": "1"})
    code = sms.last_code(phone)
    return client.post(page, {"phone": phone, "code": code, "verify": "1"})


def test_the_migration_moves_the_registers_contacts_and_loses_nothing(tree: Tree) -> None:
    rows = [
        ("甲公司", "王芳", "138-1234-0001"),  # copied, normal form
        ("乙公司", "", "13812340002"),  # no name: the enterprise's
        ("丙公司", "赵六", "12345"),  # no phone number: stays in the register only
        ("丁公司", "钱七", ""),
    ]
    made = {}
    for name, contact, phone in rows:
        made[name] = directory.enterprise_create(
            name=name,
            credit_code=valid_credit_code(),
            town=tree.town_a,
            industry="manufacturing",
            size="small",
            contact_name=contact,
            contact_phone=phone,
        )
    migration = importlib.import_module("sanfu.enterprise.migrations.0004_contacts")
    migration.copy_register_contacts(apps, None)
    copied = {
        (c.enterprise.name, c.name, c.phone, c.role)
        for c in EnterpriseContact.objects.select_related("enterprise")
    }
    assert copied == {
        ("甲公司", "王芳", "13812340001", "main"),
        ("乙公司", "乙公司", "13812340002", "main"),
    }
    made["丙公司"].refresh_from_db()
    assert made["丙公司"].contact_phone == "12345"


def test_the_database_keeps_one_main_contact_and_a_phone_once_per_enterprise(
    world: World,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseContact.objects.create(
            enterprise=world.hengda, name="王芳", phone="13900000001", role=ContactRole.MAIN
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseContact.objects.create(
            enterprise=world.hengda, name="王芳", phone="13812345678", role=ContactRole.FINANCE
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseContact.objects.create(
            enterprise=world.hengda, name="王芳", phone="", role=ContactRole.FINANCE
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseContact.objects.create(
            enterprise=world.hengda, name="王芳", phone="13900000001", role="boss"
        )


def test_town_staff_add_a_contact_and_bad_input_names_the_field_and_keeps_the_rest(
    world: World, town_staff: User
) -> None:
    client = login(town_staff)
    page = reverse("enterprise:contacts", args=[world.hengda.pk])
    bad = client.post(
        page, {"add": "1", "name": "王芳", "phone": "0571-1234567", "role": "finance"}
    )
    assert bad.status_code == 400
    form = bad.context["form"]
    assert list(form.errors) == ["phone"]
    html = bad.content.decode()
    assert 'value="王芳"' in html
    assert 'value="0571-1234567"' in html
    taken = client.post(page, {"add": "1", "name": "王芳", "phone": "13900000001", "role": "main"})
    assert taken.status_code == 400
    assert list(taken.context["form"].errors) == ["role"]
    added = client.post(
        page, {"add": "1", "name": "王芳", "phone": "139 0000 0001", "role": "finance"}
    )
    assert added.status_code == 302
    contact = EnterpriseContact.objects.get(enterprise=world.hengda, role="finance")
    assert (contact.name, contact.phone) == ("王芳", "13900000001")
    shown = client.get(page).content.decode()
    # Masked by the one rule, as the register's contact is.
    assert "13900000001" not in shown
    assert "0001" in shown
    again = client.post(page, {"add": "1", "name": "王芳", "phone": "13900000001", "role": "other"})
    assert list(again.context["form"].errors) == ["phone"]


def test_the_outsider_sees_and_changes_nothing_of_another_towns_contacts(
    world: World, outsider: User
) -> None:
    client = login(outsider)
    page = reverse("enterprise:contacts", args=[world.hengda.pk])
    assert client.get(page).status_code == 404
    contact = EnterpriseContact.objects.get(enterprise=world.hengda)
    assert client.post(page, {"remove": str(contact.pk)}).status_code == 404
    added = client.post(page, {"add": "1", "name": "x", "phone": "13900000009", "role": "other"})
    assert added.status_code == 404
    assert EnterpriseContact.objects.filter(enterprise=world.hengda).count() == 1
    # Its own town's enterprise, yes; a contact of town A through its page, no.
    own = reverse("enterprise:contacts", args=[world.baiyan.pk])
    assert client.get(own).status_code == 200
    assert client.post(own, {"remove": str(contact.pk)}).status_code == 404
    assert client.post(own, {"remove": "x"}).status_code == 404


def test_a_phone_for_two_enterprises_chooses_one_and_only_its_own(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    EnterpriseContact.objects.create(
        enterprise=world.qinghe, name="李明华", phone="13812345678", role=ContactRole.FINANCE
    )
    client = https_client()
    response = _log_in(client, "13812345678", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("enterprise:contact_choose")
    assert client.get(reverse("enterprise:contact_home")).status_code == 302
    chooser = client.get(reverse("enterprise:contact_choose")).content.decode()
    assert world.hengda.name in chooser
    assert world.qinghe.name in chooser
    assert world.baiyan.name not in chooser
    choose = reverse("enterprise:contact_choose")
    assert client.post(choose, {"enterprise": str(world.baiyan.pk)}).status_code == 404
    assert client.post(choose, {"enterprise": str(world.qinghe.pk)}).status_code == 302
    home = client.get(reverse("enterprise:contact_home")).content.decode()
    assert world.qinghe.name in home


def test_a_removed_contact_is_logged_out_and_an_unknown_phone_gets_no_text(
    world: World, town_staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    client = https_client()
    assert _log_in(client, "13812345678", django_capture_on_commit_callbacks).status_code == 302
    assert client.get(reverse("enterprise:contact_home")).status_code == 200
    contact = EnterpriseContact.objects.get(enterprise=world.hengda)
    page = reverse("enterprise:contacts", args=[world.hengda.pk])
    assert login(town_staff).post(page, {"remove": str(contact.pk)}).status_code == 302
    assert client.get(reverse("enterprise:contact_home")).status_code == 302
    # The register still lists the phone, but only contacts log in.
    sms.SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        https_client().post(
            reverse("enterprise:contact_login"), {"phone": "13812345678", "send": "1"}
        )
    assert sms.SENT == []


def test_the_chooser_without_a_verified_phone_sends_to_the_login(world: World) -> None:
    response = https_client().get(reverse("enterprise:contact_choose"))
    assert response["Location"] == reverse("enterprise:contact_login")


def test_the_demo_gives_a_main_contact_to_each_enterprise_without_one(
    world: World, tree: Tree
) -> None:
    for name, phone in (("戊公司", "13812340005"), ("己公司", "0571-88881234")):
        directory.enterprise_create(
            name=name,
            credit_code=valid_credit_code(),
            town=tree.town_a,
            industry="trade",
            size="micro",
            contact_name="",
            contact_phone=phone,
        )
    assert contacts_from_register() == 1
    made = EnterpriseContact.objects.get(enterprise__name="戊公司")
    assert (made.name, made.phone, made.role) == ("戊公司", "13812340005", "main")
    assert not EnterpriseContact.objects.filter(enterprise__name="己公司").exists()
    assert contacts_from_register() == 0
