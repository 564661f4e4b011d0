"""Field normalisation shared by the imports and by matching."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import translation

from sanfu.assistance.linkage.clean import (
    clean_date,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_text,
)
from sanfu.lib.idnumber import id_number_check_char


@pytest.fixture(autouse=True)
def _english():
    # Messages are matched in English; the Chinese catalogue is checked by its own test.
    with translation.override("en"):
        yield


def _id(first17: str = "33102219900101123") -> str:
    return first17 + id_number_check_char(first17)


VALID = _id()
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def test_clean_text_folds_full_width_and_trims():
    assert clean_text("  ＡＢＣ１２３\u3000 ") == "ABC123"
    assert clean_text("a \t\n b") == "a b"
    assert clean_text(None) == ""
    assert clean_text("   ") == ""


def test_clean_id_number_accepts_full_width_spaces_and_lower_x():
    x_number = next(
        _id(f"3310221990010112{n}") for n in range(10) if _id(f"3310221990010112{n}")[-1] == "X"
    )
    assert clean_id_number(VALID.translate(FULL_WIDTH)) == VALID
    assert clean_id_number(f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ") == VALID
    assert clean_id_number(x_number.lower()) == x_number
    assert clean_id_number(x_number.translate(FULL_WIDTH).lower()) == x_number


@pytest.mark.parametrize("value", ["3.31022E+17", "3.31022e17", f"{VALID[:17]}0.0", 3.31022e17])
def test_clean_id_number_refuses_excel_floats_because_digits_are_lost(value):
    with pytest.raises(ValueError, match="stored as a number"):
        clean_id_number(value)


def test_clean_id_number_refuses_a_wrong_check_digit():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    with pytest.raises(ValueError, match="check digit"):
        clean_id_number(wrong)


def test_clean_id_number_refuses_an_impossible_birth_date():
    with pytest.raises(ValueError, match="not a real date"):
        clean_id_number(_id("33102219900231123"))


def test_clean_id_number_refuses_a_wrong_length():
    with pytest.raises(ValueError, match="18"):
        clean_id_number(VALID[:16])


def test_clean_id_number_never_refuses_an_unknown_region_code():
    assert clean_id_number(_id("99999919900101123")) == _id("99999919900101123")


def test_clean_id_number_widens_a_first_generation_15_digit_number():
    assert clean_id_number("331022900101123") == _id("33102219900101123")


def test_clean_id_number_keeps_empty_empty():
    assert clean_id_number("  ") == ""
    assert clean_id_number(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0571-8888 6666", "057188886666"),
        ("(0576)8888-6666", "057688886666"),
        ("13812345678.0", "13812345678"),
        (13812345678.0, "13812345678"),
        ("", ""),
    ],
)
def test_clean_phone_normalises(value, expected):
    assert clean_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("1381234567", "11 digits"), ("138123456789", "11 digits"), ("tel 138", "only digits"),
     ("+1 415 555 0100", r"\+86")],
)  # fmt: skip
def test_clean_phone_refuses(value, message):
    with pytest.raises(ValueError, match=message):
        clean_phone(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", "2024-01-05"),
        ("2024/1/5", "2024-01-05"),
        ("2024.1.5", "2024-01-05"),
        ("2024年1月5日", "2024-01-05"),
        ("２０２４年１月５日", "2024-01-05"),
        ("20240105", "2024-01-05"),
        ("2024-01-05 00:00:00", "2024-01-05"),
        ("45296", "2024-01-05"),
        ("45296.0", "2024-01-05"),
        (45296, "2024-01-05"),
        (date(2024, 1, 5), "2024-01-05"),
        (datetime(2024, 1, 5, 8, 30), "2024-01-05"),  # noqa: DTZ001 - a spreadsheet cell
        ("", ""),
    ],
)
def test_clean_date_reads_the_usual_spellings(value, expected):
    assert clean_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("2024-02-30", "not a real date"), ("1850-01-01", "before 1890"), ("yesterday", "not a date"),
     ("45296.5", "not a date"), ("2200-01-01", "after 2100")],
)  # fmt: skip
def test_clean_date_refuses(value, message):
    with pytest.raises(ValueError, match=message):
        clean_date(value)


def test_clean_name_drops_spaces_and_unifies_middle_dots():
    assert clean_name(" 张 三 ") == "张三"
    assert clean_name("阿卜杜•热合曼") == "阿卜杜·热合曼"
    assert clean_name("阿卜杜．热合曼") == "阿卜杜·热合曼"
    assert clean_name("Zhang  Wei") == "ZHANG WEI"
    assert clean_name("") == ""


def test_clean_name_refuses_digits():
    with pytest.raises(ValueError, match="not a letter"):
        clean_name("张3")


def test_the_excel_float_message_is_chinese_by_default():
    with translation.override("zh-hans"), pytest.raises(ValueError, match="身份证"):
        clean_id_number("3.31022E+17")
