"""A person takes over a real conversation: the customer talks to the real Rasa server and action
server, an agent works the case at the agent console (API and browser), and hands it back."""
from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Tuple

from playwright.sync_api import Page, expect
from sqlalchemy import update

from bot.clock import utcnow
from bot.handoff import NO_AGENT_JOB, load_handoff_settings
from bot.storage import Case, ComplaintStore, HandoffQueue
from bot.storage.models import JobRow
from tests.auxil.agents import AgentClient, new_customer
from tests.auxil.channel_responses import response_pattern
from tests.auxil.stack import Stack, free_port, running_console

THREAT_MESSAGE = "再不处理我就去12315投诉你们"
HANDED_BACK = response_pattern("utter_handed_back")
REPLY_TIMEOUT_MS = 60_000


def _handed_off_case(stack: Stack, channel: str, sender: str) -> Case:
    """The case the conversation's handoff queued for the customer."""
    store = ComplaintStore(stack.database_url)
    try:
        queue = HandoffQueue(store, load_handoff_settings(store.tz))
        case = queue.open_case_for(channel, stack.conversation(sender))
    finally:
        store.close()
    assert case is not None, f"the threat did not queue a case for {channel}:{sender}"
    return case



def test_an_agent_takes_over_replies_and_hands_back_over_the_api(stack: Stack) -> None:
    sender = new_customer()
    stack.say(sender, "你好")
    stack.say(sender, THREAT_MESSAGE)
    case = _handed_off_case(stack, "rest", sender)
    assert case.priority == "P1" and case.reason == "threat"
    assert stack.tracker(sender)["paused"], "the assistant waits for the agent"
    agent = stack.agent("王芳")

    queued = [view["id"] for view in agent.get("queue").json()["cases"]]
    assert case.id in queued
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    transcript = agent.get(f"cases/{case.id}/transcript").json()
    assert transcript["paused"] is True
    assert any(e["who"] == "customer" and e["text"] == THREAT_MESSAGE for e in transcript["entries"])

    reply = "您好，我是客服王芳，您的问题由我来跟进，今天下班前给您答复。"
    answer = agent.post(f"cases/{case.id}/reply", {"text": reply})
    assert (answer.status_code, answer.json()) == (200, {"forbidden": []})
    last_bot = stack.bot_events(sender)[-1]
    assert last_bot["text"] == reply and last_bot["metadata"]["agent"] == "王芳"
    entries = agent.get(f"cases/{case.id}/transcript").json()["entries"]
    assert entries[-1] | {"at": None, "time": None} == {
        "who": "agent", "text": reply, "buttons": [], "agent_name": "王芳", "at": None, "time": None}

    assert stack.say(sender, "好的，那我等你们消息") == [], "while paused, only the agent answers"
    assert agent.get(f"cases/{case.id}/transcript").json()["entries"][-1]["text"] == "好的，那我等你们消息"

    released = agent.post(f"cases/{case.id}/release")
    assert released.status_code == 200
    assert released.json()["warning"] is None
    assert released.json()["case"]["status"] == "released"
    tracker = stack.tracker(sender)
    assert tracker["paused"] is False
    assert stack.bot_events(sender)[-1]["metadata"]["utter_action"] == "utter_handed_back"
    assert stack.say(sender, "你好"), "the assistant answers again"
    history = agent.get(f"cases/{case.id}").json()["history"]
    assert [(e["agent_name"], e["action_label"]) for e in history] == [
        ("王芳", "接手"), ("王芳", "回复客户"), ("王芳", "交还机器人")]


def test_when_nobody_claims_in_time_the_consoles_worker_promises_a_callback(stack: Stack) -> None:
    sender = new_customer()
    stack.say(sender, THREAT_MESSAGE)
    case = _handed_off_case(stack, "rest", sender)
    store = ComplaintStore(stack.database_url)
    try:  # the claim deadline passes
        with store.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.key == f"{NO_AGENT_JOB}:{case.id}").values(due_at=utcnow()))
    finally:
        store.close()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and stack.bot_events(sender)[-1]["metadata"].get("kind") != NO_AGENT_JOB:
        time.sleep(0.5)
    apology = stack.bot_events(sender)[-1]
    assert apology["metadata"].get("kind") == NO_AGENT_JOB, "the console's worker sent no apology"
    agent = stack.agent("王芳")
    queued = next(view for view in agent.get("queue").json()["cases"] if view["id"] == case.id)
    assert queued["overdue"] is True
    assert case.complaint.public_id in apology["text"]
    assert queued["callback_due_text"] in apology["text"], "the console shows the time promised"


def test_resolved_while_rasa_was_unreachable_the_customer_is_told_once_it_is_back(
        stack: Stack, tmp_path: Path) -> None:
    sender = new_customer()
    stack.say(sender, THREAT_MESSAGE)
    case = _handed_off_case(stack, "rest", sender)
    # A second console on the same database that cannot reach the Rasa server (no worker of its
    # own); the stack's console, whose worker reaches it, plays the server coming back.
    with running_console(tmp_path, f"http://127.0.0.1:{free_port()}", stack.token,
                         {"DATABASE_URL": stack.database_url}, run_worker=False) as cut_off:
        username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        cut_off.add_agent(username, password, "王芳")
        agent = AgentClient.by_api(cut_off.url, username, password)
        assert agent.post(f"cases/{case.id}/claim").status_code == 200
        answer = agent.post(f"cases/{case.id}/resolve", {"remedy": "exchange", "resolution": "已为您换新耳机"})
    assert answer.status_code == 200 and answer.json()["warning"], "the agent is told the customer was not"
    notice = stack.wait_for_bot_event(sender, "status")
    assert case.complaint.public_id in notice["text"] and "已为您换新耳机" in notice["text"]


