"""Rasa's SQL tracker store, with SQLite set up for a server that writes every turn, and long
conversation sessions compacted so that a turn's work does not grow with the conversation.

On SQLite (the embedded default) every saved turn was a rollback-journal commit with two disk
syncs, a third of a turn's time. Here the database uses write-ahead logging with
`synchronous=NORMAL`: one sequential write per turn, readers never blocked by the writer, and
the database stays consistent after a crash (a power cut may lose the last turns of
conversations, never the complaints, which live in the complaint store), and connections are
kept open between turns. Other databases (PostgreSQL in production) get the same tables and
queries as with Rasa's own `SQLTrackerStore`, plus the snapshot table below. Rasa's store exits
the process on any ValueError in a database session, taking it for a missing PostgreSQL schema;
here only a missing schema does, and a value the database refuses (SQLite: a lone surrogate,
PostgreSQL: NUL) fails just its request, as `TrackerDataError`.
Rows leave out Rasa's copies of a message's metadata (a user event's `parse_data` repeats it;
the `session_started_metadata` slot, set at a session's first message, repeats it too: stored
without a long message's whole text), so that text is stored once, in its user event: a 10 MB
message was four copies.

Compaction. Rasa rebuilds the whole conversation session every turn (deserialises and replays
every event, the policies replay it again for their states, the action server receives it
whole), so a turn cost grew with the session's length. `retrieve` hands Rasa at most about
`max_events` events of the session: once there are more, the older ones are replaced by a short
synthetic prefix that reproduces the state where they were cut (Rasa's own events, applied by
Rasa's tracker: `SessionStarted`, a `SlotSet` per slot set in the session, `ConversationPaused`
if paused, the latest action and a pending follow-up action; and the slot `customer_script` set
to the script of the newest dropped customer message that shows one), followed by at least
`max_events / 2` events verbatim. The cut always falls just before a customer message, never
while a form is active (the tail grows until the form ends: a form's turns are collapsed by Rasa
relative to the form's earlier executions, which a prefix cannot reproduce). The state at the cut
is kept in the table `tracker_snapshots` (one row per conversation: the session it belongs to,
the id of the last event it covers, the prefix), so a retrieve reads only the events after it;
it is derived from stored events only, hence valid for every Rasa server sharing the database,
and ignored once a new session starts. `save` stores exactly the events added since `retrieve`.

What reads `tracker.events` then sees the session from the prefix on, which starts a stretch for
`bot.situation`: the escalation rules still see every message they act on (sustained anger reads
the last 3 messages, misunderstandings count at most 3 in a row, and any other reason hands the
conversation off on the message that shows it), and replies stay in the customer's script (from
the slot when no kept message shows one); but the story of a handoff without a described
complaint comes from the kept part.
`retrieve_full_tracker` (the HTTP API's GET tracker: the agents' transcript) is Rasa's, complete.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import logging
import weakref
from typing import Any, Dict, Iterator, List, Optional, Set, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.events import (ActionExecuted, ConversationPaused, Event, FollowupAction,
                                     SessionStarted, SlotSet, UserUttered, deserialise_events)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.metadata import FULL_TEXT_KEY
from bot.private_files import private_sqlite_file
from bot.storage.engine import write_ahead_logging
from bot.script import SCRIPT_SLOT, messages_script
from rasa_ext.patches import install

logger = logging.getLogger(__name__)

#: Default of the endpoints setting `max_events`: Rasa then sees 50 to 100 events (10 to 20
#: customer messages), and a turn late in a 200-turn conversation costs what one early in it does.
DEFAULT_MAX_EVENTS = 100

_METADATA = sa.MetaData()
_SNAPSHOTS = sa.Table(
    "tracker_snapshots", _METADATA,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("session_start", sa.Float),  # the session's `session_started` timestamp, as Rasa keys it
    sa.Column("event_id", sa.Integer, nullable=False),
    sa.Column("events", sa.Text, nullable=False),
)


def _stored_once(data: Dict[str, Any]) -> Dict[str, Any]:
    """An event's data without Rasa's copies of a message's metadata: a user event's
    `parse_data` repeats its metadata, and the `session_started_metadata` slot repeats the
    whole text of a long message (`FULL_TEXT_KEY`), which is stored once, in the user event."""
    if data.get("event") == UserUttered.type_name and "metadata" in data.get("parse_data", {}):
        return {**data, "parse_data": {key: value for key, value in data["parse_data"].items()
                                       if key != "metadata"}}
    if (data.get("event") == SlotSet.type_name and data.get("name") == SESSION_START_METADATA_SLOT
            and isinstance(data.get("value"), dict) and FULL_TEXT_KEY in data["value"]):
        return {**data, "value": {key: value for key, value in data["value"].items() if key != FULL_TEXT_KEY}}
    return data


def _event_row(sender_id: Text, event: Event) -> Dict[str, Any]:
    """The `events` row of `event`, as Rasa's `SQLTrackerStore.save` writes it, each part of a
    message stored once."""
    data = _stored_once(event.as_dict())
    return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data)}


def state_events(tracker: DialogueStateTracker, timestamp: float) -> List[Event]:
    """Events that give a fresh tracker the state of `tracker`: slots, pause, latest action and
    follow-up action (not an active form)."""
    events: List[Event] = [SessionStarted(timestamp=timestamp)]
    events += [SlotSet(name, slot.value, timestamp=timestamp)
               for name, slot in tracker.slots.items() if slot.has_been_set]
    if tracker.is_paused():
        events.append(ConversationPaused(timestamp=timestamp))
    if tracker.latest_action:
        events.append(ActionExecuted(tracker.latest_action.get("action_name"), timestamp=timestamp,
                                     action_text=tracker.latest_action.get("action_text")))
    if tracker.followup_action:
        events.append(FollowupAction(tracker.followup_action, timestamp=timestamp))
    return events


class TrackerDataError(RuntimeError):
    """A value the database cannot store or read (e.g. a lone surrogate in a sender id)."""


class TunedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with write-ahead logging on SQLite and compacted long sessions;
    configured in endpoints.yml as `type: rasa_ext.tracker_store.TunedSQLTrackerStore` with the
    usual SQL settings and optionally `max_events`."""

    def __init__(self, *args: Any, max_events: int = DEFAULT_MAX_EVENTS, **kwargs: Any) -> None:
        # Rasa builds its tracker store before it loads the model: a plain `rasa run` gets the
        # same server as the launcher (`python -m rasa_ext run`).
        install()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            # Conversations are personal data: the file (empty so far: Rasa just created its
            # tables) and, through it, its WAL files for the owner only.
            private_sqlite_file(self.engine.url.database)
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool): keep a
            # few open instead, each set up once.
            self.engine = sa.create_engine(self.engine.url, poolclass=QueuePool, pool_size=2,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", write_ahead_logging("NORMAL"))
            self.sessionmaker = sessionmaker(bind=self.engine)
        try:
            _METADATA.create_all(self.engine)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
            # Servers started together race to create it; one of them succeeds.
            logger.warning("Could not create the tracker snapshot table: %s", error)
        self.max_events = int(max_events)
        # id(tracker) -> how many of its events are stored, for the trackers `retrieve` returned.
        self._stored_counts: Dict[int, int] = {}
        # Conversations `retrieve` found nothing stored for.
        self._new_senders: Set[Text] = set()
        # Statements built once: SQLAlchemy's ORM query building and unit of work were a fifth
        # of a turn (py-spy), the SQL itself a small part of that.
        events, sender = self.SQLEvent.__table__, sa.bindparam("sender_id")
        # The latest session's start and the conversation's snapshot, in one round trip.
        session_start = sa.select(sa.func.max(events.c.timestamp)).where(
            events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        snapshot = {name: sa.select(_SNAPSHOTS.c[name]).where(_SNAPSHOTS.c.sender_id == sender)
                    .scalar_subquery().label(f"snapshot_{name}")
                    for name in ("session_start", "event_id", "events")}
        self._state_query = sa.select(session_start.scalar_subquery().label("session_start"),
                                      *snapshot.values())
        after = sa.select(events.c.id, events.c.data).where(
            events.c.sender_id == sender, events.c.id > sa.bindparam("after_id"))
        self._events_query = after.order_by(events.c.id)
        self._session_events_query = after.where(
            events.c.timestamp >= sa.bindparam("session_start")).order_by(events.c.id)
        self._insert_events = events.insert()

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Session]:
        """Rasa's session scope, which exits the process on any ValueError raised in it, taking
        it for its check that a configured PostgreSQL schema exists; that check still exits, a
        ValueError of the work in the scope (a value the database cannot take) is raised as a
        `TrackerDataError` instead."""
        with super().session_scope() as session:
            try:
                yield session
            except ValueError as error:
                raise TrackerDataError(str(error)) from error

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session, compacted to at most about `max_events` stored events."""
        with self.engine.connect() as connection:
            state = connection.execute(self._state_query, {"sender_id": sender_id}).one()
            session_start, after_id, prefix = state.session_start, 0, []
            if state.snapshot_event_id is not None and state.snapshot_session_start == session_start:
                after_id = state.snapshot_event_id
                prefix = deserialise_events(json.loads(state.snapshot_events))
            parameters = {"sender_id": sender_id, "after_id": after_id, "session_start": session_start}
            rows = connection.execute(self._events_query if session_start is None
                                      else self._session_events_query, parameters).all()
        if not self.domain or not (prefix or rows):
            # Nothing stored: the tracker Rasa creates next is saved from its first event.
            self._new_senders.add(sender_id)
            return None
        self._new_senders.discard(sender_id)  # stored meanwhile, e.g. by another server
        events = deserialise_events([json.loads(row.data) for row in rows])
        if len(events) > self.max_events:
            cut = self._cut(sender_id, prefix, events)
            if cut is not None:
                index, prefix = cut
                self._save_snapshot(sender_id, session_start, rows[index - 1].id, prefix)
                events = events[index:]
        tracker = DialogueStateTracker.from_events(sender_id, prefix + events, self.domain.slots)
        self._track(tracker, len(tracker.events))
        return tracker

    def _track(self, tracker: DialogueStateTracker, stored: int) -> None:
        """Remember that the first `stored` events of `tracker` are in the database."""
        if id(tracker) not in self._stored_counts:
            weakref.finalize(tracker, self._stored_counts.pop, id(tracker), None)
        self._stored_counts[id(tracker)] = stored

    def _cut(self, sender_id: Text, prefix: List[Event],
             events: List[Event]) -> Optional[Tuple[int, List[Event]]]:
        """(index, state events): the latest place in `events` that keeps at least
        `max_events / 2` after it and where a cut is safe, with the state there; None if none."""
        tracker = DialogueStateTracker.from_events(sender_id, prefix, self.domain.slots)
        cut, script = None, None
        for index, event in enumerate(events[:len(events) - self.max_events // 2 + 1]):
            if index and isinstance(event, UserUttered) and tracker.active_loop_name is None:
                state = state_events(tracker, events[index - 1].timestamp)
                if script is not None and SCRIPT_SLOT in tracker.slots:
                    state.append(SlotSet(SCRIPT_SLOT, script.value, timestamp=events[index - 1].timestamp))
                cut = index, state
            if isinstance(event, UserUttered):
                script = messages_script([event.text or ""]) or script
            tracker.update(event)
        return cut

    def _save_snapshot(self, sender_id: Text, session_start: Optional[float], event_id: int,
                       prefix: List[Event]) -> None:
        values = {"session_start": session_start, "event_id": event_id,
                  "events": json.dumps([event.as_dict() for event in prefix])}
        try:
            with self.engine.begin() as connection:
                if not connection.execute(_SNAPSHOTS.update().where(_SNAPSHOTS.c.sender_id == sender_id)
                                          .values(**values)).rowcount:
                    connection.execute(_SNAPSHOTS.insert().values(sender_id=sender_id, **values))
        except sa.exc.IntegrityError:
            pass  # another server stored a snapshot of this conversation first: as good as this one

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events: those added since `retrieve` returned it (or since
        it was created for a conversation with nothing stored), or for other trackers (e.g. the
        HTTP API's replaced ones) those beyond the stored session's count. The rows are Rasa's
        (`SQLTrackerStore.save`), inserted in one statement."""
        if tracker.sender_id in self._new_senders and id(tracker) not in self._stored_counts:
            self._new_senders.discard(tracker.sender_id)
            self._track(tracker, 0)
        await self.stream_events(tracker)
        if id(tracker) in self._stored_counts:
            rows = [_event_row(tracker.sender_id, event) for event in self._new_events(tracker)]
        else:
            with self.session_scope() as session:
                rows = [_event_row(tracker.sender_id, event)
                        for event in super()._additional_events(session, tracker)]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(self._insert_events, rows)
        if id(tracker) in self._stored_counts:
            self._stored_counts[id(tracker)] = len(tracker.events)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the events `save` stores to the event broker, if one is configured."""
        if self.event_broker is not None and id(tracker) in self._stored_counts:
            await self._stream_new_events(self.event_broker, list(self._new_events(tracker)),
                                          tracker.sender_id)
        else:
            await super().stream_events(tracker)

    def _new_events(self, tracker: DialogueStateTracker) -> Iterator[Event]:
        return itertools.islice(tracker.events, self._stored_counts[id(tracker)], None)
