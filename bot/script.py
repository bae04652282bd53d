"""Chinese script handling: which script a customer writes, and conversion between scripts.

NLU runs on Simplified text; a customer who writes Traditional gets Traditional replies.
"""
from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import Iterable, Optional

from opencc import OpenCC


class Script(str, Enum):
    """The two written forms of Chinese the assistant serves."""

    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"


#: The slot holding the script of customer messages cut from what Rasa sees of a long session.
SCRIPT_SLOT = "customer_script"


@lru_cache(maxsize=None)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


# Replies are a few hundred templates, and each customer message is read again (its script, its
# words for the escalation rules) on every later turn of its conversation: conversions and
# verdicts are remembered.
@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Return `text` with Traditional characters converted to Simplified."""
    return _converter("t2s").convert(text) if text else text


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """Return `text` in Traditional characters, Taiwan standard forms (核對, 裡, 著急)."""
    return _converter("s2tw").convert(text) if text else text


def to_script(text: str, script: Optional[Script]) -> str:
    """Render `text` (written in Simplified) in the customer's script."""
    return to_traditional(text) if script == Script.TRADITIONAL else text


def _changed_chars(original: str, converted: str) -> int:
    if len(original) != len(converted):
        return sum(1 for c in original if _converter("t2s").convert(c) != c)
    return sum(1 for a, b in zip(original, converted) if a != b)


@lru_cache(maxsize=4096)
def detect_script(text: str) -> Optional[Script]:
    """Tell which script `text` is written in, or None when it does not show.

    Most characters are the same in both scripts ("好的", digits, emoji), so a message
    only decides when it holds characters specific to one script.
    """
    if not text:
        return None
    traditional_evidence = _changed_chars(text, to_simplified(text))
    simplified_evidence = _changed_chars(text, to_traditional(text))
    if traditional_evidence > simplified_evidence:
        return Script.TRADITIONAL
    if simplified_evidence > traditional_evidence:
        return Script.SIMPLIFIED
    return None


def messages_script(user_texts_newest_first: Iterable[str]) -> Optional[Script]:
    """The script of the newest message that shows one; None if none does."""
    for text in user_texts_newest_first:
        script = detect_script(text)
        if script is not None:
            return script
    return None


def conversation_script(user_texts_newest_first: Iterable[str], earlier: Optional[str] = None) -> Script:
    """The script to answer in: that of the newest message that shows one, else `earlier` (the
    value of the slot `SCRIPT_SLOT`: that of messages no longer in view), else Simplified."""
    script = messages_script(user_texts_newest_first)
    if script is not None:
        return script
    return Script(earlier) if earlier in (Script.SIMPLIFIED.value, Script.TRADITIONAL.value) else Script.SIMPLIFIED
