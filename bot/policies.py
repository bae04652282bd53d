"""Policies and timelines: what applies to a complaint and by when (data/policies.yml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo

from bot.datafiles import load_yaml, repo_path
from bot.workdays import add_working_days

DEFAULT_POLICIES_PATH = repo_path("data/policies.yml")


@dataclass(frozen=True)
class Deadline:
    """A promise of time: calendar hours, or Chinese working days (due at end of that day)."""

    hours: Optional[int] = None
    working_days: Optional[int] = None

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("a deadline needs exactly one of `hours` or `working_days`")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Deadline":
        return cls(hours=config.get("hours"), working_days=config.get("working_days"))

    @property
    def is_whole_days(self) -> bool:
        """Working-day deadlines are promised as a date, not a time of day."""
        return self.working_days is not None

    def due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """When this deadline falls for something starting at `now` (timezone-aware)."""
        if self.hours is not None:
            return now + timedelta(hours=self.hours)
        local_day = now.astimezone(tz).date()
        last_day = add_working_days(local_day, self.working_days)
        return datetime.combine(last_day, time(23, 59, 59), tzinfo=tz)


@dataclass(frozen=True)
class RemedyPlan:
    """What we commit to for a remedy: the response that explains it and its deadline."""

    remedy: str
    response: str
    deadline: Deadline


@dataclass(frozen=True)
class PolicyAnswer:
    """The answer to a policy question: a response, its values and an optional deadline."""

    topic: str
    response: str
    values: Mapping[str, Any] = field(default_factory=dict)
    deadline: Optional[Deadline] = None


@dataclass(frozen=True)
class Policies:
    """The business's policies, as loaded from YAML."""

    first_response: Deadline
    resolution: Deadline
    refund_arrival: Deadline
    remedies: Mapping[str, RemedyPlan]
    questions: Mapping[str, PolicyAnswer]

    def plan_for(self, remedy: Optional[str]) -> RemedyPlan:
        """The plan for the remedy the customer wants; unknown remedies get the `other` plan."""
        return self.remedies.get(remedy or "other") or self.remedies["other"]

    def answer(self, topic: str) -> Optional[PolicyAnswer]:
        """The answer to a policy question topic (e.g. `refund_time`), if there is one."""
        return self.questions.get(topic)


def load_policies(path: Path = DEFAULT_POLICIES_PATH) -> Policies:
    """Read and check policies.yml; a missing `other` remedy plan is an error."""
    raw = load_yaml(path)
    remedies = {
        name: RemedyPlan(name, row["response"], Deadline.from_config(row))
        for name, row in raw["remedies"].items()
    }
    if "other" not in remedies:
        raise ValueError(f"{path}: remedies must include an `other` plan")
    questions = {
        topic: PolicyAnswer(
            topic,
            row["response"],
            dict(row.get("values") or {}),
            Deadline.from_config(row["deadline"]) if row.get("deadline") else None,
        )
        for topic, row in raw["questions"].items()
    }
    return Policies(
        first_response=Deadline.from_config(raw["first_response"]),
        resolution=Deadline.from_config(raw["resolution"]),
        refund_arrival=Deadline.from_config(raw["refund_arrival"]),
        remedies=remedies,
        questions=questions,
    )
