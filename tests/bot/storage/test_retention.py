"""The retention command masks personal data kept longer than the retention period, in Rasa's
real tracker store and the complaint store (SQLite and PostgreSQL), and leaves alone what an
unfinished or recently changed complaint still needs."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from cli.commands import main
from bot.storage import ComplaintDraft, ComplaintStore
from rasa_ext.tracker_store import TunedSQLTrackerStore

NOW = datetime.now(timezone.utc)
OLD = NOW - timedelta(days=200)
PHONE, MASKED = "13812345678", "138****5678"
DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  contact_phone: {type: text, mappings: [{type: custom}]}
""")


def _tracker_store(database_url: str, tmp_path: Path) -> TunedSQLTrackerStore:
    """Rasa's tracker store as endpoints.yml configures it: a SQLite file of its own, or the
    complaint store's PostgreSQL database (as in the scale-out setup)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return TunedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    return TunedSQLTrackerStore(DOMAIN, dialect="postgresql", host=url.host, port=url.port, db=url.database,
                                username=url.username, password=url.password)


def _file(store: ComplaintStore, conversation: str, status: str, changed: datetime) -> str:
    complaint = store.create(ComplaintDraft(
        channel="wechat", sender_id=conversation, conversation_id=conversation, category="quality",
        description=f"耳机坏了，打{PHONE}或发zhang.san@qq.com", contact_phone=PHONE,
        first_response_due=changed + timedelta(hours=2), resolution_due=changed + timedelta(days=3)), changed)
    if status != "open":
        store.set_status(complaint.public_id, status, changed)
    return complaint.public_id


async def _converse(tracker_store: TunedSQLTrackerStore, store: ComplaintStore, conversation: str,
                    when: datetime) -> None:
    stamp = when.timestamp()
    await tracker_store.save(DialogueStateTracker.from_events(conversation, [
        UserUttered(f"我的电话是{PHONE}", {"name": "inform"}, timestamp=stamp,
                    parse_data={"text": f"我的电话是{PHONE}", "entities": [{"entity": "phone", "value": PHONE}]}),
        SlotSet("contact_phone", PHONE, timestamp=stamp),
        BotUttered(f"好的，电话{PHONE}已记下", timestamp=stamp),
    ], DOMAIN.slots))
    store.record_unanswered("wechat", conversation, f"<xml>电话{PHONE}", "malformed", when)


async def _texts(tracker_store: TunedSQLTrackerStore, conversation: str) -> str:
    tracker = await tracker_store.retrieve_full_tracker(conversation)
    return str([event.as_dict() for event in tracker.events])


def _purge(capsys: pytest.CaptureFixture, tracker_store: TunedSQLTrackerStore, *options: str) -> str:
    url = tracker_store.engine.url.render_as_string(hide_password=False)
    assert main(["purge-personal-data", "--older-than", "180d", "--tracker-database-url", url, *options]) == 0
    return capsys.readouterr().out


async def test_old_personal_data_is_masked_unless_a_complaint_still_needs_it(
        store: ComplaintStore, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    tracker_store = _tracker_store(database_url, tmp_path)
    closed = _file(store, "closed-long-ago", "closed", OLD)
    open_ = _file(store, "still-open", "open", OLD)
    _file(store, "resolved-lately", "resolved", NOW - timedelta(days=10))
    for conversation in ("closed-long-ago", "still-open", "resolved-lately", "no-complaint"):
        await _converse(tracker_store, store, conversation, OLD)
    await _converse(tracker_store, store, "talked-today", NOW)

    dry = _purge(capsys, tracker_store, "--dry-run")
    assert "dry run" in dry and "tracker events: 6 masked" in dry
    assert PHONE in await _texts(tracker_store, "closed-long-ago"), "a dry run changes nothing"

    report = _purge(capsys, tracker_store)
    assert "finished complaints: 1 masked" in report
    assert "unanswered messages: 2 masked" in report
    assert "tracker events: 6 masked" in report  # 3 of the closed complaint's, 3 without a complaint
    for conversation in ("closed-long-ago", "no-complaint"):
        texts = await _texts(tracker_store, conversation)
        assert PHONE not in texts and MASKED in texts, conversation
    for conversation in ("still-open", "resolved-lately", "talked-today"):
        assert PHONE in await _texts(tracker_store, conversation), conversation
    masked = store.get(closed)
    assert masked.contact_phone == MASKED and "zhang.san" not in masked.description
    assert store.get(open_).contact_phone == PHONE
    kept = {message.sender_id: message.text for message in store.unanswered()}
    assert PHONE not in kept["closed-long-ago"] + kept["no-complaint"]
    assert all(PHONE in kept[c] for c in ("still-open", "resolved-lately", "talked-today"))
    retrieved = await tracker_store.retrieve("closed-long-ago")
    assert retrieved.get_slot("contact_phone") == MASKED, "Rasa still reads the masked conversation"

    again = _purge(capsys, tracker_store)
    assert "tracker events: 0 masked" in again and "unanswered messages: 0 masked" in again, "idempotent"
    tracker_store.engine.dispose()


def test_a_retention_period_that_is_no_period_is_refused(capsys: pytest.CaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'complaints.db'}")
    for bad in ("forever", "99999999999d", "2999-01-01"):
        assert main(["purge-personal-data", "--older-than", bad]) == 2
        assert "--older-than" in capsys.readouterr().err
