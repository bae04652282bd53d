"""The web chat's photo button: POST /webchat/upload, the photo's bytes as the body and the
page's session token in the `X-Webchat-Session` header.

The photo is kept in the file store (`bot.files`: its bytes decide its type, at most
config/files.yml's `max_bytes`) and as evidence of the session's customer, exactly like a photo
sent on WeChat or Telegram, and the assistant acknowledges it in the chat (`utter_evidence_*`).
A file the store refuses gets a polite answer in the chat instead (`utter_webchat_photo_*`) and
HTTP 413 or 415; a token the server did not sign gets 403 and nothing is kept. The JSON answer's
`said` tells the page whether the assistant answered in the chat (else the page says it could
not send the photo). When the store is down the customer hears `utter_system_trouble` (503).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Dict, Tuple

from rasa.core.channels.channel import OutputChannel
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.files import FileStore, Refused
from bot.storage import EvidenceStore
from channels.common import SYSTEM_TROUBLE, evidence_response, say
from channels.webchat_session import CHANNEL, SessionTokens

logger = logging.getLogger(__name__)

SESSION_HEADER = "X-Webchat-Session"
#: Why the store refused a file → (HTTP status, the response the customer gets).
REFUSALS: Dict[str, Tuple[int, str]] = {
    "too_large": (413, "utter_webchat_photo_too_large"),
    "type": (415, "utter_webchat_photo_not_supported"),
    "empty": (415, "utter_webchat_photo_not_supported"),
}


class PhotoUpload:
    """Takes photos from the pages of the sessions `sessions` signed."""

    def __init__(self, sessions: SessionTokens, files: FileStore, customers: EvidenceStore,
                 output: Callable[[], OutputChannel]) -> None:
        self.sessions = sessions
        self.files = files
        self.customers = customers
        self.output = output

    async def handle(self, request: Request) -> HTTPResponse:
        """Keep the photo in the request's body for the session's customer (module doc)."""
        sender = self.sessions.sender_of(request.headers.get(SESSION_HEADER))
        if sender is None:
            return response.json({"error": "session", "said": False}, status=403)
        agent = request.app.ctx.agent
        try:
            stored = await asyncio.to_thread(self.files.put, request.body or b"")
            kind = "image" if stored.content_type.startswith("image/") else "audio"
            kept = await asyncio.to_thread(self.customers.attach, CHANNEL, sender, kind, utcnow(), file=stored)
        except Refused as refused:
            status, answer = REFUSALS[refused.why]
            logger.info("web chat: a file from %s refused: %s", sender, refused)
            await self._say(agent, sender, answer, max_mb=self.files.limits.max_bytes // (1024 * 1024))
            return response.json({"error": refused.why, "said": True}, status=status)
        except Exception:  # the file store or the database failed: the customer hears so
            logger.exception("web chat: a photo from %s could not be kept", sender)
            await self._say(agent, sender, SYSTEM_TROUBLE)
            return response.json({"error": "trouble", "said": True}, status=503)
        answer, values = evidence_response(kept)
        await self._say(agent, sender, answer, **values)
        return response.json({"kind": kept.kind, "said": True})

    async def _say(self, agent: Any, sender: str, answer: str, **values: Any) -> None:
        try:
            await say(agent, self.output(), sender, answer, **values)
        except Exception:  # the photo is kept (or refused) all the same
            logger.exception("web chat: %s could not be said to %s", answer, sender)
