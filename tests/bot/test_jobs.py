"""Persistent jobs on SQLite and PostgreSQL: due jobs run once, survive a restart (a new queue
object on the same database), retry with backoff, and two workers never run the same job, also
when a job outlasts its lease; a job run twice sends each message once."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import List


import pytest

from bot.jobs import PermanentFailure, RetryLater, Worker
from bot.storage import ComplaintStore, Job, JobQueue, Outbox
from bot.storage.models import JobRow

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)




def _locked_until(store: ComplaintStore, job_id: int) -> datetime:
    with store.session() as s:
        return s.get(JobRow, job_id).locked_until


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


async def test_a_job_putting_itself_off_is_counted_and_bounded(store):
    jobs = JobQueue(store)
    job_id = jobs.schedule("survey", T0, {"complaint_id": "TS-1"}, T0)
    clock = Clock(T0)

    async def agent_talking(job: Job) -> None:
        raise RetryLater("an agent has the conversation", timedelta(minutes=30), limit=2)

    worker = Worker(jobs, {"survey": agent_talking}, "w1", clock=clock)
    for n in (1, 2):
        await worker.run_once()
        job = jobs.get(job_id)
        assert (job.status, job.postponed, job.attempts) == ("pending", n, 0)  # counted, not as an attempt
        assert job.due_at == clock.now + timedelta(minutes=30) and job.payload["complaint_id"] == "TS-1"
        clock.now = job.due_at
    await worker.run_once()  # the third time: put off twice already, it gives up
    assert jobs.get(job_id).status == "failed" and jobs.get(job_id).postponed == 2


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


async def test_a_job_outlasting_its_lease_is_not_taken_by_another_worker(store, database_url):
    """A batch of slow jobs: while the first runs (longer than a lease), a second worker polls;
    each job runs once, and the second worker takes the job still waiting."""
    jobs = JobQueue(store)
    for n in range(2):
        jobs.schedule("survey", T0, {"n": n}, T0)
    other_store = ComplaintStore(database_url)
    clock, lease = Clock(T0), timedelta(milliseconds=30)  # renewed every 10 ms (real time)
    ran: List[tuple] = []
    second = Worker(JobQueue(other_store), {}, "w2", clock=clock, lease=lease)

    async def slow(job: Job) -> None:
        ran.append(("w1", job.payload["n"]))
        if job.payload["n"] == 0:
            clock.now += timedelta(minutes=10)  # ten minutes pass: many leases

            async def renewed() -> None:
                while _locked_until(store, job.id) <= clock.now:
                    await asyncio.sleep(0.01)

            await asyncio.wait_for(renewed(), timeout=10)  # a guard, not a timing
            await second.run_once()

    async def also(job: Job) -> None:
        ran.append(("w2", job.payload["n"]))

    second.handlers["survey"] = also
    await Worker(jobs, {"survey": slow}, "w1", clock=clock, lease=lease).run_once()
    other_store.close()
    assert sorted(ran) == [("w1", 0), ("w2", 1)], "each job once; the waiting one was not held"
    assert {jobs.get(job_id).status for job_id in (1, 2)} == {"done"}


async def test_a_job_run_twice_sends_its_message_once(store):
    outbox, sent = Outbox(store, clock=Clock(T0)), []

    async def send() -> None:
        sent.append("道歉")

    key = Job(7, "no_agent", None, {}, 1, 5, T0, "running").message_key("apology")
    assert key == Job(7, "no_agent", None, {}, 2, 5, T0, "running").message_key("apology"), \
        "the same key in every attempt"
    assert await outbox.send_once(key, send) is True
    assert await outbox.send_once(key, send) is False
    assert sent == ["道歉"] and outbox.status(key) == "sent"


async def test_runs_of_one_job_at_once_send_its_message_once(store, database_url):
    other = Outbox(ComplaintStore(database_url), clock=Clock(T0))
    sent = []

    async def send() -> None:
        await asyncio.sleep(0)
        sent.append("问卷")

    results = await asyncio.gather(*(outbox.send_once("job:3:satisfaction", send)
                                     for outbox in (Outbox(store, clock=Clock(T0)), other) * 3))
    other.store.close()
    assert sorted(results) == [False] * 5 + [True] and sent == ["问卷"]


async def test_a_failed_send_is_sent_by_the_retry(store):
    outbox, sent = Outbox(store, clock=Clock(T0)), []

    async def refused() -> None:
        raise ConnectionError("Rasa server down")

    async def send() -> None:
        sent.append("道歉")

    with pytest.raises(ConnectionError):
        await outbox.send_once("job:9:apology", refused)
    assert outbox.status("job:9:apology") is None
    assert await outbox.send_once("job:9:apology", send) is True and sent == ["道歉"]


async def test_a_worker_leaves_the_kinds_it_has_no_handler_for_to_the_worker_that_has(store):
    jobs = JobQueue(store)
    download = jobs.schedule("fetch_media:tg", T0, {"evidence_id": 1}, T0)
    survey = jobs.schedule("survey", T0, {}, T0)
    ran: List[str] = []

    async def handler(job: Job) -> None:
        ran.append(job.kind)

    assert await Worker(jobs, {"survey": handler}, "main", clock=Clock(T0)).run_once() == 1
    assert jobs.get(download).status == "pending" and jobs.get(survey).status == "done"
    assert await Worker(jobs, {"fetch_media:tg": handler}, "tg", clock=Clock(T0)).run_once() == 1
    assert ran == ["survey", "fetch_media:tg"] and jobs.get(download).status == "done"
