"""Command line of the complaint assistant: `python -m bot <command>` (or `python -m cli <command>`).

Add a command by writing `add_<name>_command(subparsers)` that registers a subparser with
`set_defaults(run=...)`, and listing it in `COMMANDS`; `run(args)` returns the exit status.
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from bot.clock import utcnow
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.storage import AgentAccounts, ComplaintStore


def _migrate(args: argparse.Namespace) -> int:
    from bot.storage import ComplaintStore, DatabaseError, shown_url

    try:
        settings = Settings.load()
        store = ComplaintStore(args.database_url or settings.database_url, timezone=settings.timezone)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    shown = shown_url(store.engine)
    try:
        before = store.revision()
        store.migrate()
        after = store.revision()
    except DatabaseError as exc:
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


def _migrate_sender_ids(args: argparse.Namespace) -> int:
    from bot.storage import DatabaseError, migrate_tracker_store, missing_sqlite_file, shown_url, tracker_engine

    engine = tracker_engine(args.tracker_url)
    shown = shown_url(engine)
    if missing_sqlite_file(engine):
        print(f"{shown}: no such file yet, nothing to migrate")
        return 0
    try:
        outcome = migrate_tracker_store(engine)
    except DatabaseError as exc:
        print(f"error: cannot migrate {shown}: {str(exc.orig).strip()}", file=sys.stderr)
        print("       Is the database server running and --tracker-url right?", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for line in outcome.left:
        print(f"{shown}: left {line}", file=sys.stderr)
    print(f"{shown}: {len(outcome.moved)} conversation(s) moved to namespaced sender ids, "
          f"{len(outcome.left)} left as they were")
    return 0


def add_migrate_sender_ids_command(subparsers: argparse._SubParsersAction) -> None:
    """`migrate-sender-ids`: move conversations stored before sender id namespaces."""
    parser = subparsers.add_parser(
        "migrate-sender-ids",
        help="move Rasa's stored conversations to namespaced sender ids such as tg:123 (safe to run again)",
        description="Rewrite the sender ids in Rasa's SQL tracker store (tables events and "
        "tracker_snapshots) to their channel's namespace, the channel taken from each conversation's "
        "latest customer message. The complaint store moves with `python -m bot migrate`.")
    parser.add_argument("--tracker-url", default="sqlite:///var/tracker.db",
                        help="SQLAlchemy URL of the tracker store (default: endpoints.yml's, sqlite:///var/tracker.db)")
    parser.set_defaults(run=_migrate_sender_ids)


StoreCommand = Callable[[argparse.Namespace, Settings, "ComplaintStore"], int]


def _with_store(command: StoreCommand) -> Callable[[argparse.Namespace], int]:
    """`command` run with the settings and the (migrated) store, closed afterwards."""
    def run(args: argparse.Namespace) -> int:
        from bot.storage import ComplaintStore

        try:
            settings = Settings.load()
            store = ComplaintStore.from_settings(settings)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        try:
            store.migrate()
            return command(args, settings, store)
        finally:
            store.close()

    return run


def _start_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request, with the Rasa token


def _console(args: argparse.Namespace, settings: Settings, store: "ComplaintStore") -> int:
    from bot.config_check import require_valid_config
    from console.app import create_console_app

    require_valid_config()
    _start_logging()
    app = create_console_app(settings, store, run_worker=not args.no_worker)
    port = args.port or settings.console_port
    print(f"Agent console: http://{args.host}:{port}/agent (Rasa server {settings.rasa_url})", flush=True)
    app.run(host=args.host, port=port, access_log=False, motd=False)
    return 0


def add_console_command(subparsers: argparse._SubParsersAction) -> None:
    """`console`: serve the agent console (and run the job worker alongside)."""
    parser = subparsers.add_parser(
        "console", help="serve the agent console for the people who take handoffs",
        description="Serve the agent console at http://HOST:PORT/agent and run the job worker in "
        "the same process. Reads DATABASE_URL, RASA_URL, RASA_TOKEN, CONSOLE_PORT, AGENT_SESSION_HOURS.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default CONSOLE_PORT or 5006)")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not run the job worker here (run `python -m bot worker` instead)")
    parser.set_defaults(run=_with_store(_console))


def _worker(_: argparse.Namespace, settings: Settings, store: "ComplaintStore") -> int:
    from bot.config_check import require_valid_config
    from worker import run_until_signalled

    require_valid_config()
    _start_logging()
    run_until_signalled(settings, store)
    return 0


def add_worker_command(subparsers: argparse._SubParsersAction) -> None:
    """`worker`: run the persistent job worker alone."""
    parser = subparsers.add_parser(
        "worker", help="run due jobs (no-agent apologies, ...) until stopped",
        description="Run the job worker without the console (the console runs one itself).")
    parser.set_defaults(run=_with_store(_worker))


def _read_password(args: argparse.Namespace) -> str:
    """The new password: one line of stdin (--password-stdin), AGENT_PASSWORD, or typed twice."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("AGENT_PASSWORD"):
        return os.environ["AGENT_PASSWORD"]
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise ValueError("the two passwords differ; nothing changed")
    return password


