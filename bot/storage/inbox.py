"""The inbox of misunderstood customer messages (`inbox_items`), and reading the conversations
it comes from out of Rasa's SQL tracker store, which every Rasa server shares."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.inbox import Finding
from bot.storage.complaints import ComplaintStore
from bot.storage.engine import missing_sqlite_file
from bot.storage.models import InboxHarvestRow, InboxItemRow
from bot.storage.retention import TRACKER_EVENTS

OPEN, DONE = "open", "done"
_ITEMS = InboxItemRow.__table__
_HARVESTS = InboxHarvestRow.__table__


@dataclass(frozen=True)
class InboxItem(Finding):
    """One message in the inbox (text and context masked); `label` and `example_file` once done."""

    id: int
    conversation_id: str
    flagged_by: Optional[str]
    status: str
    label: Optional[str]
    example_file: Optional[str]
    labelled_by: Optional[str]


def _item(row: Any) -> InboxItem:
    return InboxItem(id=row.id, conversation_id=row.conversation_id, message_id=row.message_id, said_at=row.said_at,
                     text=row.text, intent=row.intent, guess=row.guess, confidence=row.confidence,
                     reasons=tuple(row.reasons), context=tuple(row.context), flagged_by=row.flagged_by,
                     status=row.status, label=row.label, example_file=row.example_file, labelled_by=row.labelled_by)


class TrackerConversations:
    """Rasa's SQL tracker store (`bot.storage.tracker_engine`), read by the inbox."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def since(self, since: float) -> Dict[str, List[Mapping[str, Any]]]:
        """The events (Rasa's JSON) of every conversation with an event at or after `since` (a
        tracker timestamp), oldest first; {} when the tracker store has no table yet."""
        if missing_sqlite_file(self.engine) or not sa.inspect(self.engine).has_table("events"):
            return {}
        touched = sa.select(TRACKER_EVENTS.c.sender_id).where(TRACKER_EVENTS.c.timestamp >= since).distinct()
        query = (sa.select(TRACKER_EVENTS.c.sender_id, TRACKER_EVENTS.c.data)
                 .where(TRACKER_EVENTS.c.sender_id.in_(touched)).order_by(TRACKER_EVENTS.c.id))
        conversations: Dict[str, List[Mapping[str, Any]]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                conversations.setdefault(row.sender_id, []).append(json.loads(row.data))
        return conversations

    def close(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


class InboxStore:
    """The inbox's items and how far it has read the tracker store."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    def harvested_until(self) -> Optional[float]:
        """The tracker timestamp the next look starts from; None before the first."""
        with self.store.session() as s:
            until = s.execute(sa.select(_HARVESTS.c.until)).scalar()
        return None if until is None else float(until)

    def set_harvested_until(self, until: float) -> None:
        with self.store.session() as s, s.begin():
            if s.execute(sa.update(_HARVESTS).values(until=until)).rowcount == 0:
                s.execute(sa.insert(_HARVESTS).values(id=1, until=until))

    def keep(self, conversation_id: str, findings: Sequence[Finding], now: datetime,
             flagged_by: Optional[str] = None) -> List[int]:
        """Add `findings` to the inbox, or update the open items they already are (reasons
        added, context renewed; `flagged_by` kept); the item ids. Done items stay as they are."""
        for attempt in range(2):  # another process may add the same message at the same time
            try:
                with self.store.session() as s, s.begin():
                    return [self._keep(s, conversation_id, finding, now, flagged_by) for finding in findings]
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _keep(s: Any, conversation_id: str, finding: Finding, now: datetime, flagged_by: Optional[str]) -> int:
        key = (_ITEMS.c.conversation_id == conversation_id) & (_ITEMS.c.message_id == finding.message_id)
        row = s.execute(sa.select(_ITEMS.c.id, _ITEMS.c.status, _ITEMS.c.reasons, _ITEMS.c.flagged_by)
                        .where(key)).one_or_none()
        if row is None:
            return int(s.execute(sa.insert(_ITEMS).values(
                conversation_id=conversation_id, message_id=finding.message_id, text=finding.text,
                intent=finding.intent, guess=finding.guess, confidence=finding.confidence,
                reasons=list(finding.reasons), context=[dict(c) for c in finding.context],
                flagged_by=flagged_by, said_at=finding.said_at,
                status=OPEN, created_at=now)).inserted_primary_key[0])
        if row.status == OPEN:
            reasons = list(row.reasons) + [r for r in finding.reasons if r not in row.reasons]
            s.execute(sa.update(_ITEMS).where(_ITEMS.c.id == row.id).values(
                reasons=reasons, context=[dict(c) for c in finding.context],
                flagged_by=row.flagged_by or flagged_by))
        return int(row.id)

    def open_items(self) -> List[InboxItem]:
        """The items not labelled yet, newest message first."""
        with self.store.session() as s:
            rows = s.execute(sa.select(_ITEMS).where(_ITEMS.c.status == OPEN)
                             .order_by(_ITEMS.c.said_at.desc(), _ITEMS.c.id.desc())).all()
        return [_item(row) for row in rows]

    def get(self, item_id: int) -> Optional[InboxItem]:
        with self.store.session() as s:
            row = s.execute(sa.select(_ITEMS).where(_ITEMS.c.id == item_id)).one_or_none()
        return _item(row) if row else None

    def done(self, item_id: int, label: str, example_file: Optional[str], by: str, now: datetime) -> bool:
        """Mark the open item labelled; False when it was not open (someone else was first)."""
        with self.store.session() as s, s.begin():
            changed = s.execute(sa.update(_ITEMS).where(_ITEMS.c.id == item_id, _ITEMS.c.status == OPEN).values(
                status=DONE, label=label, example_file=example_file, labelled_by=by, done_at=now)).rowcount
        return bool(changed == 1)
