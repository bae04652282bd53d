"""Handing a conversation to a person, the rules: the timings of config/handoff.yml
(`load_handoff_settings`) and what the customer is promised about when someone will answer.

The workflow is `bot.app.handoffs`; the queue of cases is `bot.storage.HandoffQueue`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.clock import require_aware
from bot.datafiles import load_yaml, repo_path
from bot.escalation import PRIORITIES
from bot.working_hours import WorkingHours

DEFAULT_HANDOFF_PATH = repo_path("config/handoff.yml")


# --- Settings and promises -----------------------------------------------------------------------

@dataclass(frozen=True)
class OnCall:
    """Who answers the most urgent cases (safety, threats) when the desks are closed: an agent
    on call, at any hour (`on_call` in config/handoff.yml)."""

    priorities: Tuple[str, ...]
    answer_within_minutes: int
    """The on-call agent takes the case within this many minutes (clock time)."""
    callback_within_minutes: int
    """When nobody on call took it in time, the callback promised within this many minutes."""

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], source: str) -> "OnCall":
        priorities = tuple(str(p) for p in raw.get("priorities") or ())
        unknown = [p for p in priorities if p not in PRIORITIES]
        if unknown:
            raise ValueError(f"{source}: on_call.priorities must be among {', '.join(PRIORITIES)}; "
                             f"got {', '.join(unknown)}")
        if not priorities:
            return cls((), 0, 0)
        return cls(priorities, int(raw["answer_within_minutes"]), int(raw["callback_within_minutes"]))

    def covers(self, priority: Optional[str]) -> bool:
        """True when a case of `priority` is answered on call outside working hours."""
        return priority in self.priorities


@dataclass(frozen=True)
class HandoffSettings:
    """Working hours, claim deadlines and callbacks (config/handoff.yml)."""

    hours: WorkingHours
    claim_within_minutes: Mapping[str, int]
    callback_within_minutes: int
    on_call: OnCall = OnCall((), 0, 0)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], tz: ZoneInfo,
                    source: str = "handoff.yml") -> "HandoffSettings":
        claim = {str(k): int(v) for k, v in (raw.get("claim_within_minutes") or {}).items()}
        if set(claim) != set(PRIORITIES):
            raise ValueError(f"{source}: claim_within_minutes needs exactly {', '.join(PRIORITIES)}; "
                             f"got {', '.join(sorted(claim)) or 'none'}")
        return cls(
            hours=WorkingHours.from_config(raw.get("working_hours") or {}, tz),
            claim_within_minutes=claim,
            callback_within_minutes=int(raw["callback_within_minutes"]),
            on_call=OnCall.from_config(raw.get("on_call") or {}, source),
        )

    def answered_on_call(self, priority: Optional[str], now: datetime) -> bool:
        """True when a case of `priority` opened at `now` goes to the agent on call (the desks
        are closed and the priority is one the on-call agent answers)."""
        return self.on_call.covers(priority) and not self.hours.is_open(now)

    def claim_due(self, priority: str, now: datetime) -> datetime:
        """When an agent should have claimed a case of `priority` opened at `now`."""
        if self.answered_on_call(priority, now):
            return now + timedelta(minutes=self.on_call.answer_within_minutes)
        return self.hours.add_minutes(now, self.claim_within_minutes[priority])

    def callback_due(self, now: datetime, priority: Optional[str] = None) -> datetime:
        """The callback time promised when no agent came in time (on call: at any hour)."""
        if self.answered_on_call(priority, now):
            return now + timedelta(minutes=self.on_call.callback_within_minutes)
        return self.hours.add_minutes(now, self.callback_within_minutes)

    def keepable(self, now: datetime, due: datetime) -> datetime:
        """`due` moved into working hours, as it is stated to a customer
        (`bot.working_hours.WorkingHours.keepable`)."""
        return self.hours.keepable(now, due)


@lru_cache(maxsize=None)
def load_handoff_settings(tz: ZoneInfo, path: Path = DEFAULT_HANDOFF_PATH) -> HandoffSettings:
    """The handoff settings in `path`, read once per process."""
    return HandoffSettings.from_config(load_yaml(Path(path)), tz, source=str(path))


@dataclass(frozen=True)
class ContactPromise:
    """What the customer is told about when a person will answer."""

    wording: str
    """How it is worded: while agents work, "minutes" (the wait; no closing lies before the
    deadline) or "time" (the deadline lies after a closing); after hours, "after_hours" (the
    time they are back by) or "on_call" (the minutes until the agent on call answers)."""
    minutes: int
    """The wait until `at`, rounded up (at least 1)."""
    at: datetime
    """When a person will be with them: the case's claim deadline (or the on-call answer)."""


