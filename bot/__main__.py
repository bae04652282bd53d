"""Command line of the complaint assistant's core: `python -m bot <command>`.

Add a command by writing `add_<name>_command(subparsers)` that registers a subparser with
`set_defaults(run=...)`, and listing it in `COMMANDS`; `run(args)` returns the exit status.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Optional, Sequence

from bot.settings import Settings


def _migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from bot import migrations
    from bot.store import ComplaintStore

    try:
        settings = Settings.load()
        store = ComplaintStore(args.database_url or settings.database_url, timezone=settings.timezone)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    shown = store.engine.url.render_as_string(hide_password=True)
    try:
        before = migrations.current_revision(store.engine)
        store.migrate()
        after = migrations.current_revision(store.engine)
    except OperationalError as exc:
        print(f"error: cannot migrate {shown}: {str(exc.orig).strip()}", file=sys.stderr)
        print("       Is the database server running and DATABASE_URL right?", file=sys.stderr)
        return 1
    finally:
        store.close()
    if before == after:
        print(f"{shown}: already at revision {after} (head), nothing to do")
    else:
        print(f"{shown}: migrated from revision {before or '(empty)'} to {after} (head)")
    return 0


def add_migrate_command(subparsers: argparse._SubParsersAction) -> None:
    """`migrate`: upgrade the complaint store's schema to the newest revision."""
    parser = subparsers.add_parser(
        "migrate",
        help="create or upgrade the complaint store's tables (safe to run again)",
        description="Upgrade the database at DATABASE_URL (default sqlite:///var/complaints.db) "
        "to the newest schema revision.",
    )
    parser.add_argument("--database-url", help="use this SQLAlchemy URL instead of DATABASE_URL")
    parser.set_defaults(run=_migrate)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_migrate_command]


def build_parser() -> argparse.ArgumentParser:
    """The `python -m bot` argument parser with every command in `COMMANDS`."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
