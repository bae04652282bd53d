"""After closure, with the real Rasa server, action server and the console's job worker: the
satisfaction check reaches the customer, a low score reopens the complaint for a supervisor, an
agent's resolution is told to the customer and followed up."""
from __future__ import annotations

import re

from sqlalchemy import update

from bot.clock import utcnow
from bot.handoff import load_handoff_settings
from bot.storage import ComplaintStore, HandoffQueue, JobQueue
from bot.storage.models import JobRow
from bot.policies import load_policies
from bot.surveys import JOB_KINDS, Surveys, load_survey_settings
from bot.workdays import add_working_days
from tests.auxil.agents import new_customer
from tests.auxil.stack import Stack
from tests.auxil.survey_jobs import eventually


def _texts(replies) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def _make_due(stack: Stack, kind: str, complaint_id: str) -> None:
    """The survey's delay has passed."""
    store = ComplaintStore(stack.database_url)
    try:
        with store.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.key == f"{JOB_KINDS[kind]}:{complaint_id}")
                      .values(due_at=utcnow()))
    finally:
        store.close()


def _surveys(stack: Stack) -> Surveys:
    store = ComplaintStore(stack.database_url)
    return Surveys(store, JobQueue(store), load_survey_settings())


def _handed_off_case(stack: Stack, sender: str, message: str):
    """The case opened when `sender` says `message` (one that goes to a person)."""
    stack.say(sender, message)
    store = ComplaintStore(stack.database_url)
    try:
        return HandoffQueue(store, load_handoff_settings(store.tz)).open_case_for("rest", Stack.conversation(sender))
    finally:
        store.close()


def _accepted_complaint(stack: Stack, sender: str) -> str:
    """A complaint filed and its plan accepted by `sender`; its ID."""
    for message in ("我买的台灯用了一周就不亮了", "上周一", "订单号DD20261120555", "换货", "不用留电话"):
        stack.say(sender, message)
    complaint_id = re.search(r"TS-\d{8}-\d{4}", _texts(stack.say(sender, "对的"))).group(0)
    stack.say(sender, "可以")
    return complaint_id


def test_an_accepted_plan_is_followed_by_a_check_and_a_low_score_reopens_it(stack: Stack):
    sender = new_customer()
    complaint_id = _accepted_complaint(stack, sender)

    _make_due(stack, "satisfaction", complaint_id)
    question = stack.wait_for_bot_event(sender, "utter_ask_satisfaction")
    assert complaint_id in question["text"] and len(question["data"]["buttons"]) == 5

    reply = _texts(stack.say(sender, "2分，换货等了太久"))
    assert stack.responses(sender) == ["utter_survey_low"] and complaint_id in reply
    survey = _surveys(stack).get(complaint_id, "satisfaction")
    assert survey.score == 2 and "等了太久" in survey.comment
    store = ComplaintStore(stack.database_url)
    case = HandoffQueue(store, load_handoff_settings(store.tz)).open_case_for("rest", Stack.conversation(sender))
    assert case.reason == "low_satisfaction" and case.complaint.public_id == complaint_id
    assert case.complaint.status == "open"
    assert stack.responses_to(sender, "改成五星吧") == ["utter_survey_already_answered"]  # one answer per survey
    store.close()


def test_displeasure_answers_the_check_and_is_a_complaint_anywhere_else(stack: Stack):
    sender = new_customer()
    complaint_id = _accepted_complaint(stack, sender)
    _make_due(stack, "satisfaction", complaint_id)
    stack.wait_for_bot_event(sender, "utter_ask_satisfaction")

    assert stack.responses_to(sender, "太差了，换个货拖了这么久") == ["utter_survey_low"]
    assert _surveys(stack).get(complaint_id, "satisfaction").score == 1

    stranger = new_customer()
    assert stack.responses_to(stranger, "很不满意")[0].startswith("utter_empathy_")


def test_an_agents_resolution_is_told_to_the_customer_and_followed_up(stack: Stack):
    sender = new_customer()
    case = _handed_off_case(stack, sender, "你们的快递员把我的包裹摔坏了，我要找你们经理")
    agent = stack.agent("李静")
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    resolved = agent.post(f"cases/{case.id}/resolve",
                          {"remedy": "compensation", "resolution": "已补偿50元优惠券并重新发货"})
    assert resolved.status_code == 200, resolved.text
    notice = stack.wait_for_bot_event(sender, "status")
    assert "已补偿50元优惠券并重新发货" in notice["text"] and case.complaint.public_id in notice["text"]

    surveys = _surveys(stack)
    assert surveys.get(case.complaint.public_id, "follow_up").status == "scheduled"
    _make_due(stack, "follow_up", case.complaint.public_id)
    question = stack.wait_for_bot_event(sender, "utter_ask_follow_up")
    assert case.complaint.public_id in question["text"]
    assert stack.responses_to(sender, "/affirm") == ["utter_follow_up_solved"]
    assert surveys.get(case.complaint.public_id, "follow_up").solved is True


def test_resolving_hands_the_conversation_back_and_the_survey_follows(stack: Stack):
    sender = new_customer()
    case = _handed_off_case(stack, sender, "我买的空气炸锅用了两次就冒烟了，我要找人工")
    assert stack.tracker(sender)["paused"] is True
    agent = stack.agent("周敏")
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    resolved = agent.post(f"cases/{case.id}/resolve", {"remedy": "exchange", "resolution": "已为您安排换新机"})
    assert resolved.status_code == 200 and resolved.json()["warning"] is None, resolved.text

    # Told, handed back (no 交还机器人 needed) and closed warmly by the assistant.
    assert "已为您安排换新机" in stack.wait_for_bot_event(sender, "status")["text"]
    stack.wait_for_bot_event(sender, "utter_resolved_closing")
    assert stack.tracker(sender)["paused"] is False
    # The customer's next message is the assistant's to answer.
    assert stack.say(sender, "收到，谢谢") != []
    assert stack.responses(sender) and "utter_paused_wait" not in stack.responses(sender)

    # The satisfaction check follows on its delay, not held back by a pause.
    assert _surveys(stack).get(case.complaint.public_id, "satisfaction").status == "scheduled"
    _make_due(stack, "satisfaction", case.complaint.public_id)
    question = stack.wait_for_bot_event(sender, "utter_ask_satisfaction")
    assert case.complaint.public_id in question["text"]
    eventually(lambda: _surveys(stack).get(case.complaint.public_id, "satisfaction").status == "sent",
               what="the check recorded as sent")


def test_a_refund_issued_is_told_in_the_customers_script_with_its_arrival_date(stack: Stack):
    sender = new_customer()
    stack.say(sender, "你們的快遞員把我的包裹摔壞了，我要找你們經理")
    store = ComplaintStore(stack.database_url)
    case = HandoffQueue(store, load_handoff_settings(store.tz)).open_case_for("rest", Stack.conversation(sender))
    arrival = add_working_days(utcnow().astimezone(store.tz).date(), load_policies().refund_arrival.working_days)
    store.close()
    agent = stack.agent("李静")
    assert agent.post(f"cases/{case.id}/claim").status_code == 200

    refund = agent.post(f"cases/{case.id}/refund", {"amount": "199.50"})
    assert refund.status_code == 200, refund.text
    notice = stack.wait_for_bot_event(sender, "status")["text"]
    assert case.complaint.public_id in notice and "199.50 元" in notice
    assert f"{arrival.month}月{arrival.day}日" in notice and "發起" in notice, notice
    assert "199.50 元" in refund.json()["note"]["text"], "colleagues see it in the notes"
