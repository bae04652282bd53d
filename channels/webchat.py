"""The web chat: Rasa's Socket.IO channel under the name `webchat`, plus its page at GET /webchat.

credentials.yml::

    channels.webchat.WebChatInput:
      user_message_evt: user_uttered     # defaults shown
      bot_message_evt: bot_uttered
      session_persistence: true
      # cors_allowed_origins: "*"        # default: only the page's own origin may connect

Sessions are issued by the server (`channels.webchat_session`): a page's `session_request`
brings the signed token it was given before, if any; a token the server did not sign (forged,
made up, another channel's sender id) gets a new session. `session_confirm` answers with the
token, which the page keeps in localStorage, so a reload continues the same conversation. The
Rasa sender id is the token's `web:<random>` part. Every page open on that session joins a
Socket.IO room named after it, which is where the bot's replies go, and also messages pushed
later through the Rasa HTTP API with `output_channel=latest` (agent messages, `trigger_intent`):
user messages carry `input_channel="webchat"`, and `get_output_channel()` returns an output into
the same server.

Differences from Rasa's own `socketio` channel, each with its reason:
- Session ids are never taken from the page (Rasa's channel takes any): see above. Without
  `session_persistence` every `session_request` gets a new session.
- `session_request` awaits `enter_room`: python-socketio 5.x made it a coroutine and Rasa 3.6
  calls it without `await`, so with `session_persistence` the page never joined its room and
  received nothing.
- `user_uttered` goes to the session the socket was confirmed, whatever session id the message
  names; a socket with no session yet is ignored.
- Messages go to Rasa through `channels.guard.guarded`, like every channel's.
- The page speaks to the default namespace "/" only (no `namespace` credential).
- Socket.IO connections are accepted from the page's own origin only, unless
  `cors_allowed_origins` says otherwise (Rasa accepts any origin).
- With `REDIS_URL` set (several Rasa servers), the Socket.IO rooms are shared through Redis
  pub/sub: a message pushed through any server (an agent's reply, a survey) reaches a page whose
  socket is connected to another.

Added for the page, beyond Rasa's events (the page shows "对方正在输入" from a message sent until
`turn_done`, and pins the complaint ID at its top):
- `turn_done` {"complaint_id"?} to the session's room once the assistant has finished with a
  customer message (answered, paused for an agent, or failed);
- `conversation_state` {"complaint_id"?} to the socket after `session_confirm`.
`complaint_id` is the newest complaint of this web chat session in the store (the sender id is
the one the server issued, so it is never another customer's), null when there is none, left
out when the store cannot be read.

The page's header (company name, subtitle, logo) and the 转人工 button's text come from
config/channels.yml's `webchat:` section (`channels.webchat_settings`); the logo is at /webchat/logo.
The page's photo button posts to /webchat/upload (`channels.webchat_upload`).
"""
from __future__ import annotations

import asyncio
import html
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.identity import platform_id
from channels.agent_label import agent_label
from bot.files import file_store_from_settings
from bot.settings import Settings
from bot.storage import EvidenceStore, shared_store
from channels.guard import guarded
from channels.webchat_session import SessionTokens
from channels.webchat_settings import WebChatSettings
from channels.webchat_upload import PhotoUpload

logger = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).with_name("webchat_page")
PAGE_PATH = "/webchat"
#: Files the page loads from /webchat/static/<name>, with their content types.
STATIC_FILES = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
_HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]+")


class WebChatOutput(SocketIOOutput):
    """Bot messages as `bot_uttered` events to every page open on the conversation's session."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Send to the pages of the web chat session `recipient_id`; another channel's sender id is
        refused, nothing is sent."""
        if platform_id(self.name(), recipient_id) is None:
            logger.error("web chat: not sent: %r is not a web chat session", recipient_id)
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """The text in bubbles (one per paragraph); an agent's reply in one bubble with their
        label (`agent`: 客服 王芳, `channels.agent_label`), which the page shows apart."""
        label = agent_label(kwargs)
        if label is None:
            await super().send_text_message(recipient_id, text, **kwargs)
        else:
            await self._send_message(recipient_id, {"text": text.strip(), "agent": label})


class WebChatBlueprint(SocketBlueprint):
    """The Socket.IO endpoint and the channel's webhook, plus the chat page at the app's root.

    The page lives at a fixed address (/webchat), not under the channel's `/webhooks/webchat/`
    prefix that Rasa gives the blueprint's own routes.
    """

    def __init__(self, sio: AsyncServer, socketio_path: Text, settings: WebChatSettings,
                 upload: PhotoUpload) -> None:
        super().__init__(sio, socketio_path, "webchat_webhook", __name__)
        self.ctx.settings = settings
        self.ctx.upload = upload

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        super().register(app, options)
        app.add_route(self._page, PAGE_PATH, methods=["GET"], name="webchat_page")
        app.add_route(self._static, f"{PAGE_PATH}/static/<filename>", methods=["GET"],
                      name="webchat_static")
        app.add_route(self._logo, f"{PAGE_PATH}/logo", methods=["GET"], name="webchat_logo")
        app.add_route(self.ctx.upload.handle, f"{PAGE_PATH}/upload", methods=["POST"], name="webchat_upload")

    async def _page(self, request: Request) -> HTTPResponse:
        """The chat page, told where the Socket.IO endpoint is and what to show of the company."""
        page = render_page((PAGE_DIR / "index.html").read_text(encoding="utf-8"), self.ctx.settings,
                           self.ctx.socketio_path)
        return response.html(page, headers=_page_headers(request.host))

    async def _logo(self, _: Request) -> HTTPResponse:
        """The company's logo (config/channels.yml), as an image only: an SVG runs no script."""
        settings: WebChatSettings = self.ctx.settings
        return await response.file(settings.logo, mime_type=settings.logo_type, headers={
            "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"})

    async def _static(self, _: Request, filename: str) -> HTTPResponse:
        """One of the page's own files (STATIC_FILES); 404 for anything else."""
        if filename not in STATIC_FILES:
            return response.text("not found", status=404)
        return await response.file(PAGE_DIR / filename, mime_type=STATIC_FILES[filename],
                                   headers={"Cache-Control": "no-cache",
                                            "X-Content-Type-Options": "nosniff"})


