"""The REST channel's door: its sender ids never reach another channel's customers, and it is
closed to other machines unless a token opens it. The real channel in a Sanic app over ASGI;
the handler behind it stands in for Rasa and answers every message."""
from __future__ import annotations

from typing import List, Optional

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.rest import RestInput

LOOPBACK, ELSEWHERE = ("127.0.0.1", 40000), ("192.0.2.9", 40000)
WEBHOOK = "http://rasa/webhooks/rest/webhook"


class Rest:
    """The channel in an app (one per process: Sanic cannot start a second); what reached
    "Rasa"; clients from here and from elsewhere."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.app = Sanic("rest_channel_test")
        self.channel = RestInput.from_credentials({}, environ={})
        self.app.blueprint(self.channel.blueprint(self._rasa), url_prefix="/webhooks/rest")
        self.started = False

    async def _rasa(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "您好"})

    def client(self, address=LOOPBACK) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app, client=address))


_REST = Rest()


async def _rest(token: Optional[str]) -> Rest:
    """The channel with `token` (None: no token), nothing received yet."""
    if not _REST.started:
        await _REST.app._startup()
        _REST.started = True
    _REST.channel.token = token
    _REST.received.clear()
    return _REST


@pytest.fixture
async def open_rest() -> Rest:
    return await _rest(None)


@pytest.fixture
async def rest_with_token() -> Rest:
    return await _rest("s3cret-token")


async def test_a_rest_sender_is_in_the_rest_namespace_whatever_it_claims(open_rest: Rest):
    async with open_rest.client() as client:
        for sender in ("123456", "tg:123456", "web:abc"):
            response = await client.post(WEBHOOK, json={"sender": sender, "message": "你好",
                                                        "input_channel": "tg"})
            assert response.status_code == 200 and response.json()[0]["text"] == "您好"
    assert [(m.sender_id, m.input_channel) for m in open_rest.received] == [
        ("rest:123456", "rest"), ("rest:tg:123456", "rest"), ("rest:web:abc", "rest")]


async def test_without_a_token_only_this_machine_is_answered(open_rest: Rest):
    async with open_rest.client(ELSEWHERE) as client:
        response = await client.post(WEBHOOK, json={"sender": "me", "message": "你好"})
    assert response.status_code == 403 and "REST_CHANNEL_TOKEN" in response.json()["error"]
    assert open_rest.received == []


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "s3cret-token", "Bearer s3cret-token-and-more"])
async def test_with_a_token_a_request_without_it_is_refused(rest_with_token: Rest, authorization: Optional[str]):
    headers = {"Authorization": authorization} if authorization else {}
    async with rest_with_token.client() as client:  # from this machine too: nginx forwards from here
        response = await client.post(WEBHOOK, json={"sender": "me", "message": "你好"}, headers=headers)
    assert response.status_code == 401 and "Authorization: Bearer" in response.json()["error"]
    assert rest_with_token.received == []


async def test_with_the_token_any_machine_is_answered(rest_with_token: Rest):
    async with rest_with_token.client(ELSEWHERE) as client:
        response = await client.post(WEBHOOK, json={"sender": "me", "message": "你好"},
                                     headers={"Authorization": "Bearer s3cret-token"})
    assert response.status_code == 200 and response.json()[0]["recipient_id"] == "rest:me"
    assert [m.sender_id for m in rest_with_token.received] == ["rest:me"]


def test_the_token_comes_from_credentials_or_else_the_environment():
    assert RestInput.from_credentials({}, environ={"REST_CHANNEL_TOKEN": "from-env"}).token == "from-env"
    assert RestInput.from_credentials({"token": "from-yml"}, environ={"REST_CHANNEL_TOKEN": "x"}).token == "from-yml"
    assert RestInput.from_credentials(None, environ={"REST_CHANNEL_TOKEN": ""}).token is None
