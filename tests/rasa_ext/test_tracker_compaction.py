"""Long conversation sessions are handed to Rasa compacted (rasa_ext/tracker_store.py): the same
state, the recent events verbatim, new events stored exactly once, the full tracker complete."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, ConversationPaused,
                                     ConversationResumed, Event, SessionStarted, SlotSet,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.script import SCRIPT_SLOT, Script, to_traditional
from bot.situation import current_stretch, customer_turns, misunderstood_in_a_row
from rasa_ext.nlg import ScriptAwareNLG, tracker_script
from rasa_ext.tracker_store import TunedSQLTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
MAX_EVENTS = 20


@pytest.fixture
def store(database_url: str) -> TunedSQLTrackerStore:
    """A compacting store on an empty SQLite or PostgreSQL database."""
    return TunedSQLTrackerStore(DOMAIN, host=database_url, max_events=MAX_EVENTS)


class Conversation:
    """Events of one conversation with increasing timestamps."""

    def __init__(self) -> None:
        self.clock = 1_800_000_000.0

    def at(self, event: Event) -> Event:
        self.clock += 1
        event.timestamp = self.clock
        return event

    def session_start(self) -> List[Event]:
        return [self.at(ActionExecuted("action_session_start")), self.at(SessionStarted()),
                self.at(SlotSet("prior_complaints", [])), self.at(ActionExecuted("action_listen"))]

    def turn(self, text: str, intent: str, *after: Event, reply: str = "好的") -> List[Event]:
        """The customer says `text`, the assistant answers and does `after`, then listens."""
        return [self.at(UserUttered(text, {"name": intent, "confidence": 0.9})),
                self.at(ActionExecuted("utter_answer")), self.at(BotUttered(reply)),
                *(self.at(event) for event in after), self.at(ActionExecuted("action_listen"))]


async def _save_new(store: TunedSQLTrackerStore, sender: str, events: List[Event]) -> DialogueStateTracker:
    """Retrieve the conversation as Rasa does each turn, add `events`, save."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return tracker


def _long_conversation(conversation: Conversation, turns: int) -> List[List[Event]]:
    """A complaint in the form, then questions: one list of events per turn."""
    form = [ActionExecuted("complaint_form"), ActiveLoop("complaint_form")]
    done = [ActiveLoop(None), SlotSet("complaint_id", "TS-20261123-0001")]
    script = [conversation.session_start() + conversation.turn("耳机坏了", "complain_quality", *form),
              conversation.turn("订单号DD20261120031", "give_details",
                                SlotSet("order_number", "DD20261120031")),
              conversation.turn("对的", "affirm", *done)]
    script += [conversation.turn(f"我的投诉处理到哪一步了{i}", "ask_progress") for i in range(turns)]
    return script


async def test_a_long_session_is_compacted_to_the_same_state(store: TunedSQLTrackerStore) -> None:
    conversation = Conversation()
    for events in _long_conversation(conversation, 30):
        await _save_new(store, "long", events)
    full = await store.retrieve_full_tracker("long")
    compacted = await store.retrieve("long")

    assert len(compacted.events) <= MAX_EVENTS + 10 < len(full.events)
    assert compacted.current_slot_values() == {**full.current_slot_values(), SCRIPT_SLOT: "simplified"}
    assert compacted.get_slot("complaint_id") == "TS-20261123-0001"
    assert compacted.active_loop_name is None and not compacted.is_paused()
    assert compacted.latest_message.text == full.latest_message.text == "我的投诉处理到哪一步了29"
    assert compacted.latest_action_name == full.latest_action_name == "action_listen"
    assert compacted.past_states(DOMAIN)[-5:] == full.past_states(DOMAIN)[-5:]
    tail = [e.as_dict() for e in full.events][-MAX_EVENTS // 2:]
    assert [e.as_dict() for e in compacted.events][-len(tail):] == tail
    assert not any(e.get("event") == "action" and e.get("name") == "action_session_start"
                   for e in (e.as_dict() for e in compacted.events)), "no second session start"


async def test_replies_stay_in_the_script_of_messages_the_compaction_dropped(store: TunedSQLTrackerStore) -> None:
    """A customer who wrote Traditional early on and only script-neutral messages since (好的,
    order numbers) still reads Traditional once those early messages are cut."""
    conversation = Conversation()
    await _save_new(store, "traditional", conversation.session_start()
                    + conversation.turn("我買的耳機壞了", "complain_quality"))
    for i in range(20):
        await _save_new(store, "traditional", conversation.turn(f"好的 {i}", "affirm"))
    compacted = await store.retrieve("traditional")
    assert not any(isinstance(e, UserUttered) and "耳機" in e.text for e in compacted.events)
    assert tracker_script(compacted) == Script.TRADITIONAL
    nlg = ScriptAwareNLG(domain=DOMAIN)
    reply = await nlg.generate("utter_ask_order_number", compacted, "rest")
    assert reply["text"] == to_traditional(DOMAIN.responses["utter_ask_order_number"][0]["text"])
    assert reply["text"] != DOMAIN.responses["utter_ask_order_number"][0]["text"]

    await _save_new(store, "traditional", conversation.turn("我买的耳机坏了", "complain_quality"))
    assert tracker_script(await store.retrieve("traditional")) == Script.SIMPLIFIED, "the newest message decides"


async def test_saves_after_a_compacted_retrieve_store_exactly_the_new_events(store: TunedSQLTrackerStore) -> None:
    conversation = Conversation()
    written: List[Event] = []
    for events in _long_conversation(conversation, 40):
        tracker = await _save_new(store, "saves", events)
        written += events
        if len(written) > MAX_EVENTS * 2:
            assert len(tracker.events) < len(written), "compacted while the conversation went on"
    full = await store.retrieve_full_tracker("saves")
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in written]


