"""Agent accounts and console sessions (`agents`, `agent_sessions`).

Passwords are stored as scrypt hashes (`bot.agents`); a session token is given to the browser once
and only its SHA-256 is stored, with a CSRF token for forms and an expiry.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy import delete, select, update

from bot.agents import hash_password, needs_rehash, require_long_enough, verify_nobody, verify_password
from bot.clock import require_aware
from bot.roles import AGENT, require_role
from bot.storage.complaints import ComplaintStore
from bot.storage.models import AgentRow, AgentSessionRow

DEFAULT_SESSION_TTL = timedelta(hours=8)


@dataclass(frozen=True)
class Agent:
    """A person who takes handoffs."""

    id: int
    username: str
    display_name: str
    """The name colleagues see, and customers with the agent's replies."""
    active: bool
    role: str = AGENT
    """agent or supervisor (`bot.roles`)."""


@dataclass(frozen=True)
class AgentSession:
    """A logged-in agent, the CSRF token their forms must carry, and when the session ends."""

    agent: Agent
    csrf_token: str
    expires_at: datetime


def _agent(row: AgentRow) -> Agent:
    return Agent(row.id, row.username, row.display_name, row.active, row.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentAccounts:
    """Creates agents, checks their passwords and keeps their console sessions."""

    def __init__(self, store: ComplaintStore, session_ttl: timedelta = DEFAULT_SESSION_TTL) -> None:
        self.store = store
        self.session_ttl = session_ttl

    def create(self, username: str, display_name: str, password: str, now: datetime,
               role: str = AGENT) -> Agent:
        """Add an agent (or a supervisor: `role`); `ValueError` if the name is taken, the
        password too short or the role unknown."""
        require_aware("now", now)
        require_role(role)
        username = username.strip()
        if not username:
            raise ValueError("the username must not be empty")
        require_long_enough(password)
        with self.store.session() as s, s.begin():
            if s.execute(select(AgentRow.id).where(AgentRow.username == username)).first():
                raise ValueError(f"an agent named {username!r} exists already")
            row = AgentRow(username=username, display_name=display_name.strip() or username,
                           password_hash=hash_password(password), active=True, role=role,
                           created_at=now)
            s.add(row)
            s.flush()
            return _agent(row)

    def set_password(self, username: str, password: str) -> None:
        """Give an existing agent a new password and end their sessions."""
        require_long_enough(password)
        with self.store.session() as s, s.begin():
            row = s.execute(select(AgentRow).where(AgentRow.username == username)).scalar()
            if row is None:
                raise LookupError(f"no agent named {username!r}")
            row.password_hash = hash_password(password)
            s.execute(delete(AgentSessionRow).where(AgentSessionRow.agent_id == row.id))

    def set_role(self, username: str, role: str) -> Agent:
        """Make an existing agent a supervisor, or a supervisor an agent again."""
        require_role(role)
        with self.store.session() as s, s.begin():
            row = s.execute(select(AgentRow).where(AgentRow.username == username)).scalar()
            if row is None:
                raise LookupError(f"no agent named {username!r}")
            row.role = role
            return _agent(row)

    def by_id(self, agent_id: int) -> Optional[Agent]:
        """The agent with the id `agent_id`, or None."""
        with self.store.session() as s:
            row = s.get(AgentRow, agent_id)
            return _agent(row) if row else None

    def get(self, username: str) -> Optional[Agent]:
        """The agent with `username`, or None."""
        with self.store.session() as s:
            row = s.execute(select(AgentRow).where(AgentRow.username == username)).scalar()
            return _agent(row) if row else None

    def authenticate(self, username: str, password: str) -> Optional[Agent]:
        """The active agent whose name and password these are, or None. A password hashed with
        older parameters is hashed again with the current ones."""
        with self.store.session() as s:
            row = s.execute(select(AgentRow).where(AgentRow.username == (username or "").strip())).scalar()
        if row is None or not row.active:
            verify_nobody(password or "")
            return None
        if not verify_password(password or "", row.password_hash):
            return None
        if needs_rehash(row.password_hash):
            with self.store.session() as s, s.begin():  # unless the password changed meanwhile
                s.execute(update(AgentRow).where(AgentRow.id == row.id,
                                                 AgentRow.password_hash == row.password_hash)
                          .values(password_hash=hash_password(password)))
        return _agent(row)

    def start_session(self, agent: Agent, now: datetime) -> Tuple[str, AgentSession]:
        """Log `agent` in: the token for the browser's cookie and the session it opens."""
        require_aware("now", now)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = now + self.session_ttl
        with self.store.session() as s, s.begin():
            s.execute(delete(AgentSessionRow).where(AgentSessionRow.expires_at <= now))
            s.add(AgentSessionRow(token_hash=_token_hash(token), agent_id=agent.id,
                                  csrf_token=csrf, created_at=now, expires_at=expires))
        return token, AgentSession(agent, csrf, expires)

    def session(self, token: Optional[str], now: datetime) -> Optional[AgentSession]:
        """The live session of `token` (None if unknown, expired or the agent deactivated)."""
        require_aware("now", now)
        if not token:
            return None
        with self.store.session() as s:
            found = s.execute(
                select(AgentSessionRow, AgentRow)
                .join(AgentRow, AgentSessionRow.agent_id == AgentRow.id)
                .where(AgentSessionRow.token_hash == _token_hash(token),
                       AgentSessionRow.expires_at > now, AgentRow.active.is_(sa.true()))
            ).first()
        if found is None:
            return None
        session, agent = found
        return AgentSession(_agent(agent), session.csrf_token, session.expires_at)

    def end_session(self, token: Optional[str]) -> None:
        """Log out: the token stops working."""
        if token:
            with self.store.session() as s, s.begin():
                s.execute(delete(AgentSessionRow).where(AgentSessionRow.token_hash == _token_hash(token)))

    def all(self) -> List[Agent]:
        """Every agent, active or not, by username."""
        with self.store.session() as s:
            return [_agent(row) for row in s.execute(select(AgentRow).order_by(AgentRow.username)).scalars()]

    def deactivate(self, username: str) -> None:
        """An agent who left: cannot log in, sessions end."""
        with self.store.session() as s, s.begin():
            s.execute(update(AgentRow).where(AgentRow.username == username).values(active=False))
