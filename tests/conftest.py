"""Fixtures shared by all tests."""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser

from tests.auxil.browser import chromium
from tests.auxil.services import require_service

DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the browser tests (tests/auxil/browser.py)."""
    yield from chromium()


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session, dropped at the end.

    The server is `TEST_POSTGRES_URL` (default postgresql://postgres@127.0.0.1:5432/postgres);
    unreachable: skipped loudly, or failed when CI=true.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    server_url = make_url(os.environ.get("TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL)
    shown = server_url.render_as_string(hide_password=True)
    admin = sa.create_engine(
        server_url, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"complaints_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        require_service("PostgreSQL", f"not reachable at {shown} ({' '.join(str(exc.orig).split())})")
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres_schema(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database: a SQLite file under tmp_path, or the session's PostgreSQL database
    with its public schema emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'complaints.db'}"
    url = request.getfixturevalue("postgres_database_url")
    _empty_postgres_schema(url)
    return url


def pytest_collection_modifyitems(items: list) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread from its first use to the end of the session, and async tests after it could not run."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
