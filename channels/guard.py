"""Every customer message gets an answer, and nothing a customer writes is lost.

Each channel hands its messages to Rasa through `guarded(on_new_message, channel)`:
- what a message may carry is checked first (`channels.boundary`): text repaired, a bad sender
  id refused, a huge message capped;
- a message longer than the configured limit is handled by its first part; the customer is told,
  and the full text travels in the message metadata into the tracker;
- a message whose custom actions failed (the action server is down or broken), or that got no
  reply at all, gets an apology and is kept in the store's unanswered messages for a colleague.
  A paused conversation (a person has taken over) is silent on purpose: its first message after
  the handoff gets one short acknowledgement (an agent is coming, and the wait), kept in the
  conversation; the later ones go quietly to the agent (`bot.app.handoffs.paused_acknowledgement`).
Replies are rendered by Rasa's own NLG from domain.yml, so they are in the customer's script.
"""
from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Sanic

from bot.app.handoffs import paused_acknowledgement
from bot.clock import utcnow
from bot.handoff import load_handoff_settings
from bot.labels import load_labels
from bot.settings import Settings
from bot.storage import HandoffQueue, shared_store
from bot.datafiles import load_yaml, repo_path
from bot.metadata import FULL_TEXT_KEY
from channels.boundary import admit
from channels.common import SYSTEM_TROUBLE, keep_unanswered, say

logger = logging.getLogger(__name__)
MessageHandler = Callable[[UserMessage], Awaitable[Any]]


#: Failed custom actions of the message being handled (None outside `guarded`).
_action_failures: ContextVar[Optional[List[str]]] = ContextVar("action_failures", default=None)


class _ActionFailureWatch(logging.Handler):
    """Rasa logs a failed custom action and carries on as if it had said nothing; this notes it
    for the message being handled (the processor runs in the channel handler's asyncio task)."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _action_failures.get()
        if failures is not None and "while running action" in record.getMessage():
            failures.append(record.getMessage())


logging.getLogger("rasa.core.processor").addHandler(_ActionFailureWatch(logging.ERROR))


def max_message_chars() -> int:
    return int(load_yaml(repo_path("config/channels.yml"))["max_message_chars"])


class _WatchedOutput(OutputChannel):
    """Passes everything to the real output channel, counting what is sent."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]  # the wrapped channel's name
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


@lru_cache(maxsize=1)
def _handoff_queue() -> HandoffQueue:
    return HandoffQueue(shared_store(), load_handoff_settings(Settings.load().tz))


async def _acknowledge_while_paused(output: OutputChannel, sender_id: str) -> bool:
    """In a paused conversation, acknowledge the customer's first message after the handoff
    (recorded in the conversation, so the agent sees it and it is said once). True if paused."""
    agent = Sanic.get_app().ctx.agent
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.get_tracker(sender_id)
        if not tracker.is_paused():
            return False
        queue = _handoff_queue()
        channel = tracker.get_latest_input_channel() or output.name()
        events = [event.as_dict() for event in tracker.events]
        ack = await asyncio.to_thread(paused_acknowledgement, queue, channel, sender_id, events, utcnow())
        if ack is None:
            return True
        labels = load_labels()
        at = labels.format_datetime(ack.at.astimezone(queue.settings.hours.tz)) if ack.at else ""
        rendered = await agent.nlg.generate(ack.response, tracker, output.name(), minutes=ack.minutes,
                                            contact_time=at, agent_name=ack.agent_name or "")
        if not rendered:
            logger.warning("domain.yml has no response %s: nothing said", ack.response)
            return True
        tracker.update(BotUttered(rendered.get("text"), data={k: v for k, v in rendered.items() if k != "text"},
                                  metadata={"kind": "paused_ack", "utter_action": ack.response}))
        await agent.processor.save_tracker(tracker)
    await output.send_response(sender_id, rendered)
    return True


def guarded(on_new_message: MessageHandler, channel: str) -> MessageHandler:
    """Wrap a channel's message handler with the guarantees above."""

    async def handle(message: UserMessage) -> None:
        if not admit(message, channel):
            return
        limit = max_message_chars()
        text = message.text or ""
        if len(text) > limit:
            message.text = text[:limit]
            message.metadata = {**(message.metadata or {}), FULL_TEXT_KEY: text}
            await say(Sanic.get_app().ctx.agent, message.output_channel, message.sender_id,
                      "utter_message_too_long", max_chars=limit)
        watched = _WatchedOutput(message.output_channel)
        message.output_channel = watched
        failures: List[str] = []
        _action_failures.set(failures)
        reason: Optional[str] = None
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("handling a %s message failed", channel)
            reason = "error"
        if failures:
            reason = "action_failed"
        elif watched.sent == 0 and not reason and not await _acknowledge_while_paused(
                watched.inner, message.sender_id):
            reason = "no_reply"
        if reason:
            await keep_unanswered(channel, message.sender_id, text, reason)
            await say(Sanic.get_app().ctx.agent, watched.inner, message.sender_id, SYSTEM_TROUBLE)

    return handle
