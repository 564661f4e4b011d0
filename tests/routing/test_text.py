"""Untrusted text: whatever the public sends is cleaned and bounded, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sanfu.routing.text import MAX_CHARS, Segmenter, char_ngrams, clean


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
