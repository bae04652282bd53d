"""Configuration of the WeChat channel, read in one place.

- secrets from its credentials.yml entry (`${WECHAT_TOKEN}` etc., i.e. environment variables);
- `WECHAT_API_BASE_URL` (default https://api.weixin.qq.com) and `REDIS_URL` (default: none,
  state kept in memory) from the environment;
- timings, limits and the menu from config/channels.yml's `wechat:` section.
"""
from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot.datafiles import load_yaml, repo_path

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com"
REQUIRED = {"token": "WECHAT_TOKEN", "app_id": "WECHAT_APP_ID", "app_secret": "WECHAT_APP_SECRET"}


@dataclass(frozen=True)
class WeChatSettings:
    """Everything the channel needs to know."""

    token: str
    app_id: str
    app_secret: str
    encoding_aes_key: Optional[str]
    """43 characters; needed for safe mode (`encrypt_type=aes`)."""
    api_base_url: str
    redis_url: Optional[str]
    passive_reply_seconds: float
    max_clock_skew_seconds: float
    remember_deliveries_seconds: float
    processing_lease_seconds: float
    """A message's claim outlives a server that died processing it by at most this long."""
    remember_choices_seconds: float
    max_message_bytes: int
    menu: Mapping[str, str]
    """Menu CLICK keys → the text (usually an `/intent`) the customer is taken to have sent."""

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]], environ: Optional[Mapping[str, str]] = None,
             config: Optional[Mapping[str, Any]] = None) -> "WeChatSettings":
        """Settings from credentials, environment and config; `ValueError` says what to fix."""
        credentials = credentials or {}
        env = os.environ if environ is None else environ
        tuning: Dict[str, Any] = dict((config or load_yaml(repo_path("config/channels.yml")))["wechat"])
        missing = [f"{key} (${{{var}}})" for key, var in REQUIRED.items() if not credentials.get(key)]
        if missing:
            raise ValueError(f"the WeChat channel in credentials.yml needs {', '.join(missing)}: "
                             "set the environment variables (README, 'WeChat Official Account')")
        aes_key = credentials.get("encoding_aes_key") or None
        if aes_key is not None:
            _check_aes_key(str(aes_key))
        return cls(
            token=str(credentials["token"]),
            app_id=str(credentials["app_id"]),
            app_secret=str(credentials["app_secret"]),
            encoding_aes_key=aes_key and str(aes_key),
            api_base_url=(env.get("WECHAT_API_BASE_URL") or DEFAULT_API_BASE_URL).rstrip("/"),
            redis_url=env.get("REDIS_URL") or None,
            passive_reply_seconds=float(tuning["passive_reply_seconds"]),
            max_clock_skew_seconds=float(tuning["max_clock_skew_seconds"]),
            remember_deliveries_seconds=float(tuning["remember_deliveries_seconds"]),
            processing_lease_seconds=float(tuning["processing_lease_seconds"]),
            remember_choices_seconds=float(tuning["remember_choices_seconds"]),
            max_message_bytes=int(tuning["max_message_bytes"]),
            menu={str(key): str(said) for key, said in (tuning.get("menu") or {}).items()},
        )


def _check_aes_key(key: str) -> None:
    try:
        valid = len(key) == 43 and len(base64.b64decode(key + "=")) == 32
    except binascii.Error:
        valid = False
    if not valid:
        raise ValueError("WECHAT_ENCODING_AES_KEY must be the 43-character EncodingAESKey from the "
                         "Official Account's server settings (开发 → 基本配置)")
