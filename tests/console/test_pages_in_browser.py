"""The console's pages in headless Chromium: an agent logs in, reads the queue and a case, and is
told plainly when something cannot be done. Whatever customers wrote shows as text and never runs.
"""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from bot.storage import AgentAccounts, ComplaintStore, HandoffQueue
from bot.clock import utcnow
from bot.escalation import Decision
from bot.handoff import load_handoff_settings
from tests.auxil.agents import HUMAN, THREAT, AgentClient, new_customer, seed_case
from tests.auxil.stack import Console
from tests.console.conftest import AgentPage, NewAgent

MARKUP = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2"><b>加粗</b>'


def _row(page: Page, case_id: int):
    return page.locator(f'.queue-item[data-case-id="{case_id}"]')


def test_wrong_password_in_the_form_gets_the_polite_message(browser: Browser, console: Console) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{console.url}/agent/login")
    page.get_by_label("用户名").fill("nobody-here")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#login-error")).to_have_text("用户名或密码不正确，请核对后再试一次。")
    expect(page.get_by_label("用户名")).to_have_value("nobody-here")
    context.close()


def test_customer_text_shows_as_text_and_never_runs(console: Console, store: ComplaintStore,
                                                      new_agent: NewAgent, agent_page: AgentPage) -> None:
    customer = new_customer()
    seed_case(console.database_url, customer, [HUMAN], description=f"以前的：{MARKUP}",
              at=utcnow() - timedelta(days=3))
    case = seed_case(console.database_url, customer, [Decision("threat", "P1", f"客户提到媒体：“{MARKUP}”")],
                     description=MARKUP, product=MARKUP)
    colleague = AgentAccounts(store).get(new_agent("李明")[0])
    HandoffQueue(store, load_handoff_settings(store.tz)).add_note(case.id, colleague.id, MARKUP, utcnow())
    page = agent_page("王芳")

    row = _row(page, case.id)
    expect(row.locator(".queue-item__explanation")).to_have_text(f"客户提到媒体：“{MARKUP}”")
    row.get_by_role("link", name=case.complaint.public_id).click()

    expect(page.locator("#summary dd").first).to_have_text(MARKUP)
    expect(page.locator("#reasons li")).to_have_text(f"P1 投诉或曝光威胁：客户提到媒体：“{MARKUP}”")
    expect(page.locator("#earlier li")).to_contain_text(f"以前的：{MARKUP}")
    expect(page.locator("#notes li")).to_contain_text(MARKUP)
    assert page.locator("main script, main img, main b").count() == 0
    assert page.evaluate("() => window.pwned") is None


def test_the_queue_counts_down_and_shows_an_overdue_promise(console: Console, store: ComplaintStore,
                                                            agent_page: AgentPage) -> None:
    waiting = seed_case(console.database_url, new_customer(), [THREAT])
    late = seed_case(console.database_url, new_customer(), [HUMAN], at=utcnow() - timedelta(minutes=90))
    queue = HandoffQueue(store, load_handoff_settings(store.tz))
    callback = utcnow() + timedelta(hours=2)
    queue.mark_overdue(late.id, callback, utcnow())
    page = agent_page("王芳")

    row = _row(page, waiting.id)
    expect(row.locator(".badge")).to_have_text("P1 紧急")
    expect(row.locator(".reason")).to_have_text("投诉或曝光威胁")
    expect(row.locator(".queue-item__facts")).to_contain_text("商品质量问题 · REST 接口 · 已等待")
    # Minutes and seconds; hours too when the claim is due after the desk opens tomorrow.
    expect(row.locator(".sla")).to_have_text(re.compile(r"请在 (\d+:)?[0-5]\d:[0-5]\d 内接手"))
    expect(row.get_by_role("button", name="接手")).to_be_visible()

    late_sla = _row(page, late.id).locator(".sla")
    callback_text = queue.get(late.id).callback_due.astimezone(store.tz)
    expect(late_sla).to_contain_text("已超过接手时限")
    expect(late_sla).to_contain_text(f"已向客户承诺 {callback_text.month}月{callback_text.day}日")
    expect(late_sla).to_have_css("color", "rgb(198, 40, 40)")
    expect(_row(page, late.id).locator(".queue-item__facts")).to_contain_text("已等待 1 小时 30 分钟")


def test_a_claim_a_colleague_won_says_who_took_it(console: Console, new_agent: NewAgent,
                                                  agent_page: AgentPage) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    page = agent_page("王芳")
    claim = _row(page, case.id).get_by_role("button", name="接手")
    expect(claim).to_be_visible()
    colleague = AgentClient.by_api(console.url, *new_agent("李明"))
    assert colleague.post(f"cases/{case.id}/claim").status_code == 200

    claim.click()

    expect(page.locator("#notice")).to_have_text("已被同事 李明 接手")
    expect(_row(page, case.id)).to_contain_text("由 李明 处理")
    expect(page).to_have_url(f"{console.url}/agent")


