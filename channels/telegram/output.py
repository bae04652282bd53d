"""Bot messages to Telegram customers: the replies to their messages, and what Rasa pushes later
through `output_channel=latest` (agent replies, no-agent apologies, surveys).

- Plain text, no `parse_mode`: nothing a customer or an agent writes is read as markup.
- An agent's reply starts with their label, "客服 王芳：" (`channels.agent_label`).
- Buttons become an inline keyboard under the message (`channels.telegram.buttons`).
- Texts over Telegram's 4096 characters (UTF-16 code units) go out in pieces, cut at line or
  sentence ends (`channels.text.split_text`).
- Flood control (429): the message is sent again after the `retry_after` Telegram asks for, a
  bounded number of times, and given up (logged) when Telegram asks for too long a wait.
- A customer who blocked the bot (403) is marked unreachable and sent nothing more until they write
  again; never retried. Other failures are logged. A failed push never fails the Rasa request that
  caused it (the message stays in the tracker).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel
from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.app.customers import mark_unreachable
from bot.clock import utcnow
from bot.storage import EvidenceStore
from bot.identity import platform_id
from channels.agent_label import agent_label, signed
from channels.telegram.connection import BotConnection
from channels.telegram.buttons import ButtonPayloads
from channels.telegram.settings import TelegramSettings
from channels.text import split_text, utf16_len

logger = logging.getLogger(__name__)
CHANNEL = "tg"
#: Telegram's limit for a text message, in UTF-16 code units.
MAX_MESSAGE_CHARS = 4096


class TelegramOutput(OutputChannel):
    """Texts, with inline keyboards, to a Telegram chat."""

    def __init__(self, bot: BotConnection, buttons: ButtonPayloads, customers: EvidenceStore,
                 settings: TelegramSettings) -> None:
        self.bot = bot
        self.buttons = buttons
        self.customers = customers
        self.settings = settings

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """The text; an agent's reply after their label (`channels.agent_label`)."""
        await self.deliver(recipient_id, signed(text, agent_label(kwargs)))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        """The text with the buttons as an inline keyboard under its last piece."""
        chat_id = _chat_id(recipient_id)
        if chat_id is not None:
            markup = await self.buttons.keyboard(chat_id, buttons) if buttons else None
            await self.deliver(recipient_id, text, markup)

    async def deliver(self, recipient_id: str, text: str, markup: Optional[InlineKeyboardMarkup] = None) -> None:
        """Send `text` to the customer `recipient_id` (`tg:<chat id>`), in pieces if needed, unless
        they cannot be reached now. Another channel's sender id is refused, nothing is sent."""
        chat_id = _chat_id(recipient_id)
        if chat_id is None:
            return
        if await asyncio.to_thread(self.customers.is_unreachable, CHANNEL, recipient_id):
            logger.warning("tg: not sent to %s, who blocked the bot, until they write again", chat_id)
            return
        pieces = split_text(text, MAX_MESSAGE_CHARS, utf16_len)
        for number, piece in enumerate(pieces, 1):
            if not await self._send(recipient_id, chat_id, piece, markup if number == len(pieces) else None):
                return

    async def _send(self, recipient_id: str, chat_id: str, text: str,
                    markup: Optional[InlineKeyboardMarkup]) -> bool:
        """Send one message, waiting out flood control; False when it was not delivered."""
        retried = 0
        while True:
            try:
                bot = await self.bot.get()
                await bot.send_message(chat_id, text, reply_markup=markup)
                return True
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if retried == self.settings.retries or wait > self.settings.max_retry_after_seconds:
                    logger.error("tg: message to %s given up: Telegram's flood control asks to wait "
                                 "%.0f s after %d retries", chat_id, wait, retried)
                    return False
                retried += 1
                logger.warning("tg: flood control: message to %s sent again in %.0f s", chat_id, wait)
                await asyncio.sleep(wait)
            except Forbidden as exc:
                logger.warning("tg: message to %s refused (%s); customer marked unreachable", chat_id, exc)
                await asyncio.to_thread(mark_unreachable, self.customers, CHANNEL, recipient_id, utcnow())
                return False
            except TelegramError:
                logger.exception("tg: message to %s not delivered", chat_id)
                return False


def _chat_id(recipient_id: str) -> Optional[str]:
    """The Telegram chat id of the sender id `recipient_id`; None (logged) for another channel's."""
    chat_id = platform_id(CHANNEL, recipient_id)
    if chat_id is None:
        logger.error("tg: not sent: %r is not a Telegram customer's sender id", recipient_id)
    return chat_id


def _seconds(retry_after: Any) -> float:
    """`RetryAfter.retry_after` in seconds (python-telegram-bot 22 gives an int or a timedelta)."""
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
