"""Action calls behind a stalled or stopped action server: each call ends within its timeout,
and while the server is known to be down no call is made (the turn fails at once), until a
trial call finds it back."""
from __future__ import annotations

import asyncio
from typing import AsyncIterator, List

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.action_breaker import ActionServerUnavailable, CircuitBreaker, _breakers, call_timeout

DOMAIN = Domain.from_yaml('version: "3.1"\nactions: [action_empathize]')


class ActionServer:
    """A real HTTP action server that answers, or accepts calls and never answers (stalled)."""

    def __init__(self) -> None:
        self.calls: List[str] = []
        self.stalled = True
        self.release = asyncio.Event()

    async def webhook(self, request: web.Request) -> web.Response:
        self.calls.append((await request.json())["next_action"])
        if self.stalled:
            await self.release.wait()
        return web.json_response({"events": [], "responses": []})


@pytest.fixture
async def action_server(unused_tcp_port: int) -> AsyncIterator[tuple]:
    server = ActionServer()
    app = web.Application()
    app.router.add_post("/webhook", server.webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    yield server, f"http://127.0.0.1:{unused_tcp_port}/webhook"
    server.release.set()
    await runner.cleanup()


@pytest.fixture(autouse=True)
def fresh_breakers():
    _breakers.clear()
    yield
    _breakers.clear()


async def _call(url: str, **settings) -> list:
    tracker = DialogueStateTracker.from_events("customer-1", [UserUttered("快递还没到", {"name": "complain_delivery"})])
    return await RemoteAction("action_empathize", EndpointConfig(url, **settings)).run(None, None, tracker, DOMAIN)


async def test_a_stalled_action_server_fails_the_call_and_then_is_not_called(action_server) -> None:
    server, url = action_server
    with pytest.raises(ActionServerUnavailable, match="no answer"):
        await _call(url, timeout=0.2, circuit_open_seconds=600)
    with pytest.raises(ActionServerUnavailable, match="circuit open"):
        await _call(url, timeout=0.2, circuit_open_seconds=600)
    assert server.calls == ["action_empathize"], "the second call was not made"


async def test_a_stopped_action_server_fails_fast_until_a_trial_call_finds_it_back(
        action_server, unused_tcp_port_factory) -> None:
    server, url = action_server
    stopped = f"http://127.0.0.1:{unused_tcp_port_factory()}/webhook"
    with pytest.raises(Exception, match="Couldn't connect"):
        await _call(stopped, circuit_open_seconds=600)
    with pytest.raises(ActionServerUnavailable, match="circuit open"):
        await _call(stopped, circuit_open_seconds=600)

    server.stalled = False
    await _call(url, circuit_open_seconds=0)  # another server's circuit is its own
    _breakers[url].record_failure(0.0)  # open, and its open period over: the next call is the trial
    assert await _call(url, circuit_open_seconds=0) == []
    assert await _call(url, circuit_open_seconds=0) == [], "the trial's success closed the circuit"
    assert server.calls == ["action_empathize"] * 3


async def test_an_action_that_answers_with_an_error_does_not_open_the_circuit(unused_tcp_port: int) -> None:
    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500, text="a bug in the action")

    app = web.Application()
    app.router.add_post("/webhook", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}/webhook"
        for _ in range(2):
            with pytest.raises(Exception, match="Failed to execute custom action"):
                await _call(url)
        assert _breakers[url].retry_at is None
    finally:
        await runner.cleanup()


def test_the_call_timeout_stays_below_the_conversation_locks_lifetime() -> None:
    assert call_timeout(EndpointConfig("http://x/webhook", timeout=5)) == 5
    assert call_timeout(EndpointConfig("http://x/webhook", timeout=300)) == 30  # lock: 60 s
    assert call_timeout(EndpointConfig("http://x/webhook")) == 10


def test_the_breaker_lets_one_trial_through_after_the_open_period() -> None:
    breaker = CircuitBreaker(open_seconds=10)
    assert breaker.allows_call(0)
    breaker.record_failure(100)
    assert not breaker.allows_call(105)
    assert breaker.allows_call(110), "the trial"
    assert not breaker.allows_call(111), "one trial at a time"
    breaker.record_failure(112)
    assert not breaker.allows_call(121)
    assert breaker.allows_call(122)
    breaker.record_success()
    assert breaker.allows_call(123) and breaker.allows_call(123)
