"""Validation of the complaint form: keep the whole story, normalise what the customer gave."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_view import slot_before_latest_message
from bot.complaints import CONTACT_HERE, REMEDIES, merge_description
from bot.extraction import find_entity, normalise_phone

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

    def validate_complaint_details(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Add what the customer says to the story instead of replacing it."""
        previous = slot_before_latest_message(tracker, "complaint_details")
        text = str(value or "").strip()
        if not _says_something(text) or text.startswith("/"):  # a button press carries no story
            return {"complaint_details": previous}
        return {"complaint_details": merge_description(previous, text)}

    def validate_incident_time(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """The customer's words for when; an order number or phone given instead is not a time
        (its own slot takes it) and the question is asked again."""
        text = _clean(value)
        if text and not find_entity("date", text) and (
                find_entity("order_number", text) or find_entity("phone", text)):
            return {"incident_time": None}
        return {"incident_time": text if _says_something(text) else None}

    def validate_order_number(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"order_number": _clean(value)}

    def validate_desired_remedy(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Known remedies as they are; anything else is `other`, with the customer's words."""
        text = _clean(value)
        if text in REMEDIES:
            return {"desired_remedy": text}
        if text is None or text.startswith("/"):
            return {"desired_remedy": None}
        return {"desired_remedy": "other", "remedy_note": text}

    def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """A phone number, or the conversation itself when the customer gives none."""
        text = _clean(value) or ""
        phone = find_entity("phone", text)
        if phone:
            return {"contact_phone": normalise_phone(phone)}
        if sum(char.isdigit() for char in text) >= 7:
            dispatcher.utter_message(response="utter_phone_invalid")
            return {"contact_phone": None}
        return {"contact_phone": CONTACT_HERE}


def _says_something(text: Optional[str]) -> bool:
    """False for empty text and for punctuation or emoji alone ("？？", "😡")."""
    return any(char.isalnum() for char in text or "")


def _clean(value: Any) -> Optional[str]:
    text = str(value).strip() if value is not None else ""
    return text or None
