"""Customers' turns taken in order of arrival, a few at a time.

A Rasa server works on every message it has received at once: each turn yields at every
action-server call and database round trip, and the waiting turns are interleaved. Under load
(more messages than one core can process) a turn with two action calls then waits behind all the
others twice, and reply times spread. Here at most `RASA_CONCURRENT_TURNS` turns (default 4: one
computes while others wait for the action server) run at once; the rest wait their turn first
come, first served. What it gains is measured in the README, "Performance".
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, Optional

from rasa.core.processor import MessageProcessor

from rasa_ext.loop_local import Registry, loop_local
from rasa_ext.originals import rasa_original

_queues: Registry = {}


def concurrent_turns() -> int:
    """How many turns may run at once (`RASA_CONCURRENT_TURNS`, at least 1)."""
    return max(1, int(os.environ.get("RASA_CONCURRENT_TURNS", "4")))


def _queue() -> asyncio.Semaphore:
    return loop_local(_queues, "turns", lambda: asyncio.Semaphore(concurrent_turns()))


async def _handle_message(self: MessageProcessor, message: Any) -> Optional[Any]:
    async with _queue():
        return await rasa_original(MessageProcessor, "handle_message")(self, message)

