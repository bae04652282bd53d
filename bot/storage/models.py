"""Database tables of the complaint store (SQLAlchemy declarative models).

Schema changes go through Alembic: edit these models, then add a revision under
`bot/storage/migrations/versions/` (`tests/bot/storage/test_complaints.py` checks the two agree).
Private to `bot.storage`: its modules hand out plain dataclasses, never these rows.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

from bot.complaints import Status


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware datetime, stored as UTC and always read back as aware UTC.

    PostgreSQL stores `timestamptz`; SQLite (no time zones) stores naive UTC text.
    Naive datetimes are refused rather than guessed at.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got naive {value!r}")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Money(sa.TypeDecorator):
    """A `Decimal` amount with 2 decimal places (`NUMERIC(12, 2)`), read back as `Decimal`.

    SQLite has no decimal type: there the value travels as a float and is re-quantised, which is
    exact for 12 significant digits (and avoids SQLAlchemy's "no native Decimal" warning).
    """

    impl = sa.Numeric(12, 2)
    cache_ok = True
    _CENT = Decimal("0.01")

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Numeric(12, 2, asdecimal=False))
        return dialect.type_descriptor(sa.Numeric(12, 2))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = Decimal(value).quantize(self._CENT)
        return float(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Optional[Decimal]:
        if value is None:
            return None
        return Decimal(repr(value) if isinstance(value, float) else value).quantize(self._CENT)


# Named constraints let Alembic alter them later (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)


class Base(metaclass=DeclarativeMeta):
    """The declarative base of every table (what `declarative_base()` builds, spelt out as a class
    so that type checkers see one)."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


class Customer(Base):
    """A person writing to us, identified by (channel, sender_id)."""

    __tablename__ = "customers"
    __table_args__ = (sa.UniqueConstraint("channel", "sender_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    channel = sa.Column(sa.String(32), nullable=False)
    sender_id = sa.Column(sa.String(128), nullable=False)
    display_name = sa.Column(sa.String(128), nullable=True)
    unreachable = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    created_at = sa.Column(UTCDateTime, nullable=False)

    complaints = relationship("ComplaintRow", back_populates="customer")


class ComplaintRow(Base):
    """One complaint as stored; `bot.storage.Complaint` is what callers see."""

    __tablename__ = "complaints"

    id = sa.Column(sa.Integer, primary_key=True)
    public_id = sa.Column(sa.String(20), nullable=False, unique=True)
    customer_id = sa.Column(sa.Integer, sa.ForeignKey("customers.id"), nullable=False, index=True)
    conversation_id = sa.Column(sa.String(255), nullable=False, index=True)
    channel = sa.Column(sa.String(32), nullable=False)
    category = sa.Column(sa.String(32), nullable=False)
    """A category key of data/labels.yml (designers add categories there, not in code)."""
    description = sa.Column(sa.Text, nullable=False)
    incident_time_text = sa.Column(sa.String(255), nullable=True)
    incident_date = sa.Column(sa.Date, nullable=True)
    order_number = sa.Column(sa.String(64), nullable=True)
    product = sa.Column(sa.String(255), nullable=True)
    amount = sa.Column(Money, nullable=True)
    desired_remedy = sa.Column(sa.String(32), nullable=True)
    contact_phone = sa.Column(sa.String(32), nullable=True)
    script = sa.Column(sa.String(16), nullable=False, default="simplified", server_default="simplified")
    anger_level = sa.Column(sa.String(16), nullable=True)
    escalation_reasons = sa.Column(sa.JSON, nullable=False, default=list)
    status = sa.Column(sa.String(16), nullable=False, default=Status.OPEN.value, server_default=Status.OPEN.value)
    first_response_due = sa.Column(UTCDateTime, nullable=False)
    resolution_due = sa.Column(UTCDateTime, nullable=False)
    remedy_due = sa.Column(sa.Date, nullable=True)
    customer_accepted = sa.Column(sa.Boolean, nullable=True)
    resolution = sa.Column(sa.Text, nullable=True)
    """What was done, in the agent's words, when the complaint was resolved."""
    first_response_at = sa.Column(UTCDateTime, nullable=True)
    """When a person first answered the customer (an agent claimed or replied)."""
    resolved_at = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, index=True)
    updated_at = sa.Column(UTCDateTime, nullable=False)

    customer = relationship(Customer, back_populates="complaints")


class DailySequence(Base):
    """The last complaint number handed out on a local calendar day."""

    __tablename__ = "daily_sequences"

    day = sa.Column(sa.Date, primary_key=True)
    last_value = sa.Column(sa.Integer, nullable=False)


class UnansweredMessage(Base):
    """A customer message the assistant could not answer (e.g. the action server was down).

    Kept so that a colleague follows it up: the customer was told so.
    """

    __tablename__ = "unanswered_messages"

    id = sa.Column(sa.Integer, primary_key=True)
    channel = sa.Column(sa.String(32), nullable=False)
    sender_id = sa.Column(sa.String(128), nullable=False)
    text = sa.Column(sa.Text, nullable=False)
    reason = sa.Column(sa.String(32), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, index=True)
    handled_at = sa.Column(UTCDateTime, nullable=True)


class CaseStatus(str, Enum):
    """Where a handoff case is: waiting for an agent, with one, or finished."""

    WAITING = "waiting"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    """The agent resolved the complaint, which handed the conversation back to the assistant."""
    RELEASED = "released"
    """The agent handed the conversation back to the assistant without resolving the case."""


class CaseAction(str, Enum):
    """What can happen to a case, as its audit trail (`case_events`) records it."""

    CLAIMED = "claimed"
    REPLIED = "replied"
    NOTED = "noted"
    REFUNDED = "refunded"
    """The agent told the customer their refund is issued."""
    RESOLVED = "resolved"
    REASSIGNED = "reassigned"
    """A supervisor gave the claimed case to another colleague."""
    RELEASED = "released"
    COMPLAINT_ADDED = "complaint_added"
    """The assistant recorded the complaint of a case opened without one."""


class AgentRow(Base):
    """A human agent who takes handoffs in the console."""

    __tablename__ = "agents"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    display_name = sa.Column(sa.String(128), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    role = sa.Column(sa.String(16), nullable=False, default="agent", server_default="agent")
    """agent or supervisor (`bot.roles`)."""
    created_at = sa.Column(UTCDateTime, nullable=False)


class AgentSessionRow(Base):
    """A logged-in console session; only a hash of its token is stored."""

    __tablename__ = "agent_sessions"

    token_hash = sa.Column(sa.String(64), primary_key=True)
    agent_id = sa.Column(sa.Integer, sa.ForeignKey("agents.id"), nullable=False, index=True)
    csrf_token = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False, index=True)


class LoginAttemptRow(Base):
    """Recent console logins of one key (a username, an address, or both), counted before the
    password is checked, so that guesses sent at once are counted too."""

    __tablename__ = "login_attempts"

    key = sa.Column(sa.String(64), primary_key=True)
    """SHA-256 of what is counted: no username or address is stored in clear."""
    attempts = sa.Column(sa.Integer, nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False, index=True)
    """When the count is forgotten (a window after the first attempt, or after the one that
    reached the limit)."""


class CaseRow(Base):
    """A conversation handed to a person: why, how urgent, and who has it."""

    __tablename__ = "handoff_cases"

    id = sa.Column(sa.Integer, primary_key=True)
    complaint_id = sa.Column(sa.Integer, sa.ForeignKey("complaints.id"), nullable=True, index=True)
    """The complaint it is about; None while the customer has told none (e.g. "转人工" first)."""
    customer_id = sa.Column(sa.Integer, sa.ForeignKey("customers.id"), nullable=False, index=True)
    conversation_id = sa.Column(sa.String(255), nullable=False, index=True)
    """The Rasa conversation (sender id) the agent reads and writes."""
    script = sa.Column(sa.String(16), nullable=False, default="simplified", server_default="simplified")
    """The customer's script (`bot.complaints.Script`): what they are told is converted to it."""
    reason = sa.Column(sa.String(32), nullable=False)
    """The most urgent reason code (bot.escalation.REASONS)."""
    priority = sa.Column(sa.String(2), nullable=False)
    explanation = sa.Column(sa.Text, nullable=False)
    decisions = sa.Column(sa.JSON, nullable=False, default=list)
    """Every reason that applied: [{reason, priority, explanation}], most urgent first."""
    status = sa.Column(sa.String(16), nullable=False, default=CaseStatus.WAITING.value,
                       server_default=CaseStatus.WAITING.value, index=True)
    agent_id = sa.Column(sa.Integer, sa.ForeignKey("agents.id"), nullable=True, index=True)
    claim_due = sa.Column(UTCDateTime, nullable=False)
    """An agent should have claimed the case by then (the SLA the console counts down)."""
    overdue = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    callback_due = sa.Column(UTCDateTime, nullable=True)
    """The callback time promised to the customer when no agent came in time."""
    created_at = sa.Column(UTCDateTime, nullable=False)
    claimed_at = sa.Column(UTCDateTime, nullable=True)
    closed_at = sa.Column(UTCDateTime, nullable=True)


class CaseNoteRow(Base):
    """An agent's internal note on a case (never shown to the customer)."""

    __tablename__ = "case_notes"

    id = sa.Column(sa.Integer, primary_key=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("handoff_cases.id"), nullable=False, index=True)
    agent_id = sa.Column(sa.Integer, sa.ForeignKey("agents.id"), nullable=False)
    text = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False)


class CaseEventRow(Base):
    """One thing done with a case (claimed, replied, refund issued, resolved, reassigned, handed
    back, ...): the case's audit trail, never changed once written."""

    __tablename__ = "case_events"

    id = sa.Column(sa.Integer, primary_key=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("handoff_cases.id"), nullable=False, index=True)
    agent_id = sa.Column(sa.Integer, sa.ForeignKey("agents.id"), nullable=True)
    """Who did it; None for the assistant or a job."""
    action = sa.Column(sa.String(16), nullable=False)
    """One of `CaseAction`."""
    details = sa.Column(sa.JSON, nullable=False, default=dict)
    """What else to remember, e.g. {"to_agent_id": 3} of a reassignment, {"remedy": "refund"}."""
    created_at = sa.Column(UTCDateTime, nullable=False)


class JobStatus(str, Enum):
    """Where a scheduled job is."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    """Gave up after its last attempt, or its work cannot be done (e.g. the customer is unreachable)."""
    CANCELLED = "cancelled"


class JobRow(Base):
    """Work due at a time (no-agent apologies, surveys, follow-ups), kept in the database so it
    survives restarts and is claimed by exactly one worker."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_status_due_at", "status", "due_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(32), nullable=False)
    key = sa.Column(sa.String(128), nullable=True, unique=True)
    """Optional identity: scheduling a second job with the same key does nothing."""
    payload = sa.Column(sa.JSON, nullable=False, default=dict)
    status = sa.Column(sa.String(16), nullable=False, default=JobStatus.PENDING.value,
                       server_default=JobStatus.PENDING.value)
    due_at = sa.Column(UTCDateTime, nullable=False)
    attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    max_attempts = sa.Column(sa.Integer, nullable=False, default=5, server_default="5")
    locked_by = sa.Column(sa.String(64), nullable=True)
    locked_until = sa.Column(UTCDateTime, nullable=True)
    """A running job whose lease has passed is taken again (its worker died)."""
    last_error = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    finished_at = sa.Column(UTCDateTime, nullable=True)


class SentMessageRow(Base):
    """A message a job sends, under its idempotency key (`bot.storage.outbox`): another run of the same
    job finds the key and does not send the message again."""

    __tablename__ = "sent_messages"

    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(160), nullable=False, unique=True)
    """The job and the message, the same in every attempt (`Job.message_key`)."""
    status = sa.Column(sa.String(16), nullable=False)
    """sending (reserved; a worker that died now leaves it so), or sent."""
    created_at = sa.Column(UTCDateTime, nullable=False)
    sent_at = sa.Column(UTCDateTime, nullable=True)


