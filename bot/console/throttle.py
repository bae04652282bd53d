"""Slows down password guessing at the console's login: after a few wrong passwords for one
username from one address, that pair is refused for a while (the right password included), so
an attacker cannot try many, and a colleague's typos elsewhere do not lock the agent out."""
from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta
from typing import Dict, List, Optional, Tuple

Key = Tuple[str, str]


class LoginThrottle:
    """Counts failed logins per (username, client address) in memory (the console is one
    process); `max_failures` within `window` lock the pair until `window` after the last one."""

    def __init__(self, max_failures: int = 5, window: timedelta = timedelta(minutes=15)) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: Dict[Key, List[datetime]] = {}
        self._lock = threading.Lock()

    def minutes_locked(self, key: Key, now: datetime) -> Optional[int]:
        """Whole minutes until `key` may try again, or None when it may now."""
        with self._lock:
            recent = self._recent(key, now)
        if len(recent) < self.max_failures:
            return None
        return max(1, math.ceil((recent[-1] + self.window - now).total_seconds() / 60))

    def failed(self, key: Key, now: datetime) -> None:
        """Record a wrong password for `key`."""
        with self._lock:
            self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, key: Key) -> None:
        """Forget `key`'s failures after a successful login."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: Key, now: datetime) -> List[datetime]:
        """`key`'s failures within the window (older ones forgotten)."""
        recent = [moment for moment in self._failures.pop(key, ()) if now - moment < self.window]
        if recent:
            self._failures[key] = recent
        return recent
