"""The name finder: a common surname and one or two given-name characters, with guards that
keep everyday words, places and titles out."""

from __future__ import annotations

from sanfu.lib.names import mask_names, personal_names


def test_it_finds_a_third_party_s_full_name():
    assert personal_names("隔壁陈丽华家门口也黑着。") == ["陈丽华"]


def test_it_finds_a_two_character_name_only_beside_a_cue():
    assert personal_names("业主张伟多次反映") == ["张伟"]
    assert personal_names("请王强先生到场") == ["王强"]
    assert personal_names("村民刘芳说") == ["刘芳"]
    assert personal_names("张伟大的工程") == []


def test_everyday_words_places_and_titles_are_not_names():
    assert personal_names("我局高度重视，周边路灯已修复，黄金园小区和平路口。") == []
    assert personal_names("陈家湾村的王府井路") == []
    # 赵玉 the secretary, not 赵玉书.
    assert personal_names("县委赵玉书记高度重视") == ["赵玉"]


def test_names_are_masked_whole_longest_first():
    text = "陈丽华和陈丽都在"
    assert mask_names(text, ["陈丽", "陈丽华"]) == "陈**和陈*都在"
