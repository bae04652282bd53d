"""What a channel says in its own domain.yml responses (not the dialogue's), checked whether or not
domain.yml has them yet: channels render them through Rasa's NLG and log the ones missing. And
which response a delivered text is, for texts no tracker event names (a fake platform's inbox,
what a channel says itself)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

from bot.datafiles import load_yaml, repo_path
from bot.responses import load_responses
from bot.script import Script, to_script


@lru_cache(maxsize=None)
def _templates() -> List[Tuple[int, str, "re.Pattern[str]"]]:
    """(length of the fixed text, response name, pattern) for every text variant in both scripts."""
    responses = load_yaml(repo_path("domain.yml")).get("responses") or {}
    templates = []
    for name, variants in responses.items():
        for text in {variant["text"] for variant in variants if variant.get("text")}:
            for script in Script:
                fixed = re.split(r"\{\w+\}", to_script(text, script))
                templates.append((sum(map(len, fixed)), name,
                                  re.compile(".*?".join(map(re.escape, fixed)), re.S)))
    return templates


def response_pattern(name: str) -> "re.Pattern[str]":
    """What any variant of response `name` looks like as delivered (either script, any values),
    for checks on a page, where no event names it."""
    patterns = [pattern.pattern for _, response, pattern in _templates() if response == name]
    if not patterns:
        raise KeyError(f"domain.yml has no response {name!r} with a text")
    return re.compile("|".join(patterns), re.S)


def response_name(text: str) -> Optional[str]:
    """The name of the domain.yml response that `text` is (either script, any values in its
    placeholders, maybe followed by what a channel adds, such as numbered options); None if none."""
    matches = [(length, name) for length, name, pattern in _templates() if pattern.match(text or "")]
    return max(matches)[1] if matches else None


def said_or_requested(rasa_log: Path, response: str, reply: Optional[str], expected: str = "") -> None:
    """The customer got `response` (with `expected` in it); while domain.yml lacks it, the channel
    asked for it (the Rasa log says so) and said nothing."""
    try:
        load_responses().variants(response)
    except KeyError:
        assert not reply
        assert f"domain.yml has no response {response}" in rasa_log.read_text(errors="replace")
        return
    assert reply and expected in reply
