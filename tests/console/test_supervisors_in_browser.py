"""Supervisors and agents at the console in headless Chromium: a supervisor gives a claimed case
to a colleague and reads on the case page who did what and when; an agent sees neither the
reports nor the cases reopened for supervisors, and cannot reassign."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from bot.escalation import Decision
from tests.auxil.agents import THREAT, AgentClient, new_customer, seed_case
from tests.auxil.stack import Console
from tests.console.conftest import AgentPage, NewAgent

LOW_SATISFACTION = Decision("low_satisfaction", "P2", "满意度 1 分：“根本没解决，客服还敷衍我”")


def test_a_supervisor_reassigns_a_claimed_case_and_the_case_page_shows_who_did_what(
        console: Console, new_agent: NewAgent, agent_page: AgentPage) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    wang = AgentClient.by_api(console.url, *new_agent("王芳"))
    li_login = new_agent("李明")
    li = AgentClient.by_api(console.url, *li_login)
    assert wang.post(f"cases/{case.id}/claim").status_code == 200
    assert wang.post(f"cases/{case.id}/notes", {"text": "客户希望尽快回电"}).status_code == 200
    page = agent_page("张丽", "supervisor")
    expect(page.locator(".topbar__role")).to_have_text("主管")

    page.goto(f"{console.url}/agent/cases/{case.id}")
    history = page.locator("#history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("王芳 接手")
    expect(history.nth(1)).to_contain_text("王芳 添加备注")
    expect(page.locator("#reply-locked")).to_have_text("这个案件由同事 王芳 处理，对话会实时显示在这里。")
    page.get_by_label("转派给").select_option(label=f"李明（{li_login[0]}，客服专员）")
    page.get_by_role("button", name="转派", exact=True).click()

    expect(page.locator("#notice")).to_have_text("已转派给 李明，对方可以接着回复客户了。")
    expect(page.locator("#reply-locked")).to_have_text("这个案件由同事 李明 处理，对话会实时显示在这里。")
    expect(history).to_have_count(3)
    expect(history.nth(2)).to_contain_text("张丽 转派（从 王芳 转给 李明）")
    expect(page.get_by_label("转派给").locator("option", has_text=li_login[0])).to_have_count(0)

    assert wang.post(f"cases/{case.id}/resolve", {"remedy": "exchange", "resolution": "换新"}).status_code == 409
    resolved = li.post(f"cases/{case.id}/resolve", {"remedy": "exchange", "resolution": "已为客户换新耳机"})
    assert resolved.status_code == 200
    page.reload()
    expect(history).to_have_count(4)
    expect(history.nth(3)).to_contain_text("李明 标记为已解决（处理方式：换货）")
    expect(history.nth(3)).to_contain_text(re.compile(r"\d+月\d+日（周.）\d\d:\d\d · 李明"))
    expect(page.locator("#reassign-form")).to_be_hidden(), "a resolved case is not reassigned"


def test_an_agent_sees_no_reports_no_reopened_cases_and_cannot_reassign(
        console: Console, new_agent: NewAgent, agent_page: AgentPage) -> None:
    reopened = seed_case(console.database_url, new_customer(), [LOW_SATISFACTION])
    ordinary = seed_case(console.database_url, new_customer(), [THREAT])
    colleague = AgentClient.by_api(console.url, *new_agent("李明"))
    assert colleague.post(f"cases/{ordinary.id}/claim").status_code == 200
    page = agent_page("王芳")

    expect(page.locator(f'.queue-item[data-case-id="{ordinary.id}"]')).to_be_visible()
    expect(page.locator(f'.queue-item[data-case-id="{reopened.id}"]')).to_have_count(0)
    expect(page.get_by_role("link", name="统计报表")).to_have_count(0)
    expect(page.locator(".topbar__role")).to_have_text("客服专员")

    assert page.goto(f"{console.url}/agent/reports").status == 403
    expect(page.get_by_role("alert")).to_have_text("统计报表只有主管可以查看；需要数据时请找主管。")
    page.goto(f"{console.url}/agent/cases/{reopened.id}")
    expect(page.locator("#notice")).to_contain_text("这个案件由主管处理")
    page.goto(f"{console.url}/agent/cases/{ordinary.id}")
    expect(page.locator("#case-title")).to_have_text(f"投诉 {ordinary.complaint.public_id}")
    expect(page.locator("#reassign-form")).to_be_hidden()
    refused = page.evaluate("""async (caseId) => {
        const answer = await fetch(`/agent/api/cases/${caseId}/reassign`, {
            method: "POST", body: JSON.stringify({agent_id: 1}),
            headers: {"Content-Type": "application/json",
                      "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content}});
        return [answer.status, (await answer.json()).error];
    }""", ordinary.id)
    assert refused == [403, "只有主管可以转派案件；需要换人处理时请找主管。"]


def test_a_supervisor_takes_a_reopened_case_and_can_hand_it_to_an_agent(
        console: Console, new_agent: NewAgent, agent_page: AgentPage, supervisor: AgentClient) -> None:
    reopened = seed_case(console.database_url, new_customer(), [LOW_SATISFACTION])
    username, password = new_agent("王芳")
    wang = AgentClient.by_api(console.url, username, password)
    assert wang.get(f"cases/{reopened.id}").status_code == 403
    assert wang.post(f"cases/{reopened.id}/claim").status_code == 403
    page = agent_page("赵强", "supervisor")
    row = page.locator(f'.queue-item[data-case-id="{reopened.id}"]')
    expect(row).to_contain_text("满意度低（重新处理）")
    row.get_by_role("button", name="接手").click()
    expect(page).to_have_url(f"{console.url}/agent/cases/{reopened.id}")
    page.get_by_label("转派给").select_option(label=f"王芳（{username}，客服专员）")
    page.get_by_role("button", name="转派", exact=True).click()
    expect(page.locator("#notice")).to_have_text("已转派给 王芳，对方可以接着回复客户了。")

    given = wang.get(f"cases/{reopened.id}")
    assert given.status_code == 200 and given.json()["can"]["resolve"] is True
    assert reopened.id in [view["id"] for view in wang.get("queue").json()["cases"]]
