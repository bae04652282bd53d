"""A real fault of the store, for one customer: the test stack's SQLite database refuses their
evidence (a trigger aborts the insert, as a full disk or a broken table would), while everything
else, the unanswered messages included, works."""
from __future__ import annotations

import re
import secrets
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa


@contextmanager
def evidence_refused(database_url: str, sender: str) -> Iterator[None]:
    """While inside, storing evidence from `sender` (under any sender-id prefix) fails."""
    assert re.fullmatch(r"[\w-]+", sender), "a sender id that needs no quoting"
    trigger = f"refuse_evidence_{secrets.token_hex(4)}"
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(
                f"CREATE TRIGGER {trigger} BEFORE INSERT ON evidence WHEN instr(NEW.sender_id, '{sender}') > 0 "
                "BEGIN SELECT RAISE(ABORT, 'the store refuses this evidence'); END"))
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
        engine.dispose()
