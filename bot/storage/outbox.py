"""Messages jobs send to customers, each at most once under its idempotency key.

A job can run twice (its worker stalled past its lease, or died after sending but before the job
was recorded done). Before a message goes out its key is reserved in the `sent_messages` table
(unique: of two runs, one wins); a run that finds the key reserved sends nothing. A send that
fails gives the key back, so the job's retry sends it. The one case left: a worker killed between
reserving and sending leaves the key `sending`, and that message is not sent (at most once: a
customer never gets two apologies; the row shows what happened).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Awaitable, Callable, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import require_aware, utcnow
from bot.storage.complaints import ComplaintStore
from bot.storage.models import SentMessageRow

logger = logging.getLogger(__name__)
SENDING = "sending"
SENT = "sent"


class Outbox:
    """The `sent_messages` table of the complaint store's database."""

    def __init__(self, store: ComplaintStore, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def send_once(self, key: str, send: Callable[[], Awaitable[Any]]) -> bool:
        """Call `send` unless a message with `key` was sent (or is being sent) already; True when
        it was sent now. A failing `send` raises, and the key can be used again."""
        if not await asyncio.to_thread(self.reserve, key, self.clock()):
            logger.warning("message %s was sent already (or is being sent): not sent again", key)
            return False
        try:
            await send()
        except BaseException:  # also cancellation: the message did not go out, a retry sends it
            await asyncio.to_thread(self.release, key)
            raise
        await asyncio.to_thread(self.confirm, key, self.clock())
        return True

    def reserve(self, key: str, now: datetime) -> bool:
        """Take `key` for a message about to be sent; False when it is taken."""
        require_aware("now", now)
        try:
            with self.store.session() as s, s.begin():
                s.add(SentMessageRow(key=key, status=SENDING, created_at=now))
        except IntegrityError:
            return False
        return True

    def confirm(self, key: str, now: datetime) -> None:
        """The message with `key` went out."""
        with self.store.session() as s, s.begin():
            s.execute(update(SentMessageRow).where(SentMessageRow.key == key)
                      .values(status=SENT, sent_at=now).execution_options(synchronize_session=False))

    def release(self, key: str) -> None:
        """The message with `key` did not go out: give the key back."""
        with self.store.session() as s, s.begin():
            s.execute(delete(SentMessageRow).where(SentMessageRow.key == key, SentMessageRow.status == SENDING)
                      .execution_options(synchronize_session=False))

    def status(self, key: str) -> Optional[str]:
        """`sending`, `sent`, or None when no message with `key` was sent."""
        with self.store.session() as s:
            status: Optional[str] = s.execute(select(SentMessageRow.status).where(SentMessageRow.key == key)).scalar()
            return status
