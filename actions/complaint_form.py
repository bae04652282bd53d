"""Validation of the complaint form: every answer is taken for what it is, the rest is routed.

While the form is active, Rasa runs it first on every customer message and this action reads the
message (`bot.answers.read_message`): answers fill their fields (the one asked, and any still
empty: a whole complaint in one message fills them all), a correction changes the one field it
names, giving up ends the form with what was said kept, chit-chat and questions get a short
reply and the question again. Messages the dialogue rules answer (policy and progress questions,
greetings, thanks, venting, out of scope) are left to them: the action sets nothing and Rasa
lets the rules answer, then asks the question again.

The answers are `custom` mappings in domain.yml: Rasa never fills them itself, so a message
received while the action server is down is never written into the complaint unchecked.
"""
from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import services
from actions.tracker_view import (
    PER_COMPLAINT_SLOTS, collected_complaint, latest_entity, latest_intent, latest_text, slot_before_latest_message,
)
from bot.app.complaints import record_withdrawn
from bot.answers import Kind, Reading, answer_rules, read_message, read_order_number, read_phone, refines
from bot.complaints import CONTACT_HERE, clean_answer, merge_description, says_something
from bot.dates import TimeAnswer, read_time
from bot.dialogue import FORM, intents_answered_mid_form
from bot.script import to_simplified

#: The fields the form asks for, in the order it asks.
FIELDS = ("complaint_details", "complaint_category", "incident_time", "order_number",
          "desired_remedy", "contact_phone")
#: Intents the dialogue rules answer mid-form (data/rules.yml), then the question is asked again.
RULE_ANSWERED = intents_answered_mid_form()
#: Social intents: answered by their rules even when the message holds a detail.
SOCIAL = ("greet", "thank", "goodbye")
#: Said before the question again when the answer was not one (by the field asked).
NOT_AN_ANSWER = {"incident_time": "utter_time_unclear", "order_number": "utter_order_number_invalid",
                 "desired_remedy": "utter_remedy_unclear", "contact_phone": "utter_phone_invalid"}
#: Why the form asks for a field, for "为什么要电话？".
WHY = {"incident_time": "utter_why_incident_time", "order_number": "utter_why_order_number",
       "contact_phone": "utter_why_contact_phone"}


def today() -> date:
    """Today in the complaints' timezone."""
    svc = services()
    return svc.now().astimezone(svc.tz).date()


