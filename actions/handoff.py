"""Handing the conversation to a person: store the complaint with what is known (or escalate the
one this conversation already filed; or, when the customer asked for a person before telling any
problem, queue the conversation without a complaint), queue it for an agent, tell the customer
who takes over and when, and pause the assistant.

Predicted only by `rasa_ext.escalation_policy.EscalationPolicy`, which decides (`bot.app.escalation`)
and leaves its decisions in the slot `handoff_decisions`; this action carries out exactly those.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import services
from actions.submission import after_recording
from actions.tracker_view import PER_COMPLAINT_SLOTS, collected_complaint, customer_channel, customer_script
from bot.app.escalation import DECISIONS_SLOT, decisions_from_slot
from bot.app.handoffs import HandoffResult, escalate_filed, hand_off, hand_off_without_complaint
from bot.handoff import ProblemKeys, case_response, is_new_problem, nothing_told
from bot.answers import details_told
from bot.situation import (RECORDED_SLOT, current_stretch, customer_turns, heard_details, prior_complaint_values,
                           said_since_recorded, story_since_recorded, story_so_far, tells_a_story)
from bot.storage import Complaint

#: What the customer is told about the wait, for each wording of the promise
#: (`bot.handoff.ContactPromise.wording`).
PROMISE_RESPONSES = {"minutes": "utter_handoff_wait", "time": "utter_handoff_by_time",
                     "after_hours": "utter_handoff_after_hours", "on_call": "utter_handoff_on_call"}

def filed_complaint_to_escalate(tracker: Tracker) -> Optional[str]:
    """The ID of the complaint this conversation filed when the customer is still on it (no new
    problem told since: `bot.handoff.is_new_problem`), else None."""
    complaint_id = tracker.get_slot(RECORDED_SLOT)
    if not complaint_id:
        return None
    filed = next((c for c in tracker.get_slot("prior_complaints") or ()
                  if c.get("public_id") == complaint_id), {})
    heard = heard_details(tracker.events)
    told = ProblemKeys(category=tracker.get_slot("complaint_category"),
                       order_number=tracker.get_slot("order_number") or heard.get("order_number"))
    keys = ProblemKeys(category=filed.get("category"), order_number=filed.get("order_number"))
    return None if is_new_problem(keys, told) else str(complaint_id)


def updated_prior(tracker: Tracker, complaint: Complaint) -> List[Dict[str, Any]]:
    """The slot `prior_complaints` with `complaint` as it is now (e.g. given the order number
    the customer told after filing), so a later order number is judged against it."""
    now = prior_complaint_values([complaint])[0]
    return [now if c.get("public_id") == complaint.public_id else c
            for c in tracker.get_slot("prior_complaints") or ()]


def told_nothing(tracker: Tracker) -> bool:
    """The customer asked for a person before telling any problem (e.g. "转人工" first)."""
    details: Dict[str, Any] = {name: tracker.get_slot(name) for name in PER_COMPLAINT_SLOTS
                               if name not in ("anger_level", DECISIONS_SLOT)}
    heard = heard_details(tracker.events)
    heard.pop("complaint_category", None)  # the category classifier labels every message, "转人工" too
    details.update(heard)
    intents = [turn.intent for turn in customer_turns(current_stretch(tracker.events))]
    return nothing_told(intents, details) and not tells_a_story(tracker.events)


class ActionHandOff(Action):
    def name(self) -> Text:
        return "action_hand_off"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        decisions = decisions_from_slot(tracker.get_slot(DECISIONS_SLOT))
        filed = filed_complaint_to_escalate(tracker)
        story = story_so_far(tracker.events)
        result: HandoffResult
        events: List[Dict[Text, Any]] = []
        if filed:
            told = details_told(said_since_recorded(tracker.events), svc.now().astimezone(svc.tz).date())
            result = await asyncio.to_thread(escalate_filed, svc.queue, svc.jobs, filed, decisions,
                                             svc.now(), told, story_since_recorded(tracker.events))
            assert result.complaint is not None
            events = [SlotSet(name, None) for name in PER_COMPLAINT_SLOTS]
            events.append(SlotSet("prior_complaints", updated_prior(tracker, result.complaint)))
        elif told_nothing(tracker):  # nothing to record: no complaint is invented
            result = await asyncio.to_thread(
                hand_off_without_complaint, svc.queue, svc.jobs, customer_channel(tracker),
                tracker.sender_id, customer_script(tracker).value, decisions, svc.now())
        else:
            result = await asyncio.to_thread(
                hand_off, svc.store, svc.policies, svc.queue, svc.jobs,
                collected_complaint(tracker, description=story,
                                    heard=heard_details(tracker.events)), decisions, svc.now(), svc.tz)
            assert result.complaint is not None
            events = after_recording(tracker, result.complaint)
        case, promise = result.case, result.promise
        opening = svc.empathy.handoff_response(case.reason, story)
        if case.reason == "human_request" and result.complaint is None:
            opening = "utter_handoff_human_request_first"  # nothing was said to pass on
        dispatcher.utter_message(response=opening)
        complaint_id = case.complaint_id
        dispatcher.utter_message(response=case_response(PROMISE_RESPONSES[promise.wording], complaint_id),
                                 minutes=promise.minutes,
                                 contact_time=svc.format_due(promise.at, whole_days=False),
                                 complaint_id=complaint_id)
        events += [SlotSet("handoff_reason", case.reason), SlotSet("requested_slot", None)]
        if tracker.active_loop_name:
            events.append(ActiveLoop(None))
        return events + [ConversationPaused()]