def _agent_add(accounts: "AgentAccounts", args: argparse.Namespace) -> None:
    agent = accounts.create(args.username, args.name or args.username, _read_password(args), utcnow(),
                            role=args.role)
    print(f"{agent.role} {agent.username} ({agent.display_name}) added")


def _agent_passwd(accounts: "AgentAccounts", args: argparse.Namespace) -> None:
    if accounts.get(args.username) is None:
        raise LookupError(f"no agent named {args.username!r} (see `python -m bot agent list`)")
    accounts.set_password(args.username, _read_password(args))
    print(f"password of {args.username} changed; their open sessions ended")


def _agent_list(accounts: "AgentAccounts", _: argparse.Namespace) -> None:
    agents = accounts.all()
    for agent in agents:
        print(f"{agent.username}\t{agent.display_name}\t{'active' if agent.active else 'deactivated'}\t{agent.role}")
    if not agents:
        print("no agents yet: add one with `python -m bot agent add USERNAME --name 显示名`", file=sys.stderr)


def _agent_role(accounts: "AgentAccounts", args: argparse.Namespace) -> None:
    agent = accounts.set_role(args.username, args.role)
    role = {"supervisor": "a supervisor", "designer": "a conversation designer"}.get(agent.role, "an agent")
    print(f"{agent.username} ({agent.display_name}) is now {role}; it shows at their next page load")


def _agent_deactivate(accounts: "AgentAccounts", args: argparse.Namespace) -> None:
    if accounts.get(args.username) is None:
        raise LookupError(f"no agent named {args.username!r} (see `python -m bot agent list`)")
    accounts.deactivate(args.username)
    print(f"agent {args.username} deactivated: cannot log in, sessions ended")


