"""A photo a customer sends reaches the agent: from the web chat's photo button, from WeChat and
from Telegram (fake platforms, downloaded by their APIs), it shows on the case page in headless
Chromium as a thumbnail that opens full size; the web chat's customer hears the photo was kept,
or politely why not (never a server error)."""
from __future__ import annotations

import asyncio
import re
from typing import Iterator, Tuple

import httpx
import pytest
from playwright.sync_api import Page, expect

from bench.fake_wechat import FakeWeChatApi, OfficialAccount, WeChatServer, fake_wechat_api, openid
from bot.identity import sender_id
from tests.auxil.channel_responses import response_pattern
from tests.auxil.fake_telegram import Customer, FakeBotApi, Webhook, fake_bot_api
from tests.auxil.media import PHOTO, PNG, photo
from tests.auxil.platform_stack import running_stack_on_platforms
from tests.auxil.stack import Stack
from tests.auxil.socket_io import SocketIOClient
from tests.e2e.test_agent_console import REPLY_TIMEOUT_MS, THREAT_MESSAGE, _handed_off_case, _log_in, _say

ACCOUNT = OfficialAccount()
ATTACHED = response_pattern("utter_evidence_attached")


@pytest.fixture(scope="module")
def platforms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Stack, FakeWeChatApi, FakeBotApi]]:
    """The assistant with the web chat, WeChat and Telegram, and the console."""
    with fake_bot_api() as bot_api, fake_wechat_api() as wechat_api:
        with running_stack_on_platforms(tmp_path_factory.mktemp("photos"), bot_api, wechat_api, ACCOUNT) as stack:
            yield stack, wechat_api, bot_api


def _opens_full_size(agent: Page, stack: Stack, case_id: int, size: Tuple[int, int]) -> None:
    """The case page shows the photo as a thumbnail; clicked, it opens at its own size."""
    agent.goto(f"{stack.console_url}/agent/cases/{case_id}")
    thumbnail = agent.get_by_role("img", name="客户发来的照片")
    expect(thumbnail).to_be_visible(timeout=30_000)
    agent.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.bounding_box()["width"] <= 130, "a thumbnail"
    with agent.context.expect_page() as opened:
        thumbnail.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]") == list(size)
    full.close()


def test_a_photo_from_the_web_chat_shows_on_the_case_page(platforms, customer_and_agent, tmp_path) -> None:
    stack, _, _ = platforms
    customer, agent = customer_and_agent
    customer.goto(f"{stack.rasa_url}/webchat")
    expect(customer.locator("#status")).to_have_attribute("data-state", "online", timeout=20_000)
    _say(customer, THREAT_MESSAGE)
    case = _handed_off_case(stack, "webchat", customer.locator("html").get_attribute("data-session-id"))
    picture = tmp_path / "cracked.jpg"
    picture.write_bytes(PHOTO)
    replies = customer.locator(".message--bot .message__bubble")
    count = replies.count()

    customer.locator("#photo-file").set_input_files(str(picture))

    expect(customer.locator(".message--user .message__photo")).to_be_visible()
    expect(replies).to_have_count(count + 1, timeout=REPLY_TIMEOUT_MS)
    expect(replies.last).to_have_text(ATTACHED)
    expect(replies.last).to_contain_text(case.complaint.public_id)
    _log_in(stack, agent, "王芳")
    _opens_full_size(agent, stack, case.id, (320, 240))


def test_a_file_that_is_no_photo_gets_a_polite_answer_in_the_web_chat(platforms, customer_and_agent,
                                                                       tmp_path) -> None:
    stack, _, _ = platforms
    customer, _ = customer_and_agent
    customer.goto(f"{stack.rasa_url}/webchat")
    expect(customer.locator("#status")).to_have_attribute("data-state", "online", timeout=20_000)
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    replies = customer.locator(".message--bot .message__bubble")

    customer.locator("#photo-file").set_input_files(str(fake))

    expect(replies.last).to_have_text(response_pattern("utter_webchat_photo_not_supported"),
                                      timeout=REPLY_TIMEOUT_MS)
    expect(customer.locator(".message--failed")).to_have_count(1)


def test_the_upload_refuses_politely_what_it_does_not_keep(platforms) -> None:
    stack, _, _ = platforms
    upload = f"{stack.rasa_url}/webchat/upload"
    assert httpx.post(upload, content=PNG, timeout=30).status_code == 403, "no session: nothing kept"
    assert httpx.post(upload, content=PNG, headers={"X-Webchat-Session": "web:forged.token"},
                      timeout=30).status_code == 403
    token = asyncio.run(_session(stack))
    big = photo((400, 300), fmt="PNG") + bytes(11 * 1024 * 1024)
    too_large = httpx.post(upload, content=big, headers={"X-Webchat-Session": token}, timeout=60)
    assert (too_large.status_code, too_large.json()) == (413, {"error": "too_large", "said": True})
    empty = httpx.post(upload, content=b"", headers={"X-Webchat-Session": token}, timeout=30)
    assert empty.status_code == 415
    kept = httpx.post(upload, content=PNG, headers={"X-Webchat-Session": token, "Content-Type": "text/html"},
                      timeout=30)
    assert (kept.status_code, kept.json()) == (200, {"kind": "image", "said": True})


async def _session(stack: Stack) -> str:
    """A web chat session token, as the page gets it."""
    async with SocketIOClient(stack.rasa_url) as client:
        await client.emit("session_request", {})
        return await client.next("session_confirm", 30)


def test_photos_from_wechat_and_telegram_show_on_the_case_page(platforms, customer_and_agent) -> None:
    stack, wechat_api, bot_api = platforms
    _, agent = customer_and_agent
    wechat = WeChatServer(f"{stack.rasa_url}/webhooks/wechat/webhook", ACCOUNT, safe=True)
    follower = openid()
    wechat.send(follower, Content=THREAT_MESSAGE)
    wechat_case = _handed_off_case(stack, "wechat", sender_id("wechat", follower))
    wechat_api.media[f"photo-{follower}"] = (PHOTO, "image/jpeg")
    assert re.search(wechat_case.complaint.public_id,
                     wechat.send(follower, "image", PicUrl="http://mmbiz.qpic.cn/x.jpg", MediaId=f"photo-{follower}")
                     or "".join(wechat_api.wait_for(follower, 2)))

    telegram = Customer()
    webhook = Webhook(f"{stack.rasa_url}/webhooks/tg/webhook")
    webhook.deliver(telegram.update(text=THREAT_MESSAGE))
    telegram_case = _handed_off_case(stack, "tg", telegram.sender_id)
    update = telegram.photo()
    bot_api.files[update["message"]["photo"][-1]["file_id"]] = PNG
    webhook.deliver(update)

    _log_in(stack, agent, "李娜")
    _opens_full_size(agent, stack, wechat_case.id, (320, 240))
    _opens_full_size(agent, stack, telegram_case.id, (200, 150))
