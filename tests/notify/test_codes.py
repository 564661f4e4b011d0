"""One-time SMS codes: sent in Chinese, stored hashed, good once, for ten minutes and five tries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import TestCase

from sanfu.notify.codes import Checked, TooManyCodes, check_code, issue_code
from sanfu.notify.models import OneTimeCode

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
START = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def sent_code(sms: list[tuple[str, str]], phone: str = PHONE) -> str:
    texts = [text for to, text in sms if to == phone]
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1])
    assert found, texts
    return found.group(1)


def issue(phone: str = PHONE, *, purpose: str = "track", address: str = "") -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        issue_code(purpose, phone, address=address)


def test_a_code_is_texted_in_chinese_and_works_once(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        assert "验证码" in sms[-1][1]
        assert "10分钟" in sms[-1][1]
        assert check_code("track", PHONE, code)
        assert not check_code("track", PHONE, code)


def test_the_code_is_stored_only_as_a_hash(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64


def test_a_code_expires_after_ten_minutes(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
    with time_machine.travel(START + timedelta(minutes=10, seconds=1), tick=False):
        assert not check_code("track", PHONE, code)


def test_a_code_still_works_just_before_it_expires(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
    with time_machine.travel(START + timedelta(minutes=9, seconds=59), tick=False):
        assert check_code("track", PHONE, code)


def test_five_wrong_tries_spend_the_code(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(5):
            assert not check_code("track", PHONE, wrong)
        assert not check_code("track", PHONE, code)


def test_four_wrong_tries_leave_the_fifth(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        for _ in range(4):
            assert not check_code("track", PHONE, "000000" if code != "000000" else "111111")
        assert check_code("track", PHONE, f" {code} ")


def test_a_code_is_good_only_for_its_phone_and_purpose(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        assert not check_code("track", "13987654321", code)
        assert not check_code("login", PHONE, code)
        assert check_code("track", PHONE, code)


def test_a_new_code_retires_the_old_one(sms):
    with time_machine.travel(START, tick=False):
        issue()
        first = sent_code(sms)
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        issue()
        second = sent_code(sms)
        if first != second:
            assert not check_code("track", PHONE, first)
        assert check_code("track", PHONE, second)


def test_nothing_to_check_without_a_code(sms):
    assert not check_code("track", PHONE, "123456")


def test_full_width_digits_are_read(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
        assert check_code("track", PHONE, wide)


def test_one_code_a_minute_per_phone(sms):
    with time_machine.travel(START, tick=False):
        issue()
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        with pytest.raises(TooManyCodes) as refused:
            issue()
        assert refused.value.status == 429
        assert "30" in refused.value.message
        assert "秒" in refused.value.message
    assert len(sms) == 1


def test_at_most_five_codes_an_hour_per_phone(sms):
    for minute in range(5):
        with time_machine.travel(START + timedelta(minutes=2 * minute), tick=False):
            issue(purpose="track" if minute % 2 else "login")
    with time_machine.travel(START + timedelta(minutes=12), tick=False):
        with pytest.raises(TooManyCodes) as refused:
            issue()
        assert "5" in refused.value.message
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        issue()
    assert len(sms) == 6


def test_at_most_twenty_codes_an_hour_per_address(sms):
    with time_machine.travel(START, tick=False):
        for n in range(20):
            issue(f"1390000{n:04d}", address="203.0.113.9")
        with pytest.raises(TooManyCodes):
            issue("13911112222", address="203.0.113.9")
        issue("13911112222", address="203.0.113.10")


def test_a_code_not_delivered_is_still_counted(sms):
    with time_machine.travel(START, tick=False):
        issue_code("track", PHONE, deliver=False)
        assert not sms
    with (
        time_machine.travel(START + timedelta(seconds=10), tick=False),
        pytest.raises(TooManyCodes),
    ):
        issue()


def test_old_rows_are_deleted(sms):
    with time_machine.travel(START, tick=False):
        issue()
    with time_machine.travel(START + timedelta(days=1, minutes=1), tick=False):
        issue("13987654321")
    assert list(OneTimeCode.objects.values_list("phone", flat=True)) == ["13987654321"]


def test_what_is_not_six_digits_is_a_wrong_try(sms):
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        for typed in ("abcdef", "12345", "1234567", "١٢٣٤٥٦"):  # the last: Arabic-Indic digits
            assert not check_code("track", PHONE, typed)
        assert check_code("track", PHONE, code)  # four tries spent, the fifth is right


def test_the_check_says_why_a_code_was_refused(sms):
    assert check_code("track", PHONE, "123456") is Checked.MISSING
    with time_machine.travel(START, tick=False):
        issue()
        code = sent_code(sms)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(5):
            assert check_code("track", PHONE, wrong) is Checked.WRONG
        assert check_code("track", PHONE, code) is Checked.SPENT
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        issue()
        code = sent_code(sms)
        assert check_code("track", PHONE, code) is Checked.ACCEPTED
        assert check_code("track", PHONE, code) is Checked.MISSING


def test_a_caller_may_give_a_code_a_shorter_life(sms):
    with time_machine.travel(START, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        issued = issue_code("login", PHONE, minutes=5)
    assert issued.expires_at == START + timedelta(minutes=5)
    assert "5分钟" in sms[-1][1]
    code = sent_code(sms)
    with time_machine.travel(START + timedelta(minutes=5, seconds=1), tick=False):
        assert not check_code("login", PHONE, code)