def _agent(args: argparse.Namespace, _: Settings, store: "ComplaintStore") -> int:
    from bot.storage import AgentAccounts

    try:
        args.action(AgentAccounts(store), args)
    except (ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def add_agent_command(subparsers: argparse._SubParsersAction) -> None:
    """`agent add|passwd|role|list|deactivate`: the accounts of the people who use the console."""
    from bot.roles import AGENT, ROLES

    parser = subparsers.add_parser("agent", help="add agents, change passwords, list agents")
    actions = parser.add_subparsers(dest="agent_command", metavar="ACTION", required=True)
    password_help = "read the password from the first line of stdin (else AGENT_PASSWORD, else prompt)"
    add = actions.add_parser("add", help="add an agent who can log in to the console")
    add.add_argument("username")
    add.add_argument("--name", help="the name colleagues and customers see, e.g. 王芳")
    add.add_argument("--role", choices=ROLES, default=AGENT,
                     help="supervisor: also reads the reports, takes reopened low-satisfaction "
                          "cases and reassigns claimed cases; designer: reads and labels the inbox of "
                          "misunderstood messages, sees no cases (default: agent)")
    add.add_argument("--password-stdin", action="store_true", help=password_help)
    add.set_defaults(action=_agent_add)
    passwd = actions.add_parser("passwd", help="set a new password (ends the agent's sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help=password_help)
    passwd.set_defaults(action=_agent_passwd)
    role = actions.add_parser("role", help="change someone's role: agent, supervisor or designer")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(action=_agent_role)
    actions.add_parser("list", help="list agents: username, name, state, role").set_defaults(action=_agent_list)
    deactivate = actions.add_parser("deactivate", help="stop an agent from logging in")
    deactivate.add_argument("username")
    deactivate.set_defaults(action=_agent_deactivate)
    parser.set_defaults(run=_with_store(_agent))


def _report(args: argparse.Namespace, settings: Settings, store: "ComplaintStore") -> int:
    from pathlib import Path

    from console.report_output import chart_png, csv_report, text_report
    from bot.policies import load_policies
    from bot.reports import build_report, parse_moment

    now = utcnow()
    try:
        since = parse_moment(args.since, now, settings.tz)
        until = parse_moment(args.until, now, settings.tz) if args.until else now
        report = build_report(store, since, until, load_policies().resolution, settings.tz)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text_report(report, settings.tz), end="")
    if args.csv:
        Path(args.csv).write_text(csv_report(report), encoding="utf-8-sig")  # the BOM tells Excel it is UTF-8
        print(f"CSV 已写入：{args.csv}")
    if args.chart:
        Path(args.chart).write_bytes(chart_png(report))
        print(f"图表已写入：{args.chart}")
    return 0


def add_report_command(subparsers: argparse._SubParsersAction) -> None:
    """`report`: complaint figures over a time window, as a table, CSV and a chart."""
    parser = subparsers.add_parser(
        "report", help="complaint figures: categories, channels, escalations, response times, satisfaction",
        description="Print the figures of the complaints created in a window (bot/reports.py defines "
        "them); optionally write them as CSV and draw them as a PNG. Reads DATABASE_URL, COMPLAINT_TIMEZONE.")
    moment = "90d, 12h, an ISO date (local midnight) or date and time"
    parser.add_argument("--since", default="90d", help=f"start of the window: {moment} (default 90d)")
    parser.add_argument("--until", help=f"end of the window, not included: {moment} (default now)")
    parser.add_argument("--csv", metavar="FILE",
                        help="also write the figures as CSV (section,key,label,value; UTF-8 with BOM)")
    parser.add_argument("--chart", metavar="FILE.png", help="also draw the main figures as a PNG")
    parser.set_defaults(run=_with_store(_report))


def _purge_personal_data(args: argparse.Namespace, settings: Settings, store: "ComplaintStore") -> int:
    from bot.reports import parse_moment
    from bot.storage import DatabaseError, missing_sqlite_file, purge_personal_data, shown_url, tracker_engine

    now = utcnow()
    try:
        before = parse_moment(args.older_than, now, settings.tz)
    except (ValueError, OverflowError) as exc:
        print(f"error: --older-than: {exc}", file=sys.stderr)
        return 2
    if before > now:
        print(f"error: --older-than must lie in the past; got {args.older_than!r}", file=sys.stderr)
        return 2
    engine = tracker_engine(args.tracker_database_url or settings.tracker_database_url)
    if missing_sqlite_file(engine):
        print(f"no tracker database at {shown_url(engine)}: conversations skipped")
        engine.dispose()
        engine = None
    print(f"Masking phone numbers, ID numbers and e-mail addresses stored before "
          f"{before.astimezone(settings.tz):%Y-%m-%d %H:%M}{' (dry run: nothing is written)' if args.dry_run else ''}",
          flush=True)
    try:
        purge_personal_data(store, engine, before, dry_run=args.dry_run, progress=lambda line: print(line, flush=True))
    except DatabaseError as exc:
        print(f"error: {str(exc.orig).strip()} (is the database server running, are DATABASE_URL and "
              "TRACKER_DATABASE_URL right?)", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()
    return 0


def add_purge_personal_data_command(subparsers: argparse._SubParsersAction) -> None:
    """`purge-personal-data`: mask personal data kept longer than the retention period."""
    parser = subparsers.add_parser(
        "purge-personal-data", help="mask phone numbers, ID and e-mail in old conversations and messages",
        description="Mask phone numbers, ID card numbers and e-mail addresses stored before the cut-off "
        "in conversations (Rasa's tracker store), unanswered messages and finished complaints, except "
        "for customers whose complaint is unfinished or changed since (bot/storage/retention.py). Safe to run "
        "again, e.g. daily from cron. Reads DATABASE_URL, TRACKER_DATABASE_URL, COMPLAINT_TIMEZONE.")
    parser.add_argument("--older-than", required=True, metavar="AGE",
                        help="the retention period, e.g. 180d (or a date: 2026-01-31)")
    parser.add_argument("--tracker-database-url", metavar="URL",
                        help="Rasa's tracker store (default TRACKER_DATABASE_URL, else sqlite:///var/tracker.db)")
    parser.add_argument("--dry-run", action="store_true", help="count what would be masked; change nothing")
    parser.set_defaults(run=_with_store(_purge_personal_data))


def _unanswered(args: argparse.Namespace, settings: Settings, store: "ComplaintStore") -> int:
    from bot.privacy import mask_personal_data
    from bot.reports import parse_moment

    try:
        since = parse_moment(args.since, utcnow(), settings.tz)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    messages = store.unanswered(limit=args.limit, since=since)
    for message in messages:
        text = " ".join(mask_personal_data(message.text).split())
        print("\t".join([message.created_at.astimezone(settings.tz).isoformat(timespec="seconds"),
                         message.channel, message.sender_id, message.reason,
                         text if len(text) <= 200 else text[:200] + "…"]))
    print(f"{len(messages)} unanswered message(s) since {since.astimezone(settings.tz):%Y-%m-%d %H:%M}",
          file=sys.stderr)
    return 0


def add_unanswered_command(subparsers: argparse._SubParsersAction) -> None:
    """`unanswered`: the customer messages the assistant could not answer, for a colleague."""
    parser = subparsers.add_parser(
        "unanswered", help="list the customer messages the assistant could not answer",
        description="Print the messages kept because the assistant could not answer them (the action "
        "server was down, a turn failed, a body was unreadable), oldest first, one a line: time, "
        "channel, sender, reason, text (personal data masked). Reads DATABASE_URL, COMPLAINT_TIMEZONE.")
    parser.add_argument("--since", default="7d",
                        help="90d, 12h, an ISO date (local midnight) or date and time (default 7d)")
    parser.add_argument("--limit", type=int, default=500, help="at most this many (default 500)")
    parser.set_defaults(run=_with_store(_unanswered))


def _inbox(args: argparse.Namespace, settings: Settings, store: "ComplaintStore") -> int:
    from bot.app import inbox
    from bot.inbox import load_inbox_settings
    from bot.nlu_examples import Entity, ExampleRefused
    from bot.storage import InboxStore, TrackerConversations, tracker_engine

    items, config = InboxStore(store), load_inbox_settings()
    if args.inbox_command == "label":
        try:
            entities = [Entity(*pair.rsplit("=", 1)) for pair in args.entity]
            example = inbox.label(items, args.id, args.intent, args.by, settings.nlu_data_dir, config,
                                  utcnow(), args.text, entities)
        except (ExampleRefused, LookupError, inbox.AlreadyLabelled, TypeError) as exc:
            why = {LookupError: "no open item with that id (see `python -m bot inbox list`)",
                   inbox.AlreadyLabelled: f"already labelled ({exc})",
                   TypeError: "--entity takes TEXT=ENTITY"}.get(type(exc), str(exc))
            print(f"error: {why}", file=sys.stderr)
            return 1
        print(f"{example.file}: {example.text}")
        return 0
    tracker = TrackerConversations(tracker_engine(settings.tracker_database_url))
    try:
        groups = inbox.open_groups(items, tracker, config, utcnow())
    finally:
        tracker.close()
    for group in groups:
        print(f"{group.intent}\t{len(group.items)}")
        for item in group.items:
            print("\t".join(["", str(item.id), item.said_at.astimezone(settings.tz).isoformat(timespec="seconds"),
                             ",".join(item.reasons), item.guess or f"{item.confidence:.2f}", item.text]))
    print(f"{sum(len(g.items) for g in groups)} message(s) to label", file=sys.stderr)
    return 0


def add_inbox_command(subparsers: argparse._SubParsersAction) -> None:
    """`inbox list|label`: the messages the assistant misunderstood, and labelling them."""
    parser = subparsers.add_parser(
        "inbox", help="list the messages the assistant misunderstood; label one as a training example",
        description="The conversation designers' inbox (README \"For conversation designers\"). Reads "
        "DATABASE_URL, TRACKER_DATABASE_URL, NLU_DATA_DIR, COMPLAINT_TIMEZONE.")
    actions = parser.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="by what the assistant thought: a line per intent with its count, then "
                       "its messages, newest first: id, time, reasons, best guess or confidence, text (masked)")
    label = actions.add_parser("label", help="write the message as an example of INTENT to "
                               "data/nlu/reviewed/INTENT.yml and mark it done")
    label.add_argument("id", type=int)
    label.add_argument("intent")
    label.add_argument("--text", help="the example as it should be written (e.g. masked data replaced by "
                       "an invented value); default: the message as shown")
    label.add_argument("--entity", action="append", default=[], metavar="TEXT=ENTITY",
                       help="mark TEXT as the entity ENTITY (repeatable)")
    label.add_argument("--by", default=os.environ.get("USER") or "cli", help="who labelled it (default $USER)")
    parser.set_defaults(run=_with_store(_inbox))


def _telegram_set_webhook(args: argparse.Namespace) -> int:
    from telegram.error import TelegramError

    from channels.telegram.connection import new_bot
    from channels.telegram.settings import ALLOWED_UPDATES, TelegramSettings

    if not args.url.startswith("https://"):
        print(f"error: Telegram calls webhooks over HTTPS only; got {args.url!r}", file=sys.stderr)
        return 2
    try:
        settings = TelegramSettings.from_environment()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    async def set_webhook() -> str:
        async with new_bot(settings) as bot:
            await bot.set_webhook(args.url, secret_token=settings.secret_token, allowed_updates=list(ALLOWED_UPDATES),
                                  max_connections=args.max_connections, drop_pending_updates=args.drop_pending_updates)
            return bot.username

    try:
        username = asyncio.run(set_webhook())
    except TelegramError as exc:
        print(f"error: Telegram refused the webhook: {exc} (is TELEGRAM_BOT_TOKEN right?)", file=sys.stderr)
        return 1
    print(f"@{username}: updates ({', '.join(ALLOWED_UPDATES)}) now go to {args.url}, with the secret token")
    return 0


def add_telegram_command(subparsers: argparse._SubParsersAction) -> None:
    """`telegram set-webhook`: tell Telegram where to deliver the bot's updates (once, not per request)."""
    parser = subparsers.add_parser("telegram", help="set up the Telegram bot's webhook")
    actions = parser.add_subparsers(dest="telegram_command", metavar="ACTION", required=True)
    webhook = actions.add_parser(
        "set-webhook", help="point the bot's webhook at this server",
        description="Call the Bot API's setWebhook with TELEGRAM_WEBHOOK_SECRET as the secret token "
        "and the update types the channel handles. Reads TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET "
        "and TELEGRAM_API_BASE_URL.")
    webhook.add_argument("--url", required=True, help="https://<host>/webhooks/tg/webhook")
    webhook.add_argument("--max-connections", type=int, default=40,
                         help="connections Telegram opens at once (1-100, default 40)")
    webhook.add_argument("--drop-pending-updates", action="store_true",
                         help="discard the updates Telegram holds for the bot")
    webhook.set_defaults(run=_telegram_set_webhook)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_migrate_command, add_migrate_sender_ids_command, add_console_command, add_worker_command,
    add_agent_command, add_report_command, add_purge_personal_data_command, add_telegram_command,
    add_unanswered_command, add_inbox_command,
]


def build_parser() -> argparse.ArgumentParser:
    """The `python -m bot` argument parser with every command in `COMMANDS`."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command and return its exit status; whatever it logs is masked (bot/privacy.py)."""
    from bot.privacy import install_log_masking

    install_log_masking()
    args = build_parser().parse_args(argv)
    return args.run(args)

