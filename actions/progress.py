"""Progress of a complaint: by its ID, or the customer's latest."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import services
from actions.tracker_view import customer_channel, latest_entity
from bot.complaints import is_open, normalise_complaint_id
from bot.dialogue import FORM


class ActionCheckProgress(Action):
    def name(self) -> Text:
        return "action_check_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # Store queries run off the event loop: the action server serves other customers meanwhile.
        svc = services()
        asked_id = latest_entity(tracker, "complaint_id")
        if asked_id:
            # Status only, never personal details: anyone holding the ID may ask.
            complaint = await asyncio.to_thread(svc.store.get, normalise_complaint_id(asked_id))
            if complaint is None:
                dispatcher.utter_message(response="utter_progress_not_found",
                                         complaint_id=normalise_complaint_id(asked_id))
                return []
        else:
            complaint = await asyncio.to_thread(
                svc.store.latest_for_customer, customer_channel(tracker), tracker.sender_id)
            if complaint is None:
                # Asked mid-form ("要多久才能处理好？"), the answer comes once it is recorded.
                telling = tracker.active_loop_name == FORM
                dispatcher.utter_message(response="utter_progress_while_telling" if telling
                                         else "utter_progress_none")
                return []
        labels = svc.labels
        common = dict(complaint_id=complaint.public_id,
                      category_label=labels.category(complaint.category),
                      status_label=labels.status(complaint.status))
        if is_open(complaint.status):
            dispatcher.utter_message(
                response="utter_progress_open", **common,
                created=svc.format_due(complaint.created_at, whole_days=True),
                first_response_due=svc.format_due(complaint.first_response_due, whole_days=False),
                remedy_due=labels.format_date(complaint.remedy_due or
                                              complaint.resolution_due.astimezone(svc.tz).date()),
            )
        else:
            dispatcher.utter_message(response="utter_progress_done", **common)
        return []
