"""Long answers reach WeChat customers whole, in pieces WeChat accepts."""
from __future__ import annotations

from channels.text import split_text, utf8_len

LIMIT = 2048


def test_a_short_text_is_one_piece():
    assert split_text("您好，已经帮您登记好了。", LIMIT) == ["您好，已经帮您登记好了。"]
    assert split_text("", LIMIT) == [""]


def test_a_long_text_is_cut_at_sentence_ends_and_nothing_is_lost():
    sentence = "您反映的耳机左耳没声音的问题我们已经记录下来了。"  # 24 characters, 72 bytes
    text = sentence * 100
    pieces = split_text(text, LIMIT)
    assert len(pieces) == 4
    assert all(utf8_len(piece) <= LIMIT for piece in pieces)
    assert all(piece.endswith("。") for piece in pieces)
    assert "".join(pieces) == text


def test_line_breaks_are_preferred_over_sentence_ends():
    paragraph = "第一句话。第二句话！" * 30  # 900 bytes: two fit in a piece
    text = "\n".join([paragraph] * 6)
    assert split_text(text, LIMIT) == ["\n".join([paragraph] * 2)] * 3


def test_text_without_any_break_is_cut_between_characters():
    text = "好" * 1000 + "😀" * 300  # 3000 + 1200 bytes; emoji are 4 bytes each
    pieces = split_text(text, LIMIT)
    assert all(utf8_len(piece) <= LIMIT for piece in pieces)
    assert "".join(pieces) == text
