"""A turn no rule or story expects (RulePolicy's core fallback, config.yml).

A yes or a no is expected only after a yes/no question (the read-back, the plan, "还有什么…吗"; the
rules in data/rules.yml say after which). Elsewhere, and above all as a customer's first message,
a "no" is usually a complaint said as a question ("没收到货，是哪里的问题") that the NLU heard as
`deny`: when the NLU gave such a message a reading as a complaint (it names a problem), the message
is read again with it, and the rules take it up as any complaint (empathy, then the form). Any
other unexpected turn gets Rasa's default fallback: utter_default, the message taken back.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, UserUttered, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from bot.metadata import READING_IF_UNASKED_KEY


class ActionUnexpectedTurn(Action):
    def name(self) -> Text:
        return "action_unexpected_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        reading = latest.get(READING_IF_UNASKED_KEY)
        if not reading:
            dispatcher.utter_message(response="utter_default")
            return [UserUtteranceReverted()]
        parse_data = {key: copy.deepcopy(value) for key, value in latest.items()
                      if key != READING_IF_UNASKED_KEY}
        parse_data.update(intent=reading[0], intent_ranking=reading)
        return [UserUtteranceReverted(), ActionExecuted("action_listen"),
                UserUttered(latest.get("text"), parse_data,
                            input_channel=tracker.get_latest_input_channel())]
