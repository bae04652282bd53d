"""Surveys and job workers for end-to-end tests: `python -m bot worker` processes on a database of
their own, closed complaints with their satisfaction check scheduled, and waiting for conditions."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator, List, Optional, TypeVar

from sqlalchemy import select, update

from bot.clock import utcnow
from bot.storage import ComplaintDraft, ComplaintStore, Job, JobQueue, Survey
from bot.storage.models import JobRow
from bot.surveys import JOB_KINDS, Surveys, load_survey_settings
from tests.auxil.stack import ROOT, VENV_BIN, Stack, server_env

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 30, what: str = "condition") -> T:
    """The first truthy value of `check()`, polled every 0.2 s; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not met within {timeout:.0f} s"
        time.sleep(0.2)


def credentials_with(*entries: str) -> str:
    """The repository's credentials.yml with the commented-out entries `entries` (e.g.
    "channels.wechat.WeChatInput") enabled, as an operator does."""
    text = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    for entry in entries:
        block = re.search(rf"^# {re.escape(entry)}:\n(?:#   .*\n?)+", text, re.MULTILINE)
        assert block, f"credentials.yml documents {entry}, commented out"
        text = text.replace(block.group(0), re.sub(r"^# ?", "", block.group(0), flags=re.MULTILINE))
    return text


def job_key(complaint_id: str, kind: str = "satisfaction") -> str:
    return f"{JOB_KINDS[kind]}:{complaint_id}"


class SurveyDesk:
    """The surveys and jobs of one complaint database, as the worker sees them."""

    def __init__(self, database_url: str) -> None:
        self.store = ComplaintStore(database_url, timezone="Asia/Shanghai")
        self.jobs = JobQueue(self.store)

    def close(self) -> None:
        self.store.close()

    def surveys(self, delay: Optional[timedelta] = None) -> Surveys:
        settings = load_survey_settings()
        if delay is not None:
            settings = dataclasses.replace(settings, satisfaction_delay=delay)
        return Surveys(self.store, self.jobs, settings)

    def survey(self, complaint_id: str, kind: str = "satisfaction") -> Optional[Survey]:
        return self.surveys().get(complaint_id, kind)

    def job(self, complaint_id: str, kind: str = "satisfaction") -> Optional[Job]:
        return self.jobs.get_by_key(job_key(complaint_id, kind))

    def make_due(self, complaint_id: str, kind: str = "satisfaction") -> None:
        """The survey's delay has passed (config/surveys.yml says 30 minutes)."""
        with self.store.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.key == job_key(complaint_id, kind)).values(due_at=utcnow()))

    def close_complaint(self, sender: str, delay: timedelta, now: Optional[datetime] = None) -> str:
        """File a REST customer's complaint, resolve it and schedule its satisfaction check
        `delay` from now, as the assistant does when a plan is accepted; its ID."""
        now = now or utcnow()
        complaint = self.store.create(ComplaintDraft(
            channel="rest", sender_id=Stack.conversation(sender), conversation_id=Stack.conversation(sender),
            category="delivery",
            description="快递一周了还没到", first_response_due=now, resolution_due=now), now)
        self.store.set_status(complaint.public_id, "resolved", now)
        self.surveys(delay).schedule_after_closure(complaint.public_id, now, follow_up=False)
        return complaint.public_id

    def unfinished_jobs(self) -> List[JobRow]:
        with self.store.session() as s:
            return list(s.execute(select(JobRow).where(JobRow.status.in_(("pending", "running")))).scalars())


@dataclasses.dataclass
class WorkerProcess:
    """A running `python -m bot worker`."""

    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """Gone at once, as in a crash or a container restart."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_worker(log: Path, database_url: str, rasa_url: str, rasa_token: str,
                   timeout: float = 60) -> Iterator[WorkerProcess]:
    """Start `python -m bot worker` on `database_url`, delivering through the Rasa server at
    `rasa_url`; return once it polls; stop it on exit."""
    env = server_env({"DATABASE_URL": database_url, "RASA_URL": rasa_url, "RASA_TOKEN": rasa_token})
    process = subprocess.Popen([str(VENV_BIN / "python"), "-m", "bot", "worker"], cwd=ROOT, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    worker = WorkerProcess(process, log)
    try:
        def ready() -> bool:
            assert process.poll() is None, f"worker exited:\n{log.read_text(errors='replace')[-3000:]}"
            return "Job worker running" in log.read_text(errors="replace")

        eventually(ready, timeout, "the worker started")
        yield worker
    finally:
        worker.stop()
