"""The complaint store: persists complaints and hands out human-readable IDs.

SQLite (a file, the default) or PostgreSQL, chosen by URL. Callers get frozen `Complaint` values,
never ORM objects, and every method runs in its own short transaction. The other repositories of
`bot.storage` share its engine and sessions (`JobQueue(store)`, `HandoffQueue(store, ...)`).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from typing import Any, Mapping, Optional, Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import require_aware
from bot.complaints import OPEN_STATUSES, Status, merge_description, normalise_complaint_id
from bot.labels import load_labels
from bot.script import Script
from bot.settings import DEFAULT_TIMEZONE, Settings
from bot.storage import migrations
from bot.storage.engine import create_store_engine
from bot.storage.models import ComplaintRow, Customer, DailySequence, UnansweredMessage

# One statement that allocates the day's next number, on PostgreSQL and SQLite >= 3.35. It takes
# the row lock (PostgreSQL) or the database write lock (SQLite) until the transaction ends, so
# concurrent creates queue here and a rolled-back create gives its number back.
_NEXT_NUMBER = sa.text(
    "INSERT INTO daily_sequences (day, last_value) VALUES (:day, 1) "
    "ON CONFLICT (day) DO UPDATE SET last_value = daily_sequences.last_value + 1 "
    "RETURNING last_value"
).bindparams(sa.bindparam("day", type_=sa.Date))


def _error_if_too_long(name: str, value: Optional[str], table: sa.Table) -> None:
    limit = getattr(table.c[name].type, "length", None)
    if value is not None and limit is not None and len(value) > limit:
        raise ValueError(f"{name} is {len(value)} characters long; the store keeps at most {limit}")



def _choice(name: str, value: Any, choices: type[Enum]) -> str:
    try:
        return str(choices(value).value)
    except ValueError:
        allowed = ", ".join(member.value for member in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}") from None


def _require_label(name: str, value: Any, section: str, known: Mapping[str, str]) -> str:
    if value not in known:
        raise ValueError(f"{name} must be one of the {section} in data/labels.yml "
                         f"({', '.join(known)}); got {value!r}")
    return str(value)


def require_remedy(remedy: Any) -> str:
    """`remedy` when it is a key of `remedies` in data/labels.yml, else a `ValueError` naming them."""
    return _require_label("desired_remedy", remedy, "remedies", load_labels().remedies)


#: Fields a filed complaint may be given later, when the customer tells them after filing
#: (`ComplaintStore.add_missing`).
FILLABLE = ("order_number", "contact_phone", "amount", "incident_time_text", "incident_date", "desired_remedy")


@dataclass(frozen=True, kw_only=True)
class ComplaintDraft:
    """What a conversation has collected, ready to be filed with `ComplaintStore.create`.

    Values are checked on construction; a `ValueError` says which field is wrong.
    """

    channel: str
    sender_id: str
    conversation_id: str
    category: str
    """A category key of data/labels.yml (`bot.labels`)."""
    description: str
    incident_time_text: Optional[str] = None
    """The customer's own words for when it happened, e.g. "上周三"."""
    incident_date: Optional[date] = None
    order_number: Optional[str] = None
    product: Optional[str] = None
    amount: Optional[Decimal] = None
    desired_remedy: Optional[str] = None
    """A remedy key of data/labels.yml (`bot.labels`), or None."""
    contact_phone: Optional[str] = None
    script: str = Script.SIMPLIFIED.value
    anger_level: Optional[str] = None
    escalation_reasons: tuple[str, ...] = ()
    first_response_due: datetime
    resolution_due: datetime
    remedy_due: Optional[date] = None
    display_name: Optional[str] = None
    """The customer's name as the channel shows it; kept on the customer if given."""

    def __post_init__(self) -> None:
        set_ = self._set
        _require_label("category", self.category, "categories", load_labels().categories)
        if self.desired_remedy is not None:
            require_remedy(self.desired_remedy)
        set_("script", _choice("script", self.script, Script))
        set_("escalation_reasons", tuple(str(reason) for reason in self.escalation_reasons))
        if self.amount is not None and not isinstance(self.amount, Decimal):
            try:
                set_("amount", Decimal(str(self.amount)))
            except InvalidOperation:
                raise ValueError(f"amount must be a number like Decimal('199.00'); got {self.amount!r}") from None
        for name in ("first_response_due", "resolution_due"):
            require_aware(name, getattr(self, name))
        for name in ("channel", "sender_id", "conversation_id", "description"):
            if not getattr(self, name):
                raise ValueError(f"{name} must not be empty")
        complaints = ComplaintRow.__table__
        for name in ("conversation_id", "channel", "incident_time_text", "order_number", "product",
                     "contact_phone", "anger_level"):
            _error_if_too_long(name, getattr(self, name), complaints)
        _error_if_too_long("sender_id", self.sender_id, Customer.__table__)
        _error_if_too_long("display_name", self.display_name, Customer.__table__)

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)  # normalising a frozen dataclass in __post_init__


