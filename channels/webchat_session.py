"""Web chat sessions: issued by the server, unguessable, and signed, so a page can only ever
continue a conversation the server gave it.

A session token is `web:<random>.<signature>`: the sender id (`bot.identity`, 24 random bytes from
`secrets`) and its HMAC-SHA256 under a secret of the server. The page keeps the token and sends it
back on its next visit; a token the server did not sign gets a new session instead. Several
servers share the secret: `WEBCHAT_SESSION_SECRET`, else a file created once beside the databases
(var/webchat_secret, readable by its owner only).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.identity import sender_id
from bot.settings import REPO_ROOT

SECRET_VARIABLE = "WEBCHAT_SESSION_SECRET"
SECRET_FILE = REPO_ROOT / "var" / "webchat_secret"
CHANNEL = "webchat"
_TOKEN = re.compile(r"(web:[A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})")


class SessionTokens:
    """Issues and checks web chat session tokens under one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def load(cls, environ: Mapping[str, str] = os.environ, secret_file: Path = SECRET_FILE) -> "SessionTokens":
        """The secret of `WEBCHAT_SESSION_SECRET`, else of `secret_file`, created (mode 0600) if missing."""
        secret = environ.get(SECRET_VARIABLE)
        if secret:
            return cls(secret.encode())
        if not secret_file.exists():
            _create_secret_file(secret_file)
        return cls(secret_file.read_text().strip().encode())

    def issue(self) -> str:
        """A token for a new session."""
        return self._signed(sender_id(CHANNEL, secrets.token_urlsafe(24)))

    def sender_of(self, token: Any) -> Optional[str]:
        """The sender id of `token`, or None unless this server signed it."""
        found = _TOKEN.fullmatch(token) if isinstance(token, str) else None
        if found is None or not hmac.compare_digest(self._signed(found.group(1)), token):
            return None
        return found.group(1)

    def _signed(self, sender: str) -> str:
        digest = hmac.new(self._secret, sender.encode(), hashlib.sha256).digest()
        return f"{sender}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


def _create_secret_file(path: Path) -> None:
    """Write a new random secret to `path`, readable by its owner only; written whole before it
    appears (linked into place), and left alone when another server made it meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(draft)
