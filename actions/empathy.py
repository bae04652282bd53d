"""Empathy before questions: acknowledge the feeling, scaled to how angry the customer sounds, in
the terms of what happened to them (data/empathy.yml)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint_form import today
from actions.runtime import services
from actions.tracker_view import latest_entity, latest_intent, latest_text
from bot.anger import AngerLevel
from bot.answers import Kind, read_message

_ORDER = [AngerLevel.CALM.value, AngerLevel.UPSET.value, AngerLevel.ANGRY.value]


class ActionEmpathize(Action):
    def name(self) -> Text:
        return "action_empathize"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        svc = services()
        text = latest_text(tracker)
        reading = read_message(text, None, today())
        if latest_intent(tracker) == "give_details" and not (reading.tells_story or svc.empathy.situation_of(text)):
            return []  # details alone ("订单号DD…"): nothing told yet to be sorry about
        if reading.kind == Kind.CORRECTION and tracker.get_slot("complaint_details"):
            return []  # "不对，订单号是…" at the read-back: a field put right, nothing new to be sorry about
        score = svc.anger.score(text, latest_intent(tracker))
        dispatcher.utter_message(response=svc.empathy.empathy_response(text, score.level.value))
        # The complaint keeps the highest level seen, for the colleague who follows up.
        previous = tracker.get_slot("anger_level") or AngerLevel.CALM.value
        highest = max(previous, score.level.value, key=_ORDER.index)
        events = [SlotSet("anger_level", highest)]
        # The category the NLU heard in the message that opens the complaint, so that the form
        # does not ask what the customer already said (rasa_ext.category_classifier).
        heard = latest_entity(tracker, "complaint_category")
        if heard and not tracker.get_slot("complaint_category"):
            events.append(SlotSet("complaint_category", heard))
        return events