def render_page(template: str, settings: WebChatSettings, socketio_path: str) -> str:
    """index.html with its `{{name}}` places filled in, every value escaped."""
    values = {"socketio_path": socketio_path, "company_name": settings.company_name,
              "subtitle": settings.subtitle, "human_request": settings.human_request}
    for name, value in values.items():
        template = template.replace("{{%s}}" % name, html.escape(value, quote=True))
    return template


async def complaint_of(sender_id: str) -> Dict[str, Optional[str]]:
    """{"complaint_id": …} of the newest complaint of the web chat session `sender_id` (None when
    it has none), or {} when the store cannot be read (the page keeps what it shows)."""
    try:
        complaint = await asyncio.to_thread(shared_store().latest_for_customer, WebChatOutput.name(), sender_id)
    except Exception:
        logger.exception("web chat: the complaint of %s could not be read", sender_id)
        return {}
    return {"complaint_id": complaint.public_id if complaint else None}


def _page_headers(host: str) -> Dict[str, str]:
    """Security headers for the page: its own scripts and styles only, Socket.IO to its own host."""
    sockets = f" ws://{host} wss://{host}" if _HOST.fullmatch(host or "") else ""
    policy = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https: http:; "
              f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


class WebChatInput(SocketIOInput):
    """Rasa's Socket.IO input channel as `webchat`, serving the chat page at /webchat."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """The channel from its credentials.yml entry; `session_persistence` defaults to true."""
        credentials = {"session_persistence": True, **(credentials or {})}
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = credentials.get("cors_allowed_origins")
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Origins allowed to open the Socket.IO connection: None = the page's own, "*" = any.
        self.cors_allowed_origins: Union[None, Text, List[Text]] = None
        #: The page's header and 转人工 button; a mistake in config/channels.yml stops the start.
        self.settings = WebChatSettings.load()

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Output to the pages open on a session, for messages pushed through the HTTP API."""
        if self.sio is None:
            return super().get_output_channel()  # warns: no Socket.IO server in this process
        return WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's Socket.IO server with the session and message handlers replaced (module doc)."""
        on_new_message = guarded(on_new_message, self.name())
        super().blueprint(on_new_message)  # creates self.sio with Rasa's connect/disconnect handlers
        sio = self.sio
        sio.eio.cors_allowed_origins = self.cors_allowed_origins
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:  # before the first connection, when the server starts its manager
            sio.manager = AsyncRedisManager(redis_url, channel="complaints-webchat")
            sio.manager.set_server(sio)
            logger.info("web chat: Socket.IO rooms shared through Redis")
        namespace = self.namespace or "/"
        sessions = SessionTokens.load()
        upload = PhotoUpload(sessions, file_store_from_settings(Settings.load()), EvidenceStore(shared_store()),
                             lambda: WebChatOutput(sio, self.bot_message_evt))
        webchat = WebChatBlueprint(sio, self.socketio_path, self.settings, upload)

        @webchat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) and self.session_persistence else None
            sender = sessions.sender_of(token)
            if sender is None:
                token = sessions.issue()
                sender = sessions.sender_of(token)
            for room in list(sio.rooms(sid, namespace=namespace)):  # a socket follows one session
                if room != sid:
                    await sio.leave_room(sid, room, namespace=namespace)
            await sio.enter_room(sid, sender, namespace=namespace)
            await sio.save_session(sid, {"sender_id": sender}, namespace=namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=namespace)
            await sio.emit("conversation_state", await complaint_of(sender), room=sid, namespace=namespace)
            logger.debug(f"Web chat socket {sid} joined session {sender}.")

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict) or not str(data.get("message") or "").strip():
                return
            sender_id = (await sio.get_session(sid, namespace=namespace)).get("sender_id")
            if sender_id is None:
                logger.warning(f"Web chat socket {sid} sent a message before its session was "
                               f"confirmed (send `session_request` first); ignored.")
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            try:
                await on_new_message(UserMessage(
                    str(data["message"]), WebChatOutput(sio, self.bot_message_evt), sender_id,
                    input_channel=self.name(), metadata=metadata if isinstance(metadata, dict) else {},
                ))
            finally:  # whatever happened, nothing more is coming: the typing indicator goes
                await sio.emit("turn_done", await complaint_of(sender_id), room=sender_id, namespace=namespace)

        return webchat
