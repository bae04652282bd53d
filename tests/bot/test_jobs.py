"""Persistent jobs on SQLite and PostgreSQL: due jobs run once, survive a restart (a new queue
object on the same database), retry with backoff, and two workers never run the same job."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import List


from bot.jobs import Job, JobQueue, PermanentFailure, Worker
from bot.store import ComplaintStore

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)




class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_job_is_due_only_at_its_time_and_a_key_schedules_it_once(store):
    jobs = JobQueue(store)
    first = jobs.schedule("survey", T0 + timedelta(minutes=5), {"complaint": "TS-1"}, T0, key="survey:TS-1")
    assert jobs.schedule("survey", T0, {"complaint": "TS-1"}, T0, key="survey:TS-1") is None
    assert jobs.claim_due("w", T0) == []
    [job] = jobs.claim_due("w", T0 + timedelta(minutes=5))
    assert (job.id, job.payload, job.attempts) == (first, {"complaint": "TS-1"}, 1)


async def test_a_job_survives_a_restart_and_runs_once(store, database_url):
    JobQueue(store).schedule("survey", T0, {"n": 1}, T0)
    store.close()
    restarted = ComplaintStore(database_url)  # a new process would do the same
    ran: List[Job] = []

    async def handler(job: Job) -> None:
        ran.append(job)

    worker = Worker(JobQueue(restarted), {"survey": handler}, "w1", clock=Clock(T0))
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert [job.payload for job in ran] == [{"n": 1}]
    assert JobQueue(restarted).get(ran[0].id).status == "done"
    restarted.close()


async def test_failures_retry_with_growing_backoff_then_give_up(store):
    jobs = JobQueue(store)
    job_id = jobs.schedule("push", T0, {}, T0, max_attempts=3)
    clock = Clock(T0)

    async def flaky(job: Job) -> None:
        raise ConnectionError("channel down")

    worker = Worker(jobs, {"push": flaky}, "w1", backoff=timedelta(seconds=30), clock=clock)
    await worker.run_once()
    assert jobs.get(job_id).due_at == T0 + timedelta(seconds=30)
    clock.now = T0 + timedelta(seconds=30)
    await worker.run_once()
    assert jobs.get(job_id).due_at == T0 + timedelta(seconds=90)  # 30 s after, then 60 s
    clock.now = T0 + timedelta(seconds=90)
    await worker.run_once()
    failed = jobs.get(job_id)
    assert failed.status == "failed" and failed.attempts == 3


async def test_a_permanent_failure_is_not_retried(store):
    jobs = JobQueue(store)
    job_id = jobs.schedule("push", T0, {}, T0)

    async def unreachable(job: Job) -> None:
        raise PermanentFailure("customer blocked the bot")

    await Worker(jobs, {"push": unreachable}, "w1", clock=Clock(T0)).run_once()
    assert jobs.get(job_id).status == "failed" and jobs.get(job_id).attempts == 1


def test_a_job_whose_worker_died_is_taken_again_after_its_lease(store):
    jobs = JobQueue(store)
    jobs.schedule("push", T0, {}, T0)
    assert len(jobs.claim_due("dead-worker", T0, lease=timedelta(minutes=5))) == 1
    assert jobs.claim_due("w2", T0 + timedelta(minutes=4)) == []
    [again] = jobs.claim_due("w2", T0 + timedelta(minutes=6))
    assert again.attempts == 2


async def test_two_workers_polling_together_run_each_job_once(store, database_url):
    jobs = JobQueue(store)
    for n in range(40):
        jobs.schedule("push", T0, {"n": n}, T0)
    other_store = ComplaintStore(database_url)
    ran: List[int] = []

    async def handler(job: Job) -> None:
        ran.append(job.payload["n"])
        await asyncio.sleep(0)

    workers = [Worker(JobQueue(s), {"push": handler}, f"w{i}", clock=Clock(T0))
               for i, s in enumerate((store, other_store))]

    async def drain(worker: Worker) -> None:
        while await worker.run_once(limit=3):
            pass

    await asyncio.gather(*(drain(w) for w in workers))
    other_store.close()
    assert sorted(ran) == list(range(40))
