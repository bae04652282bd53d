"""Every public endpoint against hostile input: no 5xx, and every server still answering after.

Real servers (Rasa with the REST, web chat, WeChat and Telegram channels and the action server;
the agent console; a second Rasa server with WeChat in plain mode), fed by hypothesis with a fixed
seed (`derandomize`): 250 cases per endpoint here, more with `make fuzz`
(FUZZ_EXAMPLES=5000). Bodies are arbitrary bytes, malformed JSON and XML, deep nesting, huge
numbers, lone surrogates, control characters, oversized text — and, for the signed channels,
authentic (correctly signed or encrypted) deliveries of such content, which must get past the
signature check and still not break anything.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from typing import Any, Dict, Iterator

import httpx
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import to_text

from tests.auxil.fake_telegram import SECRET, FakeBotApi, fake_bot_api
from bench.fake_wechat import (
    ACCOUNT_ID, FakeWeChatApi, OfficialAccount, WeChatServer, fake_wechat_api, message_xml, next_msg_id, openid,
    sign)
from tests.auxil.socket_io import SocketIOClient
from tests.auxil.platform_stack import running_stack_on_platforms
from tests.auxil.stack import Stack

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "250"))
ACCOUNT = OfficialAccount()
PLAIN_ACCOUNT = OfficialAccount(encoding_aes_key="")

fuzz = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)

# Text as attackers and broken clients send it: lone surrogates, NUL and other controls,
# bidirectional overrides, full-width forms, emoji, and now and then something very long.
_SPECIAL = st.sampled_from([
    "\ud800", "\udfff", "a\ud83d", "\x00", "\x1b[31m", "\u202e", "\ufeff", "１３８００１３８０００",
    "😡😡😡", "<![CDATA[", "]]>", "&#0;", "%s%n", "{{slot}}", "/restart", "/affirm{\"a\":1}",
    "投诉", "我要找记者曝光", "长" * 5_000,
])
hostile_text = st.lists(st.one_of(st.text(max_size=20), _SPECIAL), max_size=5).map("".join)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30),
                     st.floats(allow_nan=False, allow_infinity=False), hostile_text)
json_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)), max_leaves=12)


def _json(value: Any) -> bytes:
    """JSON as a client would send it, lone surrogates escaped as \\udXXX."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


def _deeply_nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


raw_bodies = st.one_of(st.binary(max_size=600), st.sampled_from([
    _deeply_nested(100_000), b'{"sender": "a", "message": "\\ud800"}', b"\xff\xfe\x00", b"",
    b'{"sender": 1e999999, "message": "x"}', b"null", b"[]", b'"just a string"']))


def _query(params: Dict[str, str]) -> Dict[str, str]:
    """Query parameters an HTTP client can send: valid UTF-8, of a length URLs allow."""
    return {key: value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")[:1000]
            for key, value in params.items()}


def _assert_not_server_error(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:300])


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    with fake_bot_api() as fake:
        yield fake


