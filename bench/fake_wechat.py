"""A fake WeChat for the tests and the benchmark: what WeChat's servers send to the channel, and the API they offer.

`WeChatServer` builds message deliveries exactly as WeChat does — XML signed with the Token, in
safe mode encrypted with the EncodingAESKey by wechatpy's own crypto — posts them to the channel
and opens (decrypts, verifies) the replies. `FakeWeChatApi` is the token and customer-service
message API on a stdlib HTTP server thread, recording every call; it can refuse a customer with
a WeChat error code and revoke its tokens. `credentials_with_wechat` enables the channel the way
the README tells an operator to.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlparse

import httpx
import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner, to_text

from bench.json_http import JsonHandler

ACCOUNT_ID = "gh_0123456789ab"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class OfficialAccount:
    """The settings an operator copies from the Official Account's admin page."""

    token: str = "test-token-3f9a"
    app_id: str = "wx1234567890abcdef"
    app_secret: str = "test-secret-7c1e5d"
    encoding_aes_key: str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    def env(self) -> Dict[str, str]:
        """The environment variables credentials.yml reads them from."""
        return {"WECHAT_TOKEN": self.token, "WECHAT_APP_ID": self.app_id,
                "WECHAT_APP_SECRET": self.app_secret, "WECHAT_ENCODING_AES_KEY": self.encoding_aes_key}


def credentials_with_wechat() -> str:
    """The repository's credentials.yml with its WeChat entry uncommented, as an operator enables it."""
    text = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    block = re.search(r"^# channels\.wechat\.WeChatInput:\n(?:#   .*\n?)+", text, re.MULTILINE)
    assert block, "credentials.yml documents the WeChat entry, commented out"
    return text.replace(block.group(0), re.sub(r"^# ?", "", block.group(0), flags=re.MULTILINE))


def openid() -> str:
    """A new customer's OpenID (28 characters, like WeChat's)."""
    return "o" + secrets.token_urlsafe(21)[:27]


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def message_xml(sender: str, msg_type: str, msg_id: Optional[int] = None,
                create_time: Optional[int] = None, **fields: Any) -> str:
    """A message (or, with msg_type="event", an event) as WeChat's XML."""
    body = {"ToUserName": ACCOUNT_ID, "FromUserName": sender,
            "CreateTime": create_time or int(time.time()), "MsgType": msg_type, **fields}
    if msg_id is not None:
        body["MsgId"] = msg_id
    return xmltodict.unparse({"xml": body}, full_document=False)


_msg_ids = iter(range(int(time.time() * 1000), 1 << 62))


def next_msg_id() -> int:
    """A MsgId no other message in this test run has."""
    return next(_msg_ids)


@dataclass
class WeChatServer:
    """Delivers messages to the channel's webhook like WeChat, in safe (AES) or plain mode."""

    webhook_url: str
    account: OfficialAccount = field(default_factory=OfficialAccount)
    safe: bool = True

    def envelope(self, message: str, sender: str, timestamp: Optional[int] = None) -> Tuple[Dict[str, str], str]:
        """The query parameters and body WeChat sends for the message XML `message`."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = secrets.token_hex(5)
        params = {"signature": sign(self.account.token, stamp, nonce), "timestamp": stamp,
                  "nonce": nonce, "openid": sender}
        if not self.safe:
            return params, message
        key = WeChatCrypto(self.account.token, self.account.encoding_aes_key, self.account.app_id).key
        encrypted = to_text(PrpCrypto(key).encrypt(message, self.account.app_id))
        params.update(encrypt_type="aes", msg_signature=sign(self.account.token, stamp, nonce, encrypted))
        body = xmltodict.unparse({"xml": {"ToUserName": ACCOUNT_ID, "Encrypt": encrypted}}, full_document=False)
        return params, body

    def post(self, message: str, sender: str, timestamp: Optional[int] = None,
             timeout: float = 30) -> httpx.Response:
        """Deliver the message XML `message` from `sender`; the HTTP response."""
        params, body = self.envelope(message, sender, timestamp)
        return self.post_raw(params, body, timeout)

    def post_raw(self, params: Dict[str, str], body: str, timeout: float = 30) -> httpx.Response:
        return httpx.post(self.webhook_url, params=params, content=body.encode("utf-8"),
                          headers={"Content-Type": "text/xml"}, timeout=timeout)

    def send(self, sender: str, msg_type: str = "text", msg_id: Optional[int] = None,
             timestamp: Optional[int] = None, **fields: Any) -> Optional[str]:
        """Deliver a message and return the passive reply's text (None for `success`)."""
        if msg_type != "event" and msg_id is None:
            msg_id = next_msg_id()
        response = self.post(message_xml(sender, msg_type, msg_id, **fields), sender, timestamp)
        return self.reply_text(response, sender)

    def reply_text(self, response: httpx.Response, sender: str) -> Optional[str]:
        """The text of a passive reply (decrypted and its signature checked in safe mode); None
        for `success`. Fails on anything WeChat would not accept."""
        assert response.status_code == 200, (response.status_code, response.text[:300])
        if response.text == "success":
            return None
        reply = xmltodict.parse(response.text)["xml"]
        if self.safe:
            crypto = WeChatCrypto(self.account.token, self.account.encoding_aes_key, self.account.app_id)
            reply = xmltodict.parse(crypto.decrypt_message(response.text, reply["MsgSignature"],
                                                           reply["TimeStamp"], reply["Nonce"]))["xml"]
        assert (reply["ToUserName"], reply["FromUserName"], reply["MsgType"]) == (sender, ACCOUNT_ID, "text")
        assert len(reply["Content"].encode("utf-8")) <= 2048
        return reply["Content"]


