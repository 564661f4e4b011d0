"""Person matching through the package's public functions, on generated and hand-made records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanfu.assistance.linkage import (
    MODEL_FORMAT_VERSION,
    LinkageModel,
    ModelFormatError,
    Record,
    link,
    link_new,
    match_new,
    train,
)
from sanfu.assistance.linkage.evaluate import pairwise_scores
from sanfu.assistance.linkage.features import id_for_matching
from sanfu.assistance.linkage.synthetic import generate
from sanfu.lib.idnumber import id_number_check_char


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


@pytest.fixture(scope="module")
def county():
    return generate(400, seed=11)


@pytest.fixture(scope="module")
def model(county):
    records, _ = county
    return train(records)


def test_it_links_a_generated_county_into_its_persons(county, model):
    records, truth = county
    scores = pairwise_scores(link(records, model=model, with_pairs=False).person_of, truth)
    # 400 persons make ~500 true pairs, so one wrong pair costs 0.002: a bar of 0.98 allows a
    # handful of the generator's hardest cases (twins without ID numbers) and no more.
    assert scores.precision >= 0.98, scores
    assert scores.recall >= 0.97, scores


def test_twins_with_one_address_birth_date_and_phone_stay_two_persons(model):
    home = {"phone": "13957601234", "birth_date": "2012-05-06", "address": "石门镇上坪村12号"}
    twins = [
        Record("a1", "民政局", "张浩然", _id("33102220120506031"), town="石门镇", **home),
        Record("a2", "教育局", "张浩然", _id("33102220120506031"), town="石门镇", **home),
        Record("b1", "民政局", "张浩宇", _id("33102220120506033"), town="石门镇", **home),
        Record("b2", "教育局", "张浩宇", _id("33102220120506033"), town="石门镇", **home),
    ]
    person_of = link(twins, model=model).person_of
    assert person_of["a1"] == person_of["a2"] == "a1"
    assert person_of["b1"] == person_of["b2"] == "b1"


def test_a_one_digit_typo_in_the_id_number_still_links(model):
    number = _id("33102219750312045")
    typo = number[:9] + str((int(number[9]) + 3) % 10) + number[10:]
    swapped = number[:3] + number[4] + number[3] + number[5:]
    records = [
        Record("r1", "民政局", "李秀英", number, "13857612345", "", "白岩镇下湾村3号", "白岩镇"),
        Record("r2", "残疾人联合会", "李秀英", typo, "", "", "", "白岩镇"),
        Record("r3", "红十字会", "李秀瑛", swapped, "13857612345", "", "", ""),
    ]
    linkage = link(records, model=model)
    assert set(linkage.person_of.values()) == {"r1"}
    evidence = {(p.left, p.right): p.evidence for p in linkage.pairs}
    assert evidence[("r1", "r2")]["id_number"] == "one digit differs or two swapped"
    assert evidence[("r1", "r3")]["name"] == "one character differs, same pinyin"


def test_a_shared_name_pinyin_alone_never_merges_two_people(model):
    records = [
        Record("w1", "民政局", "张伟", "", "13957123456", "1980-01-01", "", "青山镇"),
        Record("w2", "民政局", "张玮", "", "15868214409", "1981-07-09", "", "青山镇"),
        Record("w3", "民政局", "张伟", "", "18705769921", "1992-11-30", "", "青山镇"),
    ]
    person_of = link(records, model=model).person_of
    assert len(set(person_of.values())) == 3


def test_the_model_survives_a_save_and_load(model, tmp_path):
    path = tmp_path / "deep" / "linkage-model.json"
    model.save(path)
    loaded = LinkageModel.load(path)
    assert loaded == model
    assert not [p for p in path.parent.iterdir() if p.name != path.name]  # no temp file left


def test_loading_refuses_another_format_version(model, tmp_path):
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text())
    data["version"] = MODEL_FORMAT_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFormatError, match="version"):
        LinkageModel.load(path)


@pytest.mark.parametrize("text", ["", "{", "[]", '{"format": "other"}'])
def test_loading_refuses_what_is_not_a_model(tmp_path, text):
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(ModelFormatError):
        LinkageModel.load(path)


def test_loading_a_missing_file_says_so(tmp_path):
    with pytest.raises(ModelFormatError, match="not a readable"):
        LinkageModel.load(Path(tmp_path / "absent.json"))


def test_match_new_attaches_a_known_person_and_leaves_a_stranger_new(county, model):
    records, _ = county
    linkage = link(records, model=model, with_pairs=False)
    existing = [(r, linkage.person_of[r.record_id]) for r in records]
    # A person with a full, clean record somewhere in the county.
    known = next(r for r in records if r.id_number and r.name and r.phone and r.birth_date)
    again = Record("new-1", "医疗保障局", known.name, known.id_number, known.phone)
    stranger = Record("new-2", "医疗保障局", "欧阳明月", _id("33102219990909099"), "13000000009")
    result = match_new([again, stranger], existing, model=model)
    assert result["new-1"][0] == linkage.person_of[known.record_id]
    assert result["new-1"][1] >= model.threshold
    assert result["new-2"][0] is None


def test_link_new_makes_one_new_person_of_a_strangers_records(county, model):
    records, _ = county
    linkage = link(records, model=model, with_pairs=False)
    existing = [(r, linkage.person_of[r.record_id]) for r in records]
    number = _id("33102219990909099")
    batch = [
        Record("new-1", "医疗保障局", "欧阳明月", number, "13000000009", town="石门镇"),
        Record("new-2", "民政局", "欧阳明月", number, "", "1999-09-09", town="石门镇"),
        Record("new-3", "红十字会", "欧阳明月", town="石门镇"),  # the second pass
        Record("new-4", "教育局", "司马相如", _id("33102220010101011"), "13000000010"),
    ]
    result = link_new(batch, existing, model=model)
    assert result.person_of == dict.fromkeys(["new-1", "new-2", "new-3", "new-4"])
    assert result.new_person_of == {
        "new-1": "new-1", "new-2": "new-1", "new-3": "new-1", "new-4": "new-4"
    }  # fmt: skip


def test_link_new_sees_through_a_typo_but_never_merges_twins(county, model):
    records, _ = county
    linkage = link(records, model=model, with_pairs=False)
    existing = [(r, linkage.person_of[r.record_id]) for r in records]
    known = next(
        r for r in records
        if r.id_number.isascii() and r.name and r.phone and r.birth_date and r.address
        and id_for_matching(r.id_number)[1]
    )  # fmt: skip
    digit = "1" if known.id_number[15] != "1" else "2"
    typo = known.id_number[:15] + digit + known.id_number[16:]
    first17 = known.id_number[:14] + f"{(int(known.id_number[14:17]) + 2) % 1000:03d}"
    twin_number = _id(first17)
    batch = [
        Record("new-typo", "医疗保障局", known.name, typo, known.phone, known.birth_date),
        # A twin: same birth date, address, phone and town, a name one character away, and
        # an ID number of their own.
        Record(
            "new-twin",
            "民政局",
            known.name[:-1] + "乐",
            twin_number,
            known.phone,
            known.birth_date,
            known.address,
            known.town,
        ),
    ]
    result = link_new(batch, existing, model=model)
    assert result.person_of["new-typo"] == linkage.person_of[known.record_id]
    assert result.person_of["new-twin"] is None
    assert result.new_person_of["new-twin"] == "new-twin"


def test_train_refuses_too_few_records():
    with pytest.raises(ValueError, match="at least two"):
        train([Record("x", "s", "张三")])


def test_link_refuses_a_repeated_record_id(model):
    with pytest.raises(ValueError, match="twice"):
        link([Record("x", "s", "张三"), Record("x", "t", "李四")], model=model)


def test_a_village_group_number_is_a_unit_like_any_other():
    from sanfu.assistance.linkage.features import split_address

    assert split_address("安徽省平安县河西乡南庄村11组6号") == ("河西", "南庄村11-6")
    assert split_address("河西乡南庄村11-6") == ("河西", "南庄村11-6")
    assert split_address("城关镇组合村3号") == ("城关", "组合村3")  # no number before 组


def test_an_id_number_in_another_scripts_digits_is_not_an_id_and_never_crashes():
    first17 = "33010219900101123"
    valid = first17 + id_number_check_char(first17)
    assert id_for_matching(valid) == (valid, True)
    typo = valid[:-1] + ("1" if valid.endswith("0") else "0")  # wrong check digit: kept
    assert id_for_matching(typo) == (typo, False)
    arabic_indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")  # NFKC leaves these as they are
    assert id_for_matching(valid.translate(arabic_indic)) == ("", False)
    assert id_for_matching("330102900101123".translate(arabic_indic)) == ("", False)
