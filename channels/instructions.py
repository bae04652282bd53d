"""What a channel is asked to do with what a customer sent: the instructions every platform's
table (`channels.wechat.inbound`, `channels.telegram.inbound`) maps messages to, beside the few
one platform adds."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class Turn:
    """Hand `text` to Rasa as the customer's message."""

    text: str


@dataclass(frozen=True)
class Say:
    """Answer with a domain response, without a turn."""

    response: str


@dataclass(frozen=True)
class KeepEvidence:
    """Keep what was sent with the customer's open complaint, and acknowledge it."""

    kind: str
    media_id: Optional[str] = None
    url: Optional[str] = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ignore:
    """Nothing to do (`why` is logged)."""

    why: str
