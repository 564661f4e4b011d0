"""Untrusted text: whatever the public sends is cleaned and bounded, never an exception."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sanfu.routing.text import (
    MAX_CHARS,
    Segmenter,
    char_codes,
    char_ngrams,
    clean,
    term_codes,
)


def test_html_is_removed_and_entities_are_read_as_text():
    assert clean("<p>路灯<b>不亮</b></p>&amp;<script>x</script>") == "路灯 不亮 & x"


def test_full_width_letters_and_invisible_characters_are_normalised():
    assert clean("ＡＢＣ１２３\u200b路\x00灯\ufeff") == "abc123路灯"


def test_an_enormous_paste_is_cut_to_the_limit():
    assert len(clean("路灯坏了" * 30_000)) == MAX_CHARS


def test_character_ngrams_do_not_cross_punctuation_and_digits_collapse():
    grams = char_ngrams("路灯，2024年", 2, 3)
    assert "灯，" not in grams
    assert "0年" in grams
    assert "路灯" in grams


def test_place_names_given_to_the_segmenter_stay_whole():
    words = Segmenter(["上坪村"]).words_of("上坪村村口的路灯坏了")
    assert "上坪村" in words


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_cleans_without_error_and_within_bounds(value: str):
    cleaned = clean(value)
    assert len(cleaned) <= MAX_CHARS
    assert "\x00" not in cleaned


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from("路灯坏了拖欠工资，。 0123abcXYZ\uf900\u3400"), st.characters()
        ),
        max_size=60,
    ),
    st.sampled_from([(1, 1), (1, 3), (2, 3), (2, 4), (3, 3)]),
)
def test_character_ngram_codes_are_the_ngrams_themselves(value: str, sizes: tuple[int, int]):
    # Prediction looks n-grams up as integer codes, training counts them as strings: the two
    # must be the same multiset, whatever the text (emoji, surrogates, letters, digits).
    text = clean(value)
    grams = char_ngrams(text, *sizes)
    codes = char_codes(text, *sizes)
    assert sorted(codes.tolist()) == sorted(term_codes(np.array(grams, dtype=np.str_)).tolist())
    assert len(set(grams)) == len(set(codes.tolist()))
    assert (codes > 0).all()


def test_a_term_that_cannot_be_an_ngram_has_no_code():
    codes = term_codes(np.array(["路灯", "路灯坏了吗", "😀", "a,b", ""], dtype=np.str_))
    assert codes[0] > 0
    assert (codes[1:] == -1).all()


def test_a_lone_surrogate_is_removed_and_does_not_break_segmentation():
    assert clean("\ud800路灯\udfff") == "路灯"
    assert Segmenter().words_of(clean("\ud800路灯坏了")) == ["路灯", "坏", "了"]
