"""The second pass that joins sparse records to the one person bearing their name."""

from __future__ import annotations

from sanfu.assistance.linkage import LinkageModel, Record, link
from sanfu.assistance.linkage.attach import attach_sparse
from sanfu.lib.idnumber import id_number_check_char


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


LI = _id("33102219750312045")
WANG = _id("33102219620101031")

# 李秀英 of 白岩镇, seen twice; 王建国 of 白岩镇 once with a valid ID number.
KNOWN = [
    Record("a1", "民政局", "李秀英", LI, "13857612345", "", "白岩镇下湾村3号", "白岩镇"),
    Record("a2", "残联", "李秀英", LI, "13857612345", "", "", "白岩镇"),
    Record("b1", "民政局", "王建国", WANG, "", "", "白岩镇上坪村8号", "白岩镇"),
]
KNOWN_PERSONS = {"a1": "a1", "a2": "a1", "b1": "b1"}


def _attach(*extra: Record, persons: dict[str, str] | None = None) -> dict[str, str]:
    person_of = dict(persons or KNOWN_PERSONS)
    person_of.update({r.record_id: r.record_id for r in extra if r.record_id not in person_of})
    return attach_sparse([*KNOWN, *extra], person_of)


def test_a_name_and_a_town_join_the_only_person_of_that_name_there():
    result = _attach(
        Record("z1", "红十字会", "李秀英", town="白岩镇"),
        Record("z2", "教育局", "王建国", phone="13900000001"),  # no town: unique in the batch
    )
    assert result["z1"] == "a1"
    assert result["z2"] == "b1"
    assert result["a2"] == "a1"


def test_nothing_joins_when_two_persons_of_the_town_share_the_name():
    namesake = Record("c1", "民政局", "李秀英", _id("33102219880808123"), town="白岩镇")
    persons = {**KNOWN_PERSONS, "c1": "c1"}
    result = attach_sparse(
        [*KNOWN, namesake, Record("z1", "红十字会", "李秀英", town="白岩镇")],
        {**persons, "z1": "z1"},
    )
    assert result["z1"] == "z1"


def test_a_contradiction_keeps_the_record_apart():
    result = _attach(
        Record("t1", "红十字会", "李秀英", town="石门镇"),  # another town
        Record("t2", "红十字会", "李秀英", birth_date="1990-01-01"),  # the ID says 1975
        Record("t3", "红十字会", "李秀英", phone="13000000000", address="白岩镇前塘村9号"),
        Record("t4", "红十字会", "李秀英", id_number=LI[:16] + "00"),  # a number C lacks
    )
    for record_id in ("t1", "t2", "t3", "t4"):
        assert result[record_id] == record_id, record_id


def test_a_shared_pinyin_or_a_valid_id_number_never_joins():
    result = _attach(
        Record("p1", "红十字会", "李秀瑛", town="白岩镇"),  # same pinyin, other characters
        Record("v1", "红十字会", "李秀英", _id("33102219750312067"), town="白岩镇"),
    )
    assert result["p1"] == "p1"
    assert result["v1"] == "v1"


def test_siblings_sharing_a_home_but_not_a_name_stay_two_persons():
    home = {"phone": "18485571246", "birth_date": "2004-12-01", "address": "城关镇南村村9组23号"}
    number = _id("34292120041201135")
    records = [
        Record("s1", "民政局", "张佳玲", "", town="城关镇", **home),
        Record("s2", "教育局", "张佳玲", number, town="城关镇", **home),
        Record("s3", "教育局", "张欣磊", "", town="城关镇", **home),
        Record("s4", "残联", "张欣磊", "", town="城关镇", **home),
    ]
    person_of = link(records, model=LinkageModel.default()).person_of
    assert person_of["s1"] == person_of["s2"] == "s1"
    assert person_of["s3"] == person_of["s4"] == "s3"