def _log_in(stack: Stack, page: Page, name: str) -> None:
    """A new agent called `name` logs in to the console in `page` and sees the queue."""
    username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    stack.add_agent(username, password, name)
    page.goto(f"{stack.console_url}/agent")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _say(page: Page, text: str) -> None:
    """The customer types `text` into the web chat and waits for the assistant's answer."""
    replies = page.locator(".message--bot .message__bubble")
    count = replies.count()
    page.locator("#input").fill(text)
    page.locator("#input").press("Enter")
    expect(replies).not_to_have_count(count, timeout=REPLY_TIMEOUT_MS)


def test_an_agents_reply_in_the_console_reaches_the_customers_web_chat(
        stack: Stack, customer_and_agent: Tuple[Page, Page]) -> None:
    customer, agent = customer_and_agent
    customer.goto(f"{stack.rasa_url}/webchat")
    expect(customer.locator("#status")).to_have_attribute("data-state", "online", timeout=20_000)
    _say(customer, "你好")
    _say(customer, THREAT_MESSAGE)
    case = _handed_off_case(stack, "webchat", customer.locator("html").get_attribute("data-session-id"))
    _log_in(stack, agent, "王芳")
    row = agent.locator(f'.queue-item[data-case-id="{case.id}"]')
    expect(row).to_contain_text(case.complaint.public_id)
    expect(row.locator(".badge")).to_have_text("P1 紧急")
    expect(row).to_contain_text("网页在线客服")
    row.get_by_role("button", name="接手").click()

    expect(agent).to_have_url(f"{stack.console_url}/agent/cases/{case.id}")
    transcript = agent.locator("#transcript")
    expect(transcript.locator(".message--customer").last).to_contain_text(THREAT_MESSAGE)
    expect(agent.locator("#paused")).to_have_text("（机器人已暂停，由专员回复）")
    reply = "您好，我是客服王芳，您的问题由我来跟进，今天下班前给您答复。"
    agent.get_by_label("回复内容").fill(reply)
    agent.get_by_role("button", name="发送给客户").click()

    expect(transcript.locator(".message--agent .message__text").last).to_have_text(reply)
    expect(transcript.locator(".message--agent .message__meta").last).to_contain_text("专员 王芳")
    customer_view = customer.locator(".message--bot .message__bubble")
    expect(customer_view.last).to_have_text(reply, timeout=REPLY_TIMEOUT_MS)
    expect(customer.locator(".message--agent .message__sender").last).to_have_text("客服 王芳"), \
        "the customer sees a person took over, and who"
    history = agent.locator("#history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("王芳 接手")
    expect(history.nth(1)).to_contain_text("王芳 回复客户")

    agent.get_by_role("button", name="交还机器人").click()
    expect(agent.locator("#notice")).to_have_text("已交还机器人，机器人会先和客户打个招呼。")
    expect(customer_view.last).to_contain_text(HANDED_BACK, timeout=REPLY_TIMEOUT_MS)
    expect(customer.locator(".message--agent")).to_have_count(1), "the assistant's greeting is its own"
    expect(agent.locator("#paused")).to_have_text("（机器人正在自动回复）")
    expect(history.last).to_contain_text("王芳 交还机器人")


def test_the_case_page_shows_what_the_customer_gave_and_the_button_they_pressed(
        stack: Stack, customer_and_agent: Tuple[Page, Page]) -> None:
    customer, agent = customer_and_agent
    customer.goto(f"{stack.rasa_url}/webchat")
    expect(customer.locator("#status")).to_have_attribute("data-state", "online", timeout=20_000)
    for said in ("你好", "我买的跑鞋才穿两天就开胶了", "上周三", "订单号DD20261101456"):
        _say(customer, said)
    replies = customer.locator(".message--bot .message__bubble")
    count = replies.count()
    customer.get_by_role("button", name="退款").last.click()
    expect(replies).not_to_have_count(count, timeout=REPLY_TIMEOUT_MS)
    _say(customer, "我要找人工客服")
    expect(replies.last).to_contain_text("投诉编号", timeout=REPLY_TIMEOUT_MS)  # handed over
    case = _handed_off_case(stack, "webchat", customer.locator("html").get_attribute("data-session-id"))
    _log_in(stack, agent, "王芳")
    agent.locator(f'.queue-item[data-case-id="{case.id}"]').get_by_role(
        "link", name=case.complaint.public_id).click()
    facts = {"问题描述": "我买的跑鞋才穿两天就开胶了", "发生时间": "上周三", "订单号": "DD20261101456",
             "客户希望": "退款"}
    for name, value in facts.items():
        expect(agent.locator("#summary dt", has_text=name).locator("xpath=following-sibling::dd[1]")
               ).to_have_text(value)
    customer_said = agent.locator("#transcript .message--customer")
    expect(customer_said.filter(has_text="退款")).to_have_count(1), "the button's title, not its payload"
    expect(customer_said.filter(has_text="/request_remedy")).to_have_count(0)
