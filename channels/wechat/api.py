"""WeChat's customer-service message API (客服消息): texts sent to a customer without a pending
request, e.g. a slow answer, an agent's reply, a survey; and its temporary media API (获取临时素材),
for the photos customers send (WeChat deletes them after 3 days).

wechatpy's client is synchronous (`requests`), so every call runs in a worker thread. The
access_token lives in the shared key-value store (one token for all instances) and is fetched
again a while before it expires. WeChat refuses a message when the customer is out of reach for
now: no message from them for 48 hours (45015), too many messages since their last one (45047),
or they unfollowed the account (43004). Those are `Unreachable`: never retried.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Dict, TypeVar

import requests
from wechatpy import WeChatClient
from wechatpy.constants import WeChatErrorCode
from wechatpy.exceptions import WeChatClientException

from bot.media_jobs import MediaGone
from channels.keyvalue import KeyValue

T = TypeVar("T")

#: Errors that mean the customer cannot be sent anything until they write again, and why.
UNREACHABLE = {
    WeChatErrorCode.OUT_OF_RESPONSE_TIME_LIMIT.value: "no message from the customer in the last 48 hours",
    WeChatErrorCode.OUT_OF_RESPONSE_COUNT_LIMIT.value: "message quota since the customer's last message used up",
    WeChatErrorCode.REQUIRE_SUBSCRIBE.value: "the customer does not follow the account",
}
#: Errors that mean the access_token is no longer valid: fetch a new one and try once more.
_STALE_TOKEN = {
    WeChatErrorCode.INVALID_CREDENTIAL.value,
    WeChatErrorCode.INVALID_ACCESS_TOKEN.value,
    WeChatErrorCode.EXPIRED_ACCESS_TOKEN.value,
}
#: Errors that mean the media id names no file WeChat still has (expired after 3 days, or unknown).
MEDIA_GONE = {WeChatErrorCode.INVALID_MEDIA_ID.value}
#: Fetch a new token this long before the old one expires (WeChat accepts both for 5 minutes).
REFRESH_BEFORE_EXPIRY_S = 300


class Unreachable(Exception):
    """WeChat will not deliver to this customer now (see `UNREACHABLE`)."""

    def __init__(self, errcode: int) -> None:
        super().__init__(f"WeChat error {errcode}: {UNREACHABLE[errcode]}")
        self.errcode = errcode


class _TimeoutSession(requests.Session):
    """wechatpy fetches tokens without a timeout: every request gets one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class _Client(WeChatClient):
    """wechatpy's client against a configurable API host, with the shared token cache."""

    def __init__(self, app_id: str, app_secret: str, api_base_url: str, tokens: KeyValue,
                 timeout: float) -> None:
        super().__init__(app_id, app_secret, session=tokens, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = f"{api_base_url.rstrip('/')}/cgi-bin/"
        self._http = _TimeoutSession(timeout)
        self._fetching = threading.Lock()

    @property
    def access_token(self) -> str:
        """The shared token; one thread per process fetches a new one when it is missing."""
        token = self.session.get(self.access_token_key)
        if token:
            return token
        with self._fetching:
            return self.session.get(self.access_token_key) or self.fetch_access_token()["access_token"]

    def fetch_access_token(self) -> Dict[str, Any]:
        result = self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        lifetime = int(result.get("expires_in", 7200))
        # Stored again, to expire early: whoever needs it after that fetches a fresh one in time.
        self.session.set(self.access_token_key, result["access_token"],
                         lifetime - min(REFRESH_BEFORE_EXPIRY_S, lifetime // 2))
        return result

    def forget_token(self) -> None:
        self.session.delete(self.access_token_key)


class CustomerServiceApi:
    """Sends texts to customers of one Official Account, and downloads what they sent."""

    def __init__(self, app_id: str, app_secret: str, api_base_url: str, tokens: KeyValue,
                 timeout: float = 10.0) -> None:
        self._client = _Client(app_id, app_secret, api_base_url, tokens, timeout)

    async def send_text(self, openid: str, text: str) -> None:
        """Send `text` (within WeChat's size limit) to the customer `openid`.

        Raises `Unreachable` for the errors in `UNREACHABLE`, wechatpy's `WeChatClientException`
        for any other refusal, `requests.RequestException` when WeChat cannot be reached."""
        await asyncio.to_thread(self._send_text, openid, text)

    def _send_text(self, openid: str, text: str) -> None:
        try:
            self._with_token(lambda: self._client.message.send_text(openid, text))
        except WeChatClientException as exc:
            if exc.errcode in UNREACHABLE:
                raise Unreachable(exc.errcode) from exc
            raise

    async def download_media(self, media_id: str) -> bytes:
        """The bytes of the temporary media `media_id` (GET cgi-bin/media/get).

        Raises `MediaGone` when WeChat has no such media (any more), wechatpy's
        `WeChatClientException` for other refusals, `requests.RequestException` when WeChat cannot
        be reached."""
        return await asyncio.to_thread(self._download_media, media_id)

    def _download_media(self, media_id: str) -> bytes:
        try:
            got = self._with_token(lambda: self._client.get("media/get", params={"media_id": media_id}))
        except WeChatClientException as exc:
            if exc.errcode in MEDIA_GONE:
                raise MediaGone(f"WeChat error {exc.errcode}: {exc.errmsg}") from exc
            raise
        if not isinstance(got, requests.Response):  # JSON without an error: a video's URL, not a file
            raise MediaGone(f"WeChat answered {str(got)[:200]} instead of a file")
        return got.content

    def _with_token(self, call: Callable[[], T]) -> T:
        """`call()`, once more with a new access_token when WeChat says the old one is stale."""
        try:
            return call()
        except WeChatClientException as exc:
            if exc.errcode not in _STALE_TOKEN:
                raise
            self._client.forget_token()
            return call()
