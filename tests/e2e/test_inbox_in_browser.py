"""The conversation designer's inbox in headless Chromium with the real assistant: a message
the assistant fell back on in the web chat reaches the inbox with the conversation around it
(the phone masked), and labelling it writes the training example; an agent's flag from a case
page reaches it too; designers see no cases and agents no inbox."""
from __future__ import annotations

from typing import Tuple

from playwright.sync_api import Page, expect
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from tests.auxil.stack import Stack
from tests.e2e.test_agent_console import THREAT_MESSAGE, _handed_off_case, _log_in, _open_web_chat, _say

GIBBERISH = "qwxz zzkp"  # the trained model falls back on it (nlu_fallback)
PHONE, MASKED_PHONE = "13812345678", "138****5678"


def _chat(stack: Stack, customer: Page, *messages: str) -> str:
    """The customer says `messages` in the web chat; their conversation's session id."""
    session = _open_web_chat(stack, customer)
    for message in messages:
        _say(customer, message)
    return session


def test_a_fallback_in_the_web_chat_is_in_the_designers_inbox_and_labelling_writes_the_example(
        stack: Stack, customer_and_agent: Tuple[Page, Page]) -> None:
    customer, designer = customer_and_agent
    _chat(stack, customer, "你好", f"我的电话是{PHONE}", GIBBERISH)
    _log_in(stack, designer, "陈静", "designer")
    expect(designer).to_have_url(f"{stack.console_url}/agent/inbox")
    expect(designer.locator(".topbar__role")).to_have_text("对话设计师")
    expect(designer.get_by_role("link", name="待处理案件")).to_have_count(0)

    group = designer.locator('.inbox-group[data-intent="nlu_fallback"]')
    item = group.locator(".inbox-item").filter(has=designer.locator(".inbox-item__text", has_text=GIBBERISH))
    expect(item).to_have_count(1)
    expect(group.locator("h2")).to_contain_text("机器人以为是：nlu_fallback")
    expect(item).to_contain_text("没听懂")
    context = item.locator(".inbox-item__context")
    expect(context.locator(".message--this")).to_have_text("客户" + GIBBERISH)
    expect(context).to_contain_text(f"我的电话是{MASKED_PHONE}")
    expect(context).not_to_contain_text(PHONE)

    item.get_by_label("正确的意图").select_option(label="不是投诉（out_of_scope）")
    item.get_by_role("button", name="保存为训练例句").click()
    expect(item).to_contain_text(f"已写入 {stack.workdir}/nlu/reviewed/out_of_scope.yml：{GIBBERISH}")
    written = RasaYAMLReader().read(stack.workdir / "nlu" / "reviewed" / "out_of_scope.yml")
    assert [(m.get("text"), m.get("intent")) for m in written.training_examples] == [(GIBBERISH, "out_of_scope")]

    designer.reload()
    expect(designer.locator(".inbox-item__text", has_text=GIBBERISH)).to_have_count(0), "done items leave"


def test_an_agents_flag_from_a_case_page_is_in_the_inbox_and_neither_role_sees_the_others_page(
        stack: Stack, customer_and_agent: Tuple[Page, Page]) -> None:
    customer, agent = customer_and_agent
    session = _chat(stack, customer, "你好", THREAT_MESSAGE)
    case = _handed_off_case(stack, "webchat", session)
    _log_in(stack, agent, "王芳")
    expect(agent.get_by_role("link", name="待标注消息")).to_have_count(0)
    agent.goto(f"{stack.console_url}/agent/cases/{case.id}")
    said = agent.locator("#transcript .message--customer").filter(has_text=THREAT_MESSAGE)
    said.get_by_role("button", name="机器人理解错了").click()
    expect(agent.locator("#notice")).to_contain_text("对话设计师会在“待标注消息”里看到这条消息")
    assert agent.goto(f"{stack.console_url}/agent/inbox").status == 403
    expect(agent.get_by_role("alert")).to_contain_text("待标注消息只有对话设计师可以查看")

    designer = agent.context.browser.new_context(locale="zh-CN").new_page()
    _log_in(stack, designer, "陈静", "designer")
    item = designer.locator(".inbox-item").filter(has=designer.locator(".inbox-item__text", has_text=THREAT_MESSAGE))
    expect(item).to_contain_text("客服标记")
    expect(item).to_contain_text("王芳 标记")
    assert designer.goto(f"{stack.console_url}/agent/cases/{case.id}").status == 403
    expect(designer.get_by_role("alert")).to_contain_text("对话设计师不处理客户案件")
    refused = designer.evaluate("""async () => {
        const answer = await fetch("/agent/api/queue");
        return [answer.status, (await answer.json()).error];
    }""")
    assert refused == [403, "对话设计师不处理客户案件；机器人没理解好的消息在“待标注消息”里。"]
    designer.context.close()
