"""The Telegram channel, `tg` (Rasa's built-in channel is called `telegram`): POST
/webhooks/tg/webhook, with python-telegram-bot 22 inside Rasa's Sanic server.

credentials.yml (off by default; README, "Telegram")::

    channels.telegram.TelegramInput:
      token: ${TELEGRAM_BOT_TOKEN}
      secret_token: ${TELEGRAM_WEBHOOK_SECRET}

An update goes through these steps:
1. The `X-Telegram-Bot-Api-Secret-Token` header must equal the secret given to Telegram with the
   webhook (`python -m bot telegram set-webhook`), else 403 before anything reaches Rasa. A body
   that is not an update Telegram could send (`channels.telegram.inbound.parse`, also a field of the
   wrong type) gets 400 and is kept whole in the store's unanswered messages.
2. Telegram delivers an update again when it got no 2xx in time: each update_id is claimed in the
   shared key-value store (`channels.dedup`), and a redelivery is answered 200 without a turn
   (unless the server processing it died: its claim lapses, and the redelivery is processed).
3. What the update carries decides what happens (`channels.telegram.inbound`); turns go to Rasa through
   `channels.guard.guarded`, with `input_channel="tg"` so that pushed messages find the channel.
   A photo or voice message is kept as evidence at once and downloaded afterwards (getFile, then
   the file; `channels.common.MediaDownloads`).
4. Telegram gets 200 once the update is handled (the replies sent), whatever happened: the
   customer already got an answer or an apology, and an update that could not be handled is kept
   whole in the store's unanswered messages (by the guard for a turn, else here).
The sender id is `tg:<chat id>` (`bot.identity`); in a private chat the chat id is the customer's
Telegram user id.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Chat, Update
from telegram.error import TelegramError

from bot.app.customers import mark_reachable, mark_unreachable
from bot.clock import utcnow
from bot.storage import EvidenceStore, shared_store
from bot.identity import sender_id
from channels.dedup import Deliveries
from channels.common import (
    SYSTEM_TROUBLE, MediaDownloads, keep_evidence, keep_malformed, keep_unanswered, say,
)
from channels.guard import guarded
from channels.instructions import Ignore, KeepEvidence, Say, Turn
from channels.keyvalue import keyvalue_from_url
from channels.telegram.connection import BotConnection
from channels.telegram.buttons import ButtonPayloads, pressed_title
from channels.telegram.inbound import Blocked, Instruction, Malformed, Press, instructions_for, parse
from channels.telegram.output import CHANNEL, TelegramOutput
from channels.telegram.settings import TelegramSettings

logger = logging.getLogger(__name__)
MessageHandler = Callable[[UserMessage], Awaitable[Any]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BUTTON_EXPIRED = "utter_tg_button_expired"


class TelegramInput(InputChannel):
    """A Telegram bot, over a webhook."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(TelegramSettings.load(credentials))

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.bot = BotConnection(settings)
        bot_id = settings.token.split(":", 1)[0]
        state = keyvalue_from_url(settings.redis_url, f"complaints:tg:{bot_id}")
        self.updates = Deliveries(state, settings.remember_updates_seconds,
                                  settings.processing_lease_seconds, channel=CHANNEL)
        self.customers = EvidenceStore(shared_store())
        self.output = TelegramOutput(self.bot, ButtonPayloads(state, settings.remember_buttons_seconds),
                                     self.customers, settings)
        self.downloads = MediaDownloads(CHANNEL, self.bot.download, self.customers)
        #: How each instruction of `channels.telegram.inbound` is carried out.
        self._instructions: Dict[type, Callable[[Any, Update, Agent, MessageHandler], Awaitable[None]]] = {
            Turn: self._turn, Press: self._press, Say: self._say_instruction,
            KeepEvidence: self._keep_evidence, Blocked: self._blocked, Ignore: self._ignore}
        logger.info("tg: channel ready (bot %s, state in %s, API %s)", bot_id,
                    "Redis" if settings.redis_url else "memory", settings.api_base_url)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Sends with the Bot: for `output_channel=latest`."""
        return self.output

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        handle = guarded(on_new_message, self.name())
        webhook = Blueprint("tg_webhook", __name__)
        webhook.listener("after_server_start")(lambda *_: self.downloads.start())

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            given = request.headers.get(SECRET_HEADER, "")
            # A header that is not UTF-8 arrives with surrogate escapes: compared as bytes, refused.
            if not secrets.compare_digest(given.encode("utf-8", "surrogateescape"),
                                          self.settings.secret_token.encode()):
                logger.warning("tg: update refused (403): wrong or missing %s", SECRET_HEADER)
                return response.text("forbidden", status=403)
            body = request.body.decode("utf-8", errors="replace")
            try:
                bot = await self.bot.get()
            except TelegramError as exc:  # Telegram delivers the update again later
                logger.error("tg: the Bot API cannot be reached (%s): update not taken (503)", exc)
                return response.text("unavailable", status=503)
            try:
                update = parse(body, bot)
                instructions = instructions_for(update, self.settings)
            except Malformed as exc:
                await keep_malformed(CHANNEL, "unknown", body, exc)
                return response.text(f"bad request: {exc}", status=400)
            key = f"update:{update.update_id}"
            if await self.updates.claim(key):
                async with self.updates.held(key):
                    await self._process(update, instructions, body, request.app.ctx.agent, handle)
                    await self.updates.pushed(key)
            else:
                logger.info("tg: update %s delivered again: not processed again", update.update_id)
            return response.text("")

        return webhook

    async def _process(self, update: Update, instructions: List[Instruction], body: str, agent: Agent,
                       handle: MessageHandler) -> None:
        """Carry out `instructions` (`channels.telegram.inbound`); when that fails, keep the update
        (`body`) for a colleague and apologise."""
        chat = update.effective_chat
        try:
            if chat is not None and chat.type == Chat.PRIVATE and not isinstance(instructions[0], Blocked):
                await asyncio.to_thread(mark_reachable, self.customers, CHANNEL, _sender(update))
            for instruction in instructions:
                await self._instructions[type(instruction)](instruction, update, agent, handle)
        except Exception:  # turns have channels.guard; this is the store failing for the rest
            logger.exception("tg: handling update %s failed", update.update_id)
            await keep_unanswered(CHANNEL, _sender(update) if chat else "unknown", body, "error")
            if chat is not None:
                await self._apologise(update, agent)

    async def _apologise(self, update: Update, agent: Agent) -> None:
        """Tell the customer their message could not be handled (logged when even that fails)."""
        try:
            await self._say(update, agent, SYSTEM_TROUBLE)
        except Exception:
            logger.exception("tg: update %s: not even the apology could be sent", update.update_id)

    async def _turn(self, turn: Turn, update: Update, _: Agent, handle: MessageHandler,
                    chose: Optional[str] = None) -> None:
        """Hand `turn.text` to Rasa as the customer's message."""
        message = update.effective_message
        metadata: Dict[str, Any] = {"update_id": update.update_id, "edited": update.edited_message is not None}
        if message is not None:
            metadata["message_id"] = message.message_id
        if chose is not None:
            metadata["chose"] = chose
        await handle(UserMessage(turn.text, self.output, _sender(update), input_channel=self.name(),
                                 metadata={"tg": metadata}, message_id=f"tg-{update.update_id}"))

    async def _press(self, press: Press, update: Update, agent: Agent, handle: MessageHandler) -> None:
        """Answer the press (the button stops spinning), then take its payload as the customer's
        choice; a button whose stored payload was forgotten gets a request to type instead."""
        query = press.query
        try:
            await (await self.bot.get()).answer_callback_query(query.id)
        except TelegramError as exc:
            logger.warning("tg: callback query %s not answered (%s); the choice is taken all the same",
                           query.id, exc)
        if query.message is None or query.data is None:
            await self._ignore(Ignore("a press on a message too old to have its chat"), update, agent, handle)
            return
        chat_id = str(query.message.chat.id)
        payload = await self.output.buttons.payload(chat_id, query.data)
        if payload is None:
            await self._say(update, agent, BUTTON_EXPIRED)
            return
        title = pressed_title(getattr(query.message, "reply_markup", None), query.data)
        await self._turn(Turn(payload), update, agent, handle, chose=title)

    async def _say_instruction(self, say: Say, update: Update, agent: Agent, _: MessageHandler) -> None:
        await self._say(update, agent, say.response)

    async def _keep_evidence(self, evidence: KeepEvidence, update: Update, agent: Agent, _: MessageHandler) -> None:
        response, values = await keep_evidence(self.customers, CHANNEL, _sender(update), evidence, self.downloads)
        await self._say(update, agent, response, **values)

    async def _blocked(self, _: Blocked, update: Update, __: Agent, ___: MessageHandler) -> None:
        await asyncio.to_thread(mark_unreachable, self.customers, CHANNEL, _sender(update), utcnow())
        logger.info("tg: %s blocked the bot: marked unreachable", update.effective_chat.id)

    async def _ignore(self, ignore: Ignore, update: Update, _: Agent, __: MessageHandler) -> None:
        logger.info("tg: update %s ignored: %s", update.update_id, ignore.why)

    async def _say(self, update: Update, agent: Agent, response_name: str, **values: Any) -> None:
        """Say a domain response in the update's chat. A group chat gets no tracker: it is answered
        from a blank one, so nothing of it is kept."""
        sender = _sender(update)
        blank = (None if update.effective_chat.type == Chat.PRIVATE
                 else DialogueStateTracker(sender, agent.domain.slots))
        await say(agent, self.output, sender, response_name, tracker=blank, **values)


def _sender(update: Update) -> str:
    """The sender id of the update's chat."""
    return sender_id(CHANNEL, str(update.effective_chat.id))
