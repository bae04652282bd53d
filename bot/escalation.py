"""Why a conversation needs a person: reason codes and what each intent tells us.

The handoff itself (queue, agent console) builds on these reason codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple


@dataclass(frozen=True)
class EscalationSignal:
    """What an escalating message means for the complaint being collected."""

    reason: str
    #: The customer's words describe the problem and belong in the complaint's story.
    carries_facts: bool = False
    #: The category the complaint has when the customer has not named another.
    default_category: Optional[str] = None


SIGNALS_BY_INTENT = {
    "request_human": EscalationSignal("human_request"),
    "threaten": EscalationSignal("threat"),
    "report_safety": EscalationSignal("safety", carries_facts=True, default_category="quality"),
    "say_repeat": EscalationSignal("repeated", carries_facts=True),
}
FALLBACK_REASON = "fallback"


def signal_for_intent(intent: Optional[str]) -> Optional[EscalationSignal]:
    """The escalation an intent signals, if any."""
    return SIGNALS_BY_INTENT.get(intent or "")


def add_reason(reasons: Optional[Iterable[str]], reason: str) -> List[str]:
    """The reasons so far plus `reason`, each reason once, in the order first seen."""
    return list(dict.fromkeys([*(reasons or ()), reason]))


def consecutive_fallbacks(intents_newest_first: Iterable[str]) -> int:
    """How many of the latest user messages in a row the NLU did not understand."""
    count = 0
    for intent in intents_newest_first:
        if intent != "nlu_fallback":
            break
        count += 1
    return count
