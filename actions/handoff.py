"""Handing the conversation to a person: store the complaint with what is known, queue it for an
agent, tell the customer who takes over and when, and pause the assistant.

Predicted by `rasa_ext.escalation_policy.EscalationPolicy`, which leaves its decisions in the slot
`handoff_decisions`; the customer's earlier complaints are looked up again here, fresh.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Services, services
from actions.submission import after_recording, collected_complaint
from actions.tracker_view import customer_channel
from bot.complaints import merge_description
from bot.escalation import PRIORITIES, Decision, PriorComplaint, decide
from bot.handoff import HandoffResult, hand_off
from bot.intake import record_complaint
from bot.situation import current_stretch, customer_turns, situation_from_events


def _decisions(tracker: Tracker, svc: Services) -> List[Decision]:
    """The policy's decisions, and any the fresh store data adds (most urgent first)."""
    found = {d["reason"]: Decision(d["reason"], d["priority"], d["explanation"])
             for d in tracker.get_slot("handoff_decisions") or ()}
    history = svc.store.for_customer(customer_channel(tracker), tracker.sender_id)
    situation = situation_from_events(tracker.events, tracker.current_slot_values(), svc.now(),
                                      [PriorComplaint.from_complaint(c) for c in history])
    for decision in decide(situation):
        found.setdefault(decision.reason, decision)
    return sorted(found.values(), key=lambda d: PRIORITIES.index(d.priority))


def _story(tracker: Tracker) -> str:
    """What the customer said in this stretch of the conversation, as the complaint's story."""
    story = ""
    for turn in customer_turns(current_stretch(tracker.events)):
        if turn.text and not turn.text.startswith("/"):
            story = merge_description(story, turn.text)
    return story or "（客户要求人工处理，尚未描述问题）"


def _record_and_hand_off(tracker: Tracker, svc: Services) -> HandoffResult:
    decisions = _decisions(tracker, svc)
    if not decisions:  # the policy saw a reason the store no longer confirms: a person decides
        decisions = [Decision("human_request", "P3", "机器人判断需要人工，但未能复核原因")]
    collected = collected_complaint(tracker, description=_story(tracker),
                                    escalation_reasons=[d.reason for d in decisions])
    recorded = record_complaint(svc.store, svc.policies, collected, svc.now(), svc.tz)
    return hand_off(svc.queue, svc.jobs, recorded.complaint, decisions, svc.now())


class ActionHandOff(Action):
    def name(self) -> Text:
        return "action_hand_off"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        result = await asyncio.to_thread(_record_and_hand_off, tracker, svc)
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
