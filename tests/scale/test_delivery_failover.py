"""A server that dies mid-turn loses no message: two real Rasa servers with the WeChat and Telegram
channels share Redis; the first is killed while it processes a message (its action call hangs),
and the platform's retry, delivered to the second, is processed there and answered once."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, ContextManager, Iterator, List
from urllib.parse import urlparse

import httpx
import pytest

from tests.auxil.fake_telegram import Customer, FakeBotApi, Webhook, fake_bot_api
from bench.fake_wechat import (
    FakeWeChatApi, OfficialAccount, WeChatServer, fake_wechat_api, message_xml, next_msg_id, openid,
)
from tests.auxil.services import reachable_redis_url
from tests.auxil.platform_stack import running_stack_on_platforms
from tests.auxil.stack import Stack

#: An account of its own: its deliveries' claims in Redis are no other test's.
ACCOUNT = OfficialAccount(app_id=f"wx{secrets.token_hex(8)}")
WECHAT_RETRY_AFTER_S = 5
#: config/channels.yml: telegram.processing_lease_seconds, and a margin.
TELEGRAM_LEASE_S = 30 + 2


class StalledActionServer:
    """Takes the Rasa server's action calls and never answers them: its turns hang mid-way."""

    def __init__(self, action_url: str) -> None:
        self.called = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", urlparse(action_url).port))
        self._held: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed
                return
            self._held.append(connection)
            self.called.set()

    def close(self) -> None:
        self._socket.close()
        for connection in self._held:
            connection.close()


@pytest.fixture(scope="module")
def wechat_api() -> Iterator[FakeWeChatApi]:
    with fake_wechat_api(account=ACCOUNT) as fake:
        yield fake


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    with fake_bot_api() as fake:
        yield fake


#: Starts a Rasa server (with its action server, or with none) and both chat channels.
ServerStarter = Callable[[Path, bool], ContextManager[Stack]]


@pytest.fixture(scope="module")
def start_server(wechat_api: FakeWeChatApi, bot_api: FakeBotApi) -> ServerStarter:
    """Servers that share the fake platforms and Redis, as instances of a scale-out do."""
    redis = {"REDIS_URL": reachable_redis_url()}
    return lambda workdir, start_actions: running_stack_on_platforms(
        workdir, bot_api, wechat_api, ACCOUNT, extra_env=redis, start_console=False, start_actions=start_actions)


@pytest.fixture(scope="module")
def survivor(start_server: ServerStarter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with start_server(tmp_path_factory.mktemp("survivor"), True) as stack:
        yield stack


def _kill_mid_turn(tmp_path: Path, start_server: ServerStarter, first_try: Callable[[Stack], httpx.Response]) -> float:
    """Start a server whose action calls hang, deliver `first_try` to it, and kill it (SIGKILL)
    in the middle of that turn; when the first try was made (time.monotonic())."""
    with start_server(tmp_path / "doomed", False) as doomed:
        stalled = StalledActionServer(doomed.action_url)
        try:
            with ThreadPoolExecutor(1) as pool:
                tried_at = time.monotonic()
                delivery = pool.submit(first_try, doomed)
                assert stalled.called.wait(60), "the first server is mid-turn"
                os.kill(doomed.pids["Rasa server"], signal.SIGKILL)
                with pytest.raises(httpx.HTTPError):
                    delivery.result(timeout=30)
        finally:
            stalled.close()
    return tried_at


def _greeting(survivor: Stack, sender: str) -> str:
    """The text of the one greeting the second server answered with."""
    [greeting] = [event["text"] for event in survivor.bot_events(sender)
                  if (event.get("metadata") or {}).get("utter_action") == "utter_greet"]
    return greeting


def _user_turns(survivor: Stack, sender: str) -> int:
    return sum(1 for event in survivor.tracker(sender)["events"] if event["event"] == "user")


def test_wechats_retry_is_answered_by_another_server_when_the_first_died_mid_turn(
        survivor: Stack, wechat_api: FakeWeChatApi, start_server: ServerStarter, tmp_path: Path):
    sender = openid()
    message = message_xml(sender, "text", next_msg_id(), Content="你好")
    tried_at = _kill_mid_turn(tmp_path, start_server, lambda doomed: WeChatServer(
        f"{doomed.rasa_url}/webhooks/wechat/webhook", ACCOUNT).post(message, sender))

    second_server = WeChatServer(f"{survivor.rasa_url}/webhooks/wechat/webhook", ACCOUNT)
    time.sleep(max(0.0, tried_at + WECHAT_RETRY_AFTER_S - time.monotonic()))  # WeChat's pause
    reply = second_server.reply_text(second_server.post(message, sender), sender)
    received = [reply] if reply is not None else wechat_api.wait_for(sender)
    assert received == [_greeting(survivor, f"wechat:{sender}")], "the customer got the answer"

    # WeChat's third try, now that the message is answered: no second turn.
    second_server.reply_text(second_server.post(message, sender), sender)
    assert _user_turns(survivor, f"wechat:{sender}") == 1


def test_telegrams_redelivery_is_answered_by_another_server_when_the_first_died_mid_turn(
        survivor: Stack, bot_api: FakeBotApi, start_server: ServerStarter, tmp_path: Path):
    customer = Customer()
    update = customer.update(text="你好")
    tried_at = _kill_mid_turn(tmp_path, start_server, lambda doomed: Webhook(
        f"{doomed.rasa_url}/webhooks/tg/webhook").post(update))

    second_server = Webhook(f"{survivor.rasa_url}/webhooks/tg/webhook")
    time.sleep(max(0.0, tried_at + TELEGRAM_LEASE_S - time.monotonic()))  # Telegram waits longer
    second_server.deliver(update)
    assert bot_api.texts(customer.chat_id) == [_greeting(survivor, customer.sender_id)]

    second_server.deliver(update)  # delivered again: no second turn
    assert _user_turns(survivor, customer.sender_id) == 1
