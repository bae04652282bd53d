"""Validation of the complaint form: take the customer's words as answers, keep the whole story,
normalise what the customer gave.

The answers in the customer's own words are `custom` mappings in domain.yml with the conditions of
Rasa's `from_text` (`intent`, `not_intent`, `conditions`): Rasa leaves them alone and this action
takes the text, so a message received while the action server is down is never written into the
complaint unchecked (it was: an order number became the story, "换一个新的吧" the time).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_view import latest_intent, latest_text, slot_before_latest_message
from actions.runtime import services
from bot.complaints import (
    clean_answer, contact_answer, incident_time_answer, merge_description, says_something,
)

#: Fields whose change the customer should hear acknowledged ("已经帮您改过来了").
CORRECTABLE = ("complaint_category", "incident_time", "order_number", "desired_remedy",
               "contact_phone")


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_complaint_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        events = await super().run(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        for event in events:
            name = event.get("name")
            if event.get("event") != "slot" or name not in CORRECTABLE or name == requested:
                continue
            before = slot_before_latest_message(tracker, name)
            if before not in (None, event.get("value")):
                dispatcher.utter_message(response="utter_noted_correction")
                break
        return events

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """The latest message as the answer of each form slot whose text mapping applies (the
        first mapping that applies decides, as in Rasa: an entity Rasa took comes first)."""
        text = latest_text(tracker)
        return [SlotSet(slot, text) for slot in self.domain_slots(domain)
                if text and _text_mapping_applies(domain["slots"][slot].get("mappings", []), tracker)]

    def validate_complaint_details(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Add what the customer says to the story instead of replacing it."""
        previous = slot_before_latest_message(tracker, "complaint_details")
        text = str(value or "").strip()
        if not says_something(text) or text.startswith("/"):  # a button press carries no story
            return {"complaint_details": previous}
        return {"complaint_details": merge_description(previous, text)}

    def validate_incident_time(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """The customer's words for when; an order number or phone given instead is not a time
        (its own slot takes it) and the question is asked again."""
        return {"incident_time": incident_time_answer(value)}

    def validate_order_number(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"order_number": clean_answer(value)}

    def validate_desired_remedy(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Known remedies as they are; anything else is `other`, with the customer's words."""
        text = clean_answer(value)
        if text in services().labels.remedies:
            return {"desired_remedy": text}
        if text is None or text.startswith("/"):
            return {"desired_remedy": None}
        return {"desired_remedy": "other", "remedy_note": text}

    def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """A phone number, or the conversation itself when the customer gives none."""
        contact = contact_answer(value)
        if contact is None:
            dispatcher.utter_message(response="utter_phone_invalid")
        return {"contact_phone": contact}


#: What a recorded field must look like: what validation makes of it.
_VALID: Dict[str, Callable[[Any], bool]] = {
    "complaint_details": lambda value: isinstance(value, str) and says_something(value),
    "complaint_category": lambda value: value in services().labels.categories,
    "incident_time": lambda value: value is not None and incident_time_answer(value) == value,
    "order_number": lambda value: value is not None and clean_answer(value) == value,
    "desired_remedy": lambda value: value in services().labels.remedies,
    "contact_phone": lambda value: value is not None and contact_answer(value) == value,
}


def unvalidated_fields(slots: Dict[Text, Any]) -> List[str]:
    """The form's fields whose values are missing or not what validation makes of them (set
    while the action server was down, or before answers were validated)."""
    return [name for name, valid in _VALID.items() if not valid(slots.get(name))]


def _text_mapping_applies(mappings: List[Dict[Text, Any]], tracker: Tracker) -> bool:
    """Whether the first of `mappings` that fills the slot from the latest message is a text
    (`custom`) mapping."""
    intent = latest_intent(tracker)
    entities = {e.get("entity") for e in (tracker.latest_message or {}).get("entities", [])}
    for mapping in mappings:
        if not _intent_is_desired(mapping, intent):
            continue
        if mapping.get("type") == "from_entity" and mapping.get("entity") in entities:
            return False
        if mapping.get("type") == "custom" and _conditions_hold(mapping, tracker):
            return True
    return False


def _intent_is_desired(mapping: Dict[Text, Any], intent: Optional[str]) -> bool:
    wanted, unwanted = (mapping.get(key) or [] for key in ("intent", "not_intent"))
    wanted, unwanted = ([v] if isinstance(v, str) else v for v in (wanted, unwanted))
    return (not wanted or intent in wanted) and intent not in unwanted


def _conditions_hold(mapping: Dict[Text, Any], tracker: Tracker) -> bool:
    """No conditions, or one whose loop is active and whose slot (if named) is requested."""
    conditions = mapping.get("conditions") or []
    return not conditions or any(
        condition.get("active_loop") == tracker.active_loop_name
        and condition.get("requested_slot") in (None, tracker.get_slot("requested_slot"))
        for condition in conditions)
