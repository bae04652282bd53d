"""Bot messages to WeChat customers.

`WeChatOutput` sends through the customer-service API, without a pending request: what Rasa
uses for `output_channel=latest` (agent replies, no-agent apologies, surveys) and for answers
that missed the passive-reply deadline. `HeldOutput` holds a turn's messages for a passive reply
until the channel releases it; from then on it sends like `WeChatOutput`.

Buttons become numbered options (`channels.wechat.choices`); texts over WeChat's size limit go out
in pieces. An agent's reply starts with their label, "客服 王芳：" (`channels.agent_label`). A
customer WeChat will not deliver to now (`channels.wechat.api.UNREACHABLE`) is marked unreachable
and not sent anything more until they write again; other failures are logged. Neither
is ever retried in a loop, and a failed push never fails the Rasa request that caused it (the
message stays in the tracker).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel

from bot.app.customers import mark_unreachable
from bot.clock import utcnow
from bot.storage import EvidenceStore
from bot.identity import platform_id
from channels.agent_label import agent_label, signed
from channels.wechat.api import CustomerServiceApi, Unreachable
from channels.wechat.choices import Choices, hint_for, numbered
from channels.text import split_text, utf8_len

logger = logging.getLogger(__name__)
CHANNEL = "wechat"


class WeChatOutput(OutputChannel):
    """Texts to a customer through the customer-service API."""

    def __init__(self, api: CustomerServiceApi, choices: Choices, customers: EvidenceStore,
                 max_message_bytes: int) -> None:
        self.api = api
        self.choices = choices
        self.customers = customers
        self.max_message_bytes = max_message_bytes

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """The text; an agent's reply after their label (`channels.agent_label`)."""
        openid = _openid(recipient_id)
        if openid is not None:
            await self.choices.forget(openid)
            await self.deliver(recipient_id, signed(text, agent_label(kwargs)))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        """The text with the buttons as numbered options, answerable with their number."""
        if not buttons:
            await self.send_text_message(recipient_id, text)
            return
        openid = _openid(recipient_id)
        if openid is None:
            return
        await self.choices.remember(openid, buttons)
        await self.deliver(recipient_id, numbered(text, [b.get("title", "") for b in buttons], hint_for(text)))

    async def deliver(self, recipient_id: str, text: str) -> None:
        """Send `text` to the customer `recipient_id` (`wechat:<openid>`), in pieces if needed, unless
        they cannot be reached now. Another channel's sender id is refused, nothing is sent."""
        openid = _openid(recipient_id)
        if openid is None:
            return
        if await asyncio.to_thread(self.customers.is_unreachable, CHANNEL, recipient_id):
            logger.warning("wechat: not sent to %s, who cannot be reached until they write again", openid)
            return
        for piece in split_text(text, self.max_message_bytes):
            try:
                await self.api.send_text(openid, piece)
            except Unreachable as exc:
                logger.warning("wechat: message to %s undeliverable (%s); customer marked unreachable",
                               openid, exc)
                await asyncio.to_thread(mark_unreachable, self.customers, CHANNEL, recipient_id, utcnow())
                return
            except Exception:
                logger.exception("wechat: message to %s not delivered", openid)
                return


class HeldOutput(WeChatOutput):
    """A turn's messages, held for one passive reply until `release`; then pushed."""

    def __init__(self, push: WeChatOutput, recipient_id: str) -> None:
        super().__init__(push.api, push.choices, push.customers, push.max_message_bytes)
        self.recipient_id = recipient_id
        self._held: List[str] = []
        self._pushing_held: Optional["asyncio.Task[None]"] = None

    async def deliver(self, recipient_id: str, text: str) -> None:
        if self._pushing_held is None:
            self._held.append(text)
            return
        await self._pushing_held  # the held messages go first
        await super().deliver(recipient_id, text)

    def passive_reply(self) -> Optional[str]:
        """The held messages as one reply, or None when there are none or they do not fit in one."""
        reply = "\n\n".join(self._held)
        return reply if self._held and utf8_len(reply) <= self.max_message_bytes else None

    def release(self) -> "asyncio.Task[None]":
        """From now on push: the held messages first (in the task returned), then each as it comes."""
        held, self._held = self._held, []
        self._pushing_held = asyncio.create_task(self._push(held))
        return self._pushing_held

    async def _push(self, texts: List[str]) -> None:
        for text in texts:
            await super().deliver(self.recipient_id, text)


def _openid(recipient_id: str) -> Optional[str]:
    """The openid of the sender id `recipient_id`; None (logged) for another channel's."""
    openid = platform_id(CHANNEL, recipient_id)
    if openid is None:
        logger.error("wechat: not sent: %r is not a WeChat customer's sender id", recipient_id)
    return openid
