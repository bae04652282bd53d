"""Survey jobs with real `python -m bot worker` processes delivering through the real Rasa server:
a worker restarted between scheduling and due time sends the check once, two workers sharing
a PostgreSQL database send each of many checks once, and a job run twice at once (its lease
lapsed while it ran) sends its check once."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.clock import utcnow
from bot.rasa_api import RasaApi
from bot.survey_jobs import survey_job_handlers
from tests.auxil.agents import new_customer
from tests.auxil.stack import Stack
from tests.auxil.survey_jobs import SurveyDesk, eventually, running_worker


def _checks_sent(stack: Stack, sender: str) -> int:
    """How many satisfaction checks the customer received."""
    return sum(1 for event in stack.bot_events(sender)
               if (event.get("metadata") or {}).get("utter_action") == "utter_ask_satisfaction")


@pytest.fixture
def sqlite_desk(tmp_path: Path) -> Iterator[SurveyDesk]:
    desk = SurveyDesk(f"sqlite:///{tmp_path / 'complaints.db'}")
    desk.store.migrate()
    yield desk
    desk.close()


@pytest.fixture
def postgres_desk(postgres_database_url: str) -> Iterator[SurveyDesk]:
    """A migrated store on the session's PostgreSQL database, emptied first."""
    engine = sa.create_engine(postgres_database_url, future=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    desk = SurveyDesk(postgres_database_url)
    desk.store.migrate()
    yield desk
    desk.close()


def test_a_worker_restarted_before_the_due_time_sends_the_check_once(
        stack: Stack, sqlite_desk: SurveyDesk, tmp_path: Path):
    sender = new_customer()
    url = str(sqlite_desk.store.engine.url)
    with running_worker(tmp_path / "worker-1.log", url, stack.rasa_url, stack.token) as first:
        scheduled_at = time.monotonic()
        complaint_id = sqlite_desk.close_complaint(sender, delay=timedelta(seconds=6))
        first.kill()
    assert time.monotonic() - scheduled_at < 6, "the first worker was gone before the check was due"
    assert _checks_sent(stack, sender) == 0 and sqlite_desk.job(complaint_id).status == "pending"

    with running_worker(tmp_path / "worker-2.log", url, stack.rasa_url, stack.token):
        question = stack.wait_for_bot_event(sender, "utter_ask_satisfaction", timeout=30)
        eventually(lambda: sqlite_desk.job(complaint_id).status == "done", what="the job was recorded done")
    assert complaint_id in question["text"]
    assert _checks_sent(stack, sender) == 1
    assert sqlite_desk.job(complaint_id).attempts == 1
    assert sqlite_desk.survey(complaint_id).status == "sent"


def test_two_workers_on_postgresql_send_each_check_once(stack: Stack, postgres_desk: SurveyDesk, tmp_path: Path):
    url = postgres_desk.store.engine.url.render_as_string(hide_password=False)
    senders = [new_customer() for _ in range(20)]
    with running_worker(tmp_path / "worker-a.log", url, stack.rasa_url, stack.token), \
            running_worker(tmp_path / "worker-b.log", url, stack.rasa_url, stack.token):
        # Due in a moment, when both workers are polling: they compete for every job.
        complaint_ids = [postgres_desk.close_complaint(sender, delay=timedelta(seconds=2)) for sender in senders]
        eventually(lambda: not postgres_desk.unfinished_jobs(), timeout=90, what="all 20 jobs finished")
    assert [_checks_sent(stack, sender) for sender in senders] == [1] * 20
    jobs = [postgres_desk.job(complaint_id) for complaint_id in complaint_ids]
    assert {(job.status, job.attempts) for job in jobs} == {("done", 1)}
    assert {postgres_desk.survey(complaint_id).status for complaint_id in complaint_ids} == {"sent"}


def test_a_job_run_twice_at_once_sends_the_check_once(stack: Stack, sqlite_desk: SurveyDesk):
    sender = new_customer()
    complaint_id = sqlite_desk.close_complaint(sender, delay=timedelta(0))
    [job] = sqlite_desk.jobs.claim_due("stalled-worker", utcnow())
    handler = survey_job_handlers(sqlite_desk.surveys(), RasaApi(stack.rasa_url, stack.token))[job.kind]

    async def two_runs() -> None:  # the first worker's and the one that took over its lapsed lease
        await asyncio.gather(handler(job), handler(job))
        await handler.rasa.close()

    asyncio.run(two_runs())
    assert _checks_sent(stack, sender) == 1
    assert sqlite_desk.survey(complaint_id).status == "sent"
