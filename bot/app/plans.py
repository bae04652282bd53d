"""Events of the plan stated to the customer once a complaint is recorded, when they decline it.

What the policy allows is in data/policies.yml: the first time, the `alternatives` of the declined
remedy are offered; a chosen one becomes the complaint's remedy, with its own deadline. Declining
again, or declining a plan that has no alternatives, goes to a person: the complaint is queued for
an agent with the reason `plan_declined` (its priority: `reopen` in config/escalation.yml).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from bot.app.complaints import RecordedComplaint
from bot.app.handoffs import HandoffResult, queue_for_agent
from bot.escalation import Decision, EscalationConfig, load_escalation_config
from bot.lexicon import ANSWER_QUOTE_CHARS, short_quote
from bot.labels import Labels
from bot.policies import Policies
from bot.storage import Complaint, ComplaintNotFound, ComplaintStore, HandoffQueue, JobQueue
from bot.working_hours import WorkingHours

PLAN_DECLINED = "plan_declined"


@dataclass(frozen=True)
class Declined:
    """A declined plan: the complaint, and the remedies to offer now (none: a person takes over)."""

    complaint: Complaint
    alternatives: Tuple[str, ...]


def decline_plan(store: ComplaintStore, policies: Policies, complaint_id: str,
                 offered_before: bool, now: datetime) -> Declined:
    """Keep that the customer declined the plan of `complaint_id`; the alternatives its remedy
    allows, unless they were `offered_before`. Raises `ComplaintNotFound`."""
    complaint = store.record_acceptance(complaint_id, False, now)
    if offered_before:
        return Declined(complaint, ())
    return Declined(complaint, policies.plan_for(complaint.desired_remedy).alternatives)


def choose_alternative(store: ComplaintStore, policies: Policies, complaint_id: str, remedy: str,
                       now: datetime, tz: ZoneInfo, hours: Optional[WorkingHours] = None) -> RecordedComplaint:
    """The customer took `remedy` instead: it becomes the complaint's remedy, with the deadline
    its plan promises from `now` (stated as a time: inside the agents' working `hours`); return
    the plan to state."""
    plan = policies.plan_for(remedy)
    remedy_due = plan.deadline.due(now, tz)
    if hours is not None and not plan.deadline.is_whole_days:
        remedy_due = hours.keepable(now, remedy_due)
    complaint = store.change_remedy(complaint_id, remedy, remedy_due.astimezone(tz).date(), now)
    return RecordedComplaint(complaint, plan, remedy_due, complaint.first_response_due)


def plan_to_person(queue: HandoffQueue, jobs: JobQueue, labels: Labels, complaint_id: str,
                   words: str, now: datetime,
                   config: Optional[EscalationConfig] = None) -> HandoffResult:
    """Queue `complaint_id` for an agent because the customer declined its plan (`words`: what
    they said to it), at the priority of `plan_declined`; return the promise to tell them."""
    complaint = queue.store.get(complaint_id)
    if complaint is None:
        raise ComplaintNotFound(complaint_id)
    words = short_quote(words.strip(), ANSWER_QUOTE_CHARS)
    explanation = f"客户不接受处理方案（{labels.remedy(complaint.desired_remedy)}）" + (
        f"：“{words}”" if words and not words.startswith("/") else "")
    priority = (config or load_escalation_config()).priority(PLAN_DECLINED)
    return queue_for_agent(queue, jobs, complaint, [Decision(PLAN_DECLINED, priority, explanation)], now)
