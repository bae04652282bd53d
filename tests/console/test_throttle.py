"""The login throttle's counts in the real database, SQLite and PostgreSQL: exactly the limit of
attempts sent at once gets through, each key has its own limit, and a window forgets."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Iterator, List, Optional

import pytest

from console.throttle import LoginThrottle, ThrottleLimits, load_throttle_limits
from bot.storage import ComplaintStore

T0 = datetime(2026, 12, 4, 8, 0, tzinfo=timezone.utc)
LIMITS = ThrottleLimits(window=timedelta(minutes=15), per_username_and_address=3, per_username=7,
                        per_address=8)


@pytest.fixture
def throttle(database_url: str) -> Iterator[LoginThrottle]:
    store = ComplaintStore(database_url)
    store.migrate()
    yield LoginThrottle(store, LIMITS)
    store.close()


def test_attempts_sent_at_once_get_exactly_the_limit(throttle: LoginThrottle) -> None:
    start = threading.Barrier(20)
    answers: List[Optional[int]] = []

    def attempt() -> None:
        start.wait()
        answers.append(throttle.attempt("wangfang", "10.0.0.1", T0))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(None) == 3 and sorted(set(answers) - {None}) == [15]


def test_each_key_has_its_own_limit(throttle: LoginThrottle) -> None:
    for address in ("10.0.0.1", "10.0.0.2"):
        assert [throttle.attempt("wangfang", address, T0) for _ in range(3)] == [None] * 3
        assert throttle.attempt("wangfang", address, T0) == 15, "the pair's limit"
    assert throttle.attempt("wangfang", "10.0.0.3", T0) is None
    assert throttle.attempt("wangfang", "10.0.0.4", T0) == 15, "the username's limit, across addresses"
    assert throttle.attempt("lishi", "10.0.0.1", T0) is None, "another name from a locked pair's address"
    for name in ("a", "b"):
        throttle.attempt(name, "10.0.0.5", T0)
    assert [throttle.attempt(name, "10.0.0.5", T0) for name in "cdefghi"] == [None] * 6 + [15], \
        "one address trying many names"


def test_the_lock_lasts_a_window_from_the_attempt_that_reached_the_limit(throttle: LoginThrottle) -> None:
    for minute in (0, 10, 14):
        assert throttle.attempt("wangfang", "10.0.0.1", T0 + timedelta(minutes=minute)) is None
    assert throttle.attempt("wangfang", "10.0.0.1", T0 + timedelta(minutes=20)) == 9
    assert throttle.attempt("wangfang", "10.0.0.1", T0 + timedelta(minutes=28)) == 1
    assert throttle.attempt("wangfang", "10.0.0.1", T0 + timedelta(minutes=29)) is None


def test_a_right_password_forgets_its_own_failures(throttle: LoginThrottle) -> None:
    for _ in range(3):
        throttle.attempt("wangfang", "10.0.0.1", T0)
    throttle.succeeded("wangfang", "10.0.0.1")
    assert [throttle.attempt("wangfang", "10.0.0.1", T0) for _ in range(2)] == [None, None]
    assert [throttle.attempt("wangfang", "10.0.0.2", T0) for _ in range(3)] == [None] * 3
    assert throttle.attempt("wangfang", "10.0.0.3", T0) == 15, "the username kept the two failures"


def test_the_shipped_limits_load_and_unusable_ones_say_what_to_fix() -> None:
    assert load_throttle_limits().per_username_and_address == 5
    with pytest.raises(ValueError, match="per_username"):
        ThrottleLimits.from_config({"window_minutes": 15, "per_username_and_address": 5})
    with pytest.raises(ValueError, match="positive"):
        ThrottleLimits.from_config({"window_minutes": 15, "per_username_and_address": 0,
                                    "per_username": 20, "per_address": 50})
