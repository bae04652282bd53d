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
        """Rasa's, which formats every response with all slot values (a thirtieth of a turn);
        a response without placeholders is returned as it is, as Rasa would return it."""
        if all(_without_placeholders(response.get(key)) for key in _FILLED_KEYS):
            return response
        return super()._fill_response(response, filled_slots, **kwargs)


#: The parts of a response Rasa fills slot values into (`TemplatedNaturalLanguageGenerator`).
_FILLED_KEYS = ("text", "image", "custom", "buttons", "attachment", "quick_replies")


def _without_placeholders(value: Any) -> bool:
    return value is None or (isinstance(value, str) and "{" not in value and "}" not in value)
