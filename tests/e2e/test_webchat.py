"""The web chat page (GET /webchat) in headless Chromium against the real assistant.

The browser comes from tests/auxil/browser.py (skipped loudly without Chromium, failed on CI).
WEBCHAT_SCREENSHOT=path saves a screenshot of a conversation with buttons (for the docs;
`make screenshots` takes the README's).
"""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from channels.webchat_settings import WebChatSettings
from tests.auxil.channel_responses import response_pattern
from tests.auxil.socket_io import SocketIOClient
from tests.auxil.stack import Stack

REPLY_TIMEOUT_MS = 60_000  # the first replies of a fresh server are slow on 2 cores
GREETING = response_pattern("utter_greet")
SETTINGS = WebChatSettings.load()  # config/channels.yml as shipped
BROWSER_TZ = ZoneInfo("Asia/Shanghai")
COMPLAINT_ID = re.compile(r"TS-\d{8}-\d{4}")
TYPING = "对方正在输入"


class SocketTap:
    """Between the page and the server (Playwright's WebSocket routing): drops the connection,
    or holds the server's events (the bot's messages, the end of a turn) back until released."""

    HELD = ("bot_uttered", "turn_done")

    def __init__(self, page: Page) -> None:
        self.page = page
        self.routes: List[WebSocketRoute] = []
        self.holding = False
        self.held: List[Tuple[WebSocketRoute, str]] = []
        page.route_web_socket("**/socket.io/**", self._route)

    def _route(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def from_server(message: Any) -> None:
            if self.holding and any(str(message).startswith(f'42["{name}"') for name in self.HELD):
                self.held.append((page_side, message))
            else:
                page_side.send(message)

        server_side.on_message(from_server)  # the page's own messages still pass by themselves
        self.routes.append(page_side)

    def drop(self) -> None:
        """Close the current connection, as a network failure would."""
        self.routes[-1].close()

    def wait_for(self, name: str) -> None:
        """Wait until the server has sent the event `name` (held back)."""
        for _ in range(REPLY_TIMEOUT_MS // 250):  # Playwright runs the tap while the page waits
            if any(str(message).startswith(f'42["{name}"') for _, message in self.held):
                return
            self.page.wait_for_timeout(250)
        raise AssertionError(f"the server sent no {name}")

    def wait_for_count(self, name: str, count: int) -> None:
        """Wait until the server has sent `count` events `name` (held back)."""
        for _ in range(REPLY_TIMEOUT_MS // 250):
            if sum(str(message).startswith(f'42["{name}"') for _, message in self.held) >= count:
                return
            self.page.wait_for_timeout(250)
        raise AssertionError(f"the server sent fewer than {count} {name}")

    def release(self, name: Optional[str] = None, count: Optional[int] = None) -> None:
        """Pass on what was held (only the first `count` events `name`, and keep holding the rest)."""
        kept = []
        for page_side, message in self.held:
            if (name is None or str(message).startswith(f'42["{name}"')) and count != 0:
                page_side.send(message)
                count = None if count is None else count - 1
            else:
                kept.append((page_side, message))
        self.held = kept
        self.holding = name is not None


class Chat:
    """The chat page in a browser tab, and the Rasa HTTP API behind it."""

    def __init__(self, page: Page, stack: Stack) -> None:
        self.page = page
        self.stack = stack
        self.bot = page.locator(".message--bot .message__bubble")
        self.user = page.locator(".message--user .message__bubble")

    def open(self) -> "Chat":
        self.page.goto(f"{self.stack.rasa_url}/webchat")
        self.wait_online()
        return self

    def wait_online(self) -> None:
        expect(self.page.locator("#status")).to_have_attribute("data-state", "online", timeout=20_000)

    @property
    def session_id(self) -> str:
        return self.page.locator("html").get_attribute("data-session-id") or ""

    def say(self, text: str) -> None:
        self.page.locator("#input").fill(text)
        self.page.locator("#input").press("Enter")

    def say_and_wait(self, text: str) -> None:
        """Send `text` and wait until a new bot message arrives."""
        count = self.bot.count()
        self.say(text)
        expect(self.bot).not_to_have_count(count, timeout=REPLY_TIMEOUT_MS)

    def push(self, *events: Dict[str, Any]) -> None:
        """Append events as an agent or a job would, sending bot messages to the customer."""
        response = httpx.post(
            f"{self.stack.rasa_url}/conversations/{self.session_id}/tracker/events",
            params={"token": self.stack.token, "output_channel": "latest",
                    "execute_side_effects": "true"},
            json=list(events), timeout=60)
        response.raise_for_status()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (empty localStorage) in a phone-sized window."""
    context = browser.new_context(viewport={"width": 420, "height": 760}, locale="zh-CN",
                                  timezone_id=str(BROWSER_TZ))
    yield context
    context.close()


@pytest.fixture
def new_chat(browser: Browser, context: BrowserContext, stack: Stack) -> Iterator[Callable[[], Chat]]:
    """Opens chat tabs; fails the test if a page logged a JavaScript or CSP error.

    `browser` comes first so that a missing Chromium skips before the assistant starts.
    """
    errors: List[str] = []

    def open_tab() -> Chat:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        return Chat(page, stack)

    yield open_tab
    assert not errors, errors


def test_greeting_gets_the_bots_reply(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    expect(chat.page).to_have_title(f"{SETTINGS.company_name} · {SETTINGS.subtitle}")
    expect(chat.page.locator("#input")).to_have_attribute("placeholder", "请输入您的问题…")

    chat.say("你好")

    expect(chat.user).to_have_text(["你好"])
    expect(chat.bot.first).to_have_text(GREETING, timeout=REPLY_TIMEOUT_MS)
    expect(chat.page.locator("#typing")).to_be_hidden()
    assert chat.stack.tracker(chat.session_id)["latest_input_channel"] == "webchat"


def test_someone_is_typing_while_the_assistant_works_and_no_longer(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat()
    tap = SocketTap(chat.page)
    chat.open()
    typing = chat.page.get_by_text(TYPING)
    expect(typing).to_be_hidden()
    tap.holding = True

    chat.say("你好")

    expect(typing).to_be_visible()
    tap.wait_for("turn_done")
    expect(typing).to_be_visible()
    expect(chat.bot).to_have_count(0)
    tap.release("bot_uttered")  # the answer, but the turn is not over: more may come
    expect(chat.bot.first).to_have_text(GREETING)
    expect(typing).to_be_visible()
    expect(chat.page.locator("#messages > :last-child")).to_have_id("typing")  # below the answer
    tap.release()
    expect(typing).to_be_hidden()


def test_two_messages_at_once_keep_someone_typing_until_both_are_answered(
        new_chat: Callable[[], Chat]) -> None:
    chat = new_chat()
    tap = SocketTap(chat.page)
    chat.open()
    typing = chat.page.get_by_text(TYPING)
    tap.holding = True

    chat.say("你好")
    chat.say("我想问一下退货的事")

    tap.wait_for_count("turn_done", 2)
    tap.release("bot_uttered")
    tap.release("turn_done", count=1)
    expect(chat.bot.first).to_be_visible()
    expect(typing).to_be_visible()  # the second message is still being answered
    tap.release()
    expect(typing).to_be_hidden()


def test_no_one_is_typing_when_no_answer_is_coming(new_chat: Callable[[], Chat]) -> None:
    """Paused for an agent, the assistant says nothing: the page does not pretend otherwise,
    nor after the connection drops mid-turn."""
    chat = new_chat()
    tap = SocketTap(chat.page)
    chat.open()
    typing = chat.page.get_by_text(TYPING)
    chat.say_and_wait("我要投诉，请帮我转人工")
    expect(typing).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    assert chat.stack.tracker(chat.session_id)["paused"]

    chat.say("好的，我等着")  # goes to the agent: no answer

    expect(chat.user.last).to_have_text("好的，我等着")
    expect(typing).to_be_hidden(timeout=15_000)  # long before the 60 s fallback
    expect(chat.bot.last).not_to_have_text("好的，我等着")

    tap.holding = True
    chat.say("还在吗")
    expect(typing).to_be_visible()
    tap.drop()
    expect(typing).to_be_hidden()


def test_the_header_shows_the_company_name_and_logo(new_chat: Callable[[], Chat], stack: Stack) -> None:
    chat = new_chat().open()
    expect(chat.page.locator(".chat__title")).to_have_text(SETTINGS.company_name)
    expect(chat.page.locator(".chat__subtitle")).to_contain_text(SETTINGS.subtitle)
    logo = chat.page.locator(".chat__logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") > 0, "the logo loads"
    served = httpx.get(f"{stack.rasa_url}/webchat/logo", timeout=30)
    assert served.content == SETTINGS.logo.read_bytes()
    assert served.headers["content-type"].startswith(SETTINGS.logo_type)
    assert "sandbox" in served.headers["content-security-policy"], "an SVG logo runs no script"


def test_every_message_shows_its_time(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    before = datetime.now(BROWSER_TZ)
    chat.say_and_wait("你好")
    after = datetime.now(BROWSER_TZ)
    expected = {f"{moment:%H:%M}" for moment in (before, after)}

    times = chat.page.locator(".message .message__time")
    expect(times).to_have_count(chat.page.locator(".message").count())
    shown = times.all_inner_texts()
    assert shown and set(shown) <= expected, (shown, expected)
    assert before.timestamp() - 1 <= datetime.fromisoformat(
        times.first.get_attribute("datetime").replace("Z", "+00:00")).timestamp() <= after.timestamp() + 1

    chat.page.reload()
    chat.wait_online()
    assert chat.page.locator(".message .message__time").all_inner_texts() == shown, "kept with the transcript"


def test_the_human_button_asks_for_a_person_as_the_customer_would(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")
    replies = chat.bot.count()

    chat.page.get_by_role("button", name="转人工").click()

    expect(chat.user.last).to_have_text(SETTINGS.human_request)
    expect(chat.bot).not_to_have_count(replies, timeout=REPLY_TIMEOUT_MS)
    expect(chat.page.get_by_text(TYPING)).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    tracker = chat.stack.tracker(chat.session_id)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"][-1] == SETTINGS.human_request
    assert tracker["slots"]["handoff_reason"] == "human_request" and tracker["paused"]


def test_the_complaint_id_is_pinned_once_there_is_one_for_this_customer_only(
        new_chat: Callable[[], Chat], browser: Browser) -> None:
    chat = new_chat().open()
    pinned = chat.page.locator("#complaint")
    chat.say_and_wait("你好")
    expect(pinned).to_be_hidden()

    chat.say_and_wait("我买的耳机左耳没声音了，请帮我转人工")  # the handoff files the complaint

    expect(pinned).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    filed = chat.stack.tracker(chat.session_id)["slots"]["complaint_id"]
    assert COMPLAINT_ID.fullmatch(filed)
    expect(chat.page.locator("#complaint-id")).to_have_text(filed)
    box = pinned.bounding_box()
    chat.page.mouse.wheel(0, -2000)
    assert box and box["y"] < 120 and pinned.bounding_box() == box, "at the top, whatever the scrolling"

    # After a reload the server says it again, even when the page forgot it.
    chat.page.evaluate("""() => { const key = "webchat.transcript";
        const saved = JSON.parse(localStorage.getItem(key)); saved.complaintId = null;
        localStorage.setItem(key, JSON.stringify(saved)); }""")
    chat.page.reload()
    chat.wait_online()
    expect(chat.page.locator("#complaint-id")).to_have_text(filed)

    other = browser.new_context(locale="zh-CN")  # another customer
    try:
        page = other.new_page()
        stranger = Chat(page, chat.stack).open()
        stranger.say_and_wait("你好")
        expect(page.locator("#complaint")).to_be_hidden()
        assert filed not in page.content()
    finally:
        other.close()

    chat.page.get_by_role("button", name="新对话").click()
    chat.wait_online()
    expect(pinned).to_be_hidden()


def test_clicking_a_button_sends_its_payload_and_shows_its_title(
        new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")
    chat.push({"event": "bot", "text": "请问您想做什么？",
               "data": {"buttons": [{"title": "打个招呼", "payload": "/greet"},
                                    {"title": "算了", "payload": "/goodbye"}]}})
    button = chat.page.get_by_role("button", name="打个招呼")
    expect(button).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    replies = chat.bot.count()

    button.click()

    expect(chat.user.last).to_have_text("打个招呼")
    expect(chat.bot).to_have_count(replies + 1, timeout=REPLY_TIMEOUT_MS)
    expect(chat.bot.last).to_have_text(GREETING)
    expect(chat.page.get_by_role("button", name="算了")).to_be_disabled()
    user_texts = [e["text"] for e in chat.stack.tracker(chat.session_id)["events"] if e["event"] == "user"]
    assert user_texts[-1] == "/greet"
    if os.environ.get("WEBCHAT_SCREENSHOT"):
        Path(os.environ["WEBCHAT_SCREENSHOT"]).parent.mkdir(parents=True, exist_ok=True)
        chat.page.screenshot(path=os.environ["WEBCHAT_SCREENSHOT"])


def test_agent_message_pushed_through_the_http_api_appears(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")

    chat.push({"event": "bot", "text": "您好，我是客服专员小王。\n您的投诉我已经接手，今天下班前给您回电。"})

    expect(chat.bot.last).to_have_text("您好，我是客服专员小王。\n您的投诉我已经接手，今天下班前给您回电。",
                                       timeout=REPLY_TIMEOUT_MS)
    assert chat.bot.last.evaluate("node => node.offsetHeight") > 40  # two lines: the newline shows


def test_an_agents_reply_shows_their_name_in_a_bubble_of_its_own(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")

    chat.push({"event": "bot", "text": "您好，我是王芳，您的问题由我来跟进。", "metadata": {"agent": "王芳"}})

    agent = chat.page.locator(".message--agent")
    expect(agent.locator(".message__bubble")).to_have_text("您好，我是王芳，您的问题由我来跟进。",
                                                           timeout=REPLY_TIMEOUT_MS)
    expect(agent.locator(".message__sender")).to_have_text("客服 王芳")
    assistant = chat.page.locator(".message--bot:not(.message--agent) .message__bubble").first
    assert agent.locator(".message__bubble").evaluate("n => getComputedStyle(n).backgroundColor") != \
        assistant.evaluate("n => getComputedStyle(n).backgroundColor"), "a person's bubble looks different"
    expect(chat.page.locator(".message--bot:not(.message--agent) .message__sender")).to_have_count(0)

    chat.page.reload()
    chat.wait_online()
    expect(agent.locator(".message__sender")).to_have_text("客服 王芳"), "a reload keeps who wrote it"


def test_triggered_intent_reaches_the_open_page(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")
    replies = chat.bot.count()

    response = httpx.post(f"{chat.stack.rasa_url}/conversations/{chat.session_id}/trigger_intent",
                          params={"token": chat.stack.token, "output_channel": "latest"},
                          json={"name": "greet"}, timeout=60)
    response.raise_for_status()

    expect(chat.bot).to_have_count(replies + 1, timeout=REPLY_TIMEOUT_MS)
    expect(chat.bot.last).to_have_text(GREETING)


def test_html_in_a_bot_message_shows_as_literal_text(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")
    markup = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2"><b>加粗</b>'

    chat.push({"event": "bot", "text": markup})

    expect(chat.bot.last).to_have_text(markup, timeout=REPLY_TIMEOUT_MS)
    assert chat.page.locator("#messages script, #messages img, #messages b").count() == 0
    assert chat.page.evaluate("() => window.pwned") is None


def test_reload_keeps_the_session_and_the_conversation(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat().open()
    chat.say_and_wait("你好")
    session_id = chat.session_id
    shown = chat.page.locator(".message").all_inner_texts()

    chat.page.reload()
    chat.wait_online()

    assert chat.session_id == session_id
    assert chat.page.locator(".message").all_inner_texts() == shown
    chat.say_and_wait("你好")
    user_events = [e for e in chat.stack.tracker(session_id)["events"] if e["event"] == "user"]
    assert [e["input_channel"] for e in user_events] == ["webchat", "webchat"]


def test_dropped_connection_is_announced_and_recovers(new_chat: Callable[[], Chat]) -> None:
    chat = new_chat()
    tap = SocketTap(chat.page)
    chat.open()
    chat.say_and_wait("你好")

    tap.drop()

    expect(chat.page.locator("#status")).to_have_attribute("data-state", "offline")
    expect(chat.page.locator("#notice")).to_have_text(re.compile("连接已断开"))
    chat.wait_online()
    expect(chat.page.locator("#notice")).to_have_text("已重新连接")
    # The new connection rejoined the session: pushed messages still arrive.
    chat.push({"event": "bot", "text": "重新连上了吗？"})
    expect(chat.bot.last).to_have_text("重新连上了吗？", timeout=REPLY_TIMEOUT_MS)


def test_page_and_assets_are_served_with_a_strict_policy(stack: Stack) -> None:
    page = httpx.get(f"{stack.rasa_url}/webchat", timeout=30)
    assert page.status_code == 200 and f"<h1 class=\"chat__title\">{SETTINGS.company_name}</h1>" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name, kind in [("app.js", "javascript"), ("style.css", "css")]:
        asset = httpx.get(f"{stack.rasa_url}/webchat/static/{name}", timeout=30)
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
    assert httpx.get(f"{stack.rasa_url}/webchat/static/index.html", timeout=30).status_code == 404
    assert httpx.get(f"{stack.rasa_url}/webchat/static/..%2Fwebchat.py", timeout=30).status_code == 404


class Socket:
    """A Socket.IO client speaking to the channel as the page does (or as someone forging it)."""

    def __init__(self, stack: Stack) -> None:
        self.client = SocketIOClient(stack.rasa_url)

    async def session(self, data: Dict[str, Any]) -> str:
        """Connect and ask for a session with `data`; the token confirmed."""
        await self.client.connect()
        await self.client.emit("session_request", data)
        return await self.client.next("session_confirm", 30)

    async def say(self, text: str, **extra: Any) -> Dict[str, Any]:
        await self.client.emit("user_uttered", {"message": text, **extra})
        return await self.client.next("bot_uttered", REPLY_TIMEOUT_MS / 1000)


def _conversation(token: str) -> str:
    return token.rpartition(".")[0]


async def test_a_session_id_chosen_by_the_page_is_replaced_by_one_the_server_issues(stack: Stack) -> None:
    owner, intruder = Socket(stack), Socket(stack)
    try:
        token = await owner.session({})
        customer = _conversation(token)
        assert customer.startswith("web:") and len(customer) > 30
        await owner.say("你好")
        forged = (f"{customer}.{'A' * 43}", f"{customer}.{token.rpartition('.')[2][::-1]}")
        for chosen in ("my-own-session-id", customer, "tg:123456", *forged):
            confirmed = await intruder.session({"session_id": chosen})
            assert _conversation(confirmed) not in ("", customer, chosen), chosen
            await intruder.client.disconnect()
            intruder = Socket(stack)
        confirmed = await intruder.session({})
        await intruder.say("我要投诉，快递丢了", session_id=customer)  # names the customer's session: ignored

        texts = [e["text"] for e in stack.tracker(customer)["events"] if e["event"] == "user"]
        assert texts == ["你好"], "nothing reached the customer's conversation"
        assert [e["text"] for e in stack.tracker(_conversation(confirmed))["events"] if e["event"] == "user"] == [
            "我要投诉，快递丢了"]
    finally:
        await owner.client.disconnect()
        await intruder.client.disconnect()


async def test_the_token_the_server_issued_continues_the_conversation(stack: Stack) -> None:
    first, again = Socket(stack), Socket(stack)
    try:
        token = await first.session({})
        await first.say("你好")
        await first.client.disconnect()
        assert await again.session({"session_id": token}) == token
        await again.say("快递三天了还没到")
        texts = [e["text"] for e in stack.tracker(_conversation(token))["events"] if e["event"] == "user"]
        assert texts == ["你好", "快递三天了还没到"]
    finally:
        await again.client.disconnect()
