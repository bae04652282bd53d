"""Data stored before sender ids had namespaces (bot/identity.py) moves to the new ids: the
complaint store by its Alembic revision 0007, Rasa's trackers by `python -m bot migrate-sender-ids`.
Both on SQLite and PostgreSQL, on databases filled the old way."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage import ComplaintDraft, ComplaintStore, EvidenceStore, migrations
from rasa_ext.tracker_store import TunedSQLTrackerStore

REPO_ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))


def _file(store: ComplaintStore, channel: str, sender: str) -> str:
    complaint = store.create(ComplaintDraft(
        channel=channel, sender_id=sender, conversation_id=sender, category="quality", description="耳机坏了",
        first_response_due=NOW + timedelta(hours=2), resolution_due=NOW + timedelta(days=3)), NOW)
    return complaint.public_id


def test_revision_0007_moves_complaints_evidence_and_unanswered_messages(database_url: str) -> None:
    store = ComplaintStore(database_url, timezone="Asia/Shanghai")
    try:
        migrations.upgrade(store.engine, "0006")  # the schema the old code wrote into
        filed = {(channel, sender): _file(store, channel, sender)
                 for channel, sender in [("tg", "123456"), ("wechat", "oUser123"), ("webchat", "a1b2c3d4e5f6"),
                                         ("rest", "tg:123456"), ("cmdline", "default")]}
        with store.engine.begin() as db:  # the columns evidence had then (later ones are unknown to 0006)
            db.execute(sa.text(
                "INSERT INTO evidence (channel, sender_id, complaint_id, kind, media_id, details, created_at) "
                "SELECT 'wechat', 'oUser123', id, 'image', 'm1', '{}', :now FROM complaints WHERE public_id = :filed"),
                {"now": NOW, "filed": filed[("wechat", "oUser123")]})
        EvidenceStore(store).mark_unreachable("tg", "123456", NOW)
        store.record_unanswered("tg", "123456", "人呢", "action_failed", NOW)
        store.record_unanswered("tg", "unknown", "{broken", "malformed", NOW)

        migrations.upgrade(store.engine)

        for (channel, old), new in {("tg", "123456"): "tg:123456", ("wechat", "oUser123"): "wechat:oUser123",
                                    ("webchat", "a1b2c3d4e5f6"): "web:a1b2c3d4e5f6",
                                    ("rest", "tg:123456"): "rest:tg:123456",
                                    ("cmdline", "default"): "default"}.items():
            [complaint] = store.for_customer(channel, new)
            assert complaint.public_id == filed[(channel, old)]
            assert complaint.conversation_id == complaint.sender_id == new
        assert store.for_customer("tg", "123456") == []
        assert EvidenceStore(store).is_unreachable("tg", "tg:123456")
        [evidence] = EvidenceStore(store).for_complaint(filed[("wechat", "oUser123")])
        assert evidence.sender_id == "wechat:oUser123"
        assert {(m.sender_id, m.text) for m in store.unanswered()} == {("tg:123456", "人呢"), ("unknown", "{broken")}

        migrations.upgrade(store.engine, "0007")  # at head already: nothing moves twice
        assert [c.sender_id for c in store.for_customer("tg", "tg:123456")] == ["tg:123456"]
    finally:
        store.close()


class Conversation:
    """Events of one conversation, as Rasa stored them, with increasing timestamps."""

    def __init__(self) -> None:
        self.clock = 1_800_000_000.0

    def at(self, event: Event) -> Event:
        self.clock += 1
        event.timestamp = self.clock
        return event

    def events(self, *channels: Optional[str], turns_each: int = 1) -> List[Event]:
        """A session, then `turns_each` customer messages from each of `channels`, answered."""
        events = [self.at(ActionExecuted("action_session_start")), self.at(SessionStarted()),
                  self.at(ActionExecuted("action_listen"))]
        for channel in channels:
            for turn in range(turns_each):
                events += [self.at(UserUttered(f"你好{turn}", {"name": "greet", "confidence": 0.9},
                                               input_channel=channel)),
                           self.at(ActionExecuted("utter_greet")), self.at(BotUttered("您好")),
                           self.at(ActionExecuted("action_listen"))]
        return events


async def _store_old_way(store: TunedSQLTrackerStore, sender: str, events: List[Event]) -> None:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


def _migrate_command(database_url: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", "migrate-sender-ids", "--tracker-url", database_url],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


async def test_migrate_sender_ids_moves_stored_conversations_by_their_channel(database_url: str) -> None:
    store = TunedSQLTrackerStore(DOMAIN, host=database_url, max_events=20)
    old = {"123456": ("tg",), "oUser123": ("wechat",), "a1b2c3d4e5f6": ("webchat",), "me": ("rest",),
           "tg:999": ("rest",), "654321": ("rest", "tg"), "default": ("cmdline",), "555": ("tg",),
           "tg:555": ("tg",)}
    for sender, channels in old.items():
        await _store_old_way(store, sender, Conversation().events(*channels))
    await _store_old_way(store, "nobody", Conversation().events())
    await _store_old_way(store, "777", Conversation().events("tg", turns_each=30))
    assert await store.retrieve("777"), "read once: the long conversation has its snapshot"

    output = _migrate_command(database_url)

    moved = {"123456": "tg:123456", "oUser123": "wechat:oUser123", "a1b2c3d4e5f6": "web:a1b2c3d4e5f6",
             "me": "rest:me", "tg:999": "rest:tg:999", "654321": "tg:654321", "777": "tg:777"}
    for before, after in moved.items():
        tracker = await store.retrieve(after)
        assert tracker is not None and tracker.latest_message.text.startswith("你好"), after
        assert await store.retrieve(before) is None, before
    assert "7 conversation(s) moved" in output
    for left in ("default", "nobody", "555", "tg:555"):
        assert await store.retrieve(left) is not None, left
    assert "tg:555 exists already" in output
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT sender_id FROM tracker_snapshots")).scalars().all() == ["tg:777"]
    engine.dispose()

    assert "0 conversation(s) moved" in _migrate_command(database_url), "running it again changes nothing"
