"""The REST channel (`/webhooks/rest/webhook`), with the guarantees of `channels.guard`."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.boundary import sender_id_problem
from channels.guard import guarded

_SHAPE = 'a JSON object {"sender": "<id>", "message": "<text>"} (optional "metadata": {...})'


def body_problem(request: Request) -> Optional[str]:
    """Why the webhook's body is not a message Rasa can take (Rasa would fail on it), or None."""
    try:
        body = request.json
    except InvalidUsage:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return f"expected {_SHAPE}"
    if not isinstance(body.get("metadata") or {}, dict):
        return f"expected {_SHAPE}: metadata must be an object"
    if not isinstance(body.get("input_channel") or "", str):
        return "input_channel must be a text"
    return sender_id_problem(body.get("sender"))


class RestInput(RasaRestInput):
    """Rasa's REST channel; every message gets an answer, none is lost, a malformed body gets a 400."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guarded(on_new_message, self.name()))

        @webhook.on_request
        async def refuse_malformed(request: Request) -> Optional[HTTPResponse]:
            problem = body_problem(request) if request.method == "POST" else None
            return response.json({"error": problem}, status=400) if problem else None

        return webhook
