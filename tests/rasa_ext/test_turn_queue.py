"""Turns run a few at a time, in order of arrival (rasa_ext/turn_queue.py)."""
from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.core.processor import MessageProcessor

import rasa_ext.originals as originals
import rasa_ext.turn_queue as turn_queue


async def test_at_most_the_configured_turns_run_at_once_and_the_rest_start_in_arrival_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_CONCURRENT_TURNS", "3")
    running: List[int] = []
    started: List[int] = []
    most = 0

    async def turn(self: MessageProcessor, message: int) -> int:
        nonlocal most
        started.append(message)
        running.append(message)
        most = max(most, len(running))
        await asyncio.sleep(0.01 if message % 2 else 0.02)  # an action call, of varying length
        running.remove(message)
        return message

    monkeypatch.setitem(originals._rasa_originals, (MessageProcessor, "handle_message"), turn)
    assert MessageProcessor.handle_message is turn_queue._handle_message
    answers = await asyncio.gather(*(MessageProcessor.handle_message(None, n) for n in range(12)))
    assert answers == list(range(12)), "every turn answered"
    assert most == 3
    assert started == list(range(12)), "first come, first served"
