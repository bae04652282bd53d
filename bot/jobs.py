"""Work due at a time, kept in the database: no-agent apologies, surveys and follow-ups.

`bot.storage.JobQueue` schedules and claims jobs; `Worker` runs the due ones with a handler per kind. Jobs
survive restarts (they are rows), and a due job is claimed by exactly one worker even when several
poll the same database (PostgreSQL: `FOR UPDATE SKIP LOCKED`, then a conditional update; SQLite:
the conditional update alone, which serialises on the database lock). A worker claims one job at
a time and holds a lease on it (`lease_seconds`, config/jobs.yml), renewed every third of the
lease while the job runs: however long a job takes, no other worker takes it while its worker
lives; if the worker dies, another takes the job once the lease has passed. A job can still run
twice (a worker dies between doing the work and recording it, or stalls past its lease), so every
message a job sends goes through `bot.storage.Outbox` under an idempotency key (`Job.message_key`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Dict, Mapping, Optional

from bot.clock import utcnow
from bot.storage import DEFAULT_LEASE, Job, JobQueue

logger = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (e.g. the customer is unreachable)."""


MAX_POSTPONEMENTS = 48
"""How often a job may put itself off (`RetryLater`) unless it says otherwise."""


class RetryLater(Exception):
    """Raised by a handler when the job cannot run yet (e.g. an agent is talking with the
    customer): it runs again after `delay`, and this attempt does not count; the postponement
    does (`Job.postponed`), and a job put off `limit` times already fails for good instead."""

    def __init__(self, reason: str, delay: timedelta, limit: int = MAX_POSTPONEMENTS) -> None:
        super().__init__(reason)
        self.delay = delay
        self.limit = limit


Handler = Callable[[Job], Awaitable[None]]


def default_worker_id() -> str:
    """host:pid, enough to tell workers apart in the jobs table."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class Worker:
    """Runs due jobs with the handler registered for their kind, one at a time under a lease
    renewed while it runs, retrying failures with exponential backoff (`backoff` doubled per
    attempt) until `max_attempts`. It claims only the kinds it has a handler for: a channel runs
    its own worker for its downloads (`bot.media_jobs`) beside the worker of every other kind."""

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
            claimed = await asyncio.to_thread(self.jobs.claim_due, self.worker_id, self.clock(), 1, self.lease,
                                              tuple(self.handlers))
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
        try:
            await self.handlers[job.kind](job)
        except RetryLater as exc:
            if job.postponed >= exc.limit:
                logger.warning("job %s (%s) put off %s times, giving up: %s", job.id, job.kind,
                               job.postponed, exc)
                await asyncio.to_thread(self.jobs.fail, job.id, self.worker_id,
                                        f"postponed {job.postponed} times: {exc}", self.clock(), None)
                return
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
