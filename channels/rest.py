"""The REST channel (`/webhooks/rest/webhook`), with the guarantees of `channels.guard`.

It is for trying the assistant out, so it never reaches another channel's customers and is
closed to the world unless a token opens it:
- the sender id is `rest:<sender>` (`bot.identity`), and `input_channel` is always `rest`,
  whatever the request says;
- with a token (credentials.yml `token:`, else `REST_CHANNEL_TOKEN`) a request must carry
  `Authorization: Bearer <token>`, else 401; without one, only requests from this machine
  (a loopback address) are taken, others get 403.
The production layout (deploy/) has no REST channel; the scale-out script sets a token.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.identity import sender_id
from channels.boundary import sender_id_problem
from channels.guard import guarded

TOKEN_VARIABLE = "REST_CHANNEL_TOKEN"
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
    sender = body.get("sender")
    return sender_id_problem(sender) or sender_id_problem(sender_id(RestInput.name(), sender))


class RestInput(RasaRestInput):
    """Rasa's REST channel; every message gets an answer, none is lost, a malformed body gets a 400."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]],
                         environ: Mapping[str, str] = os.environ) -> InputChannel:
        """The channel with the token of credentials.yml, else of `REST_CHANNEL_TOKEN` (or none)."""
        return cls((credentials or {}).get("token") or environ.get(TOKEN_VARIABLE) or None)

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return sender_id(self.name(), req.json["sender"])  # a text: `refuse_malformed` checked it

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guarded(on_new_message, self.name()))
        webhook.middleware("request")(self._refuse_unauthorised)

        @webhook.on_request
        async def refuse_malformed(request: Request) -> Optional[HTTPResponse]:
            problem = body_problem(request) if request.method == "POST" else None
            return response.json({"error": problem}, status=400) if problem else None

        return webhook

    async def _refuse_unauthorised(self, request: Request) -> Optional[HTTPResponse]:
        """401 without the token, when there is one; 403 from another machine, when there is none."""
        if self.token is not None:
            given = request.headers.get("Authorization", "")
            if not secrets.compare_digest(given.encode("utf-8", "surrogateescape"), f"Bearer {self.token}".encode()):
                return response.json({"error": "The REST channel needs 'Authorization: Bearer <token>' "
                                               f"with the token of {TOKEN_VARIABLE}."}, status=401)
        elif not _is_loopback(request.ip):
            return response.json({"error": "The REST channel answers only this machine: set "
                                           f"{TOKEN_VARIABLE} to open it to others, with that token."},
                                 status=403)
        return None


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a Unix socket or no address at all
        return False
