"""Slows down password guessing at the console's login.

Every attempt is counted before its password is checked, atomically in the store's database
(shared by every console process), under three keys: the username from this address, the
username from anywhere, and this address for any username (limits in config/console.yml). An
attempt that takes a count past its limit is refused without checking the password, so a burst
of guesses sent at once gets no more checks than guesses sent one by one, and the right password
waits too. A colleague's typos elsewhere do not lock an agent out: only the username's own count
is shared across addresses, and it is higher.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, List, Mapping, Optional, Tuple

from bot.datafiles import load_yaml, repo_path
from bot.storage import ComplaintStore, LoginAttempts

DEFAULT_CONSOLE_CONFIG = repo_path("config/console.yml")


@dataclass(frozen=True)
class ThrottleLimits:
    """How many login attempts a window allows, per key (config/console.yml `login_throttle`)."""

    window: timedelta = timedelta(minutes=15)
    per_username_and_address: int = 5
    per_username: int = 20
    per_address: int = 50

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], source: str = "console.yml") -> "ThrottleLimits":
        try:
            limits = cls(timedelta(minutes=float(raw["window_minutes"])),
                         *(int(raw[name]) for name in ("per_username_and_address", "per_username", "per_address")))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: login_throttle needs window_minutes, per_username_and_address, "
                             f"per_username and per_address as positive numbers ({exc!r})") from None
        if limits.window <= timedelta(0) or min(limits.per_username_and_address, limits.per_username,
                                                limits.per_address) < 1:
            raise ValueError(f"{source}: login_throttle's numbers must be positive")
        return limits


def load_throttle_limits(path: Path = DEFAULT_CONSOLE_CONFIG) -> ThrottleLimits:
    """The login throttle's limits in `path`."""
    return ThrottleLimits.from_config(load_yaml(Path(path))["login_throttle"], source=str(path))


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class LoginThrottle:
    """Counts login attempts in the store's database (`bot.storage.LoginAttempts`)."""

    def __init__(self, store: ComplaintStore, limits: ThrottleLimits = ThrottleLimits()) -> None:
        self.attempts = LoginAttempts(store)
        self.limits = limits

    def _keys(self, username: str, address: str) -> List[Tuple[str, int]]:
        return [(_key("pair", username, address), self.limits.per_username_and_address),
                (_key("user", username), self.limits.per_username),
                (_key("address", address), self.limits.per_address)]

    def attempt(self, username: str, address: str, now: datetime) -> Optional[int]:
        """Count an attempt to log in as `username` from `address`: None when its password may be
        checked, else the whole minutes to wait. Counting stops at the first count past its
        limit, so a locked pair does not use up the username's allowance elsewhere."""
        locked_until = self.attempts.count(self._keys(username, address), self.limits.window, now)
        if locked_until is None:
            return None
        return max(1, math.ceil((locked_until - now).total_seconds() / 60))

    def succeeded(self, username: str, address: str) -> None:
        """A right password: forget the pair's failures, and give back this attempt elsewhere."""
        pair, *others = (key for key, _ in self._keys(username, address))
        self.attempts.forget(pair, others)
