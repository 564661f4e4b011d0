"""Tests for the resident ID number validator; none of them touch the database."""

from datetime import date, timedelta
from itertools import permutations, product

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from sanfu.lib.idnumber import (
    IdNumberError,
    id_number_check_char,
    is_valid_id_number,
    mask_id_number,
    parse_id_number,
)

TODAY = date(2025, 6, 1)
# The sample number printed in most explanations of GB 11643-1999.
SAMPLE = "11010519491231002X"
DIGITS = "0123456789"
PROVINCES = ["11", "13", "21", "31", "33", "37", "44", "46", "50", "54", "61", "65", "81", "83"]


def make_id(region: str = "330225", born: date = date(1990, 1, 1), sequence: str = "123") -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + id_number_check_char(first17)


def full_width(text: str) -> str:
    # Full-width ASCII variants sit at a fixed offset; spelling them out would be unreadable.
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


regions = st.tuples(
    st.sampled_from(PROVINCES), st.text(alphabet=DIGITS, min_size=4, max_size=4)
).map("".join)
birth_dates = st.dates(min_value=date(1890, 1, 1), max_value=TODAY)
sequences = st.text(alphabet=DIGITS, min_size=3, max_size=3)
valid_ids = st.builds(make_id, regions, birth_dates, sequences)


@given(st.text(alphabet=DIGITS, min_size=17, max_size=17))
def test_the_check_character_satisfies_iso_7064_mod_11_2(first17: str) -> None:
    # Restated from the standard rather than from the module's tables: with X worth 10 and
    # position i weighted 2**(17 - i), all 18 characters must sum to 1 mod 11.
    number = first17 + id_number_check_char(first17)
    values = [10 if c == "X" else int(c) for c in number]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


@given(regions, birth_dates, sequences)
def test_it_accepts_every_well_formed_number(region: str, born: date, sequence: str) -> None:
    info = parse_id_number(make_id(region, born, sequence), today=TODAY)
    assert info.birth_date == born
    assert info.region_code == region
    assert info.sex == ("male" if int(sequence[2]) % 2 else "female")
    assert info.warnings == ()


@given(valid_ids, st.integers(0, 17), st.data())
def test_it_rejects_any_single_character_substitution(
    number: str, position: int, data: st.DataObject
) -> None:
    allowed = DIGITS + "X" if position == 17 else DIGITS
    new = data.draw(st.sampled_from([c for c in allowed if c != number[position]]))
    changed = number[:position] + new + number[position + 1 :]
    assert id_number_check_char(changed[:17]) != changed[17]
    assert not is_valid_id_number(changed)


@given(valid_ids, st.integers(0, 16))
def test_it_rejects_any_adjacent_transposition(number: str, position: int) -> None:
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(IdNumberError):
        parse_id_number(swapped, today=TODAY)


def test_the_check_digit_catches_every_substitution_and_transposition_exhaustively() -> None:
    # Within the first 17 digits, a substitution or transposition changes the weighted sum by
    # an amount that depends only on the position and the characters, not on the rest of the
    # number, so trying every case on one number covers every number.
    for position in range(18):
        for new in DIGITS + "X" if position == 17 else DIGITS:
            if new != SAMPLE[position]:
                changed = SAMPLE[:position] + new + SAMPLE[position + 1 :]
                assert id_number_check_char(changed[:17]) != changed[17]
    for position in range(16):
        for a, b in permutations(DIGITS, 2):
            check = id_number_check_char(SAMPLE[:position] + a + b + SAMPLE[position + 2 : 17])
            swapped = SAMPLE[:position] + b + a + SAMPLE[position + 2 : 17]
            assert id_number_check_char(swapped) != check
    # Swapping the 17th digit with the check character depends on the 17th digit and on the
    # first 16 digits' weighted sum mod 11; these prefixes reach every residue.
    prefixes = ["0" * 14 + "".join(tail) for tail in product(DIGITS, repeat=2)]
    assert len({id_number_check_char(prefix + "0") for prefix in prefixes}) == 11
    for prefix in prefixes:
        for digit in DIGITS:
            check = id_number_check_char(prefix + digit)
            if check not in (digit, "X"):  # an X moved to position 17 fails the character check
                assert id_number_check_char(prefix + check) != digit


def test_it_accepts_the_published_sample_number() -> None:
    info = parse_id_number(SAMPLE, today=TODAY)
    assert info.number == SAMPLE
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"
    assert info.region_code == "110105"
    assert info.warnings == ()


def test_it_strips_surrounding_whitespace() -> None:
    assert parse_id_number(f" \t{SAMPLE}\u3000\n", today=TODAY).number == SAMPLE


def test_it_accepts_a_lowercase_x() -> None:
    assert parse_id_number(SAMPLE.lower(), today=TODAY).number == SAMPLE


@pytest.mark.parametrize("typed", [full_width(SAMPLE), full_width(SAMPLE.lower())])
def test_it_accepts_full_width_digits_and_x(typed: str) -> None:
    assert parse_id_number(typed, today=TODAY).number == SAMPLE


