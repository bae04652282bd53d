"""Fixtures of the core's tests."""
from __future__ import annotations

from typing import Iterator

import pytest

from bot.escalation import EscalationConfig, load_escalation_config
from bot.storage import ComplaintStore


@pytest.fixture
def store(database_url: str) -> Iterator[ComplaintStore]:
    """A migrated complaint store on an empty database (SQLite and PostgreSQL), Shanghai time."""
    store = ComplaintStore(database_url, timezone="Asia/Shanghai")
    store.migrate()
    yield store
    store.close()


@pytest.fixture(scope="module")
def config() -> EscalationConfig:
    """The escalation rules as configured (config/escalation.yml)."""
    return load_escalation_config()
