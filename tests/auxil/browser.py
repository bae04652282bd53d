"""Headless Chromium for the browser tests (Playwright never downloads a browser here).

Needs /usr/bin/chromium (`apt-get install chromium`; another binary: CHROMIUM=/path); without it
the tests are skipped loudly, or fail when CI=true.
"""
from __future__ import annotations

import os
from typing import Iterator, List

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.auxil.services import require_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> Iterator[Browser]:
    """A launched Chromium until the generator is closed (a session fixture's body)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        require_service("Chromium", f"not found at {CHROMIUM} (apt-get install chromium, "
                                    f"or set CHROMIUM=/path/to/chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageErrors:
    """Opens tabs in a browser context and collects their JavaScript and CSP errors. An HTTP
    error status the page handles itself (e.g. 409 for a case a colleague took) is no error."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.errors: List[str] = []

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(_HTTP_ERROR):
            self.errors.append(f"console: {message.text}")


_HTTP_ERROR = "Failed to load resource: the server responded with a status of"
