"""Fixtures of the channel tests: the shared state store (memory, and Redis when reachable) and
the fake WeChat API."""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
import redis

from channels.keyvalue import KeyValue, MemoryKeyValue, RedisKeyValue
from tests.auxil.fake_wechat import FakeWeChatApi, fake_wechat_api
from tests.auxil.services import require_service

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """`TEST_REDIS_URL` (default redis://127.0.0.1:6379/0); unreachable: skipped loudly, or failed
    when CI=true."""
    url = os.environ.get("TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_service("Redis", f"not reachable at {url} ({exc})")
    finally:
        client.close()
    return url


def _redis_store(url: str) -> Iterator[RedisKeyValue]:
    store = RedisKeyValue(url, prefix=f"test:{uuid.uuid4().hex}")
    try:
        yield store
    finally:
        keys = list(store.redis.scan_iter(f"{store.prefix}:*"))
        if keys:
            store.redis.delete(*keys)
        store.redis.close()


@pytest.fixture(params=["memory", "redis"])
def keyvalue(request: pytest.FixtureRequest) -> Iterator[KeyValue]:
    """An empty shared-state store: in memory, and on the local Redis."""
    if request.param == "memory":
        yield MemoryKeyValue("test")
    else:
        yield from _redis_store(request.getfixturevalue("redis_url"))


@pytest.fixture
def redis_keyvalue(redis_url: str) -> Iterator[RedisKeyValue]:
    """An empty store on the local Redis (for what two instances share)."""
    yield from _redis_store(redis_url)


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with fake_wechat_api() as api:
        yield api
