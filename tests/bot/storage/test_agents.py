"""Agent accounts: hashed passwords, sessions that expire, and nothing secret stored in clear."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import hashlib
import secrets

import pytest
import sqlalchemy as sa

from bot.agents import hash_password, verify_password
from bot.storage import AgentAccounts, ComplaintStore

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def accounts(tmp_path) -> Iterator[AgentAccounts]:
    store = ComplaintStore(f"sqlite:///{tmp_path / 'c.db'}")
    store.migrate()
    yield AgentAccounts(store, session_ttl=timedelta(hours=8))
    store.close()


def test_passwords_are_salted_hashes():
    first, second = hash_password("a-long-password"), hash_password("a-long-password")
    assert first != second and "a-long-password" not in first
    assert verify_password("a-long-password", first) and not verify_password("wrong-password", first)
    assert not verify_password("a-long-password", "not-a-hash")


def _stored_hash(accounts: AgentAccounts, username: str) -> str:
    with accounts.store.engine.connect() as connection:
        return connection.execute(sa.text("SELECT password_hash FROM agents WHERE username = :u"),
                                  {"u": username}).scalar_one()


def test_passwords_are_hashed_with_owasps_scrypt_parameters(accounts):
    accounts.create("li", "小李", "a-long-password", T0)
    scheme, n, r, p, _salt, _digest = _stored_hash(accounts, "li").split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2 ** 17, 8, 1)


def test_an_older_hash_still_logs_in_and_is_upgraded_then(accounts):
    accounts.create("li", "小李", "a-long-password", T0)
    salt = secrets.token_bytes(16)  # as the console stored passwords before (N = 2**14)
    old = f"scrypt$16384$8$1${salt.hex()}${hashlib.scrypt(b'a-long-password', salt=salt, n=2 ** 14, r=8, p=1).hex()}"
    with accounts.store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE agents SET password_hash = :h WHERE username = 'li'"), {"h": old})

    assert accounts.authenticate("li", "a-wrong-password") is None
    assert _stored_hash(accounts, "li") == old, "a wrong password changes nothing"
    assert accounts.authenticate("li", "a-long-password").display_name == "小李"
    upgraded = _stored_hash(accounts, "li")
    assert upgraded.startswith(f"scrypt${2 ** 17}$8$1$") and verify_password("a-long-password", upgraded)
    assert accounts.authenticate("li", "a-long-password") is not None


def test_login_works_only_with_the_right_password(accounts):
    accounts.create("li", "小李", "a-long-password", T0)
    assert accounts.authenticate("li", "a-long-password").display_name == "小李"
    assert accounts.authenticate("li", "A-long-password") is None
    assert accounts.authenticate("nobody", "a-long-password") is None
    with pytest.raises(ValueError, match="exists"):
        accounts.create("li", "另一个小李", "another-password", T0)
    with pytest.raises(ValueError, match="at least"):
        accounts.create("wang", "小王", "short", T0)


def test_sessions_expire_end_on_logout_and_store_no_token(accounts):
    li = accounts.create("li", "小李", "a-long-password", T0)
    token, session = accounts.start_session(li, T0)
    assert accounts.session(token, T0 + timedelta(hours=7)).agent == li
    assert accounts.session(token, T0 + timedelta(hours=8)) is None
    with accounts.store.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT token_hash FROM agent_sessions")).scalar_one()
    assert stored != token and token not in stored
    accounts.end_session(token)
    assert accounts.session(token, T0) is None


def test_a_new_password_or_deactivation_ends_access(accounts):
    li = accounts.create("li", "小李", "a-long-password", T0)
    token, _ = accounts.start_session(li, T0)
    accounts.set_password("li", "a-new-long-password")
    assert accounts.session(token, T0) is None
    assert accounts.authenticate("li", "a-new-long-password") is not None
    token, _ = accounts.start_session(li, T0)
    accounts.deactivate("li")
    assert accounts.session(token, T0) is None
    assert accounts.authenticate("li", "a-new-long-password") is None


def test_an_agent_is_an_agent_unless_made_a_supervisor_and_a_session_knows_the_role(accounts):
    wang = accounts.create("wang", "王芳", "a-long-password", T0)
    boss = accounts.create("zhang", "张丽", "a-long-password", T0, role="supervisor")
    assert (wang.role, boss.role) == ("agent", "supervisor")
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        accounts.create("li", "李明", "a-long-password", T0, role="boss")
    assert accounts.get("li") is None

    token, _ = accounts.start_session(wang, T0)
    assert accounts.set_role("wang", "supervisor").role == "supervisor"
    assert accounts.session(token, T0).agent.role == "supervisor", "the next request sees the new role"
    assert accounts.by_id(wang.id) == accounts.get("wang")
    with pytest.raises(LookupError):
        accounts.set_role("nobody", "agent")
