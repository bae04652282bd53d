"""Configuration of the Telegram channel (`tg`), read in one place.

- the bot token and the webhook secret from its credentials.yml entry (`${TELEGRAM_BOT_TOKEN}`,
  `${TELEGRAM_WEBHOOK_SECRET}`), or for `python -m bot telegram` straight from those variables;
- `TELEGRAM_API_BASE_URL` (default https://api.telegram.org) and `REDIS_URL` (default: none, state
  kept in memory) from the environment;
- limits and timings from config/channels.yml's `telegram:` section.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from bot.datafiles import load_yaml, repo_path

DEFAULT_API_BASE_URL = "https://api.telegram.org"
REQUIRED = {"token": "TELEGRAM_BOT_TOKEN", "secret_token": "TELEGRAM_WEBHOOK_SECRET"}
#: Telegram's rule for the webhook secret: 1-256 characters A-Z, a-z, 0-9, _ and -.
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
#: The updates the webhook asks Telegram for (`python -m bot telegram set-webhook`).
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")


@dataclass(frozen=True)
class TelegramSettings:
    """Everything the channel needs to know."""

    token: str
    secret_token: str
    api_base_url: str
    redis_url: Optional[str]
    connection_pool_size: int
    """Connections to the Bot API at once (python-telegram-bot's default is one)."""
    remember_updates_seconds: float
    processing_lease_seconds: float
    """A message's claim outlives a server that died processing it by at most this long."""
    remember_buttons_seconds: float
    edit_window_seconds: float
    max_retry_after_seconds: float
    retries: int
    commands: Mapping[str, str]
    """Bot commands (without the slash) → the text the customer is taken to have sent."""

    @property
    def bot_urls(self) -> Tuple[str, str]:
        """python-telegram-bot's `base_url` and `base_file_url` for the API host."""
        return f"{self.api_base_url}/bot", f"{self.api_base_url}/file/bot"

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]], environ: Optional[Mapping[str, str]] = None,
             config: Optional[Mapping[str, Any]] = None) -> "TelegramSettings":
        """Settings from credentials, environment and config; `ValueError` says what to fix."""
        credentials = credentials or {}
        env = os.environ if environ is None else environ
        tuning: Dict[str, Any] = dict((config or load_yaml(repo_path("config/channels.yml")))["telegram"])
        missing = [f"{key} (${{{var}}})" for key, var in REQUIRED.items() if not credentials.get(key)]
        if missing:
            raise ValueError(f"the Telegram channel in credentials.yml needs {', '.join(missing)}: "
                             "set the environment variables (README, 'Telegram')")
        if not SECRET.fullmatch(str(credentials["secret_token"])):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 letters, digits, _ or -, e.g. "
                             "the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        return cls(
            token=str(credentials["token"]),
            secret_token=str(credentials["secret_token"]),
            api_base_url=(env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL).rstrip("/"),
            redis_url=env.get("REDIS_URL") or None,
            connection_pool_size=int(tuning["connection_pool_size"]),
            remember_updates_seconds=float(tuning["remember_updates_seconds"]),
            processing_lease_seconds=float(tuning["processing_lease_seconds"]),
            remember_buttons_seconds=float(tuning["remember_buttons_seconds"]),
            edit_window_seconds=float(tuning["edit_window_seconds"]),
            max_retry_after_seconds=float(tuning["max_retry_after_seconds"]),
            retries=int(tuning["retries"]),
            commands={str(name): str(said) for name, said in (tuning.get("commands") or {}).items()},
        )

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> "TelegramSettings":
        """Settings with the secrets read from the variables credentials.yml names."""
        env = os.environ if environ is None else environ
        return cls.load({key: env.get(var, "") for key, var in REQUIRED.items()}, env)
