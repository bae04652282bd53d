"""Configuration: the one place that reads environment variables.

Everything else receives a `Settings` (or the values it needs) as arguments.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The repository root; relative paths in settings are resolved against it, not the cwd."""

DEFAULT_DATABASE_URL = "sqlite:///var/complaints.db"
DEFAULT_TRACKER_DATABASE_URL = "sqlite:///var/tracker.db"  # as endpoints.yml
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
RASA_TOKEN_FILE = REPO_ROOT / "var" / "rasa_token"
DEFAULT_FILE_STORE = "var/files"
DEFAULT_CONSOLE_PORT = 5006
DEFAULT_AGENT_SESSION_HOURS = 8.0
DEFAULT_NLU_DATA_DIR = REPO_ROOT / "data" / "nlu"
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def resolve_sqlite_path(url: str, root: Path = REPO_ROOT) -> str:
    """Return `url` with a relative SQLite file path made absolute against `root`.

    `sqlite:///var/complaints.db` becomes `sqlite:////<root>/var/complaints.db`; other URLs,
    absolute paths and in-memory databases are returned unchanged.
    """
    scheme, sep, rest = url.partition(":///")
    if not sep or not scheme.split("+")[0] == "sqlite":
        return url
    path, query_sep, query = rest.partition("?")
    if not path or path == ":memory:" or path.startswith("/"):
        return url
    return f"{scheme}:///{(root / path).resolve()}{query_sep}{query}"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of the complaint assistant's core."""

    database_url: str = resolve_sqlite_path(DEFAULT_DATABASE_URL)
    """SQLAlchemy URL of the complaint store (`DATABASE_URL`)."""
    tracker_database_url: str = resolve_sqlite_path(DEFAULT_TRACKER_DATABASE_URL)
    """SQLAlchemy URL of Rasa's tracker store, for the retention command and the designers' inbox
    (`TRACKER_DATABASE_URL`)."""
    timezone: str = DEFAULT_TIMEZONE
    """IANA time zone for local dates, e.g. complaint IDs (`COMPLAINT_TIMEZONE`)."""
    rasa_url: str = DEFAULT_RASA_URL
    """Base URL of the Rasa server's HTTP API, for the agent console and jobs (`RASA_URL`)."""
    rasa_token: Optional[str] = None
    """Token of the Rasa HTTP API (`RASA_TOKEN`, else the file var/rasa_token the run command writes)."""
    file_store_url: str = str(REPO_ROOT / DEFAULT_FILE_STORE)
    """Where customers' photos and voice messages are kept (`FILE_STORE_URL`: a directory, as a
    path relative to the repository or a file:// URL; or s3://bucket/prefix; `bot.files`)."""
    s3_endpoint_url: Optional[str] = None
    """The S3-compatible service of an s3:// file store (`S3_ENDPOINT_URL`; default: AWS)."""
    console_port: int = DEFAULT_CONSOLE_PORT
    """Port of the agent console (`CONSOLE_PORT`)."""
    agent_session_hours: float = DEFAULT_AGENT_SESSION_HOURS
    """How long an agent stays logged in to the console (`AGENT_SESSION_HOURS`)."""
    console_trusted_proxies: Tuple[Network, ...] = ()
    """The TLS proxies in front of the console, whose X-Forwarded-For/-Proto it believes
    (`CONSOLE_TRUSTED_PROXIES`: addresses or networks, comma-separated; default none)."""
    nlu_data_dir: Path = DEFAULT_NLU_DATA_DIR
    """The NLU training data the inbox checks labelled examples against and writes them under
    (`reviewed/<intent>.yml`) (`NLU_DATA_DIR`; relative to the repo root)."""

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a `ZoneInfo`."""
        return ZoneInfo(self.timezone)

    @classmethod
    def load(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read settings from `environ` (default: `os.environ`), falling back to defaults.

        Raises `ValueError` when a value is unusable, saying which variable to fix.
        """
        env = os.environ if environ is None else environ
        timezone = env.get("COMPLAINT_TIMEZONE") or DEFAULT_TIMEZONE
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"COMPLAINT_TIMEZONE={timezone!r} is not a known IANA time zone: "
                f"use a name like {DEFAULT_TIMEZONE!r} ({exc})"
            ) from None
        token = env.get("RASA_TOKEN") or (
            RASA_TOKEN_FILE.read_text().strip() if RASA_TOKEN_FILE.exists() else None)
        return cls(
            database_url=resolve_sqlite_path(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            tracker_database_url=resolve_sqlite_path(env.get("TRACKER_DATABASE_URL") or DEFAULT_TRACKER_DATABASE_URL),
            timezone=timezone,
            rasa_url=(env.get("RASA_URL") or DEFAULT_RASA_URL).rstrip("/"),
            rasa_token=token or None,
            file_store_url=_file_store(env.get("FILE_STORE_URL") or DEFAULT_FILE_STORE),
            s3_endpoint_url=env.get("S3_ENDPOINT_URL") or None,
            console_port=_number(env, "CONSOLE_PORT", int, DEFAULT_CONSOLE_PORT, "a port like 5006"),
            agent_session_hours=_number(env, "AGENT_SESSION_HOURS", float,
                                        DEFAULT_AGENT_SESSION_HOURS, "a number of hours like 8"),
            console_trusted_proxies=_networks(env, "CONSOLE_TRUSTED_PROXIES"),
            nlu_data_dir=REPO_ROOT / (env.get("NLU_DATA_DIR") or DEFAULT_NLU_DATA_DIR),
        )


def _file_store(url: str) -> str:
    """`FILE_STORE_URL`: an s3://bucket/prefix as it is, else the absolute directory it names (a
    path or a file:// URL)."""
    scheme, sep, rest = url.partition("://")
    if scheme == "s3" and rest.split("/")[0]:
        return url
    if sep and scheme != "file":
        raise ValueError(f"FILE_STORE_URL={url!r} is not usable: use a directory (a path or file:///path) "
                         "or s3://bucket/prefix; README, 'Photos and voice messages'")
    return str((REPO_ROOT / (rest if sep else url)).resolve())


def _networks(env: Mapping[str, str], name: str) -> Tuple[Network, ...]:
    """The comma-separated addresses or networks in `env[name]` (none when unset)."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in (env.get(name) or "").split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"{name}={env.get(name)!r} is not usable ({exc}): set it to addresses or "
                         "networks separated by commas, like 127.0.0.1,10.0.0.0/8") from None


def _number(env: Mapping[str, str], name: str, kind: type, default: float, example: str) -> Any:
    """The positive number in `env[name]`, or `default` when it is unset."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise ValueError(f"{name}={raw!r} is not usable: set it to {example}") from None
    return value
