"""Serious and repeated complaints go to a person, with the real Rasa server and action server:
the customer is told, the conversation pauses, and the case waits in the queue."""
from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from bot.handoff import load_handoff_settings
from bot.labels import load_labels
from bot.storage import ComplaintStore, HandoffQueue
from tests.auxil.stack import Stack


def _texts(replies):
    return "\n".join(reply.get("text", "") for reply in replies)


def _sender() -> str:
    return f"customer-{uuid.uuid4().hex[:8]}"


def _queue(stack: Stack) -> HandoffQueue:
    tz = ZoneInfo("Asia/Shanghai")
    return HandoffQueue(ComplaintStore(stack.database_url), load_handoff_settings(tz))


def _case_of(stack: Stack, sender: str):
    return _queue(stack).open_case_for("rest", Stack.conversation(sender))


def test_a_threat_pauses_the_assistant_and_queues_a_p1_case(stack: Stack):
    sender = _sender()
    stack.say(sender, "我买的电热水壶用了三天就坏了")
    replies = _texts(stack.say(sender, "你们再不处理，我就去12315投诉，还要发微博曝光"))
    assert stack.responses(sender)[0] == "utter_handoff_threat" and "TS-" in replies

    tracker = stack.tracker(sender)
    assert tracker["paused"] is True
    assert tracker["slots"]["handoff_reason"] == "threat"
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")

    case = _case_of(stack, sender)
    assert (case.priority, case.reason, case.status) == ("P1", "threat", "waiting")
    assert case.complaint.public_id == tracker["slots"]["complaint_id"]
    assert "电热水壶用了三天就坏了" in case.complaint.description
    assert "12315" in case.explanation or "微博" in case.explanation

    # While paused, the customer's words go to the agent: the first gets one acknowledgement,
    # the later ones are logged, not answered by the bot.
    assert len(stack.say(sender, "人呢？快点")) == 1
    assert stack.say(sender, "人呢？快点") == []
    texts = [e.get("text") for e in stack.tracker(sender)["events"] if e["event"] == "user"]
    assert texts[-1] == "人呢？快点"


def test_the_wait_promised_is_the_claim_deadline_the_queue_counts_down_to(stack: Stack):
    sender = _sender()
    replies = stack.say(sender, "我要找人工客服，机器人说不清楚")
    case = _case_of(stack, sender)
    [promise] = [r["text"] for r in replies if "投诉编号" in r.get("text", "")]
    kind = stack.responses(sender)[-1]
    if kind == "utter_handoff_wait":  # agents are working: the minutes until the claim deadline
        minutes = load_handoff_settings(ZoneInfo("Asia/Shanghai")).claim_within_minutes[case.priority]
        assert f"{minutes}分钟" in promise, (promise, case.claim_due)
    else:  # the desks are closed: the time of the claim deadline (the on-call agent's or the morning's)
        local = case.claim_due.astimezone(ZoneInfo("Asia/Shanghai"))
        assert load_labels().format_datetime(local) in promise, (promise, local)


def test_a_second_complaint_on_the_same_order_goes_to_a_person_as_repeated(stack: Stack):
    sender = _sender()
    for message in ("我买的跑鞋才穿两天就开胶了", "上周三", "订单号DD20261101777", "退款", "不用留电话"):
        stack.say(sender, message)
    first = _texts(stack.say(sender, "对的"))
    assert "TS-" in first
    stack.say(sender, "可以")

    # Another kind of problem (delivery, not quality), so only the order number makes it a repeat.
    assert "utter_ask_order_number" not in stack.responses_to(sender, "换货的快递五天了还没送到")
    assert stack.responses_to(sender, "订单号DD20261101777")[0] == "utter_handoff_repeated"
    case = _case_of(stack, sender)
    assert case.reason == "repeated" and "DD20261101777" in case.explanation
    assert stack.tracker(sender)["paused"] is True



def test_a_handoff_on_the_first_message_keeps_what_went_wrong(stack: Stack):
    """The agent sees the category, the order and the customer's words, not 其他问题 and 暂未提供."""
    sender = _sender()
    stack.say(sender, "你们卖的充电宝充着电突然鼓包冒烟，把我孩子的手烫伤了！订单号DD20261120123")
    assert stack.responses(sender)[0] == "utter_handoff_safety_hurt"  # a child was burnt

    complaint = _case_of(stack, sender).complaint
    assert complaint.category == "quality"
    assert complaint.order_number == "DD20261120123"
    assert "鼓包冒烟" in complaint.description
