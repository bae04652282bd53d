"""The WeChat AppSecret never reaches the Rasa log, not even in the traceback of a failed push
when WeChat's API cannot be reached (the token URL carries it)."""
from __future__ import annotations

import asyncio
import time
from typing import Iterator

import pytest

from tests.auxil.agent_reply import agent_says
from bench.fake_wechat import OfficialAccount, WeChatServer, credentials_with_wechat, openid
from tests.auxil.stack import Stack, free_port, running_stack, trained_model

ACCOUNT = OfficialAccount()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The assistant with the WeChat channel, WeChat's API at a port nothing listens on."""
    workdir = tmp_path_factory.mktemp("wechat-unreachable")
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_with_wechat(), encoding="utf-8")
    extra_env = {**ACCOUNT.env(), "WECHAT_API_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    with running_stack(workdir, trained_model(), credentials=credentials, start_console=False,
                       extra_env=extra_env) as running:
        yield running


def _wait_for_log(stack: Stack, text: str, count: int, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while (log := stack.rasa_log.read_text(errors="replace")).count(text) < count:
        assert time.monotonic() < deadline, f"{text!r} not logged {count} times:\n{log[-3000:]}"
        time.sleep(0.5)
    return log


def test_a_failed_push_logs_its_traceback_without_the_app_secret(stack: Stack):
    wechat = WeChatServer(f"{stack.rasa_url}/webhooks/wechat/webhook", ACCOUNT, safe=True)
    sender = openid()
    # Sent 10 s ago by WeChat's clock: the answer is pushed through the (unreachable) API.
    assert wechat.send(sender, Content="你好，我的电话是13812345678", timestamp=int(time.time()) - 10) is None
    asyncio.run(agent_says(stack, f"wechat:{sender}", "您好，我是客服小李"))
    log = _wait_for_log(stack, "not delivered", 2)
    assert "Traceback" in log and "/cgi-bin/token" in log, "the failure is logged in full"
    for secret in (ACCOUNT.app_secret, ACCOUNT.encoding_aes_key, ACCOUNT.token, stack.token, "13812345678"):
        assert secret not in log
    assert "secret=***" in log