def test_on_the_case_page_an_agent_claims_notes_resolves_and_hears_rasa_is_down(
        console: Console, store: ComplaintStore, agent_page: AgentPage) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT], desired_remedy="refund")
    page = agent_page("王芳")
    page.goto(f"{console.url}/agent/cases/{case.id}")
    expect(page.locator("#case-title")).to_have_text(f"投诉 {case.complaint.public_id}")
    expect(page.locator("#transcript-error")).to_have_text("暂时连不上对话服务，对话记录读不出来，稍后会自动重试。")
    expect(page.locator("#reply-locked")).to_have_text("接手这个案件后，就可以在这里回复客户。")

    page.get_by_role("button", name="接手这个案件").click()
    expect(page.locator("#notice")).to_have_text("您已接手这个案件，可以回复客户了。")
    reply = page.get_by_label("回复内容")
    reply.fill("这个我也没办法")
    page.clock.run_for(1000)  # the tone check waits for a pause in typing
    expect(page.locator("#tone-warning")).to_have_text("回复里有忌语「我也没办法」，建议换个说法（仍然可以发送）。")
    page.get_by_role("button", name="发送给客户").click()
    expect(page.locator("#notice")).to_contain_text("暂时连不上对话服务，这一步没有完成，客户也没有收到消息。")
    expect(reply).to_have_value("这个我也没办法"), "the draft is kept for another try"

    page.get_by_label("备注内容").fill("客户下午三点后方便接电话")
    page.get_by_role("button", name="添加备注").click()
    expect(page.locator("#notes li")).to_contain_text("王芳")
    expect(page.locator("#notes li")).to_contain_text("客户下午三点后方便接电话")

    page.get_by_role("button", name="交还机器人").click()
    expect(page.locator("#notice")).to_contain_text("暂时连不上对话服务")
    expect(page.get_by_role("button", name="交还机器人")).to_be_visible()

    expect(page.get_by_label("处理方式")).to_have_value("refund")
    page.get_by_label("处理方式").select_option(label="换货")
    page.get_by_label("处理结果").fill("已为客户换新耳机")
    page.get_by_role("button", name="标记为已解决").click()
    expect(page.locator("#case-status")).to_contain_text("已解决")
    expect(page.locator("#resolve-form")).to_be_hidden()
    stored = store.get(case.complaint.public_id)
    assert (stored.status, stored.resolution, stored.desired_remedy) == ("resolved", "已为客户换新耳机", "exchange")
    # Resolving hands the conversation back (here once the Rasa server is back): no second hand-back.
    for gone in ("交还机器人", "发送给客户"):
        expect(page.get_by_role("button", name=gone)).to_be_hidden()
    expect(page.locator("#reply-locked")).to_have_text("这个案件已经解决，对话已交还机器人，客户的新消息由机器人回复。")


def test_a_case_without_a_complaint_says_so_warmly_and_can_be_worked(
        console: Console, store: ComplaintStore, agent_page: AgentPage) -> None:
    queue = HandoffQueue(store, load_handoff_settings(store.tz))
    customer = new_customer()
    case = queue.open_case_without_complaint("rest", customer, customer, "simplified", [HUMAN], utcnow())
    page = agent_page("王芳")

    row = _row(page, case.id)
    expect(row.locator(".queue-item__facts")).to_contain_text("还没说明遇到的问题")
    row.get_by_role("link", name="尚未登记投诉").click()
    expect(page.locator("#case-title")).to_have_text("尚未登记投诉")
    expect(page.locator("#summary dd")).to_have_text(
        re.compile("^客户一开始就请人工帮忙，还没说遇到了什么问题，所以暂时没有登记投诉。"))
    expect(page).to_have_title(re.compile("^尚未登记投诉"))

    page.get_by_role("button", name="接手这个案件").click()
    expect(page.locator("#notice")).to_have_text("您已接手这个案件，可以回复客户了。")
    page.get_by_label("处理方式").select_option(label="退款")
    page.get_by_label("处理结果").fill("运费已原路退回")
    page.get_by_role("button", name="标记为已解决").click()
    expect(page.locator("#case-status")).to_contain_text("已解决")
    expect(page.locator("#history li").last).to_contain_text("处理结果：运费已原路退回")
    assert queue.get(case.id).complaint is None and store.for_customer("rest", customer) == []