@dataclass(frozen=True, kw_only=True)
class Complaint:
    """A filed complaint, as plain values (safe to keep after the store's session has ended)."""

    id: int
    public_id: str
    """Human-readable ID, e.g. "TS-20261122-0001"."""
    channel: str
    sender_id: str
    conversation_id: str
    category: str
    description: str
    incident_time_text: Optional[str]
    incident_date: Optional[date]
    order_number: Optional[str]
    product: Optional[str]
    amount: Optional[Decimal]
    desired_remedy: Optional[str]
    contact_phone: Optional[str]
    script: str
    anger_level: Optional[str]
    escalation_reasons: tuple[str, ...]
    status: str
    """One of `bot.complaints.Status`."""
    first_response_due: datetime
    resolution_due: datetime
    remedy_due: Optional[date]
    customer_accepted: Optional[bool]
    """Whether the customer accepted the proposed resolution; None until asked."""
    resolution: Optional[str]
    """What was done, in the agent's words, once resolved."""
    first_response_at: Optional[datetime]
    resolved_at: Optional[datetime]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: ComplaintRow, sender_id: str) -> "Complaint":
        """The plain value of a stored row (for the repositories of `bot.storage`)."""
        return cls(
            id=row.id,
            public_id=row.public_id,
            channel=row.channel,
            sender_id=sender_id,
            conversation_id=row.conversation_id,
            category=row.category,
            description=row.description,
            incident_time_text=row.incident_time_text,
            incident_date=row.incident_date,
            order_number=row.order_number,
            product=row.product,
            amount=row.amount,
            desired_remedy=row.desired_remedy,
            contact_phone=row.contact_phone,
            script=row.script,
            anger_level=row.anger_level,
            escalation_reasons=tuple(row.escalation_reasons or ()),
            status=row.status,
            first_response_due=row.first_response_due,
            resolution_due=row.resolution_due,
            remedy_due=row.remedy_due,
            customer_accepted=row.customer_accepted,
            resolution=row.resolution,
            first_response_at=row.first_response_at,
            resolved_at=row.resolved_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True)
class Unanswered:
    """A customer message the assistant could not answer, awaiting a colleague."""

    id: int
    channel: str
    sender_id: str
    text: str
    reason: str
    created_at: datetime


class ComplaintNotFound(LookupError):
    """No complaint has the given public ID."""

    def __init__(self, public_id: str) -> None:
        super().__init__(f"no complaint with ID {public_id!r} (expected the form TS-YYYYMMDD-NNNN)")
        self.public_id = public_id


