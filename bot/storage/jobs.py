"""The jobs table: work due at a time, scheduled and claimed by exactly one worker (`bot.jobs`
runs them). PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, then a conditional update; SQLite
with the conditional update alone, which serialises on the database lock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection, List, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import require_aware
from bot.storage.complaints import ComplaintStore
from bot.storage.models import JobRow, JobStatus

DEFAULT_LEASE = timedelta(minutes=1)
POSTPONED = "postponed"
"""The payload key counting a job's postponements."""


@dataclass(frozen=True)
class Job:
    """A claimed job, as its handler sees it."""

    id: int
    kind: str
    key: Optional[str]
    payload: Mapping[str, Any]
    attempts: int
    """How many times it has been claimed, this time included."""
    max_attempts: int
    due_at: datetime
    status: str

    @property
    def postponed(self) -> int:
        """How many times the job put itself off (`JobQueue.postpone`), kept in its payload."""
        return int(self.payload.get(POSTPONED, 0))

    def message_key(self, message: str) -> str:
        """The idempotency key of `message` sent by this job: the same in every attempt."""
        return f"job:{self.id}:{message}"


def _job(row: JobRow) -> Job:
    return Job(row.id, row.kind, row.key, dict(row.payload or {}), row.attempts, row.max_attempts,
               row.due_at, row.status)


class JobQueue:
    """The jobs table of the complaint store's database."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    def schedule(self, kind: str, due_at: datetime, payload: Mapping[str, Any], now: datetime,
                 key: Optional[str] = None, max_attempts: int = 5) -> Optional[int]:
        """Add a job due at `due_at`; with a `key` already scheduled, nothing is added (None)."""
        require_aware("due_at", due_at)
        require_aware("now", now)
        try:
            with self.store.session() as s, s.begin():
                row = JobRow(kind=kind, key=key, payload=dict(payload), status=JobStatus.PENDING.value,
                             due_at=due_at, attempts=0, max_attempts=max_attempts, created_at=now)
                s.add(row)
                s.flush()
                return int(row.id)
        except IntegrityError:
            if key is not None and self.get_by_key(key) is not None:
                return None
            raise

    def get(self, job_id: int) -> Optional[Job]:
        with self.store.session() as s:
            row = s.get(JobRow, job_id)
            return _job(row) if row else None

    def get_by_key(self, key: str) -> Optional[Job]:
        with self.store.session() as s:
            row = s.execute(select(JobRow).where(JobRow.key == key)).scalar()
            return _job(row) if row else None

    def cancel(self, key: str, now: datetime) -> bool:
        """Cancel the pending job with `key`; False if there is none (or it already ran)."""
        with self.store.session() as s, s.begin():
            updated: int = s.execute(
                update(JobRow).where(JobRow.key == key, JobRow.status == JobStatus.PENDING.value)
                .values(status=JobStatus.CANCELLED.value, finished_at=now)
                .execution_options(synchronize_session=False)).rowcount
            return updated == 1

    def claim_due(self, worker: str, now: datetime, limit: int = 10,
                  lease: timedelta = DEFAULT_LEASE, kinds: Optional[Collection[str]] = None) -> List[Job]:
        """Claim up to `limit` due jobs for `worker` (pending and due, or running with a lapsed
        lease), of `kinds` only when given. No other worker gets the same job while the lease lasts."""
        require_aware("now", now)
        claimable = sa.or_(
            sa.and_(JobRow.status == JobStatus.PENDING.value, JobRow.due_at <= now),
            sa.and_(JobRow.status == JobStatus.RUNNING.value, JobRow.locked_until < now),
        )
        if kinds is not None:
            claimable = sa.and_(claimable, JobRow.kind.in_(list(kinds)))
        with self.store.session() as s, s.begin():
            candidates = select(JobRow.id).where(claimable).order_by(JobRow.due_at, JobRow.id).limit(limit)
            if self.store.engine.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            claimed = []
            for job_id in s.execute(candidates).scalars().all():
                won = s.execute(
                    update(JobRow).where(JobRow.id == job_id, claimable)
                    .values(status=JobStatus.RUNNING.value, locked_by=worker,
                            locked_until=now + lease, attempts=JobRow.attempts + 1)
                    .execution_options(synchronize_session=False)).rowcount == 1
                if won:
                    claimed.append(job_id)
            rows = s.execute(select(JobRow).where(JobRow.id.in_(claimed)).order_by(JobRow.due_at, JobRow.id)).scalars()
            return [_job(row) for row in rows]

    def renew(self, job_id: int, worker: str, now: datetime, lease: timedelta = DEFAULT_LEASE) -> bool:
        """Extend `worker`'s lease on its running job to `now + lease`; False when the worker no
        longer holds it (the lease lapsed and another worker took the job)."""
        with self.store.session() as s, s.begin():
            updated: int = s.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.locked_by == worker,
                                     JobRow.status == JobStatus.RUNNING.value)
                .values(locked_until=now + lease)
                .execution_options(synchronize_session=False)).rowcount
            return updated == 1

    def complete(self, job_id: int, worker: str, now: datetime) -> None:
        """The job's work is done."""
        self._finish(job_id, worker, status=JobStatus.DONE.value, finished_at=now)

    def fail(self, job_id: int, worker: str, error: str, now: datetime,
             retry_at: Optional[datetime]) -> None:
        """The attempt failed: try again at `retry_at`, or give up for good when it is None."""
        if retry_at is None:
            self._finish(job_id, worker, status=JobStatus.FAILED.value, finished_at=now,
                         last_error=error[:2000])
        else:
            self._finish(job_id, worker, status=JobStatus.PENDING.value, due_at=retry_at,
                         last_error=error[:2000])

    def postpone(self, job_id: int, worker: str, until: datetime) -> None:
        """Run the job again at `until`, without counting this attempt, but counting the
        postponement (`Job.postponed`)."""
        with self.store.session() as s:
            row = s.get(JobRow, job_id)
            payload = dict(row.payload or {}) if row else {}
        payload[POSTPONED] = int(payload.get(POSTPONED, 0)) + 1
        self._finish(job_id, worker, status=JobStatus.PENDING.value, due_at=until,
                     attempts=JobRow.attempts - 1, payload=payload)

    def _finish(self, job_id: int, worker: str, **values: Any) -> None:
        with self.store.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.locked_by == worker)
                      .values(locked_by=None, locked_until=None, **values)
                      .execution_options(synchronize_session=False))
