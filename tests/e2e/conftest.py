"""End-to-end fixtures: one real assistant (action server + Rasa server) per test session."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import pytest
from playwright.sync_api import Browser, Page

from tests.auxil.browser import PageErrors
from tests.auxil.stack import Stack, running_stack, trained_model


@pytest.fixture(scope="session")
def model() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack"), model) as running:
        yield running


@pytest.fixture
def customer_and_agent(browser: Browser) -> Iterator[Tuple[Page, Page]]:
    """Two browser profiles: the customer's web chat and the agent's console."""
    profiles = [PageErrors(browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}))
                for _ in range(2)]
    customer, agent = (profile.new_page() for profile in profiles)
    yield customer, agent
    for profile in profiles:
        profile.context.close()
    errors = [error for profile in profiles for error in profile.errors]
    assert not errors, errors
