"""After closure: asking for satisfaction and the follow-up, and hearing the answers.

The job worker triggers `EXTERNAL_satisfaction_survey` / `EXTERNAL_follow_up` with the complaint
ID; the answer may come much later (another session), so it is matched to the customer's survey
awaiting an answer in the store, not to slots.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Services, services
from actions.tracker_view import customer_channel, latest_entity, latest_intent, latest_text
from bot.storage import Survey, SurveyKind
from bot.surveys import LOW_SATISFACTION, NOT_SOLVED, parse_score, reopen_for_supervisor

SATISFACTION, FOLLOW_UP = SurveyKind.SATISFACTION.value, SurveyKind.FOLLOW_UP.value


def _awaiting(tracker: Tracker, svc: Services, kind: str) -> Optional[Survey]:
    return svc.surveys.awaiting_answer(customer_channel(tracker), tracker.sender_id, kind, svc.now())


def _reopen(svc: Services, survey: Survey, reason: str, explanation: str) -> str:
    """Reopen for a supervisor; the time the customer will be contacted, as they read it."""
    result = reopen_for_supervisor(svc.queue, svc.jobs, survey.complaint_id, reason, explanation, svc.now())
    return svc.format_due(result.promise.at, whole_days=False)


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
        text = latest_text(tracker)
        button = latest_entity(tracker, "score")
        score = int(button) if button and button.isdigit() else parse_score(text, svc.surveys.settings)
        survey = await asyncio.to_thread(_awaiting, tracker, svc, SATISFACTION)
        if survey is None:
            answered = await asyncio.to_thread(
                svc.surveys.answered, customer_channel(tracker), tracker.sender_id, SATISFACTION)
            dispatcher.utter_message(response="utter_survey_already_answered" if answered
                                     else "utter_survey_thanks_anyway")
            return []
        if score is None:
            dispatcher.utter_message(response="utter_survey_score_unclear")
            return []
        comment = None if text.startswith("/") or len(text) <= 6 else text
        await asyncio.to_thread(svc.surveys.record_answer, survey.complaint_id, SATISFACTION,
                                svc.now(), score=score, comment=comment)
        if svc.surveys.is_low(score):
            said = f"：“{comment}”" if comment else ""
            contact = await asyncio.to_thread(_reopen, svc, survey, LOW_SATISFACTION,
                                              f"客户满意度评分{score}分{said}")
            dispatcher.utter_message(response="utter_survey_low", complaint_id=survey.complaint_id,
                                     contact_time=contact)
        else:
            dispatcher.utter_message(response="utter_survey_thanks_high" if score >= 4
                                     else "utter_survey_thanks_mid")
        return [SlotSet("complaint_id", survey.complaint_id)]


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
        survey = await asyncio.to_thread(_awaiting, tracker, svc, FOLLOW_UP)
        if survey is None:
            dispatcher.utter_message(response="utter_survey_thanks_anyway")
            return []
        solved = latest_intent(tracker) == "affirm"
        text = latest_text(tracker)
        comment = None if text.startswith("/") else text
        await asyncio.to_thread(svc.surveys.record_answer, survey.complaint_id, FOLLOW_UP, svc.now(),
                                solved=solved, comment=comment)
        if solved:
            dispatcher.utter_message(response="utter_follow_up_solved")
        else:
            said = f"：“{comment}”" if comment else ""
            contact = await asyncio.to_thread(_reopen, svc, survey, NOT_SOLVED,
                                              f"回访时客户说问题没有解决{said}")
            dispatcher.utter_message(response="utter_follow_up_reopened",
                                     complaint_id=survey.complaint_id, contact_time=contact)
        return [SlotSet("complaint_id", survey.complaint_id)]