@pytest.mark.parametrize("value", ["", SAMPLE[:17], SAMPLE + "1", "110105 19491231 002X"])
def test_it_rejects_a_number_of_the_wrong_length(value: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(value, today=TODAY)
    assert caught.value.code == "length"


def test_the_length_message_says_how_many_characters_there_are() -> None:
    with translation.override("en"), pytest.raises(IdNumberError) as caught:
        parse_id_number(SAMPLE[:17])
    assert "17" in str(caught.value)
    assert str(caught.value) == caught.value.message


@pytest.mark.parametrize(
    "value",
    [
        "1101051949123100XX",  # X allowed only as the check character
        "11010519491231002A",
        "110105194912310-2X",
        "11010519491231\u0663\u0660\u0662X",  # Arabic-Indic digits pass str.isdigit()
    ],
)
def test_it_rejects_characters_other_than_digits_and_a_final_x(value: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(value, today=TODAY)
    assert caught.value.code == "characters"


@pytest.mark.parametrize(
    "digits", ["19900229", "19000229", "19901301", "19900100", "19900431", "00000000"]
)
def test_it_rejects_a_birth_date_that_does_not_exist(digits: str) -> None:
    first17 = f"330225{digits}123"
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(first17 + id_number_check_char(first17), today=TODAY)
    assert caught.value.code == "birth_date"


def test_it_accepts_february_29_in_a_leap_year() -> None:
    assert parse_id_number(make_id(born=date(2000, 2, 29)), today=TODAY).birth_date.day == 29


def test_it_rejects_a_birth_date_in_the_future() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(make_id(born=TODAY + timedelta(days=1)), today=TODAY)
    assert caught.value.code == "birth_date"


def test_it_accepts_a_birth_date_of_today() -> None:
    assert parse_id_number(make_id(born=TODAY), today=TODAY).birth_date == TODAY


def test_it_uses_the_current_date_when_today_is_not_given() -> None:
    assert parse_id_number(SAMPLE).birth_date == date(1949, 12, 31)
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(make_id(born=date(2999, 1, 1)))
    assert caught.value.code == "birth_date"


def test_it_rejects_a_birth_date_before_1890() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(make_id(born=date(1889, 12, 31)), today=TODAY)
    assert caught.value.code == "birth_date"
    assert parse_id_number(make_id(born=date(1890, 1, 1)), today=TODAY)


def test_it_rejects_a_wrong_check_digit() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(SAMPLE[:17] + "1", today=TODAY)
    assert caught.value.code == "check_digit"


def test_the_check_digit_message_does_not_reveal_the_expected_character() -> None:
    messages = set()
    for number in (SAMPLE[:17] + "1", make_id()[:17] + "X", make_id(sequence="124")[:17] + "0"):
        with translation.override("en"), pytest.raises(IdNumberError) as caught:
            parse_id_number(number, today=TODAY)
        messages.add(caught.value.message)
    assert messages == {"The check digit does not match the other 17 digits."}


@pytest.mark.parametrize(
    ("sequence", "sex"), [("001", "male"), ("019", "male"), ("000", "female"), ("998", "female")]
)
def test_it_reads_the_sex_from_the_seventeenth_digit(sequence: str, sex: str) -> None:
    assert parse_id_number(make_id(sequence=sequence), today=TODAY).sex == sex


@pytest.mark.parametrize("region", ["000000", "190101", "771234"])
def test_it_warns_about_an_unknown_province_code_but_still_accepts_the_number(
    region: str,
) -> None:
    with translation.override("en"):
        info = parse_id_number(make_id(region=region), today=TODAY)
    assert info.region_code == region
    assert len(info.warnings) == 1
    assert region[:2] in info.warnings[0]


@pytest.mark.parametrize("region", ["810000", "820000", "830000", "710000", "911840"])
def test_it_does_not_warn_about_residence_permits_and_foreigners_cards(region: str) -> None:
    assert parse_id_number(make_id(region=region), today=TODAY).warnings == ()


@pytest.mark.parametrize(
    "first17", ["", "1101051949123100", "110105194912310021", "1101051949123100X"]
)
def test_the_check_character_helper_refuses_anything_but_17_digits(first17: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_number_check_char(first17)


def test_is_valid_id_number_answers_without_raising() -> None:
    assert is_valid_id_number(SAMPLE)
    assert not is_valid_id_number(SAMPLE[:17] + "1")
    assert not is_valid_id_number("not a number")


def test_errors_are_value_errors_so_generic_handlers_catch_them() -> None:
    assert issubclass(IdNumberError, ValueError)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (SAMPLE, "110105********002X"),
        ("330225199001011234", "330225********1234"),
        (f" {full_width(SAMPLE.lower())} ", "110105********002X"),
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),
        ("", ""),
    ],
)
def test_masking_keeps_only_the_first_six_and_last_four_characters(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked
