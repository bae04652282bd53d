"""What the escalation rules decide on one message, as the first of a conversation."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Set

from bot.escalation import EscalationConfig, Situation, Turn, decide

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def lexicon_reasons(text: str, config: EscalationConfig) -> Set[str]:
    """The reasons one message triggers by its words alone (no intent: the NLU missed it)."""
    return {d.reason for d in decide(Situation(turns=(Turn(text),), now=NOW), config)}
