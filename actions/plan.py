"""A declined plan: the alternatives the policy allows, then a person (bot/app/plans.py)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Services, services
from actions.tracker_view import customer_script, latest_entity, latest_text
from bot.app.complaints import RecordedComplaint
from bot.app.plans import choose_alternative, decline_plan, plan_to_person
from bot.payloads import remedy_payload
from bot.script import to_script

#: The alternatives offered for a complaint: {"complaint_id": …, "offered": [remedy…]}.
OFFERED_SLOT = "plan_alternatives"


def offered(tracker: Tracker) -> Optional[List[str]]:
    """The remedies offered for the conversation's latest complaint (None: none offered yet)."""
    value = tracker.get_slot(OFFERED_SLOT) or {}
    if value.get("complaint_id") != tracker.get_slot("complaint_id"):
        return None
    return list(value.get("offered") or ())


def state_plan(dispatcher: CollectingDispatcher, svc: Services, recorded: RecordedComplaint) -> None:
    """Tell the customer the plan of `recorded` with its dates, and ask whether it suits them."""
    deadline = recorded.plan.deadline
    dispatcher.utter_message(
        response=recorded.plan.response,
        first_response_due=svc.format_due(recorded.first_response_due, whole_days=False),
        remedy_due=svc.format_due(recorded.remedy_due, deadline.is_whole_days),
        working_days=deadline.working_days,
    )
    dispatcher.utter_message(response="utter_ask_plan_ok")


class ActionDeclinePlan(Action):
    """The customer declined the plan: the alternatives once, else a person."""

    def name(self) -> Text:
        return "action_decline_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        complaint_id = tracker.get_slot("complaint_id")
        declined = await asyncio.to_thread(decline_plan, svc.store, svc.policies, complaint_id,
                                           offered(tracker) is not None, svc.now())
        if not declined.alternatives:
            return [FollowupAction("action_plan_to_person")]
        script = customer_script(tracker)
        buttons = [{"title": to_script(svc.labels.remedy(remedy), script),
                    "payload": remedy_payload(remedy)} for remedy in declined.alternatives]
        dispatcher.utter_message(response="utter_plan_alternatives", buttons=buttons)
        return [SlotSet(OFFERED_SLOT, {"complaint_id": complaint_id, "offered": list(declined.alternatives)})]


class ActionChooseAlternative(Action):
    """The customer took one of the alternatives (a yes takes the first): its plan, asked again."""

    def name(self) -> Text:
        return "action_choose_alternative"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        alternatives = offered(tracker) or []
        remedy = latest_entity(tracker, "remedy")
        if remedy not in alternatives:
            if remedy is not None or not alternatives:  # something not offered: a person decides
                return [FollowupAction("action_plan_to_person")]
            remedy = alternatives[0]
        recorded = await asyncio.to_thread(choose_alternative, svc.store, svc.policies,
                                           tracker.get_slot("complaint_id"), remedy, svc.now(), svc.tz,
                                           svc.queue.settings.hours)
        state_plan(dispatcher, svc, recorded)
        return []


class ActionPlanToPerson(Action):
    """No plan suits the customer: the complaint goes to a person, who contacts them by a time."""

    def name(self) -> Text:
        return "action_plan_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        complaint_id = tracker.get_slot("complaint_id")
        result = await asyncio.to_thread(plan_to_person, svc.queue, svc.jobs, svc.labels, complaint_id,
                                         latest_text(tracker), svc.now())
        dispatcher.utter_message(response="utter_plan_to_person", complaint_id=complaint_id,
                                 contact_time=svc.format_due(result.promise.at, whole_days=False))
        return [SlotSet(OFFERED_SLOT, None)]
