"""What proves a request comes from WeChat, and the safe-mode encryption of messages and replies.

Every request carries `signature` = SHA-1 of the sorted (Token, timestamp, nonce). In safe mode
(`encrypt_type=aes`) the body holds only `<Encrypt>`, signed by `msg_signature` (Token, timestamp,
nonce and the ciphertext) and AES-encrypted with the EncodingAESKey; replies are encrypted and
signed the same way (wechatpy's `WeChatCrypto`). A request whose signature is wrong or whose
timestamp is further from our clock than allowed is `Forged` (a replay or a forgery); a body that
is not WeChat's XML is `Malformed`.

Two holes close on top of that:
- Downgrade: with an EncodingAESKey configured the account is in safe (or compatible) mode, where
  WeChat encrypts every message; a plaintext one is `Forged`, since its `signature` does not
  cover the body.
- Replay: in plain mode `signature` covers no body, so a captured signed URL could carry another
  message while its timestamp is accepted. `Replays` remembers each (timestamp, nonce) with a
  digest of its message for that long, and a different message under a used pair is `Forged`.
  The same message again is let through: WeChat's own retries are that, and `channels.dedup`
  answers them without a second turn (whether or not WeChat signs a retry anew).
"""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Mapping, Optional

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.utils import WeChatSigner, to_text

from channels.keyvalue import KeyValue, off_loop


class Forged(Exception):
    """The request is not provably from WeChat, or too old (HTTP 403)."""


class Malformed(Exception):
    """The request is from WeChat but its body is not a message this channel can read (HTTP 400)."""


def _signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


class Envelope:
    """Checks, opens and seals the messages of one Official Account."""

    def __init__(self, token: str, app_id: str, encoding_aes_key: Optional[str],
                 max_clock_skew_s: float) -> None:
        self.token = token
        self.app_id = app_id
        self.max_clock_skew_s = max_clock_skew_s
        self._crypto = WeChatCrypto(token, encoding_aes_key, app_id) if encoding_aes_key else None

    def check(self, args: Mapping[str, str], now: Optional[float] = None) -> None:
        """Raise `Forged` unless `signature` matches and `timestamp` is recent."""
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        expected = _signature(self.token, timestamp, nonce)
        if not _same(expected, args.get("signature", "")):
            raise Forged("signature does not match the Token")
        try:
            skew = abs((time.time() if now is None else now) - int(timestamp))
        except ValueError:
            raise Forged(f"timestamp {timestamp[:20]!r} is not a number") from None
        if skew > self.max_clock_skew_s:
            raise Forged(f"timestamp is {skew:.0f} s away from our clock (a replay, or set the clock right)")

    def open(self, args: Mapping[str, str], body: bytes) -> str:
        """The message XML of a checked request: the body, decrypted in safe mode."""
        text = body.decode("utf-8", errors="replace")
        if args.get("encrypt_type") != "aes":
            if self._crypto is not None:
                raise Forged("plaintext message, but an EncodingAESKey is configured (safe mode): "
                             "WeChat encrypts every message there")
            return text
        if self._crypto is None:
            raise Forged("safe-mode message, but no EncodingAESKey is configured")
        try:
            encrypted = xmltodict.parse(text)["xml"]["Encrypt"]
        except Exception as exc:  # expat errors, a missing element, not even a mapping
            raise Malformed(f"no <Encrypt> in the safe-mode body ({exc.__class__.__name__})") from None
        expected = _signature(self.token, args.get("timestamp", ""), args.get("nonce", ""), encrypted)
        if not _same(expected, args.get("msg_signature", "")):
            raise Forged("msg_signature does not match")
        try:
            return to_text(PrpCrypto(self._crypto.key).decrypt(encrypted, self.app_id))
        except InvalidAppIdException:
            raise Forged("the message is for another AppID") from None
        except Exception as exc:  # bad base64, padding or length: not decryptable
            raise Malformed(f"safe-mode body does not decrypt ({exc.__class__.__name__})") from None

    def seal(self, args: Mapping[str, str], reply_xml: str) -> str:
        """The reply as WeChat expects it for this request: encrypted and signed in safe mode."""
        if args.get("encrypt_type") != "aes" or self._crypto is None:
            return reply_xml
        return self._crypto.encrypt_message(reply_xml, args.get("nonce", ""))


class Replays:
    """Which (timestamp, nonce) pairs were used, and for which message: in the shared key-value
    store (Redis when configured, so every instance knows), each for as long as its timestamp
    is accepted."""

    def __init__(self, store: KeyValue, max_clock_skew_s: float) -> None:
        self.store = store
        self.max_clock_skew_s = max_clock_skew_s

    async def check(self, args: Mapping[str, str], xml: str, now: Optional[float] = None) -> None:
        """Raise `Forged` when another message than `xml` came with this checked request's
        timestamp and nonce. When the store cannot be reached the message is let through
        (logged): the signature and the timestamp are still checked."""
        timestamp, nonce = args["timestamp"], args.get("nonce", "")
        key = f"nonce:{timestamp}:{nonce}"
        digest = hashlib.sha256(xml.encode("utf-8", errors="replace")).hexdigest()
        accepted_for_s = int(timestamp) + self.max_clock_skew_s - (time.time() if now is None else now)
        purpose = "wechat: replay check"
        if await off_loop(self.store.add, key, digest, max(1.0, accepted_for_s + 1),
                          unavailable=True, purpose=purpose):
            return
        if await off_loop(self.store.get, key, unavailable=digest, purpose=purpose) not in (digest, None):
            raise Forged(f"timestamp {timestamp} and nonce {nonce[:40]!r} were already used by "
                         "another message (a replay)")
