"""Reading the complaint back (playbook step 5) and reopening a field the customer corrects."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import services
from actions.complaint_form import FIELDS, field_events, today
from actions.tracker_view import latest_entity, latest_intent, latest_text
from bot.answers import Reading, read_message
from bot.dates import TimeAnswer
from bot.complaints import CONTACT_HERE


class ActionReadBack(Action):
    def name(self) -> Text:
        return "action_read_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        labels = services().labels
        slot = tracker.get_slot
        remedy_label = labels.remedy(slot("desired_remedy"))
        if slot("desired_remedy") == "other" and slot("remedy_note"):
            remedy_label = slot("remedy_note")
        contact = slot("contact_phone")
        dispatcher.utter_message(
            response="utter_read_back",
            complaint_details=slot("complaint_details") or labels.unknown,
            category_label=labels.category(slot("complaint_category")),
            incident_time=_time_label(slot("incident_time"), slot("incident_date")) or labels.unknown,
            order_number=slot("order_number") or labels.unknown,
            remedy_label=remedy_label,
            contact_label=labels.contact_here if contact in (None, CONTACT_HERE) else contact,
        )
        return []


def _time_label(words: Optional[str], day: Optional[str]) -> Optional[str]:
    """The customer's words for when, with the day they mean: 上周三（11月25日）."""
    if not words:
        return None
    return TimeAnswer(words, date.fromisoformat(day) if day else None).describe(today())


class ActionResetField(Action):
    """The correction after the read-back: the field the customer names (a button, or words:
    "订单号写错了，是…") or whose new value they type gets that value, or is emptied so the form
    asks it again. No other field changes."""

    def name(self) -> Text:
        return "action_reset_field"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = latest_text(tracker)
        reading = read_message("" if text.startswith("/") else text, None, today())
        field = latest_entity(tracker, "field") or corrected_field(reading)
        form_fields = domain.get("forms", {}).get("complaint_form", {}).get("required_slots", [])
        if field not in form_fields:
            if latest_intent(tracker) == "nlu_fallback":  # "&&&&" at the read-back: said so, read back again
                dispatcher.utter_message(response="utter_fallback")
            return []
        if reading.answers.get(field) is None:
            events = [SlotSet(field, None)]
            if field == "desired_remedy":
                events.append(SlotSet("remedy_note", None))
            return events
        dispatcher.utter_message(response="utter_noted_correction")
        return corrected_events(field, reading)


def corrected_field(reading: Reading) -> Optional[str]:
    """The field a message typed at the read-back corrects: the one it names, or the only one
    whose value it gives."""
    given = [name for name in FIELDS if name in reading.answers]
    return reading.corrected or (given[0] if len(given) == 1 else None)


def corrected_events(field: str, reading: Reading) -> List[EventType]:
    """The slot events that give `field` the value `reading` carries for it."""
    value = reading.answers.get(field)
    events = field_events(field, value, today())
    if field == "desired_remedy" and value == "other":
        events.append(SlotSet("remedy_note", reading.answers.get("remedy_note")))
    return events
