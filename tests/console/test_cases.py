"""Working on cases through the JSON API: the queue's order, the claim race, the case with the
customer's history, notes, resolving, and what an agent is told when the Rasa server is down
(this console's Rasa server is: see conftest.py)."""
from __future__ import annotations

import threading
from datetime import timedelta
from typing import List

import httpx
import pytest

from bot.clock import utcnow
from bot.escalation import Decision
from bot.handoff_jobs import HAND_BACK_JOB
from bot.storage import ComplaintStore, JobQueue
from tests.auxil.agents import ANGER, HUMAN, THREAT, AgentClient, new_customer, seed_case
from tests.auxil.stack import Console
from tests.console.conftest import NewAgent

ALREADY_RESOLVED = ("这个案件已经解决，对话也已交还机器人，不用再交还或回复了；"
                    "客户再有问题，机器人会接着回复，需要时会重新转人工。")
RASA_DOWN = "暂时连不上对话服务，这一步没有完成，客户也没有收到消息。请稍后再试；如果一直不行，请联系技术同事。"


def test_the_queue_lists_the_most_urgent_first_then_the_longest_waiting(
        console: Console, agent: AgentClient) -> None:
    now = utcnow()
    seeded = {
        "p3 old": seed_case(console.database_url, new_customer(), [HUMAN], at=now - timedelta(minutes=50)),
        "p1 new": seed_case(console.database_url, new_customer(), [THREAT], at=now - timedelta(minutes=1)),
        "p2": seed_case(console.database_url, new_customer(), [ANGER], at=now - timedelta(minutes=30)),
        "p1 old": seed_case(console.database_url, new_customer(), [THREAT], at=now - timedelta(minutes=5)),
    }
    answer = agent.get("queue")
    assert answer.status_code == 200
    ours = {case.id: name for name, case in seeded.items()}
    listed = [view for view in answer.json()["cases"] if view["id"] in ours]
    assert [ours[view["id"]] for view in listed] == ["p1 old", "p1 new", "p2", "p3 old"]

    first = listed[0]
    assert (first["priority"], first["priority_label"], first["reason_label"]) == ("P1", "紧急", "投诉或曝光威胁")
    assert first["explanation"] == THREAT.explanation
    assert first["complaint_id"] == seeded["p1 old"].complaint.public_id
    assert (first["category_label"], first["channel_label"]) == ("商品质量问题", "REST 接口")
    assert first["status_label"] == "等待接手" and first["agent_name"] is None
    assert first["claim_due"] == seeded["p1 old"].claim_due.isoformat()


def test_when_agents_claim_at_once_exactly_one_wins(console: Console, new_agent: NewAgent) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    names = ["王芳", "李明", "张伟", "刘洋", "陈静", "杨帆"]
    agents = [AgentClient.by_api(console.url, *new_agent(name)) for name in names]
    start = threading.Barrier(len(agents))
    answers: List[httpx.Response] = [None] * len(agents)  # type: ignore[list-item]

    def claim(index: int) -> None:
        start.wait()
        answers[index] = agents[index].post(f"cases/{case.id}/claim")

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [answer.status_code for answer in answers]
    assert sorted(statuses) == [200] + [409] * (len(agents) - 1), statuses
    winner = names[statuses.index(200)]
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json() == {"error": f"已被同事 {winner} 接手"}
    queued = next(view for view in agents[0].get("queue").json()["cases"] if view["id"] == case.id)
    assert (queued["status_label"], queued["agent_name"]) == ("处理中", winner)
    again = agents[statuses.index(200)].post(f"cases/{case.id}/claim")
    assert again.status_code == 200, "claiming one's own case again is harmless"


def test_the_case_shows_the_complaint_and_the_customers_earlier_ones(
        console: Console, agent: AgentClient) -> None:
    customer = new_customer()
    earlier = seed_case(console.database_url, customer, [HUMAN], description="上个月的快递丢了",
                        at=utcnow() - timedelta(days=20))
    case = seed_case(console.database_url, customer,
                     [THREAT, Decision("repeated", "P2", f"同类问题已有投诉{earlier.complaint.public_id}")],
                     description="耳机左耳没声音了", order_number="DD20261120031", product="蓝牙耳机",
                     desired_remedy="exchange", contact_phone="13812345678")
    seed_case(console.database_url, new_customer(), [HUMAN], description="别的客户的投诉")

    answer = agent.get(f"cases/{case.id}")
    assert answer.status_code == 200
    body = answer.json()
    complaint = body["complaint"]
    assert complaint["id"] == case.complaint.public_id
    assert (complaint["description"], complaint["order_number"], complaint["product"]) == (
        "耳机左耳没声音了", "DD20261120031", "蓝牙耳机")
    assert (complaint["remedy_label"], complaint["contact_phone"]) == ("换货", "13812345678")
    assert [d["reason_label"] for d in body["case"]["decisions"]] == ["投诉或曝光威胁", "重复投诉"]
    assert [c["description"] for c in body["earlier"]] == ["上个月的快递丢了"]
    assert body["you"]["name"] == "王芳"
    assert body["can"] == {"claim": True, "reply": False, "resolve": False, "refund": False, "release": False,
                           "reassign": False}
    assert [r["label"] for r in body["remedies"]][:3] == ["退款", "换货", "维修"]


