"""Reading labelled and board CSVs: bad files are refused naming the line and the column."""

from __future__ import annotations

import io

import pytest

from sanfu.lib.errors import ValidationFailed
from sanfu.routing.datasets import ROUTING_LABELS, examples_read, public_messages_read


def read(text: str) -> list[object]:
    return list(examples_read(io.StringIO(text), labels=ROUTING_LABELS).examples)


def test_a_missing_column_is_named():
    with pytest.raises(ValidationFailed, match=r"missing column.*label"):
        read("id,title,text\n1,路灯,不亮\n")


def test_an_unknown_label_is_refused_with_its_line_and_column():
    with pytest.raises(ValidationFailed, match=r"line 3, column label: “天气”"):
        read("id,title,text,label\n1,路灯,不亮,城乡建设\n2,下雨,好大,天气\n")


def test_an_empty_label_is_refused():
    with pytest.raises(ValidationFailed, match="line 2, column label"):
        read("id,title,text,label\n1,路灯,不亮,\n")


def test_rows_without_any_text_are_skipped_and_counted():
    result = examples_read(
        io.StringIO("id,title,text,label\n1,,,城乡建设\n2,路灯,不亮,城乡建设\n"),
        labels=ROUTING_LABELS,
    )
    assert result.skipped == 1
    assert len(result.examples) == 1


def test_a_file_with_no_rows_is_refused():
    with pytest.raises(ValidationFailed, match="no messages"):
        read("id,title,text,label\n")


def test_a_very_long_message_is_read():
    assert len(read(f"id,title,text,label\n1,长,{'字' * 200_000},教育文体\n")) == 1


def test_board_times_in_either_format_are_read_and_bad_votes_are_named():
    messages = public_messages_read(
        io.StringIO(
            "id,user,title,time,text,against,likes\n"
            "1,u1,路灯,2019/7/3 9:05:01,不亮,0,2\n"
            "2,u2,路灯,2019-07-04 10:00:00,不亮,,\n"
        )
    )
    assert [m.at.day for m in messages] == [3, 4]
    assert messages[0].likes == 2
    with pytest.raises(ValidationFailed, match="line 2, column likes"):
        public_messages_read(
            io.StringIO("id,title,time,text,likes\n1,路灯,2019/7/3 9:05:01,不亮,many\n")
        )
