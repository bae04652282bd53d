"""The WeChat Official Account channel (微信公众号), `wechat`: POST/GET /webhooks/wechat/webhook.

credentials.yml (off by default; README, "WeChat Official Account")::

    channels.wechat.WeChatInput:
      token: ${WECHAT_TOKEN}
      app_id: ${WECHAT_APP_ID}
      app_secret: ${WECHAT_APP_SECRET}
      encoding_aes_key: ${WECHAT_ENCODING_AES_KEY}

A message goes through these steps:
1. GET: URL verification (signature over Token, timestamp, nonce → echo `echostr`). POST: the
   signature, and in safe mode `msg_signature`, must match, the timestamp be recent, the message
   be encrypted when an EncodingAESKey is configured, and its (timestamp, nonce) not used by
   another message, else 403 before anything reaches Rasa (`channels.wechat.envelope`). A body
   that is not WeChat XML gets 400 and is kept whole in the store's unanswered messages.
2. WeChat's retries are recognised (`channels.dedup`) and get the first delivery's answer;
   a retry of a message whose server died mid-turn is processed.
3. The message type decides what happens (`channels.wechat.inbound`); turns go to Rasa through
   `channels.guard.guarded`, a reply of just a number picks that option (`channels.wechat.choices`).
   A photo is kept as evidence at once and downloaded afterwards (`channels.common.MediaDownloads`).
4. The 5-second rule: WeChat waits 5 s from its signed timestamp. What the assistant says by then
   (`passive_reply_seconds`, config/channels.yml) is the passive reply, in one message; later or
   longer answers are sent through the customer-service API and WeChat gets `success`
   (`channels.wechat.output`).
The sender id is `wechat:<openid>` (`bot.identity`).
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

from bot.app.customers import mark_reachable, mark_unreachable
from bot.clock import utcnow
from bot.storage import EvidenceStore, shared_store
from bot.identity import sender_id
from channels.dedup import Deliveries
from channels.common import (
    SYSTEM_TROUBLE, MediaDownloads, keep_evidence, keep_malformed, keep_unanswered, say,
)
from channels.guard import guarded
from channels.keyvalue import keyvalue_from_url
from channels.wechat.api import CustomerServiceApi
from channels.wechat.choices import Choices
from channels.wechat.envelope import Envelope, Forged, Malformed, Replays
from channels.instructions import Ignore, KeepEvidence, Say, Turn
from channels.wechat.inbound import Unfollow, as_xml, delivery_key, instruction_for, parse
from channels.wechat.output import CHANNEL, HeldOutput, WeChatOutput
from channels.wechat.settings import WeChatSettings

logger = logging.getLogger(__name__)
MessageHandler = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class _Delivery:
    """A message being processed, with where its answer goes."""

    message: BaseMessage
    output: HeldOutput
    agent: Agent
    handle: MessageHandler


class WeChatInput(InputChannel):
    """A WeChat Official Account, plain or safe mode."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(WeChatSettings.load(credentials))

    def __init__(self, settings: WeChatSettings) -> None:
        self.settings = settings
        self.envelope = Envelope(settings.token, settings.app_id, settings.encoding_aes_key,
                                 settings.max_clock_skew_seconds)
        state = keyvalue_from_url(settings.redis_url, f"complaints:wechat:{settings.app_id}")
        self.replays = Replays(state, settings.max_clock_skew_seconds)
        self.deliveries = Deliveries(state, settings.remember_deliveries_seconds,
                                     settings.processing_lease_seconds)
        self.customers = EvidenceStore(shared_store())
        api = CustomerServiceApi(settings.app_id, settings.app_secret, settings.api_base_url, state)
        self.output = WeChatOutput(api, Choices(state, settings.remember_choices_seconds), self.customers,
                                   settings.max_message_bytes)
        self.downloads = MediaDownloads(CHANNEL, api.download_media, self.customers)
        self._background: Set["asyncio.Task[Any]"] = set()
        #: How each instruction of `channels.wechat.inbound` is carried out.
        self._instructions: Dict[type, Callable[[Any, _Delivery], Awaitable[None]]] = {
            Turn: self._turn, Say: self._say_instruction, KeepEvidence: self._keep_evidence,
            Unfollow: self._unfollow, Ignore: self._ignore}
        logger.info("wechat: channel ready (%s, state in %s, API %s)",
                    "safe mode: plaintext refused" if settings.encoding_aes_key else "plain mode",
                    "Redis" if settings.redis_url else "memory", settings.api_base_url)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Pushes through the customer-service API: for `output_channel=latest`."""
        return self.output

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        handle = guarded(on_new_message, self.name())
        webhook = Blueprint("wechat_webhook", __name__)
        webhook.listener("after_server_start")(lambda *_: self.downloads.start())

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            try:
                self.envelope.check(_args(request))
            except Forged as exc:
                logger.warning("wechat: URL verification refused: %s", exc)
                return response.text("forbidden", status=403)
            return response.text(request.args.get("echostr", ""))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            args = _args(request)
            xml = request.body.decode("utf-8", errors="replace")
            try:
                self.envelope.check(args)
                xml = self.envelope.open(args, request.body)
                await self.replays.check(args, xml)
                message = parse(xml)
            except Forged as exc:
                logger.warning("wechat: request refused (403): %s", exc)
                return response.text("forbidden", status=403)
            except Malformed as exc:
                await keep_malformed(CHANNEL, args.get("openid") or "unknown", xml, exc)
                return response.text(f"bad request: {exc}", status=400)
            reply = await self._reply(message, self._deadline(args["timestamp"]), request.app.ctx.agent, handle)
            if reply is None:
                return response.text("success")
            xml_reply = TextReply(source=message.target, target=message.source, content=reply).render()
            return response.text(self.envelope.seal(args, xml_reply), content_type="application/xml")

        return webhook

    def _deadline(self, timestamp: str) -> float:
        """Event-loop time by which a passive reply must be ready: WeChat's clock started at its
        (checked) timestamp, to the second."""
        waited = max(0.0, time.time() - int(timestamp))
        return asyncio.get_running_loop().time() + self.settings.passive_reply_seconds - waited

    async def _reply(self, message: BaseMessage, deadline: float, agent: Agent,
                     handle: MessageHandler) -> Optional[str]:
        """The passive reply to `message`, or None (answer `success`). A retry gets the first
        delivery's reply; a first delivery is processed, and pushed when it misses `deadline`."""
        key = delivery_key(message)
        retry = await self.deliveries.claim_or_wait(key, deadline)
        if retry is not None:
            logger.info("wechat: retry of %s from %s: not processed again", key, message.source)
            return retry.reply
        output = HeldOutput(self.output, _sender(message))
        async with self.deliveries.held(key):
            work = self._in_background(self._process(message, output, agent, handle))
            await asyncio.wait({work}, timeout=max(0.0, deadline - asyncio.get_running_loop().time()))
            reply = output.passive_reply() if work.done() else None
            if reply is None:
                await self.deliveries.pushed(key)
                self._in_background(output.release())
                if not work.done():
                    logger.info("wechat: %s from %s is still being answered: `success` now, the answer "
                                "by customer-service message", key, message.source)
            else:
                await self.deliveries.replied(key, reply)
        return reply

    def _in_background(self, work: Awaitable[Any]) -> "asyncio.Task[Any]":
        """Run `work` on, kept referenced until done (the request may be answered before)."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _process(self, message: BaseMessage, output: HeldOutput, agent: Agent,
                       handle: MessageHandler) -> None:
        """Carry out what `message` asks (`channels.wechat.inbound`); when that fails, keep the
        message for a colleague and apologise."""
        instruction = instruction_for(message, self.settings.menu)
        delivery = _Delivery(message, output, agent, handle)
        try:
            if not isinstance(instruction, Unfollow):
                await asyncio.to_thread(mark_reachable, self.customers, CHANNEL, _sender(message))
        except Exception:  # the store is down: answering matters more
            logger.exception("wechat: could not mark %s reachable", message.source)
        try:
            await self._instructions[type(instruction)](instruction, delivery)
        except Exception:  # turns have channels.guard; this is the store failing for the rest
            logger.exception("wechat: handling %s from %s failed", delivery_key(message), message.source)
            await keep_unanswered(CHANNEL, _sender(message), as_xml(message), "error")
            await self._say(delivery, SYSTEM_TROUBLE)

    async def _turn(self, turn: Turn, delivery: _Delivery) -> None:
        """Hand the text to Rasa; a number answering the last options is that option's payload."""
        message = delivery.message
        chosen = await self.output.choices.resolve(message.source, turn.text)
        metadata: Dict[str, Any] = {"msg_type": message.type, "msg_id": message.id}
        if chosen:
            metadata["chose"] = chosen["title"]
        await delivery.handle(UserMessage(
            chosen["payload"] if chosen else turn.text, delivery.output, _sender(message),
            input_channel=self.name(), metadata={"wechat": metadata},
            message_id=str(message.id) if message.id else None))

    async def _say_instruction(self, say: Say, delivery: _Delivery) -> None:
        await self._say(delivery, say.response)

    async def _keep_evidence(self, evidence: KeepEvidence, delivery: _Delivery) -> None:
        response, values = await keep_evidence(self.customers, CHANNEL, _sender(delivery.message), evidence,
                                                self.downloads)
        await self._say(delivery, response, **values)

    async def _unfollow(self, _: Unfollow, delivery: _Delivery) -> None:
        await asyncio.to_thread(mark_unreachable, self.customers, CHANNEL, _sender(delivery.message),
                                utcnow())
        logger.info("wechat: %s unfollowed the account: marked unreachable", delivery.message.source)

    async def _ignore(self, ignore: Ignore, delivery: _Delivery) -> None:
        logger.info("wechat: %s from %s ignored: %s", delivery_key(delivery.message),
                    delivery.message.source, ignore.why)

    async def _say(self, delivery: _Delivery, response_name: str, **values: Any) -> None:
        await say(delivery.agent, delivery.output, _sender(delivery.message), response_name, **values)


def _sender(message: BaseMessage) -> str:
    """The sender id of the message's customer."""
    return sender_id(CHANNEL, message.source)


def _args(request: Request) -> Dict[str, str]:
    """The query parameters, one value each."""
    return {name: request.args.get(name) or "" for name in request.args}
