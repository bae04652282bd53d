"""Rendering domain.yml responses outside the Rasa server (messages sent by the job worker),
so every sentence a customer reads stays in domain.yml, in their script."""
from __future__ import annotations

import random
import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from bot.datafiles import load_yaml, repo_path
from bot.script import Script, to_script

DEFAULT_DOMAIN_PATH = repo_path("domain.yml")


class _KeepUnknown(Dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Responses:
    """The text responses of a domain."""

    def __init__(self, responses: Mapping[str, List[Mapping[str, Any]]]) -> None:
        self._responses = responses

    def variants(self, name: str) -> List[str]:
        """Every unconditional text variant of response `name`; `KeyError` if it has none."""
        texts = [v["text"] for v in self._responses.get(name) or () if v.get("text") and not v.get("condition")]
        if not texts:
            raise KeyError(f"domain.yml has no response {name!r} with an unconditional text")
        return texts

    def render(self, name: str, script: Optional[str] = None, **values: Any) -> str:
        """One variant of response `name` with its {placeholders} filled, in `script`."""
        text = string.Formatter().vformat(random.choice(self.variants(name)), (), _KeepUnknown(values))
        return to_script(text, Script(script) if script else Script.SIMPLIFIED)


@lru_cache(maxsize=None)
def load_responses(path: Path = DEFAULT_DOMAIN_PATH) -> Responses:
    """The responses of domain.yml, read once per process."""
    raw: Dict[str, Any] = load_yaml(Path(path))
    return Responses(raw.get("responses") or {})
