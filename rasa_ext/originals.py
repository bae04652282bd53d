"""Rasa's own attributes that `rasa_ext.patches.install()` replaced, for the replacements to call on."""
from __future__ import annotations

from typing import Any, Dict, Tuple

#: Rasa's own attributes, as they were before `install()` replaced them.
_rasa_originals: Dict[Tuple[type, str], Any] = {}


def keep_original(owner: type, name: str) -> None:
    """Remember Rasa's own `owner.name` before it is replaced."""
    _rasa_originals[owner, name] = owner.__dict__[name]


def rasa_original(owner: type, name: str) -> Any:
    """Rasa's own `owner.name`, as it was before `install()` replaced it (what our replacements
    call on to)."""
    return _rasa_originals[owner, name]
