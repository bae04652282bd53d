"""Recent console logins per key (`login_attempts`), counted atomically in the database every
console process shares; `console.throttle` decides the keys and the limits."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.complaints import ComplaintStore
from bot.storage.models import LoginAttemptRow, UTCDateTime

_TABLE = LoginAttemptRow.__table__


class LoginAttempts:
    """Counts of login attempts by key (a hash: no username or address is stored in clear)."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    def count(self, keys: Sequence[Tuple[str, int]], window: timedelta, now: datetime) -> Optional[datetime]:
        """Add one attempt to each (key, limit) in turn, stopping at the first count past its
        limit: None when none is, else when that key's count is forgotten. A count is forgotten
        `window` after its first attempt, or after the attempt that reached its limit."""
        with self.store.session() as s, s.begin():
            # A write first: SQLite takes its write lock here, so the transaction never has to
            # upgrade a read lock (which could fail at once instead of waiting). PostgreSQL: rows
            # another login is deleting are left to it (no two deletes wait for each other).
            expired = (sa.select(_TABLE.c.key).where(_TABLE.c.expires_at <= now)
                       .with_for_update(skip_locked=True).scalar_subquery())
            s.execute(sa.delete(_TABLE).where(_TABLE.c.key.in_(expired)))
            for key, limit in keys:
                attempts, expires_at = self._count(s, key, limit, window, now)
                if attempts > limit:
                    return expires_at
        return None

    def _count(self, s: Any, key: str, limit: int, window: timedelta, now: datetime) -> Tuple[int, datetime]:
        """Add one to `key`'s count in one statement (the row stays locked until commit)."""
        fresh = sa.literal(now + window, UTCDateTime)
        expired = _TABLE.c.expires_at <= sa.literal(now, UTCDateTime)  # if another process kept it
        insert = (postgresql.insert if self.store.engine.dialect.name == "postgresql" else sqlite.insert)(_TABLE)
        s.execute(insert.values(key=key, attempts=1, expires_at=now + window).on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={"attempts": sa.case((expired, 1), else_=_TABLE.c.attempts + 1),
                  # the attempt that reaches the limit starts a full window of waiting
                  "expires_at": sa.case((expired, fresh), (_TABLE.c.attempts + 1 == limit, fresh),
                                        else_=_TABLE.c.expires_at)}))
        row = s.execute(sa.select(_TABLE.c.attempts, _TABLE.c.expires_at).where(_TABLE.c.key == key)).one()
        return row.attempts, row.expires_at

    def forget(self, key: str, give_back: Sequence[str]) -> None:
        """Forget `key`'s count, and take one attempt off each of `give_back`."""
        with self.store.session() as s, s.begin():
            s.execute(sa.delete(_TABLE).where(_TABLE.c.key == key))
            s.execute(sa.update(_TABLE).where(_TABLE.c.key.in_(give_back), _TABLE.c.attempts > 0)
                      .values(attempts=_TABLE.c.attempts - 1))
