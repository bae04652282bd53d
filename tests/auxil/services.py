"""Backing services (PostgreSQL, Redis, ...) for tests: skip loudly, or fail on CI, when one is missing."""
from __future__ import annotations

import os
import warnings
from typing import NoReturn

import pytest
import redis

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0"


class ServiceUnavailableWarning(UserWarning):
    """A backing service was not reachable, so the tests that need it did not run."""


def on_ci() -> bool:
    """True on CI (`CI=true`), where a missing service is an error rather than a skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def require_service(name: str, reason: str) -> NoReturn:
    """Stop the current test because service `name` is unavailable (`reason` says why).

    Locally the test is skipped with a message that is hard to miss (also shown in the
    warnings summary); with `CI=true` it fails, so CI never passes without the service.
    """
    message = f"{name} {reason}: {name} tests SKIPPED"
    if on_ci():
        pytest.fail(f"{name} {reason}, and CI=true requires it: start {name} or fix its URL", pytrace=False)
    warnings.warn(message, ServiceUnavailableWarning, stacklevel=2)
    pytest.skip(message)


def reachable_redis_url() -> str:
    """`TEST_REDIS_URL` (default redis://127.0.0.1:6379/0) once it answers a ping; unreachable:
    `require_service` (skipped loudly, or failed when CI=true)."""
    url = os.environ.get("TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_service("Redis", f"not reachable at {url} ({exc})")
    finally:
        client.close()
    return url
