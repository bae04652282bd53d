"""Events of a customer as such: a conversation starts, a channel can or cannot reach them."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from bot.situation import prior_complaint_values
from bot.storage import ComplaintStore, EvidenceStore


def known_complaints(store: ComplaintStore, channel: str, sender_id: str) -> List[Dict[str, Any]]:
    """The customer's complaints as the escalation rules read them (the slot
    `prior_complaints`): loaded when a session starts and again wherever they may have changed
    (a complaint reopened, a conversation handed back by an agent)."""
    return prior_complaint_values(store.for_customer(channel, sender_id))


def mark_unreachable(customers: EvidenceStore, channel: str, sender_id: str, now: datetime) -> None:
    """The channel refused a message (unfollowed, blocked, outside its window): nothing more is
    sent to the customer, surveys included, until they write again."""
    customers.mark_unreachable(channel, sender_id, now)


def mark_reachable(customers: EvidenceStore, channel: str, sender_id: str) -> None:
    """The customer wrote again: messages can reach them."""
    customers.mark_reachable(channel, sender_id)
