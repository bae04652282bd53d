"""One complaint per problem, a quiet pause, and deadlines someone can keep, with the real Rasa
server, action server and agent console: an escalation after filing escalates that complaint,
a request for a person first claims nothing was said, a paused conversation acknowledges the
first message only, and the times told fall inside service hours (P1: on call)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from actions.handoff import PROMISE_RESPONSES
from bot.handoff import acknowledge_paused, load_handoff_settings, promise_contact
from bot.storage import Case, ComplaintStore, HandoffQueue
from tests.auxil.agents import new_customer
from tests.auxil.stack import Stack

TZ = ZoneInfo("Asia/Shanghai")
SETTINGS = load_handoff_settings(TZ)
FILING = ("我买的跑鞋才穿两天就开胶了", "上周三", "订单号DD20261101456", "退款", "13812345678", "对的")


def _store(stack: Stack) -> ComplaintStore:
    return ComplaintStore(stack.database_url)


def _case(stack: Stack, sender: str) -> Case:
    store = _store(stack)
    try:
        case = HandoffQueue(store, SETTINGS).open_case_for("rest", stack.conversation(sender))
    finally:
        store.close()
    assert case is not None, f"no case queued for {sender}"
    return case


def _complaints(stack: Stack, sender: str):
    store = _store(stack)
    try:
        return store.for_customer("rest", stack.conversation(sender))
    finally:
        store.close()


def _file(stack: Stack, sender: str) -> str:
    for message in FILING:
        stack.say(sender, message)
    assert "utter_complaint_recorded" in stack.responses(sender)
    return stack.tracker(sender)["slots"]["complaint_id"]


@pytest.mark.parametrize("escalation, reason", [
    ("我要去12315投诉你们", "threat"),
    ("我要找人工客服", "human_request"),
])
def test_an_escalation_after_filing_escalates_that_complaint(stack: Stack, escalation: str, reason: str):
    sender = new_customer()
    filed = _file(stack, sender)
    assert stack.responses_to(sender, escalation)[0] == f"utter_handoff_{reason}"

    assert [c.public_id for c in _complaints(stack, sender)] == [filed], "no second complaint"
    case = _case(stack, sender)
    assert case.complaint.public_id == filed and case.reason == reason
    assert reason in case.complaint.escalation_reasons
    # The agent's console shows everything the customer said before, not 暂未提供.
    agent = stack.agent("王芳")
    shown = agent.get(f"cases/{case.id}").json()["complaint"]
    assert shown["id"] == filed
    assert shown["category_label"] != "其他问题" and "开胶" in shown["description"]
    assert shown["order_number"] == "DD20261101456" and shown["remedy"] == "refund"
    assert shown["contact_phone"] != "暂未提供" and shown["incident"] != "暂未提供"
    assert filed in "".join(e.get("text", "") for e in stack.bot_events(sender)[-2:])


def test_the_order_number_told_when_escalating_is_added_to_the_filed_complaint(stack: Stack):
    sender = new_customer()
    for message in ("我买的保温杯用了一周就不保温了", "前天", "订单号不记得了", "换货", "13812345678", "对的"):
        stack.say(sender, message)
    assert "utter_complaint_recorded" in stack.responses(sender)
    filed = stack.tracker(sender)["slots"]["complaint_id"]
    stack.say(sender, "单号我找到了，DD20261120777，电话换成13900001111也行，今天再没人管我就去12315投诉")
    assert stack.responses(sender)[0] == "utter_handoff_threat"

    assert [c.public_id for c in _complaints(stack, sender)] == [filed], "no second complaint"
    case = _case(stack, sender)
    shown = stack.agent("赵敏").get(f"cases/{case.id}").json()["complaint"]
    assert shown["id"] == filed and shown["order_number"] == "DD20261120777"
    assert "13812345678" in shown["contact_phone"], "the phone the customer gave is kept"
    assert stack.tracker(sender)["slots"]["prior_complaints"][-1]["order_number"] == "DD20261120777"


def test_a_different_problem_after_filing_is_a_second_complaint(stack: Stack):
    sender = new_customer()
    filed = _file(stack, sender)
    stack.say(sender, "可以")
    stack.say(sender, "还有一件事，另一个订单的快递五天了还没送到")
    assert stack.responses_to(sender, "我要找人工客服")[0] == "utter_handoff_human_request"
    complaints = _complaints(stack, sender)
    assert len(complaints) == 2 and complaints[0].public_id != filed
    assert complaints[0].category == "delivery"
    assert _case(stack, sender).complaint.public_id == complaints[0].public_id


def test_asking_for_a_person_first_claims_nothing_was_said(stack: Stack):
    sender = new_customer()
    replies = stack.say(sender, "转人工")
    assert stack.responses(sender)[0] == "utter_handoff_human_request_first"
    assert "刚才说的" not in "".join(r.get("text", "") for r in replies)
    case = _case(stack, sender)
    assert case.reason == "human_request" and stack.tracker(sender)["paused"] is True


def test_while_paused_the_first_message_is_acknowledged_and_the_rest_go_quietly_to_the_agent(stack: Stack):
    sender = new_customer()
    stack.say(sender, "我买的电热水壶用了三天就坏了")
    stack.say(sender, "你们再不处理，我就去12315投诉")
    case = _case(stack, sender)

    replies = stack.say(sender, "人呢？")
    assert len(replies) == 1
    # The wording for the hour this runs at (each wording at a fixed hour: tests/bot/test_handoff_rules.py).
    expected = acknowledge_paused(SETTINGS, "waiting", None, case.claim_due, case.priority, case.created_at)
    assert stack.responses(sender) == [expected.response]
    assert stack.say(sender, "快点，我等着呢") == []
    assert stack.say(sender, "订单号DD20261120777") == []
    assert stack.tracker(sender)["paused"] is True

    agent = stack.agent("李娜")
    entries = agent.get(f"cases/{case.id}/transcript").json()["entries"]
    said = [e["text"] for e in entries if e["who"] == "customer"]
    assert said[-3:] == ["人呢？", "快点，我等着呢", "订单号DD20261120777"], "nothing is lost"
    assert sum(1 for e in entries if e["who"] == "bot" and "转给同事" in e["text"]) == 1

    # Claimed, the acknowledgement of a new pause names the agent... and once the agent has
    # written, the customer's messages go to the agent without a word from the assistant.
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    agent.post(f"cases/{case.id}/reply", {"text": "您好，我是李娜，这就帮您处理。"})
    assert stack.say(sender, "好的") == []


def test_the_first_response_deadline_told_falls_inside_service_hours(stack: Stack):
    sender = new_customer()
    filed = _file(stack, sender)
    complaint = next(c for c in _complaints(stack, sender) if c.public_id == filed)
    due = complaint.first_response_due
    assert SETTINGS.hours.is_open(due) or due.astimezone(TZ).time() == SETTINGS.hours.end
    assert due > complaint.created_at


def test_a_safety_case_outside_hours_gets_the_on_call_promise(stack: Stack):
    sender = new_customer()
    stack.say(sender, "昨晚吃了你们家的外卖，全家食物中毒，现在都在医院")
    names = stack.responses(sender)
    assert names[0] == "utter_handoff_safety_hurt"  # they are in hospital already
    case = _case(stack, sender)
    assert case.priority == "P1"
    # The wording for the hour this runs at (each wording at a fixed hour: tests/actions/test_handoff.py).
    promise = promise_contact(SETTINGS, case.created_at, case.claim_due, case.priority)
    assert names[1] == PROMISE_RESPONSES[promise.wording]
    if not SETTINGS.hours.is_open(case.created_at):
        assert names[1] == "utter_handoff_on_call"
        assert (case.claim_due - case.created_at).total_seconds() == 60 * SETTINGS.on_call.answer_within_minutes
