"""Web chat session tokens: issued by the server, unguessable, and refused unless it signed them."""
from __future__ import annotations

import stat
from pathlib import Path

from channels.webchat_session import SessionTokens


def test_a_token_names_a_new_web_chat_session_each_time():
    tokens = SessionTokens(b"secret")
    first, second = tokens.issue(), tokens.issue()
    assert tokens.sender_of(first).startswith("web:") and tokens.sender_of(second).startswith("web:")
    assert tokens.sender_of(first) != tokens.sender_of(second)
    assert first.startswith(tokens.sender_of(first) + ".")


def test_only_tokens_this_server_signed_are_taken():
    tokens = SessionTokens(b"secret")
    token = tokens.issue()
    sender, _, signature = token.rpartition(".")
    other_server = SessionTokens(b"another secret").issue()
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for refused in (sender, f"{sender}.{flipped}", other_server, f"{sender}.", "tg:123", "web:" + "a" * 32,
                    f"{sender}x.{signature}", token + " ", None, 42, {"session_id": token}):
        assert tokens.sender_of(refused) is None, refused
    assert tokens.sender_of(token) == sender


def test_the_secret_comes_from_the_environment_or_a_private_file_made_once(tmp_path: Path):
    token = SessionTokens.load({"WEBCHAT_SESSION_SECRET": "shared"}, tmp_path / "unused").issue()
    assert SessionTokens(b"shared").sender_of(token), "servers with the same secret take each other's tokens"
    assert not (tmp_path / "unused").exists()

    secret_file = tmp_path / "var" / "webchat_secret"
    token = SessionTokens.load({}, secret_file).issue()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert SessionTokens.load({}, secret_file).sender_of(token), "the next start keeps the secret"
    assert list(secret_file.parent.iterdir()) == [secret_file], "no draft left behind"
