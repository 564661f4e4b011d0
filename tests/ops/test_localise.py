"""The real messages told as the demo county's: coded places become its own, dates move into
the seeded history together."""

from __future__ import annotations

from datetime import date

from sanfu.ops.synthetic.localise import dates_localise, places_localise


def test_a_coded_city_becomes_the_county_and_its_districts_the_town():
    text = "A市A5区洞井街道；K4县交通局；A市城乡规划局A5区分局"
    assert places_localise(text, county="云溪县", town="石门镇") == (
        "云溪县石门镇洞井街道；云溪县交通局；云溪县城乡规划局石门镇分局"
    )


def test_a_mall_s_block_is_not_a_place_code():
    assert places_localise("商业广场A区4楼", county="云溪县", town="石门镇") == "商业广场A区4楼"


def test_dates_move_together_so_the_latest_is_the_anchor():
    text = "于2019年5月6日核查，2016年出台规定。2019年5月14日"
    assert dates_localise(text, anchor=date(2026, 11, 20)) == (
        "于2026年11月12日核查，2023年出台规定。2026年11月20日"
    )


def test_dotted_and_written_out_dates_are_moved_too():
    moved = dates_localise("2018.12.25答复 二〇一二年五月二十四日", anchor=date(2026, 1, 1))
    assert "2018" not in moved
    assert "2026年1月1日" in moved


def test_a_text_without_dates_is_left_alone():
    assert dates_localise("路灯已修复。", anchor=date(2026, 1, 1)) == "路灯已修复。"
