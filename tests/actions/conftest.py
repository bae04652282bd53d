"""Action tests run the real actions against real trackers and a real (SQLite) store."""
from __future__ import annotations

import pytest

from actions.runtime import services
from bot.storage import shared_store


@pytest.fixture(autouse=True)
def fresh_services(tmp_path, monkeypatch):
    """Each test gets its own migrated complaint database."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'complaints.db'}")
    services.cache_clear()
    shared_store.cache_clear()
    services().store.migrate()
    yield services()
    services().store.close()
    services.cache_clear()
    shared_store.cache_clear()
