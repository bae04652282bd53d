"""Only WeChat can talk to the channel: signatures, timestamps, safe-mode encryption and used
nonces, checked with requests built by wechatpy's own crypto, exactly as WeChat sends them."""
from __future__ import annotations

import asyncio
import time

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

from channels.keyvalue import KeyValue, RedisKeyValue
from channels.wechat.envelope import Envelope, Forged, Malformed, Replays
from bench.fake_wechat import OfficialAccount, WeChatServer, message_xml

ACCOUNT = OfficialAccount()
MESSAGE = message_xml("o-customer", "text", 1001, Content="快递一周了还没到")


def _envelope(aes_key=ACCOUNT.encoding_aes_key) -> Envelope:
    return Envelope(ACCOUNT.token, ACCOUNT.app_id, aes_key, max_clock_skew_s=300)


def _request(safe: bool, **kwargs):
    return WeChatServer("http://unused", ACCOUNT, safe=safe).envelope(MESSAGE, "o-customer", **kwargs)


@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_a_genuine_message_opens(safe: bool):
    envelope = _envelope() if safe else _envelope(aes_key=None)
    params, body = _request(safe)
    envelope.check(params)
    assert envelope.open(params, body.encode()) == MESSAGE


def test_with_an_aes_key_a_plaintext_message_is_refused_as_a_downgrade():
    params, body = _request(False)
    _envelope().check(params)  # the signature is genuine: it covers no body
    with pytest.raises(Forged, match="plaintext"):
        _envelope().open(params, body.encode())


@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_a_forged_signature_is_refused(safe: bool):
    params, _ = _request(safe)
    with pytest.raises(Forged):
        _envelope().check({**params, "signature": "0" * 40})
    other_token = Envelope("another-token", ACCOUNT.app_id, ACCOUNT.encoding_aes_key, 300)
    with pytest.raises(Forged):
        other_token.check(params)


def test_stale_or_future_timestamps_are_refused_as_replays():
    now = int(time.time())
    _envelope().check(_request(False, timestamp=now - 290)[0])
    for stamp in (now - 301, now + 400):
        with pytest.raises(Forged, match="away from our clock"):
            _envelope().check(_request(False, timestamp=stamp)[0])


def test_a_safe_mode_body_must_match_its_msg_signature():
    params, body = _request(True)
    tampered = body.replace("<Encrypt>", "<Encrypt>A")
    with pytest.raises(Forged, match="msg_signature"):
        _envelope().open(params, tampered.encode())


def test_a_safe_mode_message_for_another_account_is_refused():
    other = OfficialAccount(app_id="wx0000000000000000")
    params, body = WeChatServer("http://unused", other, safe=True).envelope(MESSAGE, "o-customer")
    with pytest.raises(Forged, match="AppID"):
        _envelope().open(params, body.encode())


def test_safe_mode_needs_the_aes_key():
    params, body = _request(True)
    with pytest.raises(Forged, match="EncodingAESKey"):
        _envelope(aes_key=None).open(params, body.encode())


@pytest.mark.parametrize("body", ["<xml><Encrypt>", "not xml at all", "<xml><ToUserName>x</ToUserName></xml>"])
def test_an_unreadable_safe_mode_body_is_malformed(body: str):
    params, _ = _request(True)
    with pytest.raises(Malformed):
        _envelope().open(params, body.encode())


def test_replies_are_encrypted_and_signed_for_wechat_in_safe_mode():
    params, _ = _request(True)
    reply = "<xml><Content><![CDATA[您好]]></Content></xml>"
    sealed = _envelope().seal(params, reply)
    fields = xmltodict.parse(sealed)["xml"]
    crypto = WeChatCrypto(ACCOUNT.token, ACCOUNT.encoding_aes_key, ACCOUNT.app_id)
    opened = crypto.decrypt_message(sealed, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
    assert opened == reply
    assert _envelope().seal(_request(False)[0], reply) == reply, "plain mode: as it is"


def test_a_used_timestamp_and_nonce_carry_only_their_own_message(keyvalue: KeyValue):
    replays = Replays(keyvalue, max_clock_skew_s=300)
    params, _ = _request(False)
    other = message_xml("o-customer", "text", 1002, Content="把电话改成13900000000")

    async def scenario() -> None:
        await replays.check(params, MESSAGE)
        await replays.check(params, MESSAGE)  # WeChat's retry, or the same request again: dedup's part
        with pytest.raises(Forged, match="already used"):
            await replays.check(params, other)
        await replays.check(_request(False)[0], other)  # a new nonce: a new request

    asyncio.run(scenario())


def test_a_nonce_is_remembered_as_long_as_its_timestamp_is_accepted(redis_keyvalue: RedisKeyValue):
    now = time.time()
    params, _ = _request(False, timestamp=int(now) + 200)  # 200 s ahead of our clock: accepted till +500 s
    asyncio.run(Replays(redis_keyvalue, max_clock_skew_s=300).check(params, MESSAGE, now=now))
    remembered_ms = redis_keyvalue.redis.pttl(redis_keyvalue.key(f"nonce:{params['timestamp']}:{params['nonce']}"))
    assert 499_000 <= remembered_ms <= 502_000
