"""The case page shows what the customer said before a person took over, with the real Rasa
server, action server and agent console: the time, order and remedy given, a description of the
problem itself (no greeting, no order or phone answer), and the buttons the customer pressed by
their titles."""
from __future__ import annotations

from typing import Any, Dict

from bot.handoff import load_handoff_settings
from bot.storage import ComplaintStore, HandoffQueue
from tests.auxil.agents import AgentClient, new_customer
from tests.auxil.stack import Stack
from tests.e2e.test_one_case import TZ

SETTINGS = load_handoff_settings(TZ)
REFUND_BUTTON = '/request_remedy{"remedy": "refund"}'


def _case_page(stack: Stack, agent: AgentClient, sender: str) -> Dict[str, Any]:
    """The case of `sender`'s conversation as the console's API gives it, with its transcript."""
    store = ComplaintStore(stack.database_url)
    try:
        case = HandoffQueue(store, SETTINGS).open_case_for("rest", stack.conversation(sender))
    finally:
        store.close()
    assert case is not None, f"no case queued for {sender}"
    page = agent.get(f"cases/{case.id}").json()
    page["transcript"] = agent.get(f"cases/{case.id}/transcript").json()["entries"]
    return page


def test_a_person_asked_for_mid_form_sees_what_the_customer_already_gave(stack: Stack):
    sender = new_customer()
    for message in ("你好", "我买的跑鞋才穿两天就开胶了", "上周三", "订单号DD20261101456", REFUND_BUTTON,
                    "13812345678"):
        stack.say(sender, message)
    assert stack.responses_to(sender, "我要找人工客服")[0] == "utter_handoff_human_request"

    page = _case_page(stack, stack.agent("王芳"), sender)
    shown = page["complaint"]
    assert shown["incident"] == "上周三" and shown["order_number"] == "DD20261101456"
    assert shown["remedy_label"] == "退款" and shown["contact_phone"] == "13812345678"
    assert shown["description"] == "我买的跑鞋才穿两天就开胶了"
    said = [e["text"] for e in page["transcript"] if e["who"] == "customer"]
    assert "退款" in said and REFUND_BUTTON not in said  # the button's title, as the customer saw it


def test_a_person_asked_for_on_the_first_message_sees_its_details_and_its_story(stack: Stack):
    sender = new_customer()
    stack.say(sender, "你好")
    story = "上周三买的跑鞋才穿两天就开胶了，订单号DD20261101456，我要退款，找了三次都没人管，给我转人工"
    stack.say(sender, story)
    page = _case_page(stack, stack.agent("李娜"), sender)
    shown = page["complaint"]
    assert shown["order_number"] == "DD20261101456" and shown["remedy_label"] == "退款"
    assert shown["incident"] != "暂未提供"
    assert shown["description"] == story, "the story, without the greeting"