def promise_contact(settings: HandoffSettings, now: datetime, claim_due: datetime,
                    priority: Optional[str] = None) -> ContactPromise:
    """What to tell a customer whose case must be claimed by `claim_due` (`claim_due`, the
    case's own deadline): one clock for the queue and the customer, so the time promised is
    the claim deadline the console counts down to. While agents work, the wait in minutes, or
    the time when a closing lies before the deadline; outside working hours the agent on call
    (the priorities of `on_call`) or the time the deadline falls at."""
    require_aware("now", now)
    require_aware("claim_due", claim_due)
    minutes = max(1, -(-int((claim_due - now).total_seconds()) // 60))
    if settings.answered_on_call(priority, now):
        return ContactPromise("on_call", minutes, claim_due)
    if not settings.hours.is_open(now):
        return ContactPromise("after_hours", minutes, claim_due)
    remaining = (claim_due - now).total_seconds() / 60
    unbroken = remaining <= 0 or settings.hours.add_minutes(now, remaining) == claim_due
    return ContactPromise("minutes" if unbroken else "time", minutes, claim_due)


# --- What a handoff is about -----------------------------------------------------------------------

@dataclass(frozen=True)
class ProblemKeys:
    """What tells one problem from another: its category and its order number."""

    category: Optional[str] = None
    order_number: Optional[str] = None


def _same_order(a: str, b: str) -> bool:
    return a.strip().upper() == b.strip().upper()


def is_new_problem(filed: ProblemKeys, told: ProblemKeys) -> bool:
    """True when what the customer told after a complaint was filed (`told`: the category of a
    complaint they opened since, the order number they named since) is another problem than the
    filed one: a different order, or a complaint of a different category. Anything else (a
    threat, a request for a person, more anger, the missing order number) is about the filed
    complaint, and escalating it escalates that complaint."""
    if told.order_number and filed.order_number and not _same_order(told.order_number, filed.order_number):
        return True
    return bool(told.category and filed.category and told.category != filed.category)


def details_to_add(filed: Mapping[str, Any], told: Mapping[str, Any]) -> Dict[str, Any]:
    """What the customer told after filing (`told`, complaint field -> value) that the filed
    complaint (`filed`, its fields) lacks: escalating the same complaint adds those, and a field
    the customer already gave keeps its value (another order number is another problem:
    `is_new_problem`). The time is one detail: its words (incident_time_text) and the day they
    mean (incident_date) are added together, or not at all."""
    missing = {name: value for name, value in told.items()
               if value not in (None, "") and filed.get(name) in (None, "")}
    if any(filed.get(name) not in (None, "") for name in _TIME_FIELDS):
        missing = {name: value for name, value in missing.items() if name not in _TIME_FIELDS}
    return missing


_TIME_FIELDS = ("incident_time_text", "incident_date")


#: The responses that name the case's complaint ID, and their variants for a case without a
#: complaint (`case_response`).
NO_COMPLAINT_RESPONSES = {
    "utter_handoff_wait": "utter_handoff_wait_no_complaint",
    "utter_handoff_by_time": "utter_handoff_by_time_no_complaint",
    "utter_handoff_after_hours": "utter_handoff_after_hours_no_complaint",
    "utter_handoff_on_call": "utter_handoff_on_call_no_complaint",
    "utter_no_agent_apology": "utter_no_agent_apology_no_complaint",
    "utter_status_resolved": "utter_status_resolved_no_complaint",
    "utter_status_refund_issued": "utter_status_refund_issued_no_complaint",
}


def case_response(name: str, complaint_id: Optional[str]) -> str:
    """The response `name` of domain.yml for a case, or, for a case without a complaint
    (`complaint_id` None: the customer asked for a person before telling any problem), its
    variant that names no complaint ID (`NO_COMPLAINT_RESPONSES`)."""
    return name if complaint_id else NO_COMPLAINT_RESPONSES[name]


#: Intents that say nothing about a problem: a conversation made only of these has no complaint
#: to record when it goes to a person (e.g. "转人工" as the first message).
NOT_A_PROBLEM_INTENTS = frozenset({"greet", "request_human", "thank", "goodbye", "affirm", "deny", "ask_if_bot"})


def nothing_told(intents: Sequence[Optional[str]], details: Mapping[str, Any]) -> bool:
    """True when the customer's messages (`intents`, oldest first) told no problem and no detail
    of one (`details`: slots and entities heard, empty values ignored): a person takes over
    without a complaint being recorded."""
    return not any(details.values()) and all(i in NOT_A_PROBLEM_INTENTS for i in intents)


# --- While an agent has the conversation ------------------------------------------------------------

def first_message_while_paused(events: Sequence[Mapping[str, Any]]) -> bool:
    """True when the latest event of a paused conversation (tracker events as JSON) is the
    customer's first message since the pause and nobody has written to them since: that message
    gets one short acknowledgement; the later ones go quietly to the agent."""
    messages = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "pause":
            return messages == 1
        if kind in ("bot", "resume", "restart", "session_started"):
            return False
        if kind == "user":
            messages += 1
    return False


@dataclass(frozen=True)
class PausedAcknowledgement:
    """What to tell a customer who writes while their case waits for (or is with) an agent."""

    response: str
    minutes: int = 0
    """The expected wait (`utter_paused_wait`)."""
    at: Optional[datetime] = None
    """When someone will answer (`utter_paused_by_time`, `utter_paused_after_hours`)."""
    agent_name: Optional[str] = None
    """Who has the case (`utter_paused_claimed`)."""


#: The acknowledgement of a waiting case for each wording of its promise (`ContactPromise.wording`).
PAUSED_RESPONSES: Mapping[str, str] = {"minutes": "utter_paused_wait", "on_call": "utter_paused_wait",
                                       "time": "utter_paused_by_time",
                                       "after_hours": "utter_paused_after_hours"}


def acknowledge_paused(settings: HandoffSettings, status: str, agent_name: Optional[str],
                       claim_due: datetime, priority: str, now: datetime) -> PausedAcknowledgement:
    """The acknowledgement for a case in `status` ("waiting" or "claimed", by `agent_name`),
    to be claimed by `claim_due`: the agent is on it; or the claim deadline, worded as the
    handoff worded it (`promise_contact`): the minutes to wait while agents (or the agent on
    call) are working, else the time someone answers by."""
    require_aware("now", now)
    if status == "claimed":
        return PausedAcknowledgement("utter_paused_claimed", agent_name=agent_name)
    promise = promise_contact(settings, now, claim_due, priority)
    response = PAUSED_RESPONSES[promise.wording]
    if response == "utter_paused_wait":
        return PausedAcknowledgement(response, minutes=promise.minutes)
    return PausedAcknowledgement(response, at=claim_due)


NO_AGENT_JOB = "no_agent"
"""Job kind: nobody claimed a case in time (see bot.handoff_jobs)."""
