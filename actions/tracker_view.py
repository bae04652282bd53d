"""Reading what the conversation holds from a Rasa SDK tracker."""
from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional

from rasa_sdk import Tracker

from bot.app.complaints import CollectedComplaint
from bot.script import SCRIPT_SLOT, Script, conversation_script

#: Slots that belong to one complaint: emptied once it is recorded, handed off or given up, so
#: the next one starts fresh. The contact stays: the customer should not have to give it twice.
PER_COMPLAINT_SLOTS = ("complaint_details", "complaint_category", "incident_time", "incident_date", "order_number",
                       "desired_remedy", "remedy_note", "amount", "anger_level", "handoff_decisions")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    """The value of the last `entity` found in the latest message, if any."""
    values = [e.get("value") for e in (tracker.latest_message or {}).get("entities", [])
              if e.get("entity") == entity]
    return values[-1] if values else None


def _user_events_newest_first(tracker: Tracker) -> Iterator[Dict[str, Any]]:
    return (e for e in reversed(tracker.events) if e.get("event") == "user")


def customer_script(tracker: Tracker) -> Script:
    """The script the customer writes in (as seen in their own messages)."""
    return conversation_script((e.get("text") or "" for e in _user_events_newest_first(tracker)),
                               tracker.get_slot(SCRIPT_SLOT))


def customer_channel(tracker: Tracker) -> str:
    """The channel the customer last wrote from (part of their identity with the sender id)."""
    return tracker.get_latest_input_channel() or "rest"


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value `slot` had before the customer's latest message was processed."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_latest_message = True
        elif seen_latest_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
        elif seen_latest_message and event.get("event") == "restart":
            return None
    return None


def collected_complaint(tracker: Tracker, description: Optional[str] = None,
                        heard: Optional[Mapping[str, str]] = None) -> CollectedComplaint:
    """The complaint the conversation's slots hold; `description` when the story slot is empty,
    and the details in `heard` (entity -> value, `bot.situation.heard_details`) where a slot is."""
    heard = heard or {}

    def slot(name: str, entity: Optional[str] = None) -> Any:
        return tracker.get_slot(name) or (heard.get(entity) if entity else None)

    return CollectedComplaint(
        channel=customer_channel(tracker),
        sender_id=tracker.sender_id,
        category=slot("complaint_category", "complaint_category") or "other",
        description=slot("complaint_details") or description or "",
        incident_time=slot("incident_time", "date"),
        order_reference=slot("order_number", "order_number"),
        desired_remedy=slot("desired_remedy", "remedy"),
        contact=slot("contact_phone", "phone"),
        amount_text=slot("amount", "amount"),
        incident_date=slot("incident_date"),
        script=customer_script(tracker).value,
        anger_level=slot("anger_level"),
    )
