"""What the web chat page shows of the company, read in one place: config/channels.yml's
`webchat:` section (every key optional, with the defaults below)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.datafiles import ConfigError, known_keys, load_yaml, mapping, repo_path
from bot.settings import REPO_ROOT

CONFIG = "config/channels.yml"
DEFAULT_LOGO = "channels/webchat_page/logo.svg"
#: The logo's file types and the content type each is served with.
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
              ".svg": "image/svg+xml"}
LOGO_MAX_BYTES = 512 * 1024
KEYS = ("company_name", "subtitle", "logo", "human_request")


@dataclass(frozen=True)
class WebChatSettings:
    """The page's header and its 转人工 button."""

    company_name: str = "在线客服中心"
    """In the header and the page's title."""
    subtitle: str = "客服助手"
    """Under the name, before the connection state."""
    logo: Path = REPO_ROOT / DEFAULT_LOGO
    """A PNG, JPEG, WebP or SVG file, served at /webchat/logo."""
    human_request: str = "转人工"
    """What the 转人工 button sends, as a customer would type it."""

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES[self.logo.suffix.lower()]

    @classmethod
    def load(cls, config: Optional[Mapping[str, Any]] = None, source: Any = None) -> "WebChatSettings":
        """The settings of `config` (default: config/channels.yml); `ConfigError` says what to fix."""
        source = source or repo_path(CONFIG)
        if config is None:
            config = load_yaml(Path(source))
        section = mapping((config or {}).get("webchat") or {}, source, "webchat", "company_name: 悦享优选")
        known_keys(section, KEYS, source, "webchat")
        values = {key: _text(section[key], source, key) for key in KEYS if key in section}
        if "logo" in values:
            values["logo"] = _logo(values["logo"], source)  # type: ignore[assignment]
        return cls(**values)  # type: ignore[arg-type]


def _text(value: Any, source: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(source, f"webchat.{key}", f"expected some text, got {value!r}",
                          "write it, or remove the line for the default")
    return value.strip()


def _logo(value: str, source: Any) -> Path:
    path = Path(value) if Path(value).is_absolute() else REPO_ROOT / value
    if path.suffix.lower() not in LOGO_TYPES:
        raise ConfigError(source, "webchat.logo", f"{value!r} is not a PNG, JPEG, WebP or SVG file",
                          f"give a file ending in {', '.join(LOGO_TYPES)}")
    if not path.is_file():
        raise ConfigError(source, "webchat.logo", f"there is no file {path}",
                          f"put the logo there, or use the default {DEFAULT_LOGO}")
    if path.stat().st_size > LOGO_MAX_BYTES:
        raise ConfigError(source, "webchat.logo", f"{path} has {path.stat().st_size} bytes",
                          f"use a file of at most {LOGO_MAX_BYTES // 1024} kB (80×80 px is enough)")
    return path
