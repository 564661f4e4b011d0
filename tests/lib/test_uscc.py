"""Tests for the unified social credit code validator; none of them touch the database."""

from itertools import permutations, product

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from sanfu.lib.uscc import (
    CreditCodeError,
    credit_code_check_char,
    is_valid_credit_code,
    parse_credit_code,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Published codes, checked by hand against the algorithm as well as by it.
HUAWEI = "914403001922038216"  # Huawei Technologies Co., Ltd.
ALIBABA = "91330100716105852F"  # Alibaba (China) Co., Ltd.


def full_width(text: str) -> str:
    # Full-width ASCII variants sit at a fixed offset; spelling them out would be unreadable.
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def complete(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


valid_codes = st.text(alphabet=ALPHABET, min_size=17, max_size=17).map(complete)


@given(valid_codes)
def test_the_check_character_satisfies_the_mod_31_rule(code: str) -> None:
    # Restated from the standard rather than from the module's tables: position i of the first
    # 17 is weighted 3**i, and the check character brings the total to 0 mod 31.
    values = [ALPHABET.index(c) for c in code]
    total = sum(v * pow(3, i, 31) for i, v in enumerate(values[:17]))
    assert (total + values[17]) % 31 == 0


@given(valid_codes)
def test_it_accepts_every_well_formed_code(code: str) -> None:
    assert parse_credit_code(code) == code


@given(valid_codes, st.integers(0, 17), st.data())
def test_it_rejects_any_single_character_substitution(
    code: str, position: int, data: st.DataObject
) -> None:
    new = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    changed = code[:position] + new + code[position + 1 :]
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(changed)
    assert caught.value.code == "check_char"


@given(valid_codes, st.integers(0, 16))
def test_it_rejects_any_adjacent_transposition(code: str, position: int) -> None:
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(swapped)
    assert caught.value.code == "check_char"


def test_the_check_character_catches_every_substitution_and_transposition_exhaustively() -> None:
    # Within the first 17 characters, a substitution or transposition changes the weighted sum
    # by an amount that depends only on the position and the characters, not on the rest of
    # the code, so trying every case on one code covers every code.
    for position in range(18):
        for new in ALPHABET:
            if new != HUAWEI[position]:
                assert not is_valid_credit_code(HUAWEI[:position] + new + HUAWEI[position + 1 :])
    for position in range(16):
        for a, b in permutations(ALPHABET, 2):
            check = credit_code_check_char(HUAWEI[:position] + a + b + HUAWEI[position + 2 : 17])
            swapped = HUAWEI[:position] + b + a + HUAWEI[position + 2 : 17]
            assert credit_code_check_char(swapped) != check
    # Swapping the 17th character with the check character depends on the 17th character and
    # on the first 16 characters' weighted sum mod 31; these prefixes reach every residue.
    prefixes = ["0" * 14 + "".join(tail) for tail in product(ALPHABET, repeat=2)]
    assert len({credit_code_check_char(prefix + "0") for prefix in prefixes}) == 31
    for prefix in prefixes:
        for char in ALPHABET:
            check = credit_code_check_char(prefix + char)
            if check != char:
                assert credit_code_check_char(prefix + check) != char


@pytest.mark.parametrize("code", [HUAWEI, ALIBABA])
def test_it_accepts_published_codes(code: str) -> None:
    assert parse_credit_code(code) == code


def test_it_upper_cases_and_strips_the_code() -> None:
    assert parse_credit_code(f" \t{ALIBABA.lower()}\u3000\n") == ALIBABA


@pytest.mark.parametrize("typed", [full_width(ALIBABA), full_width(ALIBABA.lower())])
def test_it_accepts_full_width_input(typed: str) -> None:
    assert parse_credit_code(typed) == ALIBABA


@pytest.mark.parametrize("value", ["", HUAWEI[:17], HUAWEI + "0", "91440300 1922038216"])
def test_it_rejects_a_code_of_the_wrong_length(value: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(value)
    assert caught.value.code == "length"


def test_the_length_message_says_how_many_characters_there_are() -> None:
    with translation.override("en"), pytest.raises(CreditCodeError) as caught:
        parse_credit_code(HUAWEI[:15])
    assert "15" in str(caught.value)
    assert str(caught.value) == caught.value.message


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-", "\u0663"])
def test_it_rejects_characters_outside_the_alphabet(letter: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(HUAWEI[:10] + letter + HUAWEI[11:])
    assert caught.value.code == "characters"


def test_it_rejects_a_wrong_check_character() -> None:
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(HUAWEI[:17] + "7")
    assert caught.value.code == "check_char"


def test_the_check_character_message_does_not_reveal_the_expected_character() -> None:
    messages = set()
    for code in (HUAWEI[:17] + "7", ALIBABA[:17] + "0"):
        with translation.override("en"), pytest.raises(CreditCodeError) as caught:
            parse_credit_code(code)
        messages.add(caught.value.message)
    assert messages == {"The check character does not match the other 17 characters."}


def test_every_alphabet_character_can_be_a_check_character() -> None:
    checks = {credit_code_check_char("0" * 16 + char) for char in ALPHABET}
    assert checks == set(ALPHABET)


@pytest.mark.parametrize("first17", ["", HUAWEI[:16], HUAWEI, HUAWEI[:16] + "I"])
def test_the_check_character_helper_refuses_anything_but_17_alphabet_characters(
    first17: str,
) -> None:
    with pytest.raises(ValueError, match="17 characters"):
        credit_code_check_char(first17)


def test_is_valid_credit_code_answers_without_raising() -> None:
    assert is_valid_credit_code(HUAWEI)
    assert not is_valid_credit_code(HUAWEI[:17] + "7")
    assert not is_valid_credit_code("not a code")


def test_errors_are_value_errors_so_generic_handlers_catch_them() -> None:
    assert issubclass(CreditCodeError, ValueError)