class FakeWeChatApi:
    """WeChat's token, customer-service message and temporary media API on a local port."""

    def __init__(self, account: OfficialAccount = OfficialAccount(), expires_in: int = 7200) -> None:
        self.account = account
        self.expires_in = expires_in
        self.token_fetches = 0
        self.attempts: List[Dict[str, Any]] = []
        """Every customer-service message received (delivered or refused): {touser, text, errcode}."""
        self.refuse: Dict[str, int] = {}
        """OpenID → the WeChat error code messages to that customer get."""
        self.media: Dict[str, Tuple[bytes, str]] = {}
        """MediaId → the file (bytes, content type) media/get gives; others get 40007."""
        self.media_fetches: List[str] = []
        self._valid_tokens: set[str] = set()
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeWeChatApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def revoke_tokens(self) -> None:
        """Every token issued so far stops working (as after a fetch elsewhere expired them)."""
        self._valid_tokens.clear()

    def delivered(self, openid: str) -> List[str]:
        """Texts delivered to `openid`, in order."""
        return [a["text"] for a in self.attempts if a["touser"] == openid and a["errcode"] == 0]

    def tried(self, openid: str) -> int:
        """How many messages to `openid` were attempted, refused ones included."""
        return sum(1 for a in self.attempts if a["touser"] == openid)

    def wait_for(self, openid: str, count: int = 1, timeout: float = 30) -> List[str]:
        """The texts delivered to `openid` once there are at least `count` (fails after `timeout` s)."""
        self._wait(lambda: len(self.delivered(openid)) >= count, timeout,
                   lambda: f"{len(self.delivered(openid))} of {count} messages to {openid} arrived")
        return self.delivered(openid)

    def wait_tried(self, openid: str, count: int = 1, timeout: float = 30) -> None:
        """Return once `count` messages to `openid` were attempted (fails after `timeout` s)."""
        self._wait(lambda: self.tried(openid) >= count, timeout,
                   lambda: f"{self.tried(openid)} of {count} messages to {openid} attempted")

    def _wait(self, done: Callable[[], bool], timeout: float, progress: Callable[[], str]) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done():
                left = deadline - time.monotonic()
                assert left > 0, progress()
                self._changed.wait(left)

    def _issue_token(self) -> Dict[str, Any]:
        token = f"ACCESS_TOKEN_{secrets.token_hex(8)}"
        self._valid_tokens.add(token)
        self.token_fetches += 1
        return {"access_token": token, "expires_in": self.expires_in}

    def _custom_send(self, token: str, body: Dict[str, Any]) -> Dict[str, Any]:
        if token not in self._valid_tokens:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        touser = body.get("touser", "")
        errcode = self.refuse.get(touser, 0)
        with self._changed:
            self.attempts.append({"touser": touser, "text": body.get("text", {}).get("content"),
                                  "errcode": errcode})
            self._changed.notify_all()
        return {"errcode": errcode, "errmsg": "ok" if errcode == 0 else f"refused ({errcode})"}

    def _handler(self) -> type:
        api = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cgi-bin/media/get":
                    return self._media(query)
                if url.path != "/cgi-bin/token":
                    return self.reply_json(404, {"errcode": 404, "errmsg": "no such API"})
                if (query.get("appid"), query.get("secret")) != (api.account.app_id, api.account.app_secret):
                    return self.reply_json(200, {"errcode": 40125, "errmsg": "invalid appsecret"})
                self.reply_json(200, api._issue_token())

            def _media(self, query: Dict[str, str]) -> None:
                """The file, as WeChat sends it, or its JSON error."""
                media_id = query.get("media_id", "")
                api.media_fetches.append(media_id)
                if query.get("access_token") not in api._valid_tokens:
                    return self.reply_json(200, {"errcode": 40001, "errmsg": "invalid credential"})
                if media_id not in api.media:
                    return self.reply_json(200, {"errcode": 40007, "errmsg": "invalid media_id"})
                data, content_type = api.media[media_id]
                self.reply_bytes(data, content_type, Content_disposition=f'attachment; filename="{media_id}.jpg"')

            def do_POST(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if url.path != "/cgi-bin/message/custom/send":
                    return self.reply_json(404, {"errcode": 404, "errmsg": "no such API"})
                self.reply_json(200, api._custom_send(token, body))

        return Handler


@contextmanager
def fake_wechat_api(**kwargs: Any) -> Iterator[FakeWeChatApi]:
    """A running `FakeWeChatApi`, stopped on exit."""
    api = FakeWeChatApi(**kwargs).start()
    try:
        yield api
    finally:
        api.stop()
