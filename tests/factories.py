"""Valid residents and enterprises, made through the services."""

from __future__ import annotations

import itertools

from sanfu.directory import services
from sanfu.directory.models import Enterprise, Resident, Unit
from sanfu.lib.idnumber import id_number_check_char
from sanfu.lib.uscc import credit_code_check_char

_serial = itertools.count(1)


def valid_id_number(birth: str = "19800101", sequence: int | None = None) -> str:
    first17 = f"330299{birth}{(sequence or next(_serial)) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def valid_credit_code() -> str:
    first17 = f"91330299{next(_serial):09d}"
    return first17 + credit_code_check_char(first17)


def make_resident(*, village: Unit, grid: Unit | None = None, name: str = "王建国") -> Resident:
    household = services.household_create(
        number=f"H{next(_serial):08d}", village=village, grid=grid
    )
    resident, _warnings = services.resident_create(
        name=name, id_number=valid_id_number(), village=village, household=household
    )
    return resident


def make_enterprise(*, town: Unit, village: Unit | None = None) -> Enterprise:
    return services.enterprise_create(
        name=f"云溪恒达机械制造有限公司{next(_serial)}",
        credit_code=valid_credit_code(),
        town=town,
        village=village,
    )
