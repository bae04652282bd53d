"""Judging a customer's turn: must a person take over? The one place the decision is made.

The Rasa server's escalation policy calls `judge_turn` after every customer message; its
decisions travel in the slot `handoff_decisions` (`decisions_as_slot`) to the handoff action,
which carries them out (`bot.app.handoffs.hand_off`) without deciding again.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.escalation import Decision, decide
from bot.situation import situation_from_events

DECISIONS_SLOT = "handoff_decisions"


def judge_turn(events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any],
               now: datetime) -> List[Decision]:
    """Every reason a person must take over the conversation of `events` (tracker events as
    JSON) with `slots` (the customer's earlier complaints in `prior_complaints`), most urgent
    first; empty when the assistant carries on."""
    return decide(situation_from_events(events, slots, now))


def decisions_as_slot(decisions: Iterable[Decision]) -> List[Dict[str, str]]:
    """`decisions` as the value of the slot `handoff_decisions`."""
    return [{"reason": d.reason, "priority": d.priority, "explanation": d.explanation}
            for d in decisions]


def decisions_from_slot(value: Optional[Iterable[Mapping[str, str]]]) -> List[Decision]:
    """The slot `handoff_decisions` back as `Decision`s."""
    return [Decision(d["reason"], d["priority"], d["explanation"]) for d in value or ()]
