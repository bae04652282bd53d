"""Long texts in pieces WeChat accepts: a text message holds at most 2048 bytes of UTF-8
(about 680 Chinese characters), in a passive reply and through the customer-service API alike."""
from __future__ import annotations

from typing import List

#: Where a text may be cut, best first: a line break, the end of a sentence, a pause.
_BREAKS = (("\n",), ("。", "！", "？", "!", "?", "；", ";", "…"), ("，", ",", "、", " "))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_text(text: str, limit_bytes: int) -> List[str]:
    """`text` in pieces of at most `limit_bytes` UTF-8 bytes, in order, nothing lost but the line
    breaks at the cuts. Cuts fall at a line break, else a sentence end, else a pause, as long as
    that keeps at least half a piece; else anywhere between two characters."""
    pieces: List[str] = []
    rest = text
    while utf8_len(rest) > limit_bytes:
        cut = _chars_within(rest, limit_bytes)
        for marks in _BREAKS:
            at = max(rest.rfind(mark, 0, cut) for mark in marks)
            if at + 1 >= cut // 2:
                cut = at + 1
                break
        piece, rest = rest[:cut].rstrip("\n"), rest[cut:].lstrip("\n")
        if piece:
            pieces.append(piece)
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _chars_within(text: str, limit_bytes: int) -> int:
    """How many leading characters of `text` fit in `limit_bytes` (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += utf8_len(char)
        if used > limit_bytes:
            return max(index, 1)
    return len(text)
