"""Published text: a person's numbers are masked; an office's landline and hotline are kept in
an answer, because the answer is asked to give them."""

from __future__ import annotations

from sanfu.lib.anonymise import anonymise


def test_an_answer_keeps_office_landlines_and_hotlines_but_not_mobiles():
    reply = "请致电县城管局0571-88886666或拨打12345，经办人手机13812345678。"
    masked = anonymise(reply, keep_office_phones=True)
    assert "0571-88886666" in masked
    assert "12345" in masked
    assert "13812345678" not in masked
    assert "[手机号]" in masked


def test_a_request_masks_every_phone():
    masked = anonymise("我家电话0571-88886666，手机13812345678。")
    assert "0571-88886666" not in masked
    assert "[电话]" in masked
    assert "13812345678" not in masked