class ComplaintStore:
    """Files, finds and updates complaints in one database."""

    def __init__(self, url: str, timezone: str = DEFAULT_TIMEZONE) -> None:
        """Prepare a store for `url`; `timezone` decides the local day in complaint IDs."""
        self.tz = ZoneInfo(timezone)
        self.engine = create_store_engine(url)
        self.session = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._dialect = self.engine.dialect.name
        self._upsert_returning = self._dialect == "postgresql" or sqlite3.sqlite_version_info >= (3, 35)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ComplaintStore":
        """A store for the configured database and time zone."""
        return cls(settings.database_url, timezone=settings.timezone)

    def migrate(self) -> None:
        """Bring the schema up to date (Alembic upgrade to head); safe to call every start."""
        migrations.upgrade(self.engine)

    def revision(self) -> Optional[str]:
        """The schema revision of the database, or None if it was never migrated."""
        return migrations.current_revision(self.engine)

    def close(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    def create(self, draft: ComplaintDraft, now: datetime) -> Complaint:
        """File `draft` at time `now` (timezone-aware) and return it with its new public ID.

        The ID is `TS-<local date>-<n>`, n counting from 0001 each day in the store's time zone;
        concurrent creates never share an ID.
        """
        require_aware("now", now)
        local_day = now.astimezone(self.tz).date()
        with self.session() as s, s.begin():
            # First statement, and a write: holds the sequence lock until commit (see _NEXT_NUMBER).
            number = self._next_number(s, local_day)
            customer_id = self.upsert_customer(s, draft.channel, draft.sender_id, draft.display_name, now)
            row = ComplaintRow(
                public_id=f"TS-{local_day:%Y%m%d}-{number:04d}",
                customer_id=customer_id,
                conversation_id=draft.conversation_id,
                channel=draft.channel,
                category=draft.category,
                description=draft.description,
                incident_time_text=draft.incident_time_text,
                incident_date=draft.incident_date,
                order_number=draft.order_number,
                product=draft.product,
                amount=draft.amount,
                desired_remedy=draft.desired_remedy,
                contact_phone=draft.contact_phone,
                script=draft.script,
                anger_level=draft.anger_level,
                escalation_reasons=list(draft.escalation_reasons),
                status=Status.OPEN.value,
                first_response_due=draft.first_response_due,
                resolution_due=draft.resolution_due,
                remedy_due=draft.remedy_due,
                customer_accepted=None,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            s.refresh(row)  # return what was stored (rounded amount, UTC times), as get() would
            return Complaint.from_row(row, draft.sender_id)

    def get(self, public_id: str) -> Optional[Complaint]:
        """The complaint with `public_id` (any letter case, surrounding spaces ignored), or None."""
        with self.session() as s, s.begin():
            found = s.execute(self._select().where(ComplaintRow.public_id == normalise_complaint_id(public_id))).first()
            return Complaint.from_row(*found) if found else None

    def latest_for_customer(self, channel: str, sender_id: str) -> Optional[Complaint]:
        """The newest complaint of the customer (channel, sender_id), or None."""
        found = self._for_customer(channel, sender_id, limit=1)
        return found[0] if found else None

    def for_customer(self, channel: str, sender_id: str) -> list[Complaint]:
        """All complaints of the customer (channel, sender_id), newest first."""
        return self._for_customer(channel, sender_id)

    def set_status(self, public_id: str, status: str, now: datetime) -> Complaint:
        """Move a complaint to `status` (a `bot.complaints.Status`); raises `ComplaintNotFound`."""
        return self._update(public_id, now, status=_choice("status", status, Status))

    def add_escalation(self, public_id: str, reasons: Sequence[str], now: datetime) -> Complaint:
        """Add `reasons` (escalation reason codes) to the complaint's, and open it again if it
        was finished: a person takes it up. Raises `ComplaintNotFound`."""
        complaint = self.get(public_id)
        if complaint is None:
            raise ComplaintNotFound(public_id)
        values: dict[str, Any] = {
            "escalation_reasons": list(dict.fromkeys([*complaint.escalation_reasons, *reasons]))}
        if complaint.status not in OPEN_STATUSES:
            values["status"] = Status.OPEN.value
        return self._update(public_id, now, **values)

    def add_missing(self, public_id: str, details: Mapping[str, Any], now: datetime) -> Complaint:
        """Give the complaint the `details` (field -> value, fields of `FILLABLE`) it still lacks:
        a field it has keeps its value, even if it was filled meanwhile. Raises
        `ComplaintNotFound`; a `ValueError` for another field or a value too long to keep."""
        unknown = set(details) - set(FILLABLE)
        if unknown:
            raise ValueError(f"only {', '.join(FILLABLE)} can be added to a filed complaint; "
                             f"got {', '.join(sorted(unknown))}")
        complaints = ComplaintRow.__table__
        values: dict[str, Any] = {}
        for name, value in details.items():
            if value is None or value == "":
                continue
            if name == "amount" and not isinstance(value, Decimal):
                value = Decimal(str(value))
            elif name == "desired_remedy":
                value = require_remedy(value)
            elif name == "incident_date":
                if not isinstance(value, date):
                    raise ValueError(f"incident_date must be a date; got {value!r}")
            elif name != "amount":
                _error_if_too_long(name, value, complaints)
            column = complaints.c[name]
            values[name] = sa.func.coalesce(column, sa.literal(value, column.type))  # never overwrite
        if not values:
            found = self.get(public_id)
            if found is None:
                raise ComplaintNotFound(public_id)
            return found
        return self._update(public_id, now, **values)

    def add_to_description(self, public_id: str, told: str, now: datetime) -> Complaint:
        """Add what the customer told of the problem after filing (`told`) to the complaint's
        description, unless it is there already (`bot.complaints.merge_description`); what the
        customer confirmed stays as it was. Raises `ComplaintNotFound`."""
        complaint = self.get(public_id)
        if complaint is None:
            raise ComplaintNotFound(public_id)
        description = merge_description(complaint.description, told)
        if not told.strip() or description == complaint.description:
            return complaint
        return self._update(public_id, now, description=description)

    def change_remedy(self, public_id: str, remedy: str, remedy_due: date, now: datetime) -> Complaint:
        """The customer chose another remedy (and so another deadline); raises `ComplaintNotFound`."""
        return self._update(public_id, now, desired_remedy=require_remedy(remedy), remedy_due=remedy_due)

    def record_acceptance(self, public_id: str, accepted: bool, now: datetime) -> Complaint:
        """Record whether the customer accepted the resolution; raises `ComplaintNotFound`."""
        return self._update(public_id, now, customer_accepted=bool(accepted))

    def record_unanswered(self, channel: str, sender_id: str, text: str, reason: str,
                          now: datetime) -> Unanswered:
        """Keep a message the assistant could not answer, for a colleague to follow up."""
        require_aware("now", now)
        with self.session() as s, s.begin():
            row = UnansweredMessage(channel=channel, sender_id=sender_id, text=text,
                                    reason=reason, created_at=now)
            s.add(row)
            s.flush()
            return _unanswered(row)

    def unanswered(self, limit: int = 100, since: Optional[datetime] = None) -> list[Unanswered]:
        """Messages not yet handled (received at or after `since`), oldest first."""
        query = select(UnansweredMessage).where(UnansweredMessage.handled_at.is_(None))
        if since is not None:
            require_aware("since", since)
            query = query.where(UnansweredMessage.created_at >= since)
        with self.session() as s:
            rows = s.execute(
                query.order_by(UnansweredMessage.created_at, UnansweredMessage.id).limit(limit)
            ).scalars()
            return [_unanswered(row) for row in rows]

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _select() -> sa.sql.Select:
        return select(ComplaintRow, Customer.sender_id).join(Customer, ComplaintRow.customer_id == Customer.id)

    def _for_customer(self, channel: str, sender_id: str, limit: Optional[int] = None) -> list[Complaint]:
        query = (
            self._select()
            .where(Customer.channel == channel, Customer.sender_id == sender_id)
            .order_by(ComplaintRow.created_at.desc(), ComplaintRow.id.desc())
            .limit(limit)
        )
        with self.session() as s, s.begin():
            return [Complaint.from_row(row, sender) for row, sender in s.execute(query)]

    def _update(self, public_id: str, now: datetime, **values: Any) -> Complaint:
        require_aware("now", now)
        public_id = normalise_complaint_id(public_id)
        with self.session() as s, s.begin():
            result = s.execute(
                update(ComplaintRow)
                .where(ComplaintRow.public_id == public_id)
                .values(**values, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:
                raise ComplaintNotFound(public_id)
            return Complaint.from_row(*s.execute(self._select().where(ComplaintRow.public_id == public_id)).one())

    def _next_number(self, s: Session, day: date) -> int:
        if self._upsert_returning:
            return int(s.execute(_NEXT_NUMBER, {"day": day}).scalar_one())
        # SQLite < 3.35 has no RETURNING. The UPDATE (a write, so the transaction's first
        # statement takes the write lock) serialises creates just the same.
        table = DailySequence.__table__
        bumped = s.execute(update(table).where(table.c.day == day).values(last_value=table.c.last_value + 1))
        if bumped.rowcount == 0:
            s.execute(table.insert().values(day=day, last_value=1))
            return 1
        return int(s.execute(select(table.c.last_value).where(table.c.day == day)).scalar_one())

    def upsert_customer(self, s: Session, channel: str, sender_id: str, display_name: Optional[str],
                        now: datetime) -> int:
        """Insert the customer if new (keeping a newly given display name) within the session `s`
        (for the repositories of `bot.storage`); return its id."""
        table = Customer.__table__
        insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(table)
        s.execute(
            insert.values(
                channel=channel,
                sender_id=sender_id,
                display_name=display_name,
                unreachable=False,
                created_at=now,
            ).on_conflict_do_update(
                index_elements=[table.c.channel, table.c.sender_id],
                set_={"display_name": sa.func.coalesce(insert.excluded.display_name, table.c.display_name)},
            )
        )
        return int(s.execute(
            select(table.c.id).where(table.c.channel == channel, table.c.sender_id == sender_id)
        ).scalar_one())


def _unanswered(row: UnansweredMessage) -> Unanswered:
    return Unanswered(row.id, row.channel, row.sender_id, row.text, row.reason, row.created_at)


@lru_cache(maxsize=None)
def shared_store() -> ComplaintStore:
    """This process's store, configured from the environment and migrated on first use, so that
    a plain `rasa run actions` and `rasa run` work without `python -m bot migrate` first."""
    store = ComplaintStore.from_settings(Settings.load())
    store.migrate()
    return store
