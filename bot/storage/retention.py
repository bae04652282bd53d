"""Retention of personal data (China's PIPL: keep it no longer than its purpose needs).

`purge_personal_data` masks phone numbers, ID card numbers and e-mail addresses
(`bot.privacy.mask_value`) in what is stored from before a cut-off: Rasa's tracker events
and snapshots (what customers said, the slots, entities and metadata), the unanswered messages,
and finished complaints' contact phone and description. A conversation or customer is held,
nothing of it masked, while one of its complaints is open or in progress or has changed since
the cut-off: the agents may still need it; so is one whose case without a complaint is open or
newer than the cut-off. Other conversations without a complaint are not held.

Masking masked text changes nothing, so a purge can run again at any time (e.g. daily from cron)
and only rows it changes are written.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.clock import require_aware
from bot.complaints import FINISHED_STATUSES
from bot.privacy import mask_value
from bot.storage.complaints import ComplaintStore
from bot.storage.handoffs import OPEN_STATUSES
from bot.storage.models import CaseRow, ComplaintRow, Customer, UnansweredMessage

BATCH_SIZE = 1000

# Rasa's SQL tracker store tables (rasa/core/tracker_store.py; rasa_ext/tracker_store.py adds the
# snapshots): only the columns read and written here.
TRACKER_EVENTS = sa.table("events", sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
                   sa.column("timestamp", sa.Float), sa.column("data", sa.Text))
_SNAPSHOTS = sa.table("tracker_snapshots", sa.column("sender_id", sa.String), sa.column("events", sa.Text))

Progress = Callable[[str], None]


@dataclass
class Tally:
    """Rows of one kind looked at and rows whose personal data was masked."""

    what: str
    checked: int = 0
    masked: int = 0

    def __str__(self) -> str:
        return f"{self.what}: {self.masked} masked of {self.checked} checked"


@dataclass(frozen=True)
class Holds:
    """What the purge leaves alone: conversations (tracker sender ids) and customers
    (channel, sender id) with a complaint that is unfinished or changed since the cut-off."""

    conversations: frozenset[str]
    customers: frozenset[tuple[str, str]]


def holds(store: ComplaintStore, before: datetime) -> Holds:
    """The conversations and customers whose complaints still need their data, and those of the
    cases without a complaint that are open or newer than the cut-off."""
    query = (sa.select(ComplaintRow.conversation_id, Customer.channel, Customer.sender_id)
             .join(Customer, ComplaintRow.customer_id == Customer.id)
             .where(sa.or_(ComplaintRow.status.not_in(FINISHED_STATUSES), ComplaintRow.updated_at >= before)))
    cases = (sa.select(CaseRow.conversation_id, Customer.channel, Customer.sender_id)
             .join(Customer, CaseRow.customer_id == Customer.id)
             .where(CaseRow.complaint_id.is_(None),
                    sa.or_(CaseRow.status.in_(OPEN_STATUSES), CaseRow.created_at >= before)))
    with store.session() as s:
        rows = s.execute(query.union(cases)).all()
    return Holds(frozenset(row.conversation_id for row in rows),
                 frozenset((row.channel, row.sender_id) for row in rows))


def purge_personal_data(store: ComplaintStore, tracker_engine: Optional[Engine], before: datetime,
                        dry_run: bool = False, progress: Progress = lambda _: None) -> list[Tally]:
    """Mask personal data stored before `before` (see the module docstring) and return what was
    looked at and masked, also passed to `progress` as each kind of row is done; with `dry_run`
    count what would be masked without writing. `tracker_engine` None: no tracker database."""
    require_aware("before", before)
    held = holds(store, before)
    steps: list[Callable[[], Tally]] = [lambda: _complaints(store, before, dry_run),
                                        lambda: _unanswered(store, before, held, dry_run)]
    if tracker_engine is not None:
        steps += [lambda: _events(tracker_engine, before, held, dry_run),
                  lambda: _snapshots(tracker_engine, before, held, dry_run)]
    tallies = []
    for step in steps:
        tallies.append(step())
        progress(str(tallies[-1]))
    return tallies


def _complaints(store: ComplaintStore, before: datetime, dry_run: bool) -> Tally:
    table = ComplaintRow.__table__
    query = (sa.select(table.c.id, table.c.contact_phone, table.c.description)
             .where(table.c.status.in_(FINISHED_STATUSES), table.c.updated_at < before))
    with store.engine.connect() as connection:
        return _mask_rows(connection, table, _batches(connection, query, table.c.id),
                          lambda row: _changed(row, "contact_phone", "description"),
                          Tally("finished complaints"), dry_run)


def _unanswered(store: ComplaintStore, before: datetime, held: Holds, dry_run: bool) -> Tally:
    table = UnansweredMessage.__table__
    query = (sa.select(table.c.id, table.c.channel, table.c.sender_id, table.c.text)
             .where(table.c.created_at < before))
    with store.engine.connect() as connection:
        return _mask_rows(connection, table,
                          ([row for row in batch if (row.channel, row.sender_id) not in held.customers]
                           for batch in _batches(connection, query, table.c.id)),
                          lambda row: _changed(row, "text"), Tally("unanswered messages"), dry_run)


def _events(engine: Engine, before: datetime, held: Holds, dry_run: bool) -> Tally:
    tally = Tally("tracker events")
    if not sa.inspect(engine).has_table("events"):
        return tally
    query = (sa.select(TRACKER_EVENTS.c.id, TRACKER_EVENTS.c.sender_id, TRACKER_EVENTS.c.data)
             .where(TRACKER_EVENTS.c.timestamp < before.timestamp()))
    with engine.connect() as connection:
        return _mask_rows(connection, TRACKER_EVENTS,
                          ([row for row in batch if row.sender_id not in held.conversations]
                           for batch in _batches(connection, query, TRACKER_EVENTS.c.id)),
                          lambda row: _changed_json(row, "data"), tally, dry_run)


def _snapshots(engine: Engine, before: datetime, held: Holds, dry_run: bool) -> Tally:
    """The compact state prefixes of long conversations (rasa_ext/tracker_store.py), masked
    once every event in them is from before the cut-off."""
    tally = Tally("tracker snapshots")
    if not sa.inspect(engine).has_table("tracker_snapshots"):
        return tally
    with engine.connect() as connection:
        rows = connection.execute(sa.select(_SNAPSHOTS.c.sender_id, _SNAPSHOTS.c.events)).all()
        due = [row for row in rows if row.sender_id not in held.conversations and all(
            (event.get("timestamp") or 0) < before.timestamp() for event in json.loads(row.events))]
        return _mask_rows(connection, _SNAPSHOTS, iter([due]), lambda row: _changed_json(row, "events"),
                          tally, dry_run, key="sender_id")


def _changed(row: Any, *columns: str) -> Optional[dict[str, Any]]:
    """The masked values of `columns` of `row`, or None when masking changes none of them."""
    values = {column: mask_value(getattr(row, column)) for column in columns}
    return values if any(values[column] != getattr(row, column) for column in columns) else None


def _changed_json(row: Any, column: str) -> Optional[dict[str, Any]]:
    """`_changed` for a column of JSON text (compared as data: formatting may differ)."""
    data = json.loads(getattr(row, column))
    masked = mask_value(data)
    return {column: json.dumps(masked)} if masked != data else None


def _batches(connection: Connection, query: sa.sql.Select, id_column: sa.Column) -> Iterator[Sequence[Any]]:
    """The rows of `query` in batches of `BATCH_SIZE`, by ascending id (keyset paging)."""
    last = None
    while True:
        page = query.order_by(id_column).limit(BATCH_SIZE)
        if last is not None:
            page = page.where(id_column > last)
        rows = connection.execute(page).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _mask_rows(connection: Connection, table: sa.sql.TableClause, batches: Iterator[Sequence[Any]],
               masked: Callable[[Any], Optional[dict[str, Any]]], tally: Tally, dry_run: bool,
               key: str = "id") -> Tally:
    """Write `masked(row)` for every row of `batches` it is not None for, a transaction a batch."""
    for batch in batches:
        changes = [(getattr(row, key), values) for row in batch if (values := masked(row)) is not None]
        if changes and not dry_run:
            for row_key, values in changes:
                connection.execute(table.update().where(table.c[key] == row_key).values(**values))
            connection.commit()
        tally.checked += len(batch)
        tally.masked += len(changes)
    return tally
