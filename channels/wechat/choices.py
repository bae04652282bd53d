"""Buttons where there are none: WeChat text messages show a bot message's buttons as numbered
options, and a reply that is just one of those numbers means that button.

Buttons whose titles carry their own numbers ("5 非常满意" … "1 很不满意", the satisfaction check) keep
them: "2" is then the option titled 2, as the question says, not the second one listed.

The buttons of the newest message a customer received are remembered per customer in the shared
key-value store (so any instance maps the digit); a message without buttons forgets them.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.responses import load_responses
from bot.script import detect_script
from channels.keyvalue import KeyValue, off_loop

logger = logging.getLogger(__name__)

#: The domain response that introduces the options ("回复数字即可：").
HINT_RESPONSE = "utter_wechat_choose_by_number"
_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.。、)）]?\s*")
_OWN_NUMBER = re.compile(r"\s*(\d{1,2})[\s.。、)）]+(.*)", re.DOTALL)
_PURPOSE = "wechat: numbered options"


def own_numbers(titles: Sequence[str]) -> Optional[List[Tuple[int, str]]]:
    """(number, rest of the title) when every title starts with a number of its own, all
    different ("5 非常满意", "4 满意", …); else None."""
    found = [_OWN_NUMBER.fullmatch(unicodedata.normalize("NFKC", title or "")) for title in titles]
    if not titles or not all(found):
        return None
    numbered_titles = [(int(match.group(1)), match.group(2).strip()) for match in found if match]
    return numbered_titles if len({number for number, _ in numbered_titles}) == len(titles) else None


def numbered(text: str, titles: Sequence[str], hint: Optional[str]) -> str:
    """`text` followed by the hint and the options, one per line: numbered from 1, or by their
    own numbers when their titles carry them."""
    own = own_numbers(titles)
    pairs = own if own is not None else list(enumerate(titles, 1))
    lines = [f"{number}. {title}" for number, title in pairs]
    options = "\n".join([hint, *lines] if hint else lines)
    return f"{text}\n\n{options}" if text else options


def hint_for(text: str) -> Optional[str]:
    """The options' hint in the script `text` is written in; None (logged) while domain.yml
    lacks it."""
    try:
        return load_responses().render(HINT_RESPONSE, detect_script(text))
    except KeyError:
        logger.warning("wechat: domain.yml has no response %s; options shown without it", HINT_RESPONSE)
        return None


def chosen_number(text: str) -> Optional[int]:
    """The number a reply consists of ("2", "２", " 2. "), or None for any other reply."""
    found = _NUMBER.fullmatch(unicodedata.normalize("NFKC", text or ""))
    return int(found.group(1)) if found else None


class Choices:
    """The buttons each customer was last shown. Without the shared store (Redis down) numbers
    are taken as text, and this is logged: the conversation goes on."""

    def __init__(self, store: KeyValue, remember_s: float) -> None:
        self.store = store
        self.remember_s = remember_s

    async def remember(self, openid: str, buttons: Sequence[Dict[str, Any]]) -> None:
        """`buttons` (Rasa's {title, payload}) are now what a number answers."""
        options = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons]
        await off_loop(self.store.set, _key(openid), options, self.remember_s,
                       unavailable=None, purpose=_PURPOSE)

    async def forget(self, openid: str) -> None:
        await off_loop(self.store.delete, _key(openid), unavailable=None, purpose=_PURPOSE)

    async def resolve(self, openid: str, text: str) -> Optional[Dict[str, str]]:
        """The button ({title, payload}) a reply of just a number picks, or None."""
        number = chosen_number(text)
        if number is None:
            return None
        options: List[Dict[str, str]] = await off_loop(self.store.get, _key(openid), unavailable=None,
                                                       purpose=_PURPOSE) or []
        own = own_numbers([option["title"] for option in options])
        if own is not None:
            return next((option for option, (own_number, _) in zip(options, own) if own_number == number), None)
        return options[number - 1] if 1 <= number <= len(options) else None


def _key(openid: str) -> str:
    return f"choices:{openid}"
