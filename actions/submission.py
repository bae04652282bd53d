"""Recording the confirmed complaint, stating the plan, and hearing whether it satisfies."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint_form import today, unvalidated_fields
from actions.plan import state_plan
from actions.readback import corrected_events, corrected_field
from actions.runtime import services
from actions.tracker_view import PER_COMPLAINT_SLOTS, collected_complaint, latest_text
from bot.answers import Kind, read_message
from bot.app.complaints import accept_plan, record_complaint
from bot.situation import prior_complaint_values
from bot.storage import Complaint


def after_recording(tracker: Tracker, complaint: Complaint) -> List[Dict[Text, Any]]:
    """Slot events once `complaint` is stored: its ID kept and known to the escalation rules,
    the per-complaint slots emptied for the next one."""
    return [SlotSet("complaint_id", complaint.public_id),
            SlotSet("prior_complaints", [*(tracker.get_slot("prior_complaints") or ()),
                                         *prior_complaint_values([complaint])])] + [
        SlotSet(name, None) for name in PER_COMPLAINT_SLOTS
    ]


class ActionSubmitComplaint(Action):
    def name(self) -> Text:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = latest_text(tracker)
        reading = read_message("" if text.startswith("/") else text, None, today())
        field = corrected_field(reading) if reading.kind == Kind.CORRECTION else None
        if field and reading.answers.get(field) is not None:
            # "对，但是电话改一下 139…" heard as a yes: the change first, then the read-back again.
            dispatcher.utter_message(response="utter_noted_correction")
            return [*corrected_events(field, reading), FollowupAction("action_read_back")]
        unchecked = unvalidated_fields(tracker.current_slot_values())
        if unchecked:  # never record what the form did not validate: ask for it again
            dispatcher.utter_message(response="utter_answer_not_recorded")
            return [*(SlotSet(name, None) for name in unchecked), FollowupAction("complaint_form")]
        svc = services()
        collected = collected_complaint(tracker)
        recorded = await asyncio.to_thread(
            record_complaint, svc.store, svc.policies, collected, svc.now(), svc.tz, svc.queue.settings.hours)
        # A case opened before any problem was told (e.g. "转人工" first) gets this complaint.
        await asyncio.to_thread(svc.queue.attach, recorded.complaint.public_id, svc.now())
        dispatcher.utter_message(response="utter_complaint_recorded",
                                 complaint_id=recorded.complaint.public_id)
        state_plan(dispatcher, svc, recorded)
        return after_recording(tracker, recorded.complaint)


class ActionRecordAcceptance(Action):
    """The plan accepted: thanks, and a satisfaction check is scheduled (a declined plan:
    action_decline_plan)."""

    def name(self) -> Text:
        return "action_record_acceptance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        await asyncio.to_thread(accept_plan, svc.store, svc.surveys, tracker.get_slot("complaint_id"), svc.now())
        dispatcher.utter_message(response="utter_plan_accepted")
        return []
