"""Serious signals and misunderstandings, recorded as escalation reasons on the complaint."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import (
    entity_slot_map, latest_intent, latest_text, slot_before_latest_message,
    user_intents_newest_first,
)
from bot.anger import fallback_limit
from bot.complaints import merge_description
from bot.escalation import FALLBACK_REASON, add_reason, consecutive_fallbacks, signal_for_intent


class ActionNoteEscalation(Action):
    """A threat, safety report, repeat or request for a person: note it, keep the facts."""

    def name(self) -> Text:
        return "action_note_escalation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        signal = signal_for_intent(latest_intent(tracker))
        if signal is None:
            return []
        events = [SlotSet("escalation_reasons",
                          add_reason(tracker.get_slot("escalation_reasons"), signal.reason))]
        if signal.carries_facts:
            previous = slot_before_latest_message(tracker, "complaint_details")
            events.append(SlotSet("complaint_details",
                                  merge_description(previous, latest_text(tracker))))
        if signal.default_category and not tracker.get_slot("complaint_category"):
            events.append(SlotSet("complaint_category", signal.default_category))
        # The form's slot mappings skip escalating messages; keep the facts they carry.
        for entity in (tracker.latest_message or {}).get("entities", []):
            slot = entity_slot_map(domain).get(entity.get("entity"))
            if slot:
                events.append(SlotSet(slot, entity.get("value")))
        dispatcher.utter_message(response=f"utter_escalation_noted_{signal.reason}")
        return events


class ActionFallback(Action):
    """A kind reply when not understood; after several in a row, the reason is recorded."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        misunderstood = consecutive_fallbacks(user_intents_newest_first(tracker))
        if misunderstood < fallback_limit():
            dispatcher.utter_message(response="utter_fallback")
            return []
        dispatcher.utter_message(response="utter_fallback_escalated")
        return [SlotSet("escalation_reasons",
                        add_reason(tracker.get_slot("escalation_reasons"), FALLBACK_REASON))]
