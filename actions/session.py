"""Starting a session: what the store knows of this customer, for the escalation rules."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import services
from actions.tracker_view import customer_channel
from bot.app.customers import known_complaints


class ActionSessionStart(Action):
    """Rasa's session start, carrying slots over, plus the customer's earlier complaints in the
    slot `prior_complaints` (a repeat on the same order goes to a person)."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        carried = [SlotSet(name, value) for name, value in tracker.current_slot_values().items()
                   if value is not None and name != "prior_complaints"]
        known = await asyncio.to_thread(
            known_complaints, services().store, customer_channel(tracker), tracker.sender_id)
        return [SessionStarted(), *carried, SlotSet("prior_complaints", known),
                ActionExecuted("action_listen")]
