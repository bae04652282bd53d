"""Revision 0010 lets a case have no complaint: the cases stored before it keep their complaint
and get its customer, conversation and script; going back removes only the cases without one.
Both on SQLite and PostgreSQL, on databases filled the old way."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import command

from bot.escalation import Decision
from bot.handoff import load_handoff_settings
from bot.storage import AgentAccounts, ComplaintDraft, ComplaintStore, HandoffQueue, migrations

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
HUMAN = Decision("human_request", "P3", "客户要求转人工")


def test_revision_0010_keeps_the_cases_stored_before_it_and_going_back_drops_only_those_without(
        database_url: str) -> None:
    store = ComplaintStore(database_url, timezone="Asia/Shanghai")
    try:
        migrations.upgrade(store.engine, "0008")  # the schema the old code wrote into
        complaint = store.create(ComplaintDraft(
            channel="wechat", sender_id="wechat:oUser1", conversation_id="wechat:oUser1", category="quality",
            description="耳机坏了", script="traditional", first_response_due=NOW + timedelta(hours=2),
            resolution_due=NOW + timedelta(days=3)), NOW)
        with store.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO handoff_cases (complaint_id, reason, priority, explanation, decisions, status,"
                " claim_due, overdue, created_at) VALUES (:complaint, 'human_request', 'P3', '客户要求转人工',"
                " '[]', 'waiting', :now, :no, :now)"),
                {"complaint": complaint.id, "now": NOW.replace(tzinfo=None), "no": False})

        migrations.upgrade(store.engine)

        queue = HandoffQueue(store, load_handoff_settings(ZoneInfo("Asia/Shanghai")))
        [old] = queue.queue()
        assert old.complaint_id == complaint.public_id
        assert (old.channel, old.sender_id, old.conversation_id, old.script) == (
            "wechat", "wechat:oUser1", "wechat:oUser1", "traditional")
        without = queue.open_case_without_complaint("rest", "rest:ann", "rest:ann", "simplified", [HUMAN], NOW)
        agent = AgentAccounts(store).create("li", "客服li", "a-long-password", NOW)
        queue.add_note(without.id, agent.id, "客户还没说问题", NOW)

        with store.engine.begin() as connection:
            command.downgrade(migrations.alembic_config(connection=connection), "0008")
        with store.engine.connect() as connection:
            cases = connection.execute(sa.text("SELECT complaint_id FROM handoff_cases")).scalars().all()
            notes = connection.execute(sa.text("SELECT count(*) FROM case_notes")).scalar()
        assert (cases, notes) == ([complaint.id], 0)
    finally:
        store.close()

