"""The console's and worker's client of the Rasa HTTP API authenticates in a header, so the
token is in no URL that a proxy or access log could keep; the real Rasa server accepts it."""
from __future__ import annotations

import uuid

import httpx
import pytest

from bot.rasa_api import RasaApi, RasaError
from tests.auxil.stack import Stack


async def test_the_rasa_server_accepts_the_header_and_refuses_a_wrong_token(stack: Stack):
    sender = f"auth-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "你好")
    requests: list = []

    class Recording(httpx.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return await super().handle_async_request(request)

    rasa = RasaApi(stack.rasa_url, stack.token, transport=Recording())
    try:
        tracker = await rasa.tracker(stack.conversation(sender))
    finally:
        await rasa.close()
    assert tracker["sender_id"] == stack.conversation(sender)
    assert requests and all(stack.token not in str(request.url) and "token=" not in str(request.url)
                            for request in requests)
    assert all(request.headers["Authorization"].startswith("Bearer ") for request in requests)

    impostor = RasaApi(stack.rasa_url, "not-the-token")
    try:
        with pytest.raises(RasaError, match="401"):
            await impostor.tracker(stack.conversation(sender))
    finally:
        await impostor.close()
