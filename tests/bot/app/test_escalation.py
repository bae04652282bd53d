"""Judging a turn: the one decision, over the conversation and the customer's complaints as the
store has them, and its way to the handoff action in the slot `handoff_decisions`."""
from __future__ import annotations

from bot.app.customers import known_complaints
from bot.app.escalation import decisions_as_slot, decisions_from_slot, judge_turn
from tests.bot.app.conftest import FRIDAY_10AM, a_complaint


def _said(text: str, intent: str = "complain_quality") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def test_a_complaint_on_an_order_the_store_knows_is_a_repeat(store):
    earlier = a_complaint(store, order="DD20261101002")
    slots = {"order_number": "DD20261101002",
             "prior_complaints": known_complaints(store, "rest", "alice")}
    [decision] = judge_turn([_said("鞋子又开胶了")], slots, FRIDAY_10AM)
    assert (decision.reason, decision.priority) == ("repeated", "P2")
    assert earlier.public_id in decision.explanation
    # Another customer's complaint on the same order is not theirs.
    assert judge_turn([_said("鞋子又开胶了")], {"order_number": "DD20261101002",
                      "prior_complaints": known_complaints(store, "rest", "bob")}, FRIDAY_10AM) == []


def test_a_threat_is_judged_from_the_words_and_travels_whole():
    decisions = judge_turn([_said("再不处理我就打12315", "threaten")], {}, FRIDAY_10AM)
    assert [d.reason for d in decisions] == ["threat"] and decisions[0].priority == "P1"
    assert decisions_from_slot(decisions_as_slot(decisions)) == decisions
    assert decisions_from_slot(None) == []
