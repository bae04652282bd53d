"""Fixtures of the channel tests: the shared state store (memory, and Redis when reachable) and
the fake WeChat API."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from channels.keyvalue import KeyValue, MemoryKeyValue, RedisKeyValue
from bench.fake_wechat import FakeWeChatApi, fake_wechat_api
from tests.auxil.services import reachable_redis_url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """`TEST_REDIS_URL`, reachable (`tests.auxil.services.reachable_redis_url`)."""
    return reachable_redis_url()


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
