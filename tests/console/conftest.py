"""The agent console as a real process on a loopback port, with its own SQLite store. Its Rasa
server is a port nothing listens on, as when Rasa is down: the end-to-end tests (tests/e2e)
cover the console with a real Rasa server."""
from __future__ import annotations

import secrets
from typing import Callable, Iterator, Tuple

import pytest

from bot.storage import AgentAccounts, ComplaintStore
from bot.clock import utcnow
from tests.auxil.agents import AgentClient
from tests.auxil.stack import Console, free_port, running_console

SESSION_HOURS = 2
NewAgent = Callable[[str], Tuple[str, str]]


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with running_console(tmp_path_factory.mktemp("console"), f"http://127.0.0.1:{free_port()}",
                         "token", {"AGENT_SESSION_HOURS": str(SESSION_HOURS)}) as running:
        yield running


@pytest.fixture(scope="session")
def store(console: Console) -> Iterator[ComplaintStore]:
    """The console's store, for seeding cases and checking what the console stored."""
    opened = ComplaintStore(console.database_url)
    yield opened
    opened.close()


@pytest.fixture
def new_agent(store: ComplaintStore) -> NewAgent:
    """Creates an agent with a unique username: display name -> (username, password)."""
    accounts = AgentAccounts(store)

    def create(display_name: str) -> Tuple[str, str]:
        username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        accounts.create(username, display_name, password, utcnow())
        return username, password

    return create


@pytest.fixture
def agent(console: Console, new_agent: NewAgent) -> AgentClient:
    """An agent named 王芳, logged in through the API."""
    return AgentClient.by_api(console.url, *new_agent("王芳"))
