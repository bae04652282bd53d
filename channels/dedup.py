"""WeChat delivers a message again when it has not heard back within 5 seconds (three tries in
all), possibly to another instance of the server; Telegram redelivers an update whose webhook
call failed. Each delivery is claimed in the shared
key-value store before anything reaches Rasa: the first claim processes the message, every retry
gets the first one's answer instead (the same passive reply, or `success` when the answer goes out
through the customer-service API).

A claim is a short lease (`processing_lease_seconds`, config/channels.yml) that its server renews
while it processes the message (`held`): when that server dies mid-turn, the claim lapses within
the lease, and a retry (a waiting one included) claims the message again and processes it. Only
the record of how a message was answered is kept for the whole `remember` time.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, Optional

from channels.keyvalue import KeyValue, off_loop

logger = logging.getLogger(__name__)
PROCESSING = "processing"
REPLIED = "replied"
PUSHED = "pushed"


@dataclass(frozen=True)
class Answered:
    """How a retry is answered: the first delivery's passive reply, or None for `success`."""

    reply: Optional[str]


class Deliveries:
    """Which messages were already received, and how each was answered."""

    def __init__(self, store: KeyValue, remember_s: float, lease_s: float, poll_s: float = 0.1,
                 channel: str = "wechat") -> None:
        self.store = store
        self.channel = channel  # names the channel in log lines
        self.remember_s = remember_s
        self.lease_s = lease_s
        self.poll_s = poll_s
        self._claims: Dict[str, Dict[str, str]] = {}  # this server's claims, by message key

    async def claim(self, key: str) -> bool:
        """True when this server won message `key` (keep it with `held`), False while another
        server holds it or it was answered.

        When the shared store cannot be reached the message is processed (and this is logged):
        a rare duplicate turn is better than a lost message.
        """
        claim = {"state": PROCESSING, "owner": uuid.uuid4().hex}
        won = await off_loop(self.store.add, _key(key), claim, self.lease_s,
                             unavailable=True, purpose=f"{self.channel}: retry check of {key}")
        if won:
            self._claims[key] = claim
        return won

    async def claim_or_wait(self, key: str, deadline: float) -> Optional[Answered]:
        """None when this delivery of `key` is to be processed here (claimed: the first delivery,
        or a retry of one whose server stopped renewing its claim); else the first delivery's
        answer, waited for until `deadline` (event-loop time)."""
        if await self.claim(key):
            return None
        loop = asyncio.get_running_loop()
        while True:
            record = await off_loop(self.store.get, _key(key), unavailable=None,
                                    purpose=f"{self.channel}: answer of {key} for its retry") or {}
            if record.get("state") == REPLIED:
                return Answered(record["reply"])
            if record.get("state") == PUSHED:
                return Answered(None)
            if not record and await self.claim(key):
                logger.warning("%s: %s claimed again: the server processing it stopped renewing its "
                               "claim (it died?)", self.channel, key)
                return None
            if loop.time() + self.poll_s >= deadline:
                return Answered(None)
            await asyncio.sleep(self.poll_s)

    @asynccontextmanager
    async def held(self, key: str) -> AsyncIterator[None]:
        """Keep this server's claim on `key` alive while the block runs (renewed every third of
        the lease); record how it was answered inside the block."""
        renewing = asyncio.ensure_future(self._renew(key))
        try:
            yield
        finally:
            renewing.cancel()
            self._claims.pop(key, None)

    async def _renew(self, key: str) -> None:
        while True:
            await asyncio.sleep(self.lease_s / 3)
            claim = self._claims.get(key)
            if claim is None:
                return
            renewed = await off_loop(self.store.renew, _key(key), claim, self.lease_s, unavailable=True,
                                     purpose=f"{self.channel}: renewing the claim on {key}")
            if not renewed and key in self._claims:
                logger.warning("%s: the claim on %s lapsed while it was processed (the event loop "
                               "stalled?): a retry may process it again", self.channel, key)
                return

    async def replied(self, key: str, reply: str) -> None:
        """The message was answered with the passive reply `reply`."""
        await self._record(key, {"state": REPLIED, "reply": reply})

    async def pushed(self, key: str) -> None:
        """The message's answer goes out on its own (WeChat's customer-service API, Telegram's
        sendMessage): a retry gets no reply of its own."""
        await self._record(key, {"state": PUSHED})

    async def _record(self, key: str, record: Dict[str, Any]) -> None:
        self._claims.pop(key, None)  # answered: no more renewing
        await off_loop(self.store.set, _key(key), record, self.remember_s,
                       unavailable=None, purpose=f"{self.channel}: record of how {key} was answered")


def _key(key: str) -> str:
    return f"delivery:{key}"
