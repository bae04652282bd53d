"""Agent accounts: hashed passwords, sessions that expire, and nothing secret stored in clear."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.agents import AgentAccounts, hash_password, verify_password
from bot.store import ComplaintStore

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
