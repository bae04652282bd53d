"""Responses in the customer's script: domain.yml is written in Simplified Chinese, and a
customer who writes Traditional reads every reply converted to Traditional.

Configured in endpoints.yml as `nlg: {type: rasa_ext.nlg.ScriptAwareNLG}`.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.script import SCRIPT_SLOT, Script, conversation_script, to_script


def tracker_script(tracker: DialogueStateTracker) -> Script:
    """The script of the customer's newest message that shows one (of a compacted session's
    dropped messages, if no kept one does)."""
    return conversation_script(
        (event.text or "" for event in reversed(tracker.events) if isinstance(event, UserUttered)),
        tracker.get_slot(SCRIPT_SLOT))


def in_script(message: Dict[Text, Any], script: Script) -> Dict[Text, Any]:
    """A rendered response with its text and button titles in `script`."""
    converted = dict(message)
    if converted.get("text"):
        converted["text"] = to_script(converted["text"], script)
    if converted.get("buttons"):
        converted["buttons"] = [
            {**button, "title": to_script(button.get("title", ""), script)}
            for button in converted["buttons"]
        ]
    return converted


class ScriptAwareNLG(TemplatedNaturalLanguageGenerator):
    """Renders domain responses, then writes them in the customer's script."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker,
                       output_channel: Text, **kwargs: Any) -> Optional[Dict[Text, Any]]:
        message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if message is None:
            return None
        return in_script(message, tracker_script(tracker))

    def _fill_response(self, response: Dict[Text, Any], filled_slots: Optional[Dict[Text, Any]] = None,
                       **kwargs: Any) -> Dict[Text, Any]:
        """Rasa's, with two differences. A response without placeholders is returned as it is
        (Rasa formats every response with all slot values, a cost on every turn). Button payloads
        are kept as written: they are intents with JSON entities (`/request_remedy{"remedy":
        "refund"}`), never templates, and Rasa took each brace for a missing slot and logged an
        ERROR."""
        buttons = response.get("buttons") or []
        fillable = {**response, "buttons": [_without_payload(b) for b in buttons]} if buttons else response
        if _without_placeholders([fillable.get(key) for key in _FILLED_KEYS]):
            return response
        filled = super()._fill_response(fillable, filled_slots, **kwargs)
        if buttons:
            filled["buttons"] = [{**b, "payload": original["payload"]} if "payload" in original else b
                                 for b, original in zip(filled["buttons"], buttons)]
        return filled


#: The parts of a response Rasa fills slot values into (`TemplatedNaturalLanguageGenerator`).
_FILLED_KEYS = ("text", "image", "custom", "buttons", "attachment", "quick_replies")


def _without_payload(button: Any) -> Any:
    return {k: v for k, v in button.items() if k != "payload"} if isinstance(button, dict) else button


def _without_placeholders(value: Any) -> bool:
    if isinstance(value, str):
        return "{" not in value and "}" not in value
    if isinstance(value, dict):
        return all(_without_placeholders(v) for v in value.values())
    if isinstance(value, list):
        return all(_without_placeholders(v) for v in value)
    return True