@pytest.fixture(scope="module")
def wechat_api() -> Iterator[FakeWeChatApi]:
    with fake_wechat_api() as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(bot_api: FakeBotApi, wechat_api: FakeWeChatApi,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The assistant with every channel on (WeChat in safe mode) and the agent console."""
    with running_stack_on_platforms(tmp_path_factory.mktemp("fuzz"), bot_api, wechat_api, ACCOUNT) as running:
        yield running


@pytest.fixture(scope="module")
def plain_stack(bot_api: FakeBotApi, wechat_api: FakeWeChatApi,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second assistant whose WeChat account has no EncodingAESKey (plain mode)."""
    with running_stack_on_platforms(tmp_path_factory.mktemp("fuzz-plain"), bot_api, wechat_api, PLAIN_ACCOUNT,
                                    start_console=False) as running:
        yield running


def _still_answers(stack: Stack) -> None:
    """The Rasa server takes a customer's message and replies, as before the fuzzing."""
    replies = stack.say(f"after-fuzz-{time.monotonic_ns()}", "你好")
    assert replies, "the assistant no longer replies after the fuzz cases"


# --- REST -----------------------------------------------------------------------------------

rest_bodies = st.one_of(
    raw_bodies,
    st.builds(lambda sender, message, metadata: _json({"sender": sender, "message": message, "metadata": metadata}),
              st.one_of(hostile_text, json_values), st.one_of(hostile_text, json_values), json_values),
    json_values.map(_json),
)


def test_the_rest_channel_survives_hostile_bodies(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    with httpx.Client(timeout=60) as http:

        @fuzz
        @given(rest_bodies)
        def case(body: bytes) -> None:
            _assert_not_server_error(http.post(url, content=body, headers={"Content-Type": "application/json"}),
                                     "REST")

        case()
    _still_answers(stack)


# --- Web chat (Socket.IO) -------------------------------------------------------------------

webchat_events = st.lists(st.tuples(
    st.sampled_from(["session_request", "user_uttered", "connect", "disconnect", "unknown"]),
    st.one_of(json_values, st.fixed_dictionaries({"message": hostile_text, "session_id": hostile_text},
                                                 optional={"customData": json_values}))), min_size=1, max_size=4)


async def _webchat_session(url: str, events: Any, frames: Any) -> None:
    try:
        async with SocketIOClient(url) as client:
            for name, data in events:
                await client.emit(name, data)
            for frame in frames:
                await client.raw(frame)
    except websockets.ConnectionClosed:
        pass  # the server may close a connection that sent nonsense; it must stay up for others


async def _webchat_replies(url: str) -> Any:
    async with SocketIOClient(url) as client:
        await client.emit("session_request", {})
        token = await client.next("session_confirm", 30)
        await client.emit("user_uttered", {"message": "你好", "session_id": token})
        return await client.next("bot_uttered", 60)


socketio_frames = st.lists(st.one_of(
    hostile_text, st.binary(max_size=200),
    st.sampled_from(["42", "42[", "42[\"user_uttered\"]", "41", "4", "6",
                     "42" + "[" * 10_000, "451-[\"x\",{\"_placeholder\":true}]"]),
    json_values.map(lambda value: "42" + json.dumps(value, ensure_ascii=True))), max_size=3)


def test_the_web_chat_survives_hostile_events_and_paths(stack: Stack) -> None:
    with httpx.Client(timeout=30) as http:

        @fuzz
        @given(webchat_events, socketio_frames, hostile_text)
        def case(events: Any, frames: Any, path: str) -> None:
            asyncio.run(_webchat_session(stack.rasa_url, events, frames))
            page = f"{stack.rasa_url}/webchat/{path.encode('utf-8', 'surrogatepass').hex()}"
            _assert_not_server_error(http.get(page), "web chat page")

        case()
    assert asyncio.run(_webchat_replies(stack.rasa_url)), "the web chat no longer replies after the fuzz cases"


async def _webchat_token(url: str) -> str:
    """A session token as the page gets it."""
    async with SocketIOClient(url) as client:
        await client.emit("session_request", {})
        return await client.next("session_confirm", 30)


upload_bodies = st.one_of(raw_bodies, st.binary(max_size=600).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),
                          st.binary(max_size=600).map(lambda tail: b"\xff\xd8\xff" + tail),
                          st.sampled_from([b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"<svg onload=alert(1)>",
                                           b"\x00" * 200_000]))


def test_the_web_chat_photo_upload_survives_hostile_bodies(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webchat/upload"
    token = asyncio.run(_webchat_token(stack.rasa_url))
    with httpx.Client(timeout=60) as http:

        @fuzz
        @given(upload_bodies, st.one_of(st.just(token), hostile_text), hostile_text)
        def case(body: bytes, session: str, content_type: str) -> None:
            headers = {"X-Webchat-Session": session.encode("utf-8", "surrogatepass")[:300],
                       "Content-Type": content_type.encode("utf-8", "surrogatepass")[:200]}
            try:
                response = http.post(url, content=body, headers=headers)
            except httpx.LocalProtocolError:  # a header no HTTP client can send
                return
            _assert_not_server_error(response, "web chat upload")

        case()
    assert asyncio.run(_webchat_replies(stack.rasa_url)), "the web chat no longer replies after the fuzz cases"


# --- WeChat ---------------------------------------------------------------------------------

_FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event",
           "EventKey", "MediaId", "PicUrl", "Format", "Recognition", "Location_X", "Scale", "Encrypt"]
wechat_fields = st.dictionaries(st.one_of(st.sampled_from(_FIELDS), hostile_text),
                                st.one_of(hostile_text, st.integers().map(str), st.integers(min_value=10**25).map(str)),
                                max_size=8)


def _xml(fields: Dict[str, str]) -> bytes:
    """An XML body with these fields, written as bytes (a lone surrogate as invalid UTF-8)."""
    parts = [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    return ("<xml>" + "".join(parts) + "</xml>").encode("utf-8", "surrogatepass")


def _a_real_message(fields: Dict[str, str], sender: str) -> Dict[str, str]:
    return {"ToUserName": ACCOUNT_ID, "FromUserName": sender, "CreateTime": str(int(time.time())),
            "MsgType": "text", "Content": "你好", "MsgId": str(time.monotonic_ns()), **fields}


wechat_bodies = st.one_of(raw_bodies, wechat_fields.map(_xml),
                          st.sampled_from([b"<xml>" * 50_000, b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><xml>&a;</xml>",
                                           b"<?xml version='1.0' encoding='gbk'?><xml><a>\xff</a></xml>"]))
query_params = st.dictionaries(st.sampled_from(["signature", "timestamp", "nonce", "openid", "encrypt_type",
                                                "msg_signature", "echostr"]), hostile_text, max_size=7)


def _signed(account: OfficialAccount, body_for_signature: str = "") -> Dict[str, str]:
    stamp, nonce = str(int(time.time())), hashlib.sha1(os.urandom(8)).hexdigest()[:10]
    params = {"signature": sign(account.token, stamp, nonce), "timestamp": stamp, "nonce": nonce}
    if body_for_signature:
        params.update(encrypt_type="aes", msg_signature=sign(account.token, stamp, nonce, body_for_signature))
    return params


def _encrypted(inner: bytes) -> str:
    key = WeChatCrypto(ACCOUNT.token, ACCOUNT.encoding_aes_key, ACCOUNT.app_id).key
    return to_text(PrpCrypto(key).encrypt(inner, ACCOUNT.app_id))


def _wechat_url(stack: Stack) -> str:
    return f"{stack.rasa_url}/webhooks/wechat/webhook"


def test_wechat_in_safe_mode_survives_hostile_deliveries(stack: Stack) -> None:
    """Unsigned junk, and authentic encrypted deliveries of junk XML: never a 5xx."""
    url = _wechat_url(stack)
    with httpx.Client(timeout=60) as http:

        @fuzz
        @given(query_params, wechat_bodies, wechat_fields, st.booleans())
        def case(params: Dict[str, str], body: bytes, fields: Dict[str, str], mostly_real: bool) -> None:
            checked = _query(params)
            _assert_not_server_error(http.post(url, params=checked, content=body), "WeChat, unsigned")
            _assert_not_server_error(http.get(url, params=checked), "WeChat check, unsigned")
            inner = _xml(_a_real_message(fields, openid()) if mostly_real else fields)
            encrypted = _encrypted(inner)
            envelope = (f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName>"
                        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
            _assert_not_server_error(http.post(url, params=_signed(ACCOUNT, encrypted), content=envelope.encode()),
                                     "WeChat, authentic and encrypted")

        case()
    response = WeChatServer(url, ACCOUNT, safe=True).post(message_xml(openid(), "text", next_msg_id(), Content="你好"),
                                                          openid())
    assert response.status_code == 200, response.text[:300]
    _still_answers(stack)


def test_wechat_in_plain_mode_survives_hostile_deliveries(plain_stack: Stack) -> None:
    """Authentic (correctly signed) plain deliveries of junk: never a 5xx."""
    url = _wechat_url(plain_stack)
    with httpx.Client(timeout=60) as http:

        @fuzz
        @given(wechat_bodies, wechat_fields, st.booleans())
        def case(body: bytes, fields: Dict[str, str], mostly_real: bool) -> None:
            _assert_not_server_error(http.post(url, params=_signed(PLAIN_ACCOUNT), content=body), "WeChat plain, raw")
            inner = _xml(_a_real_message(fields, openid()) if mostly_real else fields)
            _assert_not_server_error(http.post(url, params=_signed(PLAIN_ACCOUNT), content=inner), "WeChat plain, XML")

        case()
    response = WeChatServer(url, PLAIN_ACCOUNT, safe=False).post(
        message_xml(openid(), "text", next_msg_id(), Content="你好"), openid())
    assert response.status_code == 200, response.text[:300]
    _still_answers(plain_stack)


# --- Telegram -------------------------------------------------------------------------------

def _update(update_id: Any, chat_id: Any, text: Any, extra: Dict[str, Any]) -> Dict[str, Any]:
    message = {"message_id": 1, "date": int(time.time()), "text": text,
               "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id, "is_bot": False, "first_name": "x"}}
    return {"update_id": update_id, "message": {**message, **extra}}


telegram_bodies = st.one_of(
    raw_bodies, json_values.map(_json),
    st.builds(lambda *parts: _json(_update(*parts)), st.one_of(st.integers(), json_values),
              st.one_of(st.integers(min_value=1, max_value=10**12), st.integers(min_value=10**40), json_values),
              st.one_of(hostile_text, json_values), st.dictionaries(st.sampled_from(
                  ["photo", "voice", "sticker", "entities", "reply_to_message", "document", "contact", "date"]),
                  json_values, max_size=3)),
    st.just(_json({"update_id": 1, "message": {"reply_to_message": {"reply_to_message": {}}}})),
)


def test_telegram_survives_hostile_updates(stack: Stack, bot_api: FakeBotApi) -> None:
    url = f"{stack.rasa_url}/webhooks/tg/webhook"
    with httpx.Client(timeout=60) as http:

        @fuzz
        @given(telegram_bodies, st.one_of(st.just(SECRET), hostile_text))
        def case(body: bytes, secret: str) -> None:
            header = secret.encode("utf-8", "surrogatepass")[:200]
            try:
                headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": header}
                response = http.post(url, content=body, headers=headers)
            except httpx.LocalProtocolError:  # a header no HTTP client can send
                return
            _assert_not_server_error(response, "Telegram")

        case()
    _still_answers(stack)


# --- Agent console --------------------------------------------------------------------------

_ROUTES = [("GET", "queue"), ("GET", "cases/{id}"), ("GET", "cases/{id}/transcript"), ("POST", "cases/{id}/claim"),
           ("POST", "cases/{id}/reply"), ("POST", "cases/{id}/notes"), ("POST", "cases/{id}/refund"),
           ("POST", "cases/{id}/resolve"), ("POST", "cases/{id}/release"), ("POST", "cases/{id}/reassign"),
           ("POST", "tone"), ("GET", "reports"), ("GET", "cases/{id}/evidence/{id}"),
           ("POST", "login"), ("POST", "logout")]
case_ids = st.one_of(st.integers(min_value=-5, max_value=50), st.integers(min_value=10**18).map(str),
                     st.sampled_from(["0x1", "1e9", "-0", "１", "%00", "..%2F..%2Fetc"]))
console_queries = st.dictionaries(st.sampled_from(["since", "until", "status", "page", "next", "limit"]),
                                  st.one_of(hostile_text, st.sampled_from(["99999999d", "-1d", "1e308d", "7d"])),
                                  max_size=3)


def test_the_agent_console_survives_hostile_requests(stack: Stack) -> None:
    agent = stack.agent("王芳", "supervisor")  # a supervisor reaches every route
    http = agent.http
    with httpx.Client(base_url=stack.console_url, timeout=30) as anonymous:

        @fuzz
        @given(st.sampled_from(_ROUTES), case_ids, console_queries, st.one_of(json_values.map(_json), raw_bodies),
               st.booleans())
        def case(route: Any, case_id: Any, query: Dict[str, str], body: bytes, logged_in: bool) -> None:
            method, path = route
            client = http if logged_in and path != "logout" else anonymous
            params = _query(query)
            response = client.request(method, "/agent/api/" + path.format(id=case_id), params=params,
                                      content=body if method == "POST" else None,
                                      headers={"Content-Type": "application/json"})
            _assert_not_server_error(response, f"console {method} {path}")
            page = client.request("GET", "/agent/" + path.format(id=case_id), params=params)
            _assert_not_server_error(page, f"console page {path}")

        case()
    assert agent.get("queue").status_code == 200, "the console no longer answers after the fuzz cases"
