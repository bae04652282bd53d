"""Rasa buttons as Telegram inline keyboards.

Telegram hands a pressed button's `callback_data` back to the bot, and allows at most 64 bytes of
it. A payload that fits (every one in domain.yml today) is its own callback data; a longer one is
kept in the shared key-value store, per chat, under a short key that the callback data carries.
"""
from __future__ import annotations

import asyncio
import hashlib
from typing import Any, Dict, List, Optional, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from channels.keyvalue import KeyValue

MAX_CALLBACK_BYTES = 64
#: Callback data starting with this is a key for a stored payload.
KEY_PREFIX = "k:"
BUTTONS_PER_ROW = 2


class ButtonPayloads:
    """The payloads behind the inline buttons sent to each chat."""

    def __init__(self, store: KeyValue, remember_s: float) -> None:
        self.store = store
        self.remember_s = remember_s

    async def keyboard(self, chat_id: str, buttons: Sequence[Dict[str, Any]]) -> InlineKeyboardMarkup:
        """Rasa's buttons ({title, payload}), `BUTTONS_PER_ROW` to a row, in order."""
        keys = [InlineKeyboardButton(str(b.get("title", "")),
                                     callback_data=await self.callback_data(chat_id, str(b.get("payload", ""))))
                for b in buttons]
        return InlineKeyboardMarkup([keys[at:at + BUTTONS_PER_ROW] for at in range(0, len(keys), BUTTONS_PER_ROW)])

    async def callback_data(self, chat_id: str, payload: str) -> str:
        """What the button for `payload` carries: the payload itself, or a key for it."""
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(KEY_PREFIX):
            return payload
        key = KEY_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        await asyncio.to_thread(self.store.set, _key(chat_id, key), payload, self.remember_s)
        return key

    async def payload(self, chat_id: str, data: str) -> Optional[str]:
        """The payload of a pressed button's callback data; None when its key was forgotten."""
        if not data.startswith(KEY_PREFIX):
            return data
        return await asyncio.to_thread(self.store.get, _key(chat_id, data))


def pressed_title(markup: Optional[InlineKeyboardMarkup], data: str) -> Optional[str]:
    """The title of the button with callback data `data` in a message's keyboard."""
    rows: List[Sequence[InlineKeyboardButton]] = list(markup.inline_keyboard) if markup else []
    return next((button.text for row in rows for button in row if button.callback_data == data), None)


def _key(chat_id: str, key: str) -> str:
    return f"button:{chat_id}:{key}"
