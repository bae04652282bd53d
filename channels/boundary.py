"""What a customer message may carry into Rasa: checked once, where every channel hands it over
(`channels.guard.guarded`).

- Text (the message and every string in its metadata) is repaired: a lone UTF-16 surrogate
  (valid in JSON's `\\ud800`, not in UTF-8) or a NUL character, which no database or encoder
  downstream can store, becomes U+FFFD.
- A message longer than `max_kept_message_chars` (config/channels.yml) is cut there: the hard
  cap on what one message can store. Metadata larger than that, or holding values JSON cannot
  carry, is dropped.
- A sender id that is not 1 to `max_sender_id_chars` printable characters is refused: it names
  no conversation this assistant can keep.
- A text that starts with "/" but is no shortcut the assistant offers (a button's or a menu's
  payload, `bot.payloads`) loses its leading slashes: Rasa would take a typed "/restart", a system
  event or an invented entity as given; the NLU reads the words instead.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, Optional

from rasa.core.channels.channel import UserMessage

from bot.datafiles import load_yaml, repo_path
from bot.payloads import typed_as_words

logger = logging.getLogger(__name__)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_MAX_DEPTH = 32


def _limits() -> Dict[str, int]:
    config = load_yaml(repo_path("config/channels.yml"))
    return {name: int(config[name]) for name in ("max_kept_message_chars", "max_sender_id_chars")}


def repaired(text: str) -> str:
    """`text` with each lone surrogate and NUL character replaced by U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


def sender_id_problem(sender_id: Any) -> Optional[str]:
    """Why `sender_id` cannot name a conversation, or None if it can."""
    longest = _limits()["max_sender_id_chars"]
    if not isinstance(sender_id, str) or not 0 < len(sender_id) <= longest or not sender_id.isprintable():
        return f"the sender id must be a text of 1 to {longest} printable characters"
    return None


def _json_value(value: Any, depth: int = 0) -> Any:
    """`value` with its strings repaired; None for what JSON cannot carry or nests too deep."""
    if isinstance(value, str):
        return repaired(value)
    if value is None or isinstance(value, float) or isinstance(value, int) and abs(value) < 2**63:
        return value
    if depth >= _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {repaired(str(key)): _json_value(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item, depth + 1) for item in value]
    return None


def admit(message: UserMessage, channel: str) -> bool:
    """Repair `message` in place (module doc); False if it must be refused (logged)."""
    problem = sender_id_problem(message.sender_id)
    if problem:
        logger.warning("a %s message refused: %s", channel, problem)
        return False
    limit = _limits()["max_kept_message_chars"]
    if isinstance(message.text, str):
        if len(message.text) > limit:
            logger.warning("a %s message of %d characters cut to %d (max_kept_message_chars)",
                           channel, len(message.text), limit)
        message.text = repaired(message.text[:limit])
        words = typed_as_words(message.text)
        if words is not None:
            logger.info("a %s message typed as an intent shortcut no button offers is read as words", channel)
            message.text = words
    metadata = _json_value(message.metadata or {})
    if not isinstance(metadata, dict) or len(json.dumps(metadata, ensure_ascii=False)) > limit:
        logger.warning("the metadata of a %s message dropped: not an object, or too large", channel)
        metadata = {}
    message.metadata = metadata
    return True
