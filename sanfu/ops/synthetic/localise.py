"""The real messages told as the demo county's own: its places instead of the anonymised city's,
and dates within the seeded history.

The messages come from a city whose place names the data's publishers coded ("A市", "A5区",
"K4县", "B9市"); the demo county has its own towns. A city ("A市") becomes the county, a
district or county of the city ("A5区", "K4县", "J11市") becomes the town the case lies in, so a
request about 石门镇 is answered about 石门镇 — but its offices ("K4县交通局") are the
county's. The messages' dates (2012–2020) are moved by one offset per text, so the latest
date in it falls on the day the case was received (a request) or answered (a reply), and the
dates inside keep their order and distances.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

# "A市" (a city), and "A5区", "K4县", "J11市", "A7县" (its districts and counties).
_CITY = re.compile(r"(?<![A-Za-z0-9])[A-Z]市")
_DISTRICT = re.compile(r"(?<![A-Za-z0-9])[A-Z]\d{1,2}\s?[区县市]")
# A district's office ("K4县交通局", "A5区人民政府") is the county's: a town has none.
_OFFICE_AFTER = re.compile(r"[^，。,;；\s]{0,6}?(?<!分)(局|委|厅|法院|检察院|政府|中心|医院)")
_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DOTTED_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})[./-](\d{1,2})[./-](\d{1,2})(?![\d.])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_CHINESE_DATE = re.compile(
    r"二[〇○零O][〇○零O一二三四五六七八九]{2}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
)
_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


def places_localise(text: str, *, county: str, town: str) -> str:
    """The text with the coded city named as the county and its districts as the town."""
    text = _DISTRICT.sub(lambda m: county if _OFFICE_AFTER.match(text, m.end()) else town, text)
    text = _CITY.sub(county, text)
    # "A市A5区" became "云溪县石门镇"; "A5区A5区" or "A市A市" must not read twice.
    for name in (county, town):
        text = text.replace(name + name, name)
    return text


def dates_localise(text: str, *, anchor: date) -> str:
    """The text's dates moved together so that the latest full date is `anchor`."""
    text = _CHINESE_DATE.sub(_chinese_to_digits, text)
    found = [_date_of(m) for m in (*_FULL_DATE.finditer(text), *_DOTTED_DATE.finditer(text))]
    dates = [d for d in found if d is not None]
    if not dates:
        return text
    latest = max(dates)
    offset = anchor - latest
    # "2016年" three years before the latest date stays three years before the anchor's year.
    years = anchor.year - latest.year
    # Years alone ("2016年我市出台") move by whole years; whole dates by the exact offset.
    # Full dates are replaced first and guarded from the year rule by a marker.
    text = _FULL_DATE.sub(lambda m: _shifted(m, offset, "{y}\0年{m}月{d}日"), text)
    text = _DOTTED_DATE.sub(lambda m: _shifted(m, offset, "{y}\0年{m}月{d}日"), text)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + years), text)
    return text.replace("\0", "")


def _date_of(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _shifted(match: re.Match[str], offset: timedelta, form: str) -> str:
    day = _date_of(match)
    if day is None:
        return match.group(0)
    moved = day + offset
    return form.format(y=moved.year, m=moved.month, d=moved.day)


def _chinese_to_digits(match: re.Match[str]) -> str:
    """二〇一二年五月二十四日 -> 2012年5月24日."""
    year_part, rest = match.group(0).split("年", 1)
    month_part, day_part = rest.rstrip("日").split("月")
    year = "".join(str(_DIGITS[c]) for c in year_part)
    return f"{year}年{_chinese_number(month_part)}月{_chinese_number(day_part)}日"


def _chinese_number(text: str) -> int:
    if "十" not in text:
        return _DIGITS[text]
    tens, _, units = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
