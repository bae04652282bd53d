"""Which customer messages the assistant misunderstood, read from a conversation's tracker events
(Rasa's JSON events): those it fell back on, understood with low confidence, that the customer
corrected in their next message, or after which a person took over for reason `fallback`. Each
comes with the messages around it; everything a designer reads has personal data masked
(`bot.privacy`). Thresholds and phrases: config/inbox.yml.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from bot.app.escalation import DECISIONS_SLOT
from bot.datafiles import load_yaml, repo_path
from bot.privacy import mask_personal_data
from bot.situation import is_external

DEFAULT_INBOX_PATH = repo_path("config/inbox.yml")
NLU_FALLBACK = "nlu_fallback"

FALLBACK = "fallback"
"""The assistant fell back (nlu_fallback, or answered with a "did not understand" response)."""
LOW_CONFIDENCE = "low_confidence"
CORRECTED = "corrected"
"""The customer's next message said the assistant got them wrong."""
HANDOFF = "handoff"
"""A person took over right after it, because the assistant misunderstood several times."""
FLAGGED = "flagged"
"""An agent flagged it on a case page (机器人理解错了)."""
REASONS = (FALLBACK, LOW_CONFIDENCE, CORRECTED, HANDOFF, FLAGGED)


@dataclass(frozen=True)
class InboxSettings:
    """config/inbox.yml."""

    low_confidence: float
    fallback_actions: FrozenSet[str]
    correction_phrases: Tuple[str, ...]
    context_messages: int
    first_look_days: int
    not_a_complaint: str
    near_duplicate: float

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> "InboxSettings":
        return cls(float(raw["low_confidence"]), frozenset(raw["fallback_actions"]),
                   tuple(raw["correction_phrases"]), int(raw["context_messages"]),
                   int(raw["first_look_days"]), str(raw["not_a_complaint"]), float(raw["near_duplicate"]))


@lru_cache(maxsize=4)
def load_inbox_settings(path: Path = DEFAULT_INBOX_PATH) -> InboxSettings:
    """The inbox settings in `path`, read once per process."""
    return InboxSettings.from_config(load_yaml(Path(path)))


@dataclass(frozen=True)
class Finding:
    """A customer message for the inbox: `message_id` is its event's timestamp (unique in its
    conversation), `intent` what the assistant thought it was, `guess` the likeliest real intent
    when that was nlu_fallback; `text` and `context` ({who: customer | bot, text, this}) masked."""

    message_id: str
    said_at: datetime
    text: str
    intent: str
    guess: Optional[str]
    confidence: float
    reasons: Tuple[str, ...]
    context: Tuple[Mapping[str, Any], ...]


def message_id(event: Mapping[str, Any]) -> str:
    """The id of a customer message in its conversation: its event's timestamp (microseconds)."""
    return f"{float(event.get('timestamp') or 0):.6f}"


def _said(event: Mapping[str, Any]) -> bool:
    """A message the customer typed (not a button's payload, not a system-triggered intent)."""
    text = (event.get("text") or "").strip()
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    return event.get("event") == "user" and bool(text) and not text.startswith("/") and not is_external(intent)


def _messages(events: Sequence[Mapping[str, Any]]) -> List[Tuple[int, Mapping[str, Any]]]:
    """(index in `events`, event) of the customer's and the assistant's messages with text."""
    return [(i, e) for i, e in enumerate(events) if e.get("event") in ("user", "bot") and (e.get("text") or "").strip()]


def _reasons(events: Sequence[Mapping[str, Any]], at: int, upto: int, next_text: str,
             settings: InboxSettings) -> List[str]:
    """Why the customer message `events[at]` is for the inbox; `upto` is the index of the
    customer's next message or button (or the end), `next_text` its text."""
    parse = events[at].get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0)
    after = events[at + 1:upto]
    reasons = []
    if intent == NLU_FALLBACK or any(e.get("event") == "action" and e.get("name") in settings.fallback_actions
                                     for e in after):
        reasons.append(FALLBACK)
    elif confidence < settings.low_confidence:
        reasons.append(LOW_CONFIDENCE)
    if any(phrase in next_text for phrase in settings.correction_phrases):
        reasons.append(CORRECTED)
    if any(e.get("event") == "slot" and e.get("name") == DECISIONS_SLOT
           and any((d or {}).get("reason") == FALLBACK for d in e.get("value") or ()) for e in after):
        reasons.append(HANDOFF)
    return reasons


def findings(events: Sequence[Mapping[str, Any]], settings: InboxSettings,
             flagged: Optional[str] = None) -> List[Finding]:
    """The misunderstood customer messages of a conversation's `events`, oldest first; with
    `flagged` (a `message_id`), that message too, whatever else holds."""
    messages = _messages(events)
    found = []
    for n, (i, event) in enumerate(messages):
        if not _said(event):
            continue
        upto = next((j for j in range(i + 1, len(events)) if events[j].get("event") == "user"), len(events))
        reasons = _reasons(events, i, upto, str(events[upto].get("text") or "") if upto < len(events) else "",
                           settings)
        if message_id(event) == flagged:
            reasons.append(FLAGGED)
        if reasons:
            found.append(_finding(event, tuple(reasons), _context(messages, n, settings.context_messages)))
    return found


def _finding(event: Mapping[str, Any], reasons: Tuple[str, ...], context: Tuple[Dict[str, Any], ...]) -> Finding:
    parse = event.get("parse_data") or {}
    intent = str((parse.get("intent") or {}).get("name") or NLU_FALLBACK)
    ranking = [r.get("name") for r in parse.get("intent_ranking") or () if r.get("name") != NLU_FALLBACK]
    return Finding(message_id(event), datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc),
                   mask_personal_data(event.get("text") or ""), intent,
                   ranking[0] if intent == NLU_FALLBACK and ranking else None,
                   round(float((parse.get("intent") or {}).get("confidence") or 0), 3), reasons, context)


def _context(messages: List[Tuple[int, Mapping[str, Any]]], n: int, around: int) -> Tuple[Dict[str, Any], ...]:
    """The messages around `messages[n]`, masked."""
    return tuple({"who": "customer" if e.get("event") == "user" else "bot",
                  "text": mask_personal_data(e.get("text") or ""), "this": m == n}
                 for m, (_, e) in enumerate(messages) if n - around <= m <= n + around)
