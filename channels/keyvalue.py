"""Small values with a time to live, shared by every instance of the Rasa server: Redis when
`REDIS_URL` is set, else this process's memory (one instance only).

Values are JSON. The interface is wechatpy's `SessionStorage`, so the same store also caches the
WeChat access_token for all instances; `add` is Redis's `SET NX`, which makes it a claim that
exactly one instance wins, and `renew` extends a claim only while it is still the same value (a
lease its owner keeps alive). Code on the event loop calls the store through `off_loop`, which also
keeps the conversation going (logged) while Redis is down.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

import redis
from wechatpy.session import SessionStorage

logger = logging.getLogger(__name__)
T = TypeVar("T")


class KeyValue(SessionStorage):
    """A JSON key-value store with expiry; keys live under `prefix`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def get(self, key: str, default: Any = None) -> Any:
        """The value of `key`, or `default` when it is absent or expired."""
        raise NotImplementedError

    def set(self, key: str, value: Any, ttl: Optional[float] = None) -> None:
        """Store `value` under `key`, for `ttl` seconds (None: until deleted)."""
        raise NotImplementedError

    def add(self, key: str, value: Any, ttl: float) -> bool:
        """Store `value` only if `key` is absent; True when it was stored (the claim was won)."""
        raise NotImplementedError

    def renew(self, key: str, value: Any, ttl: float) -> bool:
        """Give `key` `ttl` more seconds if it still holds `value`; False when it does not (it
        expired, or holds another value)."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError


class MemoryKeyValue(KeyValue):
    """This process's memory: correct for a single Rasa server instance."""

    _SWEEP_EVERY_S = 60.0

    def __init__(self, prefix: str = "complaints") -> None:
        super().__init__(prefix)
        self._data: Dict[str, Tuple[str, Optional[float]]] = {}
        self._lock = threading.Lock()
        self._next_sweep = time.monotonic() + self._SWEEP_EVERY_S

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            found = self._live(self.key(key), time.monotonic())
        return default if found is None else json.loads(found)

    def set(self, key: str, value: Any, ttl: Optional[float] = None) -> None:
        with self._lock:
            self._put(self.key(key), value, ttl, time.monotonic())

    def add(self, key: str, value: Any, ttl: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._live(self.key(key), now) is not None:
                return False
            self._put(self.key(key), value, ttl, now)
            return True

    def renew(self, key: str, value: Any, ttl: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._live(self.key(key), now) != json.dumps(value):
                return False
            self._put(self.key(key), value, ttl, now)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(self.key(key), None)

    def _live(self, key: str, now: float) -> Optional[str]:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[1] is not None and entry[1] <= now:
            del self._data[key]
            return None
        return entry[0]

    def _put(self, key: str, value: Any, ttl: Optional[float], now: float) -> None:
        self._data[key] = (json.dumps(value), None if ttl is None else now + ttl)
        if now >= self._next_sweep:  # forget expired keys nobody asks for again
            self._next_sweep = now + self._SWEEP_EVERY_S
            for stale in [k for k, (_, expires) in self._data.items() if expires is not None and expires <= now]:
                del self._data[stale]


#: Compare and extend in one step: no other instance can claim the key in between.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class RedisKeyValue(KeyValue):
    """A Redis server, shared by every instance that uses the same URL and prefix."""

    def __init__(self, url: str, prefix: str = "complaints") -> None:
        super().__init__(prefix)
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._renew = self.redis.register_script(_RENEW)

    def get(self, key: str, default: Any = None) -> Any:
        found = self.redis.get(self.key(key))
        return default if found is None else json.loads(found)

    def set(self, key: str, value: Any, ttl: Optional[float] = None) -> None:
        self.redis.set(self.key(key), json.dumps(value), px=_milliseconds(ttl))

    def add(self, key: str, value: Any, ttl: float) -> bool:
        return bool(self.redis.set(self.key(key), json.dumps(value), px=_milliseconds(ttl), nx=True))

    def renew(self, key: str, value: Any, ttl: float) -> bool:
        return bool(self._renew(keys=[self.key(key)], args=[json.dumps(value), _milliseconds(ttl)]))

    def delete(self, key: str) -> None:
        self.redis.delete(self.key(key))


def _milliseconds(ttl: Optional[float]) -> Optional[int]:
    return None if ttl is None else max(1, int(ttl * 1000))


def keyvalue_from_url(redis_url: Optional[str], prefix: str) -> KeyValue:
    """Redis at `redis_url` when given, else memory."""
    return RedisKeyValue(redis_url, prefix) if redis_url else MemoryKeyValue(prefix)


async def off_loop(operation: Callable[..., T], *args: Any, unavailable: T, purpose: str) -> T:
    """`operation(*args)` in a worker thread. When Redis cannot be reached, log that `purpose` is
    unavailable and return `unavailable`: the conversation goes on without it."""
    try:
        return await asyncio.to_thread(operation, *args)
    except redis.RedisError as exc:
        logger.error("%s unavailable (Redis: %s)", purpose, exc)
        return unavailable
