"""The REST channel (`/webhooks/rest/webhook`), with the guarantees of `channels.guard`."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

from channels.guard import guarded


class RestInput(RasaRestInput):
    """Rasa's REST channel; every message gets an answer, none is lost."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guarded(on_new_message, self.name()))
