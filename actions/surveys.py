"""After closure: asking for satisfaction and the follow-up, and hearing the answers.

The job worker triggers `EXTERNAL_satisfaction_survey` / `EXTERNAL_follow_up` with the complaint
ID; the answer may come much later (another session), so it is matched to the customer's survey
awaiting an answer in the store, not to slots.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Services, services
from actions.tracker_view import customer_channel, latest_entity, latest_intent, latest_text
from bot.app.surveys import SurveyReply, record_follow_up, record_satisfaction


def _say(dispatcher: CollectingDispatcher, svc: Services, reply: SurveyReply) -> List[Dict[Text, Any]]:
    """The reply to the customer, and the slots it changes."""
    values: Dict[str, Any] = {"complaint_id": reply.complaint_id}
    if reply.contact_at is not None:
        values["contact_time"] = svc.format_due(reply.contact_at, whole_days=False)
    dispatcher.utter_message(response=reply.response, **values)
    if reply.complaint_id is None:
        return []
    events = [SlotSet("complaint_id", reply.complaint_id)]
    if reply.prior_complaints is not None:  # reopened: the escalation rules see it live again
        events.append(SlotSet("prior_complaints", reply.prior_complaints))
    return events


class ActionAskSatisfaction(Action):
    def name(self) -> Text:
        return "action_ask_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_ask_satisfaction",
                                 complaint_id=latest_entity(tracker, "complaint_id"))
        return []


class ActionRecordSatisfaction(Action):
    """A score 1-5 (buttons, digits, stars or words); a low one reopens the complaint."""

    def name(self) -> Text:
        return "action_record_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        button = latest_entity(tracker, "score")
        reply = await asyncio.to_thread(
            record_satisfaction, svc.surveys, svc.queue, customer_channel(tracker), tracker.sender_id,
            latest_text(tracker), int(button) if button and button.isdigit() else None, svc.now())
        return _say(dispatcher, svc, reply)


class ActionAskFollowUp(Action):
    def name(self) -> Text:
        return "action_ask_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_ask_follow_up",
                                 complaint_id=latest_entity(tracker, "complaint_id"))
        return []


class ActionRecordFollowUp(Action):
    """Yes: glad. No: the complaint is reopened for a supervisor."""

    def name(self) -> Text:
        return "action_record_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        reply = await asyncio.to_thread(
            record_follow_up, svc.surveys, svc.queue, customer_channel(tracker), tracker.sender_id,
            latest_intent(tracker) == "affirm", latest_text(tracker), svc.now())
        return _say(dispatcher, svc, reply)
