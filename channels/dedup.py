"""WeChat delivers a message again when it has not heard back within 5 seconds (three tries in
all), possibly to another instance of the server; Telegram redelivers an update whose webhook
call failed. Each delivery is claimed in the shared
key-value store before anything reaches Rasa: the first claim processes the message, every retry
gets the first one's answer instead (the same passive reply, or `success` when the answer goes out
through the customer-service API).
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from channels.keyvalue import KeyValue, off_loop

PROCESSING = "processing"
REPLIED = "replied"
PUSHED = "pushed"


class Deliveries:
    """Which messages were already received, and how each was answered."""

    def __init__(self, store: KeyValue, remember_s: float, poll_s: float = 0.1,
                 channel: str = "wechat") -> None:
        self.store = store
        self.channel = channel  # names the channel in log lines
        self.remember_s = remember_s
        self.poll_s = poll_s

    async def claim(self, key: str) -> bool:
        """True for the first delivery of message `key`, False for a retry.

        When the shared store cannot be reached the message is processed (and this is logged):
        a rare duplicate turn is better than a lost message.
        """
        return await off_loop(self.store.add, _key(key), {"state": PROCESSING}, self.remember_s,
                              unavailable=True, purpose=f"{self.channel}: retry check of {key}")

    async def replied(self, key: str, reply: str) -> None:
        """The message was answered with the passive reply `reply`."""
        await self._record(key, {"state": REPLIED, "reply": reply})

    async def pushed(self, key: str) -> None:
        """The message's answer goes out through the customer-service API (if it has one)."""
        await self._record(key, {"state": PUSHED})

    async def _record(self, key: str, record: Dict[str, Any]) -> None:
        await off_loop(self.store.set, _key(key), record, self.remember_s,
                       unavailable=None, purpose=f"{self.channel}: record of how {key} was answered")

    async def answer_for_retry(self, key: str, deadline: float) -> Optional[str]:
        """The passive reply the first delivery of `key` gave, waiting for it until `deadline`
        (event-loop time); None when there is none by then: the retry answers `success`."""
        loop = asyncio.get_running_loop()
        while True:
            record = await off_loop(self.store.get, _key(key), unavailable=None,
                                    purpose=f"{self.channel}: answer of {key} for its retry") or {}
            if record.get("state") == REPLIED:
                return record["reply"]
            if record.get("state") != PROCESSING or loop.time() + self.poll_s >= deadline:
                return None
            await asyncio.sleep(self.poll_s)


def _key(key: str) -> str:
    return f"delivery:{key}"
