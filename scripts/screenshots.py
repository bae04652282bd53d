"""Screenshots of the web chat and of the agent console's case page for the README.

Starts a fresh assistant with its own databases (the test suite's stack: action server, Rasa
server, console; the trained model), plays two customers in headless Chromium and an agent in
the console, and writes docs/screenshots/:

- webchat.png: a complaint told in one message, read back, confirmed and filed: the company's
  name and logo, message times, the complaint ID pinned at the top, the 转人工 button;
- webchat-agent.png: a customer who pressed 转人工 and sent a photo of the problem, answered by a
  person from the console;
- case.png: that case in the agent console, with the photo's thumbnail.

Run it with `make screenshots` (it sets up Chromium and the CJK font first).
"""
from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.auxil.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.auxil.media import photo  # noqa: E402
from tests.auxil.stack import Stack, running_stack, trained_model  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
REPLY_TIMEOUT_MS = 90_000
PHONE = {"width": 420, "height": 820}
DESKTOP = {"width": 1280, "height": 1000}
#: The customer's side of the conversations (written for the screenshots, as in the README).
COMPLAINT = ["你好", "我上周三买的跑鞋，订单号DD20261101001，才穿两天就开胶了，想退款，电话13812345678", "对的"]
HANDOFF = ["快递说好前天送到，到现在还没收到"]
AGENT_REPLY = "您好，我是客服王芳，这件事由我来跟进。我已经联系快递核实，今天下午五点前给您回电话。"


class Customer:
    """A customer's web chat tab on a phone-sized screen."""

    def __init__(self, browser: Browser, stack: Stack) -> None:
        self.context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai",
                                           device_scale_factor=2)
        self.page: Page = self.context.new_page()
        self.page.goto(f"{stack.rasa_url}/webchat")
        expect(self.page.locator("#status")).to_have_attribute("data-state", "online", timeout=30_000)
        self.bot = self.page.locator(".message--bot .message__bubble")

    def wait_done(self) -> None:
        """Until the assistant has finished answering (no one is typing)."""
        expect(self.page.locator("#typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str) -> None:
        count = self.bot.count()
        self.page.locator("#input").fill(text)
        self.page.locator("#input").press("Enter")
        expect(self.bot).not_to_have_count(count, timeout=REPLY_TIMEOUT_MS)
        self.wait_done()

    def press(self, name: str) -> None:
        count = self.bot.count()
        self.page.get_by_role("button", name=name).last.click()
        expect(self.bot).not_to_have_count(count, timeout=REPLY_TIMEOUT_MS)
        self.wait_done()

    def send_photo(self, data: bytes) -> None:
        """Send a JPEG photo with the photo button and wait for the assistant's answer."""
        count = self.bot.count()
        self.page.locator("#photo-file").set_input_files(
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": data})
        expect(self.bot).not_to_have_count(count, timeout=REPLY_TIMEOUT_MS)

    @property
    def session_id(self) -> str:
        return self.page.locator("html").get_attribute("data-session-id") or ""

    def shoot(self, name: str) -> Path:
        path = OUT / name
        self.page.wait_for_timeout(300)  # the last scroll settles
        self.page.screenshot(path=str(path))
        return path


def agent_page(browser: Browser, stack: Stack) -> Page:
    """A console tab of a new agent 王芳, logged in through the form."""
    username, password = f"wangfang-{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    stack.add_agent(username, password, "王芳")
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    page.goto(f"{stack.console_url}/agent")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{stack.console_url}/agent")
    return page


def take(browser: Browser, stack: Stack) -> list[Path]:
    taken = []
    filed = Customer(browser, stack)
    for text in COMPLAINT:
        filed.say(text)
    if filed.page.get_by_role("button", name="可以").count():
        filed.press("可以")
    expect(filed.page.locator("#complaint")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    taken.append(filed.shoot("webchat.png"))

    waiting = Customer(browser, stack)
    for text in HANDOFF:
        waiting.say(text)
    waiting.press("转人工")
    expect(waiting.page.locator("#complaint")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    complaint_id = waiting.page.locator("#complaint-id").inner_text()
    waiting.send_photo(photo((480, 360), "#8a8f98"))

    console = agent_page(browser, stack)
    console.get_by_role("link", name=complaint_id).click()
    expect(console).to_have_url(re.compile(r"/agent/cases/\d+"))
    console.locator("#claim").click()
    reply = console.locator("#reply-text")
    expect(reply).to_be_visible(timeout=30_000)
    reply.fill(AGENT_REPLY)
    console.get_by_role("button", name="发送给客户").click()
    expect(waiting.bot.last).to_contain_text("王芳", timeout=REPLY_TIMEOUT_MS)
    taken.append(waiting.shoot("webchat-agent.png"))
    expect(console.get_by_text(AGENT_REPLY).first).to_be_visible(timeout=30_000)
    expect(console.get_by_role("img", name="客户发来的照片")).to_be_visible(timeout=30_000)
    console.wait_for_timeout(500)
    path = OUT / "case.png"
    console.screenshot(path=str(path), full_page=True)
    taken.append(path)
    return taken


def main() -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    if not Path(CHROMIUM).is_file():
        print(f"no Chromium at {CHROMIUM}: run `bash scripts/setup.sh --test` (or set CHROMIUM=/path)",
              file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as workdir, \
            running_stack(Path(workdir), trained_model()) as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in take(browser, stack):
                print(f"written: {path.relative_to(ROOT)}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