class EvidenceRow(Base):
    """Something a customer sent besides words (a photo, a video, a location, a link), kept with
    their open complaint when they have one (`bot.storage.evidence`)."""

    __tablename__ = "evidence"
    __table_args__ = (sa.Index("ix_evidence_channel_sender_id", "channel", "sender_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    channel = sa.Column(sa.String(32), nullable=False)
    sender_id = sa.Column(sa.String(128), nullable=False)
    complaint_id = sa.Column(sa.Integer, sa.ForeignKey("complaints.id"), nullable=True, index=True)
    """The complaint it belongs to; None until the customer has an open one."""
    kind = sa.Column(sa.String(16), nullable=False)
    """One of `bot.storage.evidence.KINDS`."""
    media_id = sa.Column(sa.String(255), nullable=True)
    """The platform's id for downloading the file (WeChat keeps it 3 days)."""
    url = sa.Column(sa.Text, nullable=True)
    details = sa.Column(sa.JSON, nullable=False, default=dict)
    """What else the platform said: a link's title, a location's label and coordinates."""
    created_at = sa.Column(UTCDateTime, nullable=False)
    file_key = sa.Column(sa.String(64), nullable=True)
    """The photo or voice message in the file store (`bot.files`), once downloaded."""
    content_type = sa.Column(sa.String(64), nullable=True)
    """The file's type, as its bytes showed (`bot.files.sniff`)."""
    size = sa.Column(sa.Integer, nullable=True)
    fetch_error = sa.Column(sa.Text, nullable=True)
    """Why the file could not be downloaded (given up); `media_id` stays."""


class SurveyKind(str, Enum):
    """What a survey asks after closure."""

    SATISFACTION = "satisfaction"
    """How satisfied the customer is, 1-5."""
    FOLLOW_UP = "follow_up"
    """回访: did the problem stay solved?"""


class SurveyStatus(str, Enum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    EXPIRED = "expired"
    UNDELIVERABLE = "undeliverable"


class SurveyRow(Base):
    """One survey of one complaint: at most one of each kind, never repeated once answered."""

    __tablename__ = "surveys"
    __table_args__ = (sa.UniqueConstraint("complaint_id", "kind"),)

    id = sa.Column(sa.Integer, primary_key=True)
    complaint_id = sa.Column(sa.Integer, sa.ForeignKey("complaints.id"), nullable=False, index=True)
    kind = sa.Column(sa.String(16), nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default=SurveyStatus.SCHEDULED.value,
                       server_default=SurveyStatus.SCHEDULED.value)
    due_at = sa.Column(UTCDateTime, nullable=False)
    sent_at = sa.Column(UTCDateTime, nullable=True)
    expires_at = sa.Column(UTCDateTime, nullable=True)
    answered_at = sa.Column(UTCDateTime, nullable=True)
    score = sa.Column(sa.Integer, nullable=True)
    """Satisfaction 1 (very unhappy) to 5 (very happy)."""
    solved = sa.Column(sa.Boolean, nullable=True)
    """Follow-up: the problem stayed solved."""
    comment = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False)


class InboxItemRow(Base):
    """A customer message the assistant misunderstood, for conversation designers to label
    (`bot.storage.inbox`): text and context stored masked."""

    __tablename__ = "inbox_items"
    __table_args__ = (sa.UniqueConstraint("conversation_id", "message_id"),
                      sa.Index("ix_inbox_items_status_said_at", "status", "said_at"))

    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(sa.String(255), nullable=False)
    message_id = sa.Column(sa.String(32), nullable=False)
    """The message's tracker event timestamp (`bot.inbox.message_id`)."""
    text = sa.Column(sa.Text, nullable=False)
    intent = sa.Column(sa.String(64), nullable=False)
    guess = sa.Column(sa.String(64), nullable=True)
    confidence = sa.Column(sa.Float, nullable=False)
    reasons = sa.Column(sa.JSON, nullable=False, default=list)
    context = sa.Column(sa.JSON, nullable=False, default=list)
    flagged_by = sa.Column(sa.String(128), nullable=True)
    said_at = sa.Column(UTCDateTime, nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default="open", server_default="open")
    """open, or done once labelled."""
    label = sa.Column(sa.String(64), nullable=True)
    example_file = sa.Column(sa.String(255), nullable=True)
    labelled_by = sa.Column(sa.String(128), nullable=True)
    done_at = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False)


class InboxHarvestRow(Base):
    """How far the inbox has read Rasa's tracker store (one row): conversations with events
    from `until` on (a tracker event timestamp) are read again at the next look."""

    __tablename__ = "inbox_harvests"

    id = sa.Column(sa.Integer, primary_key=True)
    until = sa.Column(sa.Float, nullable=False)
