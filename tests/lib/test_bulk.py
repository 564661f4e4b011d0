from datetime import date
from decimal import Decimal

import pytest

from sanfu.assistance.models import Person
from sanfu.lib.bulk import rows_update

pytestmark = pytest.mark.django_db


def test_it_writes_each_rows_own_values_as_save_would():
    first, second, untouched = (Person.objects.create(name=n) for n in ("甲", "乙", "丙"))
    first.statuses, first.income_per_head, first.birth_date = ["低保户"], Decimal("812.50"), None
    second.statuses, second.income_per_head = [], None
    second.birth_date = date(1950, 3, 1)
    untouched.name = "not written"

    written = rows_update(Person, [first, second], ["statuses", "income_per_head", "birth_date"])

    assert written == 2
    first.refresh_from_db()
    second.refresh_from_db()
    untouched.refresh_from_db()
    assert (first.statuses, first.income_per_head, first.birth_date) == (
        ["低保户"],
        Decimal("812.50"),
        None,
    )
    assert (second.statuses, second.income_per_head, second.birth_date) == (
        [],
        None,
        date(1950, 3, 1),
    )
    assert untouched.name == "丙"


def test_it_refuses_a_name_that_is_not_a_column():
    person = Person.objects.create(name="甲")
    with pytest.raises(ValueError, match=r"Person\.records"):
        rows_update(Person, [person], ["records"])
    with pytest.raises(ValueError, match=r"Person\.id"):
        rows_update(Person, [person], ["id"])
