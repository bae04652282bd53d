"""Conversations stored before sender ids had namespaces (`bot.identity`), moved to the new ids in
Rasa's SQL tracker store (`python -m bot migrate-sender-ids`; the complaint store's own revision
0007 moves complaints).

A conversation's channel is the `input_channel` of its latest customer message, as the actions
decided it when they stored a complaint; its events and its snapshot (rasa_ext/tracker_store.py)
get the sender id `<namespace>:<old id>`. Left as they are: conversations already in their
channel's namespace (so running it again changes nothing), conversations without a customer
message or of a channel without a namespace, and any whose new id is taken.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.identity import NAMESPACES, platform_id, sender_id

EVENTS = "events"
SNAPSHOTS = "tracker_snapshots"


@dataclass
class Outcome:
    """What a migration did: conversations moved, and those left with the reason."""

    moved: List[str] = field(default_factory=list)
    left: List[str] = field(default_factory=list)


def migrate_tracker_store(engine: Engine) -> Outcome:
    """Move every conversation of the tracker store at `engine` to its namespaced sender id, in one
    transaction."""
    outcome = Outcome()
    tables = set(sa.inspect(engine).get_table_names())
    if EVENTS not in tables:
        return outcome
    with engine.begin() as connection:
        senders = connection.execute(sa.text(f"SELECT DISTINCT sender_id FROM {EVENTS}")).scalars().all()
        for old in senders:
            channel = _latest_input_channel(connection, old)
            if channel not in NAMESPACES:
                outcome.left.append(f"{old}: no customer message of a channel with a namespace ({channel})")
                continue
            if platform_id(channel, old) is not None:
                continue  # already moved
            new = sender_id(channel, old)
            if new in senders:
                outcome.left.append(f"{old}: {new} exists already")
                continue
            for table in (EVENTS, SNAPSHOTS) if SNAPSHOTS in tables else (EVENTS,):
                connection.execute(sa.text(f"UPDATE {table} SET sender_id = :new WHERE sender_id = :old"),
                                   {"new": new, "old": old})
            outcome.moved.append(f"{old} -> {new}")
    return outcome


def _latest_input_channel(connection: Connection, sender: str) -> Optional[str]:
    """The `input_channel` of the conversation's latest customer message, or None."""
    rows = connection.execute(sa.text(
        f"SELECT data FROM {EVENTS} WHERE sender_id = :sender AND type_name = 'user' ORDER BY id DESC"),
        {"sender": sender}).all()
    for (data,) in rows:
        try:
            channel = json.loads(data).get("input_channel")
        except (TypeError, ValueError, AttributeError):
            continue
        if channel:
            return str(channel)
    return None
