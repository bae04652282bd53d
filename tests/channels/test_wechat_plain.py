"""The WeChat channel in plain mode (明文模式: no EncodingAESKey), where `signature` covers no body:
a captured signed URL carries no other message, while WeChat's retries are still answered."""
from __future__ import annotations

from typing import Iterator, List

import pytest

from bench.fake_wechat import (
    OfficialAccount, WeChatServer, credentials_with_wechat, fake_wechat_api, message_xml,
    next_msg_id, openid,
)
from tests.auxil.channel_responses import response_name
from tests.auxil.stack import Stack, running_stack, trained_model

ACCOUNT = OfficialAccount()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One assistant with the WeChat channel configured without an EncodingAESKey."""
    workdir = tmp_path_factory.mktemp("wechat-plain")
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_with_wechat(), encoding="utf-8")
    with fake_wechat_api() as api, running_stack(
            workdir, trained_model(), credentials=credentials, start_console=False,
            extra_env={**ACCOUNT.env(), "WECHAT_ENCODING_AES_KEY": "", "WECHAT_API_BASE_URL": api.url}) as running:
        yield running


@pytest.fixture
def wechat(stack: Stack) -> WeChatServer:
    return WeChatServer(f"{stack.rasa_url}/webhooks/wechat/webhook", ACCOUNT, safe=False)


def _user_texts(stack: Stack, sender: str) -> List[str]:
    """What the WeChat customer `sender` (an openid) said in their conversation."""
    return [e["text"] for e in stack.tracker(f"wechat:{sender}")["events"] if e["event"] == "user"]


def test_plain_mode_works(wechat: WeChatServer):
    assert response_name(wechat.send(openid(), Content="你好")) == "utter_greet"


def test_a_captured_signed_url_carries_no_other_message_but_a_retry_is_answered(stack: Stack, wechat: WeChatServer):
    sender = openid()
    params, body = wechat.envelope(message_xml(sender, "text", next_msg_id(), Content="你好"), sender)
    reply = wechat.reply_text(wechat.post_raw(params, body), sender)
    assert response_name(reply) == "utter_greet"
    assert wechat.reply_text(wechat.post_raw(params, body), sender) == reply, "WeChat's retry: the same answer"

    forged = message_xml(sender, "text", next_msg_id(), Content="电话改成13900000000")
    assert wechat.post_raw(params, forged).status_code == 403
    victim = openid()
    assert wechat.post_raw({**params, "openid": victim}, message_xml(victim, "text", next_msg_id(),
                                                                       Content="我要投诉")).status_code == 403
    assert _user_texts(stack, sender) == ["你好"] and _user_texts(stack, victim) == []
