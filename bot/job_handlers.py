"""Every job handler on one worker: no-agent apologies, surveys and follow-ups (see `bot.jobs`).

The worker process (`worker.py`) and the agent console (which runs a worker alongside) both build
their worker here.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.datafiles import load_yaml, repo_path
from bot.storage import HandoffQueue, JobQueue
from bot.handoff_jobs import handoff_job_handlers
from bot.jobs import Worker
from bot.labels import load_labels
from bot.rasa_api import RasaApi
from bot.responses import load_responses
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