async def test_a_conversation_another_server_started_is_not_stored_twice(database_url: str) -> None:
    """A server that once found nothing stored for a customer, while another server has stored
    the conversation since, saves only the events it adds (the HTTP API's replaced tracker)."""
    here = TunedSQLTrackerStore(DOMAIN, host=database_url, max_events=MAX_EVENTS)
    there = TunedSQLTrackerStore(DOMAIN, host=database_url, max_events=MAX_EVENTS)
    conversation = Conversation()
    assert await here.retrieve("moved") is None
    # From SessionStarted on: Rasa counts a replaced tracker's stored events from there.
    first = conversation.session_start()[1:] + conversation.turn("耳机坏了", "complain_quality")
    await _save_new(there, "moved", first)
    assert await here.retrieve("moved") is not None
    more = conversation.turn("订单号DD20261120031", "give_details")
    await here.save(DialogueStateTracker.from_events("moved", first + more, DOMAIN.slots))
    full = await here.retrieve_full_tracker("moved")
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in first + more]


async def test_a_paused_conversation_stays_paused_and_resumes_as_one_stretch(store: TunedSQLTrackerStore) -> None:
    conversation = Conversation()
    handoff = [SlotSet("handoff_reason", "threat"), ConversationPaused()]
    await _save_new(store, "paused", conversation.session_start()
                    + conversation.turn("我要去曝光你们", "threaten", *handoff)[:-1])
    for i in range(20):  # what the customer writes while an agent has the conversation
        await _save_new(store, "paused", [conversation.at(UserUttered(f"人呢{i}", {"name": "vent"}))])
    paused = await store.retrieve("paused")
    assert paused.is_paused() and paused.get_slot("handoff_reason") == "threat"
    assert paused.latest_action_name == "utter_answer"
    assert len(paused.events) < 30

    await _save_new(store, "paused", [conversation.at(ConversationResumed()),
                                      conversation.at(ActionExecuted("action_listen"))])
    resumed = await _save_new(store, "paused", conversation.turn("好的谢谢", "thank"))
    assert not resumed.is_paused()
    events = [e.as_dict() for e in resumed.events]
    assert [t.text for t in customer_turns(current_stretch(events))] == ["好的谢谢"]


async def test_the_escalation_rules_see_the_latest_messages(store: TunedSQLTrackerStore) -> None:
    conversation = Conversation()
    for events in _long_conversation(conversation, 25):
        await _save_new(store, "fallbacks", events)
    for i in range(3):
        await _save_new(store, "fallbacks", conversation.turn(f"嗯嗯{i}", "nlu_fallback"))
    compacted = [e.as_dict() for e in (await store.retrieve("fallbacks")).events]
    full = [e.as_dict() for e in (await store.retrieve_full_tracker("fallbacks")).events]
    assert misunderstood_in_a_row(current_stretch(compacted)) == misunderstood_in_a_row(current_stretch(full)) == 3
    assert customer_turns(current_stretch(compacted))[-3:] == customer_turns(current_stretch(full))[-3:]


async def test_a_cut_never_falls_inside_an_active_form(store: TunedSQLTrackerStore) -> None:
    conversation = Conversation()
    form = [ActionExecuted("complaint_form"), ActiveLoop("complaint_form")]
    await _save_new(store, "form",
                    conversation.session_start() + conversation.turn("耳机坏了", "complain_quality", *form))
    for i in range(10):
        await _save_new(store, "form", conversation.turn(f"退货要多久{i}", "ask_policy"))
    tracker = await store.retrieve("form")
    assert tracker.active_loop_name == "complaint_form"
    assert tracker.events[0].as_dict()["event"] == "session_started" and len(tracker.events) > MAX_EVENTS
    assert tracker.latest_message.text == "退货要多久9"


async def test_a_new_session_is_read_from_its_start(store: TunedSQLTrackerStore) -> None:
    conversation = Conversation()
    for events in _long_conversation(conversation, 15):
        await _save_new(store, "sessions", events)
    conversation.clock += 3 * 3600
    fresh = conversation.session_start() + conversation.turn("你好", "greet")
    tracker = await _save_new(store, "sessions", fresh)
    again = await store.retrieve("sessions")
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in fresh[1:]]
    assert len(tracker.events) < MAX_EVENTS * 2
