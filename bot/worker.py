"""The persistent job worker: runs due jobs (no-agent apologies, surveys, follow-ups) from the
store's jobs table.

It runs inside the agent console's process, or alone with `python -m bot worker`; several
workers may share a database (see `bot.jobs`).
"""
from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.datafiles import load_yaml, repo_path
from bot.handoff import HandoffQueue, load_handoff_settings
from bot.handoff_jobs import handoff_job_handlers
from bot.jobs import JobQueue, Worker
from bot.labels import load_labels
from bot.rasa_api import RasaApi
from bot.responses import load_responses
from bot.settings import Settings
from bot.store import ComplaintStore
from bot.survey_jobs import survey_job_handlers
from bot.surveys import Surveys, load_survey_settings

DEFAULT_JOBS_PATH = repo_path("config/jobs.yml")


def load_lease(path: Path = DEFAULT_JOBS_PATH) -> timedelta:
    """How long a running job's lease lasts (config/jobs.yml)."""
    return timedelta(seconds=float(load_yaml(Path(path))["lease_seconds"]))


def build_worker(queue: HandoffQueue, rasa: RasaApi) -> Worker:
    """A worker with every job handler, on the queue's database."""
    jobs = JobQueue(queue.store)
    surveys = Surveys(queue.store, jobs, load_survey_settings())
    return Worker(jobs, {**handoff_job_handlers(queue, rasa, load_responses(), load_labels()),
                         **survey_job_handlers(surveys, rasa)}, lease=load_lease())


async def run_worker(settings: Settings, store: ComplaintStore, stop: asyncio.Event) -> None:
    """Run the jobs due in `store` until `stop` is set."""
    rasa = RasaApi(settings.rasa_url, settings.rasa_token)
    try:
        queue = HandoffQueue(store, load_handoff_settings(settings.tz))
        await build_worker(queue, rasa).run_forever(stop=stop)
    finally:
        await rasa.close()
