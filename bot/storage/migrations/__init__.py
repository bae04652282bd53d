"""Alembic migrations of the complaint store, run programmatically (`python -m bot migrate`).

To add a revision after changing `bot/storage/models.py`:
`.venv/bin/alembic -c bot/storage/migrations/alembic.ini revision --autogenerate --rev-id 0002 -m "what changed"`
(uses DATABASE_URL; point it at a database migrated to head), then review the generated file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent

# Any constant works: it only has to be the same for every process migrating this database.
_PG_MIGRATION_LOCK_ID = 0x7C0_3A1F


def alembic_config(connection: Optional[Connection] = None, url: Optional[str] = None) -> Config:
    """An Alembic `Config` for these migrations, without an alembic.ini.

    Give `connection` to run inside the caller's transaction, or `url` to let Alembic connect.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision id in `versions/`."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no Alembic revisions found in {MIGRATIONS_DIR / 'versions'}"
    return head


def current_revision(engine: Engine) -> Optional[str]:
    """The revision the database at `engine` is at, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database at `engine` to `revision`; a no-op when it is already there.

    On PostgreSQL an advisory lock serialises processes that start at the same time.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_MIGRATION_LOCK_ID})
        command.upgrade(alembic_config(connection=connection), revision)
