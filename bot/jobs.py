"""Work due at a time, kept in the database: no-agent apologies now, surveys and follow-ups later.

`JobQueue` schedules and claims jobs; `Worker` runs the due ones with a handler per kind. Jobs
survive restarts (they are rows), and a due job is claimed by exactly one worker even when several
poll the same database (PostgreSQL: `FOR UPDATE SKIP LOCKED`, then a conditional update; SQLite:
the conditional update alone, which serialises on the database lock). A worker claims one job at
a time and holds a lease on it (`lease_seconds`, config/jobs.yml), renewed every third of the
lease while the job runs: however long a job takes, no other worker takes it while its worker
lives; if the worker dies, another takes the job once the lease has passed. A job can still run
twice (a worker dies between doing the work and recording it, or stalls past its lease), so every
message a job sends goes through `bot.outbox` under an idempotency key (`Job.message_key`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import require_aware, utcnow
from bot.storage.models import JobRow, JobStatus
from bot.storage import ComplaintStore

logger = logging.getLogger(__name__)
DEFAULT_LEASE = timedelta(minutes=1)


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

    def message_key(self, message: str) -> str:
        """The idempotency key of `message` sent by this job: the same in every attempt."""
        return f"job:{self.id}:{message}"


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (e.g. the customer is unreachable)."""


class RetryLater(Exception):
    """Raised by a handler when the job cannot run yet (e.g. an agent is talking with the
    customer): it runs again after `delay`, and this attempt does not count."""

    def __init__(self, reason: str, delay: timedelta) -> None:
        super().__init__(reason)
        self.delay = delay


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
                return row.id
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
            return s.execute(
                update(JobRow).where(JobRow.key == key, JobRow.status == JobStatus.PENDING.value)
                .values(status=JobStatus.CANCELLED.value, finished_at=now)
                .execution_options(synchronize_session=False)).rowcount == 1

    def claim_due(self, worker: str, now: datetime, limit: int = 10,
                  lease: timedelta = DEFAULT_LEASE) -> List[Job]:
        """Claim up to `limit` due jobs for `worker` (pending and due, or running with a lapsed
        lease). No other worker gets the same job while the lease lasts."""
        require_aware("now", now)
        claimable = sa.or_(
            sa.and_(JobRow.status == JobStatus.PENDING.value, JobRow.due_at <= now),
            sa.and_(JobRow.status == JobStatus.RUNNING.value, JobRow.locked_until < now),
        )
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
            return s.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.locked_by == worker,
                                     JobRow.status == JobStatus.RUNNING.value)
                .values(locked_until=now + lease)
                .execution_options(synchronize_session=False)).rowcount == 1

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
        """Run the job again at `until`, without counting this attempt."""
        self._finish(job_id, worker, status=JobStatus.PENDING.value, due_at=until,
                     attempts=JobRow.attempts - 1)

    def _finish(self, job_id: int, worker: str, **values: Any) -> None:
        with self.store.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.locked_by == worker)
                      .values(locked_by=None, locked_until=None, **values)
                      .execution_options(synchronize_session=False))


Handler = Callable[[Job], Awaitable[None]]


def default_worker_id() -> str:
    """host:pid, enough to tell workers apart in the jobs table."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class Worker:
    """Runs due jobs with the handler registered for their kind, one at a time under a lease
    renewed while it runs, retrying failures with exponential backoff (`backoff` doubled per
    attempt) until `max_attempts`."""

    def __init__(self, jobs: JobQueue, handlers: Mapping[str, Handler],
                 worker_id: Optional[str] = None, backoff: timedelta = timedelta(seconds=30),
                 clock: Callable[[], datetime] = utcnow, lease: timedelta = DEFAULT_LEASE) -> None:
        self.jobs = jobs
        self.handlers: Dict[str, Handler] = dict(handlers)
        self.worker_id = worker_id or default_worker_id()
        self.backoff = backoff
        self.clock = clock
        self.lease = lease

    async def run_once(self, limit: int = 10) -> int:
        """Run the jobs due now, at most `limit`, each claimed only when the one before is done
        (a claimed job waiting behind a slow one would outlive its lease); return how many ran."""
        ran = 0
        while ran < limit:
            claimed = await asyncio.to_thread(self.jobs.claim_due, self.worker_id, self.clock(), 1, self.lease)
            if not claimed:
                break
            heartbeat = asyncio.ensure_future(self._keep_lease(claimed[0]))
            try:
                await self._run(claimed[0])
            finally:
                heartbeat.cancel()
            ran += 1
        return ran

    async def _keep_lease(self, job: Job) -> None:
        """Renew the lease on `job` every third of it until cancelled (the job is done)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                held = await asyncio.to_thread(self.jobs.renew, job.id, self.worker_id, self.clock(), self.lease)
            except Exception:  # a database hiccup: the next renewal may get through
                logger.exception("renewing the lease on job %s failed", job.id)
                continue
            if not held:
                logger.warning("job %s (%s) outlived its lease and another worker took it: its messages "
                               "still go out once (idempotency keys)", job.id, job.kind)
                return

    async def run_forever(self, poll_seconds: float = 2.0,
                          stop: Optional[asyncio.Event] = None) -> None:
        """Poll for due jobs until `stop` is set (or the task is cancelled)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                ran = await self.run_once()
            except Exception:  # a database hiccup must not end the worker
                logger.exception("polling the jobs table failed")
                ran = 0
            if not ran:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
                except asyncio.TimeoutError:
                    pass

    async def _run(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise PermanentFailure(f"no handler for jobs of kind {job.kind!r}")
            await handler(job)
        except RetryLater as exc:
            logger.info("job %s (%s) postponed by %s: %s", job.id, job.kind, exc.delay, exc)
            await asyncio.to_thread(self.jobs.postpone, job.id, self.worker_id, self.clock() + exc.delay)
        except PermanentFailure as exc:
            logger.warning("job %s (%s) cannot be done: %s", job.id, job.kind, exc)
            await asyncio.to_thread(self.jobs.fail, job.id, self.worker_id, str(exc), self.clock(), None)
        except Exception as exc:
            now = self.clock()
            retry_at = (now + self.backoff * (2 ** (job.attempts - 1))
                        if job.attempts < job.max_attempts else None)
            logger.warning("job %s (%s) attempt %s failed: %s; %s", job.id, job.kind, job.attempts,
                           exc, f"retrying at {retry_at:%H:%M:%S}" if retry_at else "giving up")
            await asyncio.to_thread(self.jobs.fail, job.id, self.worker_id,
                                    f"{type(exc).__name__}: {exc}", now, retry_at)
        else:
            await asyncio.to_thread(self.jobs.complete, job.id, self.worker_id, self.clock())
