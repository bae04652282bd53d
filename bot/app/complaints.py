"""Events of a complaint the assistant collects: it is recorded with the deadlines our policies
promise, and the customer accepts the plan or not."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from bot.complaints import CONTACT_HERE, Status, split_order_reference
from bot.dates import parse_date
from bot.extraction import amount_value, parse_amount
from bot.policies import Policies, RemedyPlan
from bot.storage import Complaint, ComplaintDraft, ComplaintStore, EvidenceStore
from bot.surveys import Surveys
from bot.working_hours import WorkingHours

SHORT_TEXT_MAX = 255
ORDER_NUMBER_MAX = 64


@dataclass(frozen=True)
class CollectedComplaint:
    """What the conversation gathered, in the customer's own words."""

    channel: str
    sender_id: str
    category: str
    description: str
    incident_time: Optional[str] = None
    order_reference: Optional[str] = None
    desired_remedy: Optional[str] = None
    contact: Optional[str] = None
    amount_text: Optional[str] = None
    #: The day the time means (ISO), when the form resolved it.
    incident_date: Optional[str] = None
    script: str = "simplified"
    anger_level: Optional[str] = None
    escalation_reasons: Iterable[str] = ()


@dataclass(frozen=True)
class RecordedComplaint:
    """A stored complaint and the plan the assistant states to the customer."""

    complaint: Complaint
    plan: RemedyPlan
    remedy_due: datetime
    first_response_due: datetime


def record_complaint(
    store: ComplaintStore, policies: Policies, collected: CollectedComplaint,
    now: datetime, tz: ZoneInfo, hours: Optional[WorkingHours] = None,
) -> RecordedComplaint:
    """Store the complaint with its deadlines (and the evidence the customer sent before it) and
    return the plan to tell the customer. With the agents' working `hours`, a deadline stated
    as a time falls inside them (`WorkingHours.keepable`)."""
    plan = policies.plan_for(collected.desired_remedy)
    first_response_due = policies.first_response.due(now, tz)
    remedy_due = plan.deadline.due(now, tz)
    if hours is not None:
        first_response_due = hours.keepable(now, first_response_due)
        if not plan.deadline.is_whole_days:
            remedy_due = hours.keepable(now, remedy_due)
    order_number, product = split_order_reference(collected.order_reference)
    if order_number and len(order_number) > ORDER_NUMBER_MAX:  # not a real order number
        order_number, product = None, collected.order_reference
    today = now.astimezone(tz).date()
    amount: Optional[Decimal] = (amount_value(collected.amount_text) if collected.amount_text
                                 else parse_amount(collected.description))
    incident_date: Optional[date] = (date.fromisoformat(collected.incident_date) if collected.incident_date
                                     else parse_date(collected.incident_time or "", today))
    draft = ComplaintDraft(
        channel=collected.channel,
        sender_id=collected.sender_id,
        conversation_id=collected.sender_id,
        category=collected.category,
        description=collected.description,
        incident_time_text=_clip(collected.incident_time, SHORT_TEXT_MAX),
        incident_date=incident_date,
        order_number=order_number,
        product=_clip(product, SHORT_TEXT_MAX),
        amount=amount,
        desired_remedy=collected.desired_remedy,
        contact_phone=None if collected.contact in (None, CONTACT_HERE) else collected.contact,
        script=collected.script,
        anger_level=collected.anger_level,
        escalation_reasons=tuple(dict.fromkeys(collected.escalation_reasons)),
        first_response_due=first_response_due,
        resolution_due=policies.resolution.due(now, tz),
        remedy_due=remedy_due.astimezone(tz).date(),
    )
    complaint = store.create(draft, now)
    # Photos or files the customer sent before the complaint existed belong to it now.
    EvidenceStore(store).attach_unfiled(complaint.channel, complaint.sender_id, complaint.public_id)
    return RecordedComplaint(complaint, plan, remedy_due, first_response_due)


def record_withdrawn(store: ComplaintStore, policies: Policies, collected: CollectedComplaint,
                     now: datetime, tz: ZoneInfo) -> Complaint:
    """Keep a complaint the customer gave up half-way, with what they said, as closed: it counts
    in the reports and the customer's history, and nobody calls a customer who said not to
    bother (README, "Giving up")."""
    recorded = record_complaint(store, policies, collected, now, tz)
    return store.set_status(recorded.complaint.public_id, Status.CLOSED.value, now)


def accept_plan(store: ComplaintStore, surveys: Surveys, complaint_id: str, now: datetime) -> Complaint:
    """Keep that the customer accepted the assistant's plan: the conversation about it is closed
    and the satisfaction check is scheduled (a declined plan: bot.app.plans). Raises
    `ComplaintNotFound`."""
    complaint = store.record_acceptance(complaint_id, True, now)
    surveys.schedule_after_closure(complaint_id, now, follow_up=False)
    return complaint


def _clip(text: Optional[str], limit: int) -> Optional[str]:
    """Short fields keep their first `limit` characters; the full words stay in the transcript."""
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"
