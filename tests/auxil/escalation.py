"""What the escalation rules decide on one message, as the first of a conversation."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Set

from bot.escalation import EscalationConfig, Situation, Turn, decide
from bot.extraction import parse_amount

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def first_message_reasons(text: str, config: EscalationConfig, intent: Optional[str] = None,
                          confidence: float = 1.0) -> Set[str]:
    """The reasons one message triggers as the first of a conversation, with the sum it states.
    Without `intent` the NLU missed it: the words alone decide."""
    turn = Turn(text, intent, confidence)
    return {d.reason for d in decide(Situation(turns=(turn,), amount=parse_amount(text), now=NOW), config)}
