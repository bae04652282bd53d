"""Handing the conversation to a person: store the complaint with what is known, queue it for an
agent, tell the customer who takes over and when, and pause the assistant.

Predicted only by `rasa_ext.escalation_policy.EscalationPolicy`, which decides (`bot.app.escalation`)
and leaves its decisions in the slot `handoff_decisions`; this action carries out exactly those.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import services
from actions.submission import after_recording, collected_complaint
from bot.app.escalation import DECISIONS_SLOT, decisions_from_slot
from bot.app.handoffs import hand_off
from bot.situation import heard_details, story_so_far


class ActionHandOff(Action):
    def name(self) -> Text:
        return "action_hand_off"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        decisions = decisions_from_slot(tracker.get_slot(DECISIONS_SLOT))
        result = await asyncio.to_thread(
            hand_off, svc.store, svc.policies, svc.queue, svc.jobs,
            collected_complaint(tracker, description=story_so_far(tracker.events),
                                heard=heard_details(tracker.events)), decisions, svc.now(), svc.tz)
        case, promise = result.case, result.promise
        dispatcher.utter_message(response=f"utter_handoff_{case.reason}")
        if promise.in_hours:
            dispatcher.utter_message(response="utter_handoff_wait", minutes=promise.minutes,
                                     complaint_id=case.complaint.public_id)
        else:
            dispatcher.utter_message(response="utter_handoff_after_hours",
                                     contact_time=svc.format_due(promise.at, whole_days=False),
                                     complaint_id=case.complaint.public_id)
        events = after_recording(tracker, result.complaint) + [
            SlotSet("handoff_reason", case.reason),
            SlotSet("requested_slot", None),
        ]
        if tracker.active_loop_name:
            events.append(ActiveLoop(None))
        return events + [ConversationPaused()]
