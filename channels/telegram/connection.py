"""The python-telegram-bot `Bot` of the channel: created and initialised (getMe) on first use,
inside the running event loop (Sanic's, in the Rasa server), with a connection pool sized for many
customers at once; the Bot API host is configurable (`TELEGRAM_API_BASE_URL`, tests use a fake).
It also downloads the files customers send (getFile, then the file)."""
from __future__ import annotations

import asyncio
from typing import Optional

from telegram import Bot
from telegram.error import BadRequest
from telegram.request import HTTPXRequest

from bot.media_jobs import MediaGone

from channels.telegram.settings import TelegramSettings


def new_bot(settings: TelegramSettings) -> Bot:
    """A `Bot` for `settings` (not initialised yet)."""
    base_url, base_file_url = settings.bot_urls
    return Bot(settings.token, base_url=base_url, base_file_url=base_file_url,
               request=HTTPXRequest(connection_pool_size=settings.connection_pool_size))


class BotConnection:
    """One initialised `Bot`, made when first needed; a failed start is tried again next time."""

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self._bot: Optional[Bot] = None
        self._lock = asyncio.Lock()  # bound to the loop that first uses it (Python ≥ 3.10)

    async def get(self) -> Bot:
        """The initialised `Bot`; raises `telegram.error.TelegramError` when the API refuses."""
        if self._bot is None:
            async with self._lock:
                if self._bot is None:
                    bot = new_bot(self.settings)
                    await bot.initialize()
                    self._bot = bot
        return self._bot

    async def download(self, file_id: str) -> bytes:
        """The bytes of the file `file_id`; `MediaGone` when Telegram refuses it (an unknown id, or
        a file over the Bot API's 20 MB), `telegram.error.TelegramError` for other failures."""
        bot = await self.get()
        try:
            file = await bot.get_file(file_id)
        except BadRequest as exc:
            raise MediaGone(f"Telegram: {exc.message}") from exc
        return bytes(await file.download_as_bytearray())
