"""The tone rules: phrases never to use (忌语), read from data/forbidden_phrases.yml."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from bot.datafiles import load_yaml, repo_path
from bot.script import to_simplified

DEFAULT_PHRASES_PATH = repo_path("data/forbidden_phrases.yml")
_IGNORED = str.maketrans("", "", " \u3000\t\n，,。.！!？?、…")


@dataclass(frozen=True)
class ForbiddenPhrase:
    text: str
    opening_only: bool = False


def load_forbidden_phrases(path: Path = DEFAULT_PHRASES_PATH) -> Tuple[ForbiddenPhrase, ...]:
    """The forbidden phrases, Simplified script."""
    return tuple(
        ForbiddenPhrase(row["text"], bool(row.get("opening_only", False)))
        for row in load_yaml(path)["phrases"]
    )


def find_forbidden(text: str, phrases: Tuple[ForbiddenPhrase, ...] = ()) -> List[str]:
    """Forbidden phrases that `text` contains, in either script, ignoring spacing and punctuation."""
    phrases = phrases or load_forbidden_phrases()
    normalised = to_simplified(text).translate(_IGNORED)
    found = []
    for phrase in phrases:
        needle = phrase.text.translate(_IGNORED)
        hit = normalised.startswith(needle) if phrase.opening_only else needle in normalised
        if hit:
            found.append(phrase.text)
    return found