def test_notes_are_kept_for_colleagues(console: Console, agent: AgentClient, new_agent: NewAgent) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    colleague = AgentClient.by_api(console.url, *new_agent("李明"))

    assert agent.post(f"cases/{case.id}/notes", {"text": "客户下午三点后方便接电话"}).status_code == 200
    assert colleague.post(f"cases/{case.id}/notes", {"text": "已联系仓库查件"}).status_code == 200
    empty = agent.post(f"cases/{case.id}/notes", {"text": "   "})
    assert (empty.status_code, empty.json()) == (400, {"error": "备注内容不能为空。"})

    notes = colleague.get(f"cases/{case.id}").json()["notes"]
    assert [(n["agent_name"], n["text"]) for n in notes] == [
        ("王芳", "客户下午三点后方便接电话"), ("李明", "已联系仓库查件")]
    missing = agent.post("cases/999999/notes", {"text": "找不到的案件"})
    assert (missing.status_code, missing.json()) == (404, {"error": "没有找到这个案件，请回到队列页查看。"})


def test_resolving_records_the_remedy_and_what_was_done(
        console: Console, store: ComplaintStore, agent: AgentClient, new_agent: NewAgent) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT], desired_remedy="refund")
    colleague = AgentClient.by_api(console.url, *new_agent("李明"))
    assert agent.post(f"cases/{case.id}/claim").status_code == 200

    not_theirs = colleague.post(f"cases/{case.id}/resolve", {"remedy": "refund", "resolution": "已退款"})
    assert not_theirs.status_code == 409
    assert not_theirs.json()["error"] == "这个案件由同事 王芳 负责，只有接手的同事可以回复和处理。"
    no_remedy = agent.post(f"cases/{case.id}/resolve", {"remedy": "cash", "resolution": "已退款"})
    assert (no_remedy.status_code, no_remedy.json()["error"]) == (400, "请从列表里选择一种处理方式。")
    no_text = agent.post(f"cases/{case.id}/resolve", {"remedy": "exchange", "resolution": ""})
    assert no_text.status_code == 400

    answer = agent.post(f"cases/{case.id}/resolve",
                        {"remedy": "exchange", "resolution": "已为客户换新耳机，顺丰单号SF123"})
    assert answer.status_code == 200
    assert answer.json()["case"]["status_label"] == "已解决"
    stored = store.get(case.complaint.public_id)
    assert (stored.status, stored.resolution, stored.desired_remedy) == (
        "resolved", "已为客户换新耳机，顺丰单号SF123", "exchange")
    assert stored.resolved_at is not None
    # Resolving handed the conversation back: no second resolution, hand-back or reply (the
    # customer would get a second greeting), only the refund notice; nothing is sent.
    for action, body in (("resolve", {"remedy": "exchange", "resolution": "再来一次"}),
                         ("release", None), ("reply", {"text": "还有别的问题吗？"})):
        again = agent.post(f"cases/{case.id}/{action}", body)
        assert (again.status_code, again.json()["error"]) == (409, ALREADY_RESOLVED), action
    assert agent.get(f"cases/{case.id}").json()["can"] == {
        "claim": False, "reply": False, "resolve": False, "refund": True, "release": False, "reassign": False}
    assert agent.get(f"cases/{case.id}").json()["case"]["status"] == "resolved"


