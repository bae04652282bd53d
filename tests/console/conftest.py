"""The agent console as a real process on a loopback port, with its own SQLite store. Its Rasa
server is a port nothing listens on, as when Rasa is down: the end-to-end tests (tests/e2e)
cover the console with a real Rasa server."""
from __future__ import annotations

import re
import secrets
from typing import Callable, Iterator, List, Tuple

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.storage import AgentAccounts, ComplaintStore
from bot.clock import utcnow
from tests.auxil.agents import AgentClient
from tests.auxil.browser import PageErrors
from tests.auxil.stack import Console, free_port, running_console

SESSION_HOURS = 2
NewAgent = Callable[..., Tuple[str, str]]
"""(display name, role="agent") -> (username, password)."""
AgentPage = Callable[..., Page]
"""(display name, role="agent") -> a logged-in console tab on the queue."""


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
    """Creates an agent (or a supervisor) with a unique username: display name, role ->
    (username, password)."""
    accounts = AgentAccounts(store)

    def create(display_name: str, role: str = "agent") -> Tuple[str, str]:
        username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        accounts.create(username, display_name, password, utcnow(), role=role)
        return username, password

    return create


@pytest.fixture
def agent(console: Console, new_agent: NewAgent) -> AgentClient:
    """An agent named 王芳, logged in through the API."""
    return AgentClient.by_api(console.url, *new_agent("王芳"))


@pytest.fixture
def supervisor(console: Console, new_agent: NewAgent) -> AgentClient:
    """A supervisor named 张丽, logged in through the API."""
    return AgentClient.by_api(console.url, *new_agent("张丽", "supervisor"))


@pytest.fixture
def agent_page(browser: Browser, console: Console, new_agent: NewAgent) -> Iterator[AgentPage]:
    """Opens a logged-in console tab for a new agent (display name, role -> page on the queue);
    fails the test if a page had a JavaScript or CSP error."""
    contexts = []
    errors: List[PageErrors] = []

    def open_page(display_name: str, role: str = "agent") -> Page:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        tab = PageErrors(context)
        errors.append(tab)
        page = tab.new_page()
        page.clock.install()  # the pages' timers wait for the test (no polling between steps)
        username, password = new_agent(display_name, role)
        page.goto(f"{console.url}/agent")
        expect(page).to_have_url(re.compile(r"/agent/login\?next="))
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(f"{console.url}/agent")
        expect(page.locator(".topbar__agent")).to_have_text(display_name)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not [e for tab in errors for e in tab.errors], [e for tab in errors for e in tab.errors]
