"""Front-door fixtures: the packaged catalogue's departments, a loaded catalogue, personas."""

from __future__ import annotations

import csv

import pytest

from sanfu.directory import services
from sanfu.directory.models import StaffRole, Unit, UnitKind, User
from sanfu.frontdoor import catalogue, surveys
from tests.conftest import Tree, make_staff


@pytest.fixture(autouse=True)
def _fresh_question_cache() -> None:
    """Each test starts without the process's published questions: with the clock pinned and
    SQLite reusing a rolled-back id, two tests' surveys share (id, creation time), the cache's
    key, which no two surveys of one database ever do."""
    surveys._QUESTIONS.clear()


def providers_of_packaged_file() -> list[str]:
    with catalogue.PACKAGED_SERVICES.open(encoding="utf-8-sig") as handle:
        return sorted({row["实施部门"] for row in csv.DictReader(handle)})


@pytest.fixture
def departments(tree: Tree) -> dict[str, Unit]:
    """The departments the packaged services name, under the test county (housing exists)."""
    made = {}
    for number, name in enumerate(providers_of_packaged_file(), start=1):
        full = tree.county.name + name
        unit = Unit.objects.filter(name__endswith=name, kind=UnitKind.DEPARTMENT).first()
        made[name] = unit or services.unit_create(
            kind=UnitKind.DEPARTMENT, name=full, code=f"YXD{50 + number}", parent=tree.county
        )
    return made


@pytest.fixture
def loaded(tree: Tree, departments: dict[str, Unit]) -> catalogue.ImportReport:
    return catalogue.services_load_packaged(county=tree.county)


@pytest.fixture
def inspector(tree: Tree) -> User:
    return make_staff("inspector", tree.county, StaffRole.DISCIPLINE)


class RecordingSms:
    """An SMS backend that keeps the messages, for tests to read the codes."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))


@pytest.fixture
def sms(settings: object) -> type[RecordingSms]:
    settings.SANFU_SMS_BACKEND = "tests.frontdoor.conftest.RecordingSms"  # type: ignore[attr-defined]
    RecordingSms.sent = []
    return RecordingSms


def last_code(phone: str) -> str:
    import re

    texts = [text for to, text in RecordingSms.sent if to == phone]
    found = re.search(r"\d{6}", texts[-1])
    assert found is not None
    return found.group(0)