def field_events(name: str, value: Any, day: date) -> List[EventType]:
    """Slot events that store one answer (a time: the words in `incident_time`, the day they
    mean in `incident_date`)."""
    if name == "incident_time" and isinstance(value, TimeAnswer):
        return [SlotSet("incident_time", value.words),
                SlotSet("incident_date", value.day.isoformat() if value.day else None)]
    if name == "desired_remedy" and value != "other":
        return [SlotSet(name, value), SlotSet("remedy_note", None)]
    return [SlotSet(name, value)]


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_complaint_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        # What Rasa extracted itself (the category from an intent or a button) is kept as is.
        events: List[EventType] = await super().run(dispatcher, tracker, domain)
        if tracker.active_loop_name != FORM:
            return events
        text = latest_text(tracker)
        if text.startswith("/"):  # a button: its entities say the answer
            remedy = latest_entity(tracker, "remedy")
            if remedy and remedy in services().labels.remedies:
                events += [SlotSet("desired_remedy", remedy), SlotSet("remedy_note", None)]
            return events
        if _just_corrected(tracker):  # action_reset_field took this message already
            return events
        requested = tracker.get_slot("requested_slot")
        heard_first = slot_before_latest_message(tracker, "complaint_category")
        if requested not in (None, "complaint_category") and heard_first and \
                tracker.get_slot("complaint_category") != heard_first:
            # The kind of trouble heard first stays: a later message's intent ("全额退款，运费也要你们出"
            # read as a refund complaint) tells more of the story, not another kind.
            events.append(SlotSet("complaint_category", heard_first))
        typed = typed_category(domain, text) if requested == "complaint_category" else None
        if typed:  # a button's title typed ("商品质量") is the button pressed
            return events + [SlotSet("complaint_category", typed)]
        reading = read_message(text, requested, today())
        return events + await self.route(reading, text, requested, dispatcher, tracker)

    async def route(self, reading: Reading, text: str, requested: Optional[str],
                    dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """The events for the customer's message, by what it is."""
        day = today()
        intent = latest_intent(tracker)
        if reading.guessed and (is_complaint(intent) or (intent in RULE_ANSWERED and intent != "out_of_scope")):
            # Words taken for the order question say something else to the NLU: venting, a
            # threat, more of the story. A shop's or a product's name reads as none of these.
            reading = replace(reading, answers={k: v for k, v in reading.answers.items() if k != requested},
                              guessed=False)
        ask_again: List[EventType] = [SlotSet(requested, tracker.get_slot(requested))] if requested else []
        if reading.kind == Kind.WITHDRAW:
            return await self.withdraw(dispatcher, tracker)
        if reading.kind == Kind.CORRECTION and reading.corrected:
            field = reading.corrected
            value = reading.answers.get(field)
            if value is None:  # "订单号写错了": asked again
                return [SlotSet(field, None), *ask_again]
            dispatcher.utter_message(response="utter_noted_correction")
            return [*field_events(field, value, day), *ask_again]
        answered = requested in reading.answers or (
            requested in (None, "complaint_details") and reading.tells_story)
        if reading.kind == Kind.CHITCHAT and intent not in RULE_ANSWERED:
            if requested:
                dispatcher.utter_message(response="utter_chitchat_ack")
            return ask_again
        complaint = of_category(intent)
        telling = complaint and requested in (None, "complaint_details")  # "快递怎么还没到？"
        # A question a rule answers goes to it (a policy question, "你是机器人吗", "你们是不是有病啊"
        # to the venting rule); one about something else (out of scope) is noted for later.
        by_rule = intent in RULE_ANSWERED and intent != "out_of_scope"
        if reading.kind == Kind.QUESTION and not telling and not by_rule:
            dispatcher.utter_message(
                response=WHY.get(requested or "", "utter_question_noted") if reading.asks_why
                else "utter_question_noted")
            return ask_again
        # "退款要多久？" asks the policy; "我要退回多扣的钱", read as such a question, answers.
        asks_policy = (intent or "").startswith("ask_") and reading.asks
        takes_answer = answered and not asks_policy and intent not in SOCIAL
        if requested and intent in RULE_ANSWERED and not takes_answer:
            return []  # the rules answer it (policy, progress, greeting, venting…), then ask again
        events = self.answers(reading, text, requested, intent, tracker, day)
        if any(refines(name, tracker.get_slot(name), value) for name, value in reading.answers.items()
               if name != requested):
            dispatcher.utter_message(response="utter_noted_correction")
        elif requested not in (None, "complaint_details") and any(
                e.get("name") == "complaint_details" for e in events):
            dispatcher.utter_message(response="utter_noted_detail")
        if requested and requested not in {e["name"] for e in events if e.get("event") == "slot"}:
            if reading.invalid or not any(e.get("name") in FIELDS for e in events):
                # "这个号码看起来不太像订单号" only about a number given, or nothing at all.
                fitting = reading.invalid or not reading.answers
                dispatcher.utter_message(response=NOT_AN_ANSWER.get(requested, "utter_answer_unclear")
                                         if fitting else "utter_answer_unclear")
            events += ask_again
        return events

    def answers(self, reading: Reading, text: str, requested: Optional[str], intent: Optional[str],
                tracker: Tracker, day: date) -> List[EventType]:
        """The answers in the message: the one asked for, and the fields still empty (a field
        already answered changes only by a correction or a more precise time)."""
        events: List[EventType] = []
        for name, value in reading.answers.items():
            if name == "remedy_note":
                continue
            if name == requested or not tracker.get_slot(name) or refines(name, tracker.get_slot(name), value):
                events += field_events(name, value, day)
                if name == "desired_remedy" and value == "other":
                    events.append(SlotSet("remedy_note", reading.answers.get("remedy_note")))
        # A message naming what went wrong (data/empathy.yml: "台灯不亮") tells it, whatever its intent.
        names_problem = services().empathy.situation_of(text) is not None
        story = reading.tells_story or (
            requested in (None, "complaint_details") and (of_category(intent) or names_problem))
        # The message that opens the form with a complaint intent tells what happened; a later
        # complaint message ("而且客服态度也很差", "到了还是坏的！！！") adds to the story, unless
        # it only answers or says no more than "我要投诉".
        more = is_complaint(intent) and (reading.tells_story or names_problem or (
            not reading.answers and reading.story_chars >= 2))
        if (more or (requested in (None, "complaint_details") and story)) and says_something(text):
            previous = slot_before_latest_message(tracker, "complaint_details")
            events.append(SlotSet("complaint_details", merge_description(previous, text)))
        return events

    async def withdraw(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """The customer gives up: what was said is recorded as a withdrawn complaint (README,
        "Giving up"), the form ends, the slots of this complaint are emptied."""
        events: List[EventType] = []
        if tracker.get_slot("complaint_details"):
            svc = services()
            complaint = await asyncio.to_thread(
                record_withdrawn, svc.store, svc.policies, collected_complaint(tracker), svc.now(), svc.tz)
            events.append(SlotSet("complaint_id", complaint.public_id))
            dispatcher.utter_message(response="utter_complaint_withdrawn",
                                     complaint_id=complaint.public_id)
        else:
            dispatcher.utter_message(response="utter_complaint_withdrawn_empty")
        return [*events, *(SlotSet(name, None) for name in PER_COMPLAINT_SLOTS),
                SlotSet("requested_slot", None), ActiveLoop(None), FollowupAction("action_listen")]


def is_complaint(intent: Optional[str]) -> bool:
    """Whether `intent` is a complaint's, of a category or of none yet (complain_general)."""
    return (intent or "").startswith("complain_")


def of_category(intent: Optional[str]) -> bool:
    """Whether `intent` is a complaint's that names its category (complain_quality, …)."""
    return intent in {f"complain_{code}" for code in services().labels.categories}


def typed_category(domain: DomainDict, text: str) -> Optional[str]:
    """The category whose button title (utter_ask_complaint_category) the customer typed."""
    said = to_simplified(text).strip(" 。.！!")
    for variant in domain.get("responses", {}).get("utter_ask_complaint_category", []):
        for button in variant.get("buttons") or ():
            intent = str(button.get("payload", "")).lstrip("/").split("{")[0]
            if to_simplified(str(button.get("title", ""))) == said and intent.startswith("complain_"):
                return intent[len("complain_"):]
    return None


def _just_corrected(tracker: Tracker) -> bool:
    """Whether the form starts right after action_reset_field handled the latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in (FORM, "validate_" + FORM):
            return bool(event.get("name") == "action_reset_field")
    return False


def _valid_time(value: Any) -> bool:
    if not isinstance(value, str) or not says_something(value):
        return False
    return read_time(value, today()) is not None or any(w in value for w in answer_rules().time_unknown)


def _valid_order(value: Any) -> bool:
    text = clean_answer(value)
    return text is not None and text == value and (
        read_order_number(text) == text or not any(char.isdigit() for char in text))


#: What a recorded field must look like: what validation makes of it.
_VALID: Dict[str, Callable[[Any], bool]] = {
    "complaint_details": lambda value: isinstance(value, str) and says_something(value),
    "complaint_category": lambda value: value in services().labels.categories,
    "incident_time": _valid_time,
    "order_number": _valid_order,
    "desired_remedy": lambda value: value in services().labels.remedies,
    "contact_phone": lambda value: value == CONTACT_HERE or (
        isinstance(value, str) and read_phone(value, asked=True) == value),
}


def unvalidated_fields(slots: Dict[Text, Any]) -> List[str]:
    """The form's fields whose values are missing or not what validation makes of them (set
    while the action server was down, or before answers were validated)."""
    return [name for name, valid in _VALID.items() if not valid(slots.get(name))]
