"""Answers to policy questions, from data/policies.yml."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import services
from actions.tracker_view import latest_intent

POLICY_INTENT_PREFIX = "ask_policy_"


class ActionAnswerPolicy(Action):
    def name(self) -> Text:
        return "action_answer_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        topic = (latest_intent(tracker) or "").removeprefix(POLICY_INTENT_PREFIX)
        answer = svc.policies.answer(topic)
        if answer is None:
            dispatcher.utter_message(response="utter_fallback")
            return []
        values = dict(answer.values)
        if answer.deadline is not None:
            now = svc.now()
            due = answer.deadline.due(now, svc.tz)
            if not answer.deadline.is_whole_days:  # a time is one someone is at work to keep
                due = svc.queue.settings.keepable(now, due)
            values["deadline"] = svc.format_due(due, answer.deadline.is_whole_days)
        dispatcher.utter_message(response=answer.response, **values)
        return []
