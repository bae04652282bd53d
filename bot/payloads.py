"""Intent shortcuts ("/intent{entities}"): what a button or a menu sends in place of words.

Rasa takes a message that starts with "/" and names a known intent as that intent, with the
entities it carries, and skips the NLU. A customer can type one, so only the shortcuts the
assistant itself offers are taken as such: the buttons of domain.yml's responses, the plan's
alternative remedies (`remedy_payload`), and the WeChat menu and Telegram commands of
config/channels.yml. Anything else that starts with "/" is the customer's words
(`channels.boundary`): a typed "/restart", "/EXTERNAL_resolved" (a system event) or
'/complain_quality{"amount": "50000"}' (an invented entity) is read as text.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Iterator, Optional, Tuple

from bot.datafiles import load_yaml, repo_path

PREFIX = "/"
_SHORTCUT = re.compile(r"/(?P<intent>[^{@\s]+)(?P<entities>\{.*\})?", re.DOTALL)

#: An intent and its entities, in a form that compares equal however the JSON was spaced.
Shortcut = Tuple[str, str]


def remedy_payload(remedy: str) -> str:
    """The payload of a button that chooses `remedy` (a code of data/labels.yml's remedies)."""
    return f'/request_remedy{{"remedy": "{remedy}"}}'


def shortcut(text: str) -> Optional[Shortcut]:
    """The intent and entities `text` names as a shortcut, or None when it is not one."""
    match = _SHORTCUT.fullmatch(text.strip())
    if match is None:
        return None
    entities: Any = {}
    if match.group("entities"):
        try:
            entities = json.loads(match.group("entities"))
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            return None
    return match.group("intent"), json.dumps(entities, sort_keys=True, ensure_ascii=False)


def _payloads(root: Path) -> Iterator[str]:
    domain = load_yaml(root / "domain.yml")
    for variants in (domain.get("responses") or {}).values():
        for variant in variants or ():
            for button in variant.get("buttons") or ():
                yield str(button.get("payload", ""))
    for remedy in load_yaml(root / "data/labels.yml")["remedies"]:
        yield remedy_payload(str(remedy))
    channels = load_yaml(root / "config/channels.yml")
    for platform, table in (("wechat", "menu"), ("telegram", "commands")):
        yield from (str(text) for text in ((channels.get(platform) or {}).get(table) or {}).values())


@lru_cache(maxsize=None)
def offered_shortcuts(root: Path = repo_path(".")) -> FrozenSet[Shortcut]:
    """Every shortcut the assistant offers (module doc), read once per process."""
    return frozenset(found for found in map(shortcut, _payloads(root)) if found is not None)


def typed_as_words(text: str) -> Optional[str]:
    """`text` without its leading slashes when it starts with "/" but is no shortcut the assistant
    offers (the customer's words, for the NLU); None when it is to be sent on as it is (no slash,
    an offered shortcut, or nothing but slashes, which Rasa reads as words anyway)."""
    if not text.lstrip().startswith(PREFIX):
        return None
    found = shortcut(text)
    if found is not None and found in offered_shortcuts():
        return None
    return text.lstrip().lstrip(PREFIX).strip() or None
