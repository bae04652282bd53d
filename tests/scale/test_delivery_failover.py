"""A server that dies mid-turn loses no message: two real Rasa servers with the WeChat channel share
Redis; the first is killed while it processes a message, and WeChat's retry, delivered to the
second as WeChat would (5 s after the first try), is processed there and answered."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, List
from urllib.parse import urlparse

import httpx
import pytest

from tests.auxil.fake_wechat import (
    FakeWeChatApi, OfficialAccount, WeChatServer, credentials_with_wechat, fake_wechat_api, message_xml,
    next_msg_id, openid,
)
from tests.auxil.services import reachable_redis_url
from tests.auxil.stack import Stack, running_stack, trained_model

#: An account of its own: its deliveries' claims in Redis are no other test's.
ACCOUNT = OfficialAccount(app_id=f"wx{secrets.token_hex(8)}")
WECHAT_RETRY_AFTER_S = 5


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
def api() -> Iterator[FakeWeChatApi]:
    with fake_wechat_api(account=ACCOUNT) as fake:
        yield fake


def _servers(workdir: Path, api: FakeWeChatApi, start_actions: bool):
    credentials = workdir / "credentials.yml"
    workdir.mkdir(parents=True, exist_ok=True)
    credentials.write_text(credentials_with_wechat(), encoding="utf-8")
    return running_stack(workdir, trained_model(), credentials=credentials, start_console=False,
                         start_actions=start_actions,
                         extra_env={**ACCOUNT.env(), "WECHAT_API_BASE_URL": api.url,
                                    "REDIS_URL": reachable_redis_url()})


def test_wechats_retry_is_answered_by_another_server_when_the_first_died_mid_turn(
        api: FakeWeChatApi, tmp_path: Path):
    with _servers(tmp_path / "doomed", api, start_actions=False) as doomed, \
            _servers(tmp_path / "survivor", api, start_actions=True) as survivor:
        stalled = StalledActionServer(doomed.action_url)
        try:
            _kill_mid_turn_then_retry(doomed, survivor, api, stalled)
        finally:
            stalled.close()


def _kill_mid_turn_then_retry(doomed: Stack, survivor: Stack, api: FakeWeChatApi,
                              stalled: StalledActionServer) -> None:
    sender, msg_id = openid(), next_msg_id()
    message = message_xml(sender, "text", msg_id, Content="你好")
    first_server = WeChatServer(f"{doomed.rasa_url}/webhooks/wechat/webhook", ACCOUNT)
    second_server = WeChatServer(f"{survivor.rasa_url}/webhooks/wechat/webhook", ACCOUNT)

    with ThreadPoolExecutor(1) as pool:
        first_try = pool.submit(first_server.post, message, sender)
        tried_at = time.monotonic()
        assert stalled.called.wait(30), "the first server is mid-turn"
        os.kill(doomed.pids["Rasa server"], signal.SIGKILL)
        with pytest.raises(httpx.HTTPError):
            first_try.result(timeout=30)

    time.sleep(max(0.0, tried_at + WECHAT_RETRY_AFTER_S - time.monotonic()))
    reply = second_server.reply_text(second_server.post(message, sender), sender)
    received = [reply] if reply is not None else api.wait_for(sender)
    [greeting] = [event for event in survivor.bot_events(sender)
                  if (event.get("metadata") or {}).get("utter_action") == "utter_greet"]
    assert received == [greeting["text"]], "the customer got the answer, once"

    # WeChat's third try, now that the message is answered: no second turn.
    second_server.reply_text(second_server.post(message, sender), sender)
    user_turns = [e for e in survivor.tracker(sender)["events"] if e["event"] == "user"]
    assert len(user_turns) == 1
