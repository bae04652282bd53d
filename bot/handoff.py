"""Handing a conversation to a person, the rules: the timings of config/handoff.yml
(`load_handoff_settings`) and what the customer is promised about when someone will answer.

The workflow is `bot.app.handoffs`; the queue of cases is `bot.storage.HandoffQueue`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from bot.clock import require_aware
from bot.datafiles import load_yaml, repo_path
from bot.escalation import PRIORITIES
from bot.working_hours import WorkingHours

DEFAULT_HANDOFF_PATH = repo_path("config/handoff.yml")


# --- Settings and promises -----------------------------------------------------------------------

@dataclass(frozen=True)
class HandoffSettings:
    """Working hours, waiting-time estimate, claim deadlines and callbacks (config/handoff.yml)."""

    hours: WorkingHours
    pickup_minutes: int
    minutes_per_case_ahead: int
    claim_within_minutes: Mapping[str, int]
    callback_within_minutes: int

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], tz: ZoneInfo,
                    source: str = "handoff.yml") -> "HandoffSettings":
        claim = {str(k): int(v) for k, v in (raw.get("claim_within_minutes") or {}).items()}
        if set(claim) != set(PRIORITIES):
            raise ValueError(f"{source}: claim_within_minutes needs exactly {', '.join(PRIORITIES)}; "
                             f"got {', '.join(sorted(claim)) or 'none'}")
        return cls(
            hours=WorkingHours.from_config(raw.get("working_hours") or {}, tz),
            pickup_minutes=int(raw["pickup_minutes"]),
            minutes_per_case_ahead=int(raw["minutes_per_case_ahead"]),
            claim_within_minutes=claim,
            callback_within_minutes=int(raw["callback_within_minutes"]),
        )

    def claim_due(self, priority: str, now: datetime) -> datetime:
        """When an agent should have claimed a case of `priority` opened at `now`."""
        return self.hours.add_minutes(now, self.claim_within_minutes[priority])

    def callback_due(self, now: datetime) -> datetime:
        """The callback time promised when no agent came in time."""
        return self.hours.add_minutes(now, self.callback_within_minutes)


@lru_cache(maxsize=None)
def load_handoff_settings(tz: ZoneInfo, path: Path = DEFAULT_HANDOFF_PATH) -> HandoffSettings:
    """The handoff settings in `path`, read once per process."""
    return HandoffSettings.from_config(load_yaml(Path(path)), tz, source=str(path))


@dataclass(frozen=True)
class ContactPromise:
    """What the customer is told about when a person will answer."""

    in_hours: bool
    """Agents are working now: `minutes` is the estimated wait."""
    minutes: int
    at: datetime
    """When a person will be with them (the estimate, or the next opening time)."""


def promise_contact(settings: HandoffSettings, now: datetime, waiting_ahead: int) -> ContactPromise:
    """The wait to tell a customer with `waiting_ahead` cases before theirs in the queue."""
    require_aware("now", now)
    if settings.hours.is_open(now):
        minutes = settings.pickup_minutes + settings.minutes_per_case_ahead * max(0, waiting_ahead)
        return ContactPromise(True, minutes, settings.hours.add_minutes(now, minutes))
    opening = settings.hours.next_opening(now)
    return ContactPromise(False, 0, settings.hours.add_minutes(opening, settings.pickup_minutes))


NO_AGENT_JOB = "no_agent"
"""Job kind: nobody claimed a case in time (see bot.handoff_jobs)."""
