"""The complaint store on SQLite and PostgreSQL (see the `database_url` fixture)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage import Complaint, ComplaintDraft, ComplaintNotFound, ComplaintStore, migrations
from bot.storage.models import metadata

REPO_ROOT = Path(__file__).resolve().parents[3]
UTC = timezone.utc
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 11:00 on 2026-11-22 in Shanghai


def draft(**changes: object) -> ComplaintDraft:
    """A minimal valid draft; keyword arguments override fields."""
    fields: dict = dict(
        channel="wechat",
        sender_id="oUser123",
        conversation_id="oUser123",
        category="quality",
        description="屏幕有划痕",
        first_response_due=NOW + timedelta(hours=2),
        resolution_due=NOW + timedelta(days=3),
    )
    fields.update(changes)
    return ComplaintDraft(**fields)




# -- schema -----------------------------------------------------------------------------------


def test_migrate_creates_the_schema_in_an_empty_database(database_url: str) -> None:
    store = ComplaintStore(database_url)
    try:
        assert migrations.current_revision(store.engine) is None
        store.migrate()
        tables = set(sa.inspect(store.engine).get_table_names())
        assert {"customers", "complaints", "daily_sequences", "alembic_version"} <= tables
        assert migrations.current_revision(store.engine) == migrations.head_revision()
    finally:
        store.close()


def test_models_and_migrations_agree(store: ComplaintStore) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == [], "bot/storage/models.py differs from the migrations: add an Alembic revision"


def test_migrate_command_can_run_twice(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}

    def migrate() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    head = migrations.head_revision()
    assert f"migrated from revision (empty) to {head}" in migrate()
    assert f"already at revision {head}" in migrate()


# -- filing and reading -------------------------------------------------------------------------


def test_a_complaint_round_trips_with_every_field(store: ComplaintStore) -> None:
    full = draft(
        channel="telegram",
        sender_id="42",
        conversation_id="tg-42",
        category="refund_return",
        description="退款申请已提交两周，至今未到账。客服态度也很差！",
        incident_time_text="上周三",
        incident_date=date(2026, 11, 11),
        order_number="DD2026111100042",
        product="无线耳机 Pro",
        amount=Decimal("1299.90"),
        desired_remedy="refund",
        contact_phone="13800138000",
        script="traditional",
        anger_level="high",
        escalation_reasons=["repeat_contact", "amount_over_threshold"],
        remedy_due=date(2026, 11, 29),
        display_name="小王",
    )
    created = store.create(full, NOW)
    assert created == store.get(created.public_id)
    assert created == Complaint(
        id=created.id,
        public_id="TS-20261122-0001",
        channel="telegram",
        sender_id="42",
        conversation_id="tg-42",
        category="refund_return",
        description="退款申请已提交两周，至今未到账。客服态度也很差！",
        incident_time_text="上周三",
        incident_date=date(2026, 11, 11),
        order_number="DD2026111100042",
        product="无线耳机 Pro",
        amount=Decimal("1299.90"),
        desired_remedy="refund",
        contact_phone="13800138000",
        script="traditional",
        anger_level="high",
        escalation_reasons=("repeat_contact", "amount_over_threshold"),
        status="open",
        first_response_due=NOW + timedelta(hours=2),
        resolution_due=NOW + timedelta(days=3),
        remedy_due=date(2026, 11, 29),
        customer_accepted=None,
        resolution=None,
        first_response_at=None,
        resolved_at=None,
        created_at=NOW,
        updated_at=NOW,
    )
    read = store.get(created.public_id)
    assert isinstance(read.amount, Decimal) and str(read.amount) == "1299.90"
    assert read.created_at.tzinfo is not None and read.created_at.utcoffset() == timedelta(0)


def test_optional_fields_default_to_empty(store: ComplaintStore) -> None:
    read = store.get(store.create(draft(), NOW).public_id)
    assert (read.amount, read.incident_date, read.escalation_reasons, read.script) == (None, None, (), "simplified")


def test_create_returns_what_get_reads_back(store: ComplaintStore) -> None:
    shanghai_now = NOW.astimezone(timezone(timedelta(hours=8)))
    created = store.create(draft(amount=Decimal("12.5")), shanghai_now)
    assert created == store.get(created.public_id)
    assert str(created.amount) == "12.50"
    assert created.created_at == NOW and created.created_at.tzinfo == UTC


# -- public IDs -------------------------------------------------------------------------------


def test_ids_count_up_per_shanghai_day_and_restart_the_next_day(store: ComplaintStore) -> None:
    ids = [
        store.create(draft(), NOW).public_id,
        store.create(draft(), datetime(2026, 11, 22, 15, 59, tzinfo=UTC)).public_id,  # 23:59 Shanghai
        store.create(draft(), datetime(2026, 11, 22, 17, 0, tzinfo=UTC)).public_id,  # 01:00 on the 23rd
        store.create(draft(), datetime(2026, 11, 23, 9, 0, tzinfo=UTC)).public_id,
    ]
    assert ids == ["TS-20261122-0001", "TS-20261122-0002", "TS-20261123-0001", "TS-20261123-0002"]


def test_the_configured_time_zone_decides_the_day(database_url: str) -> None:
    store = ComplaintStore(database_url, timezone="UTC")
    try:
        store.migrate()
        assert store.create(draft(), datetime(2026, 11, 22, 17, 0, tzinfo=UTC)).public_id == "TS-20261122-0001"
    finally:
        store.close()


def _create_concurrently(store: ComplaintStore, threads: int = 8, each: int = 5) -> list[str]:
    start = threading.Barrier(threads)
    ids: list[str] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                created = store.create(draft(sender_id=f"user-{n}", conversation_id=f"user-{n}-{i}"), NOW)
                ids.append(created.public_id)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    return ids


def test_concurrent_creates_get_unique_consecutive_ids(store: ComplaintStore) -> None:
    ids = _create_concurrently(store)
    assert sorted(ids) == [f"TS-20261122-{n:04d}" for n in range(1, 41)]


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """Complaints hold phone numbers: not for other users of the machine, whatever the umask."""
    old_umask = os.umask(0o022)
    try:
        store = ComplaintStore(f"sqlite:///{tmp_path / 'new' / 'complaints.db'}")
        store.migrate()
        store.create(draft(contact_phone="13812345678"), NOW)
        store.close()
        (tmp_path / "old.db").touch(mode=0o644)  # made by an earlier version
        ComplaintStore(f"sqlite:///{tmp_path / 'old.db'}").close()
    finally:
        os.umask(old_umask)
    files = [tmp_path / "old.db", *(tmp_path / "new").iterdir()]
    assert tmp_path / "new" / "complaints.db" in files
    assert {file.name: oct(file.stat().st_mode & 0o777) for file in files} == \
        {file.name: "0o600" for file in files}


def test_complaints_can_be_read_while_another_process_writes(tmp_path: Path) -> None:
    """The action server, the worker and the agents' console share one SQLite file: a write in
    progress (another process's transaction) does not make a customer's progress question or an
    agent's page wait for it, and what was committed before is what they read."""
    url = f"sqlite:///{tmp_path / 'complaints.db'}"
    store = ComplaintStore(url)
    store.migrate()
    recorded = store.create(draft(), NOW)
    writer = sqlite3.connect(tmp_path / "complaints.db", isolation_level=None, timeout=0)
    reader = ComplaintStore(url)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE complaints SET status = 'closed'")
        answer: list = []
        thread = threading.Thread(target=lambda: answer.append(reader.get(recorded.public_id)), daemon=True)
        thread.start()
        thread.join(timeout=5)
        assert answer and answer[0].status == recorded.status, "the read waited for the writer"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.close()
        store.close()


def test_ids_are_safe_on_sqlite_without_returning(tmp_path: Path) -> None:
    """The fallback for SQLite older than 3.35 (no RETURNING) is just as safe.
    (PostgreSQL always uses INSERT ... ON CONFLICT ... RETURNING.)"""
    store = ComplaintStore(f"sqlite:///{tmp_path / 'complaints.db'}")
    store.migrate()
    store._upsert_returning = False
    ids = _create_concurrently(store, threads=4, each=3)
    assert sorted(ids) == [f"TS-20261122-{n:04d}" for n in range(1, 13)]


# -- lookups ----------------------------------------------------------------------------------


def test_latest_for_customer_only_sees_that_channel_and_sender(store: ComplaintStore) -> None:
    first = store.create(draft(channel="wechat", sender_id="same-id", description="第一次"), NOW)
    latest = store.create(draft(channel="wechat", sender_id="same-id", description="第二次"), NOW + timedelta(hours=1))
    other_channel = store.create(draft(channel="telegram", sender_id="same-id"), NOW + timedelta(hours=2))
    store.create(draft(channel="wechat", sender_id="someone-else"), NOW + timedelta(hours=3))

    assert store.latest_for_customer("wechat", "same-id") == latest
    assert store.latest_for_customer("telegram", "same-id") == other_channel
    assert store.latest_for_customer("wechat", "nobody") is None
    assert store.for_customer("wechat", "same-id") == [latest, first]
    assert store.for_customer("web", "same-id") == []


def test_newest_first_even_within_the_same_instant(store: ComplaintStore) -> None:
    a, b = store.create(draft(), NOW), store.create(draft(), NOW)
    assert [c.public_id for c in store.for_customer("wechat", "oUser123")] == [b.public_id, a.public_id]


def test_get_ignores_letter_case_and_spaces(store: ComplaintStore) -> None:
    created = store.create(draft(), NOW)
    assert store.get(" ts-20261122-0001 ") == created
    assert store.get("TS-20261122-0002") is None


def test_display_name_is_kept_and_updated(store: ComplaintStore) -> None:
    store.create(draft(display_name="小王"), NOW)
    store.create(draft(), NOW)  # no name given: keep the old one
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT display_name FROM customers")).scalars().all() == ["小王"]


# -- updates ----------------------------------------------------------------------------------


def test_set_status_updates_status_and_updated_at(store: ComplaintStore) -> None:
    created = store.create(draft(), NOW)
    later = NOW + timedelta(hours=5)
    updated = store.set_status("ts-20261122-0001", "in_progress", later)
    assert updated == replace(created, status="in_progress", updated_at=later)
    assert store.get(created.public_id) == updated


def test_set_status_refuses_unknown_statuses_and_ids(store: ComplaintStore) -> None:
    store.create(draft(), NOW)
    with pytest.raises(ValueError, match="status must be one of open, in_progress, resolved, closed"):
        store.set_status("TS-20261122-0001", "done", NOW)
    with pytest.raises(ComplaintNotFound, match="TS-20261122-0099"):
        store.set_status("TS-20261122-0099", "closed", NOW)


def test_record_acceptance(store: ComplaintStore) -> None:
    created = store.create(draft(), NOW)
    later = NOW + timedelta(days=1)
    assert store.record_acceptance(created.public_id, False, later).customer_accepted is False
    updated = store.record_acceptance(created.public_id, True, later)
    assert (updated.customer_accepted, updated.updated_at) == (True, later)
    with pytest.raises(ComplaintNotFound):
        store.record_acceptance("TS-19990101-0001", True, later)


# -- drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": "rude"}, r"category must be one of the categories in data/labels.yml \(quality, delivery"),
        ({"desired_remedy": "money"}, r"desired_remedy must be one of the remedies in data/labels.yml \(refund, "),
        ({"script": "latin"}, "script must be one of simplified, traditional"),
        ({"first_response_due": datetime(2026, 11, 22, 12)}, "first_response_due must be timezone-aware"),
        ({"amount": "a lot"}, "amount must be a number"),
        ({"description": ""}, "description must not be empty"),
        ({"order_number": "9" * 65}, "order_number is 65 characters long; the store keeps at most 64"),
    ],
)
def test_drafts_refuse_bad_values(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draft(**changes)


def test_drafts_normalise_values() -> None:
    normalised = draft(amount=12.5, escalation_reasons=["angry"])
    assert (normalised.amount, normalised.escalation_reasons) == (Decimal("12.5"), ("angry",))


def test_create_refuses_a_naive_now(store: ComplaintStore) -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        store.create(draft(), datetime(2026, 11, 22, 11, 0))


def test_unanswered_messages_are_kept_until_handled_oldest_first(store: ComplaintStore) -> None:
    later = NOW.replace(hour=4)
    store.record_unanswered("rest", "dora", "我的快递还没到，电话13812345678", "no_reply", later)
    store.record_unanswered("webchat", "eve", "在吗？？", "error", NOW)
    pending = store.unanswered()
    assert [(m.sender_id, m.reason) for m in pending] == [("eve", "error"), ("dora", "no_reply")]
    assert pending[1].text == "我的快递还没到，电话13812345678" and pending[1].created_at == later
    assert [m.sender_id for m in store.unanswered(since=later)] == ["dora"]
