"""Long texts in pieces a channel accepts. WeChat: a text message holds at most 2048 bytes of UTF-8
(about 680 Chinese characters), in a passive reply and through the customer-service API alike.
Telegram: 4096 UTF-16 code units (4096 Chinese characters; an emoji counts two)."""
from __future__ import annotations

from typing import Callable, List

#: Where a text may be cut, best first: a line break, the end of a sentence, a pause.
_BREAKS = (("\n",), ("。", "！", "？", "!", "?", "；", ";", "…"), ("，", ",", "、", " "))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, size: Callable[[str], int] = utf8_len) -> List[str]:
    """`text` in pieces of at most `limit` by `size` (UTF-8 bytes unless told), in order, nothing
    lost but the line breaks at the cuts. Cuts fall at a line break, else a sentence end, else a
    pause, as long as that keeps at least half a piece; else anywhere between two characters."""
    pieces: List[str] = []
    rest = text
    while size(rest) > limit:
        cut = _chars_within(rest, limit, size)
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


def _chars_within(text: str, limit: int, size: Callable[[str], int]) -> int:
    """How many leading characters of `text` fit in `limit` (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += size(char)
        if used > limit:
            return max(index, 1)
    return len(text)