def test_only_the_agent_who_claimed_may_reply(console: Console, agent: AgentClient,
                                              new_agent: NewAgent) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    before_claim = agent.post(f"cases/{case.id}/reply", {"text": "您好"})
    assert (before_claim.status_code, before_claim.json()["error"]) == (
        409, "请先接手这个案件，再回复客户或处理。")
    colleague = AgentClient.by_api(console.url, *new_agent("李明"))
    assert colleague.post(f"cases/{case.id}/claim").status_code == 200
    answer = agent.post(f"cases/{case.id}/reply", {"text": "您好"})
    assert (answer.status_code, answer.json()["error"]) == (
        409, "这个案件由同事 李明 负责，只有接手的同事可以回复和处理。")
    empty = colleague.post(f"cases/{case.id}/reply", {"text": ""})
    assert (empty.status_code, empty.json()["error"]) == (400, "回复内容不能为空。")
    not_json = colleague.http.post(f"/agent/api/cases/{case.id}/reply", content=b"{oops",
                                   headers={"Content-Type": "application/json"})
    assert (not_json.status_code, not_json.json()["error"]) == (400, "请求的格式不正确，请刷新页面后再试。")


def test_with_the_rasa_server_down_the_agent_is_told_and_nothing_changes(
        console: Console, agent: AgentClient) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    assert agent.post(f"cases/{case.id}/claim").status_code == 200

    reply = agent.post(f"cases/{case.id}/reply", {"text": "您好，我是王芳，您的问题我来跟进。"})
    assert (reply.status_code, reply.json()) == (502, {"error": RASA_DOWN})
    refund = agent.post(f"cases/{case.id}/refund", {"amount": "199"})
    assert (refund.status_code, refund.json()) == (502, {"error": RASA_DOWN})
    assert agent.get(f"cases/{case.id}").json()["notes"] == [], "no note of a refund the customer never heard of"
    release = agent.post(f"cases/{case.id}/release")
    assert (release.status_code, release.json()) == (502, {"error": RASA_DOWN})
    assert agent.get(f"cases/{case.id}").json()["case"]["status"] == "claimed", "still theirs, try again"
    transcript = agent.get(f"cases/{case.id}/transcript")
    assert transcript.status_code == 502
    assert transcript.json()["error"] == "暂时连不上对话服务，对话记录读不出来，稍后会自动重试。"


def test_resolving_with_the_rasa_server_down_says_the_customer_is_not_told_yet(
        console: Console, store: ComplaintStore, agent: AgentClient) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    answer = agent.post(f"cases/{case.id}/resolve", {"remedy": "exchange", "resolution": "已换新"})
    assert answer.status_code == 200
    assert answer.json()["warning"] == (
        "已标记为解决，但暂时连不上对话服务，客户还没收到处理结果；系统会在服务恢复后自动补发，请留意。")
    assert answer.json()["case"]["status"] == "resolved", "the resolution stands"
    retry = JobQueue(store).get_by_key(f"{HAND_BACK_JOB}:{case.id}")
    assert retry is not None and retry.status in ("pending", "running"), "the hand-back waits for the server"
    assert retry.payload["case_id"] == case.id
    assert case.complaint.public_id in retry.payload["notice"] and "已换新" in retry.payload["notice"]


def test_the_tone_check_names_the_forbidden_phrases(agent: AgentClient) -> None:
    answer = agent.post("tone", {"text": "这个我也没办法，那不是我的职责范围。"})
    assert answer.status_code == 200 and "我也没办法" in answer.json()["forbidden"]
    assert agent.post("tone", {"text": "非常抱歉给您添麻烦了，我马上为您处理。"}).json() == {"forbidden": []}


def test_an_unknown_case_is_404_and_an_unknown_page_is_polite(console: Console, agent: AgentClient) -> None:
    assert agent.get("cases/999999").status_code == 404
    assert agent.post("cases/999999/claim").status_code == 404
    missing = agent.get("no-such-endpoint")
    assert (missing.status_code, missing.json()) == (404, {"error": "您要找的页面不存在，请回到队列页。"})
    page = httpx.get(f"{console.url}/agent/static/app.py")
    assert page.status_code == 404 and "您要找的页面不存在" in page.text


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "12.345", "1e9", "NaN"])
def test_a_refund_amount_that_is_no_amount_is_refused_politely(console: Console, agent: AgentClient,
                                                               amount: str) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    refused = agent.post(f"cases/{case.id}/refund", {"amount": amount})
    assert refused.status_code == 400 and "退款金额请填写大于 0 的数字" in refused.json()["error"]


def test_only_the_agent_who_claimed_may_announce_a_refund(console: Console, agent: AgentClient) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    unclaimed = agent.post(f"cases/{case.id}/refund", {"amount": "50"})
    assert (unclaimed.status_code, unclaimed.json()["error"]) == (409, "请先接手这个案件，再回复客户或处理。")
