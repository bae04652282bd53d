"""Rasa's SQL tracker store, with SQLite set up for a server that writes every turn.

On SQLite (the embedded default) every saved turn was a rollback-journal commit with two disk
syncs, a third of a turn's time. Here the database uses write-ahead logging with
`synchronous=NORMAL`: one sequential write per turn, readers never blocked by the writer, and
the database stays consistent after a crash (a power cut may lose the last turns of
conversations, never the complaints, which live in the complaint store), and connections are
kept open between turns. Other databases
(PostgreSQL in production) are used exactly as Rasa's own `SQLTrackerStore` uses them.
"""
from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool


def _write_ahead_logging(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


class TunedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with write-ahead logging on SQLite; configured in endpoints.yml
    as `type: rasa_ext.tracker_store.TunedSQLTrackerStore` with the usual SQL settings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool): keep a
            # few open instead, each set up once.
            self.engine = sa.create_engine(self.engine.url, poolclass=QueuePool, pool_size=2,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _write_ahead_logging)
            self.sessionmaker = sessionmaker(bind=self.engine)
