"""The action server's long-lived services, built once from settings on first use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.anger import AngerModel, load_anger_model
from bot.empathy import EmpathyRules, load_empathy_rules
from bot.handoff import load_handoff_settings
from bot.storage import ComplaintStore, HandoffQueue, JobQueue, shared_store
from bot.labels import Labels, load_labels
from bot.policies import Policies, load_policies
from bot.settings import Settings
from bot.surveys import Surveys, load_survey_settings


@dataclass(frozen=True)
class Services:
    store: ComplaintStore
    policies: Policies
    labels: Labels
    anger: AngerModel
    tz: ZoneInfo
    queue: HandoffQueue
    jobs: JobQueue
    surveys: Surveys
    empathy: EmpathyRules

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return datetime.now(timezone.utc)

    def format_due(self, moment: datetime, whole_days: bool) -> str:
        """A deadline as the customer reads it, local time: a date, or a date and time."""
        local = moment.astimezone(self.tz)
        return (self.labels.format_date(local.date()) if whole_days
                else self.labels.format_datetime(local))


@lru_cache(maxsize=None)
def services() -> Services:
    """The services of this process (the store is migrated on first use: `shared_store`)."""
    settings = Settings.load()
    store = shared_store()
    jobs = JobQueue(store)
    return Services(
        store=store,
        policies=load_policies(),
        labels=load_labels(),
        anger=load_anger_model(),
        tz=settings.tz,
        queue=HandoffQueue(store, load_handoff_settings(settings.tz)),
        jobs=jobs,
        surveys=Surveys(store, jobs, load_survey_settings()),
        empathy=load_empathy_rules(),
    )
