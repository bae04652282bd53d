"""A whole complaint over HTTP with the real Rasa server and action server."""
from __future__ import annotations

import re
import sqlite3
import uuid

from bot.storage import ComplaintStore
from tests.auxil.stack import Stack

ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")


def _texts(replies):
    return [reply.get("text", "") for reply in replies]


def _sender() -> str:
    return f"customer-{uuid.uuid4().hex[:8]}"


def test_a_complaint_conversation_is_recorded_with_its_plan(stack: Stack):
    sender = _sender()
    assert "utter_greet" in stack.responses_to(sender, "你好")

    responses = stack.responses_to(sender, "我买的蓝牙耳机才用了三天左耳就没声音了")
    assert responses[0].startswith("utter_empathy_"), "empathy comes before any question"
    assert responses[-1] == "utter_ask_incident_time"

    assert stack.responses_to(sender, "上周五收到的")[-1] == "utter_ask_order_number"
    assert stack.responses_to(sender, "订单号DD20261120031")[-1] == "utter_ask_desired_remedy"
    assert stack.responses_to(sender, "换一个新的吧")[-1] == "utter_ask_contact_phone"

    read_back = "\n".join(_texts(stack.say(sender, "13812345678")))
    for expected in ("左耳就没声音了", "上周五", "DD20261120031", "换货", "13812345678"):
        assert expected in read_back

    recorded = "\n".join(_texts(stack.say(sender, "对的")))
    complaint_id = ID_PATTERN.search(recorded).group(0)
    assert re.search(r"\d+月\d+日（周.）", recorded), "the plan names a concrete date"
    assert stack.responses(sender) == ["utter_complaint_recorded", "utter_plan_exchange", "utter_ask_plan_ok"]

    assert "utter_plan_accepted" in stack.responses_to(sender, "可以")

    stored = ComplaintStore(stack.database_url).get(complaint_id)
    assert stored.category == "quality" and stored.desired_remedy == "exchange"
    assert stored.order_number == "DD20261120031" and stored.contact_phone == "13812345678"
    assert "左耳就没声音了" in stored.description
    assert stored.channel == "rest" and stored.sender_id == stack.conversation(sender) == f"rest:{sender}"
    assert stored.customer_accepted is True

    slots = stack.tracker(sender)["slots"]
    assert slots["complaint_id"] == complaint_id

    progress = "\n".join(_texts(stack.say(sender, "我的投诉现在处理到哪一步了")))
    assert complaint_id in progress


def test_a_complaint_told_all_at_once_goes_straight_to_the_read_back(stack: Stack):
    """A message not in the training data that says what happened with every detail."""
    sender = _sender()
    replies = _texts(stack.say(
        sender, "你好，我3月2号买的台灯，订单号DD20261119008，到手灯罩就是裂的，想换个新的，电话13712345678"))
    assert stack.responses(sender)[0].startswith("utter_empathy_"), "empathy first"
    assert stack.responses(sender)[-1] == "utter_read_back"
    read_back = "\n".join(replies)
    for expected in ("灯罩就是裂的", "3月2号", "DD20261119008", "换货", "13712345678"):
        assert expected in read_back, expected


def test_a_traditional_customer_is_answered_in_traditional(stack: Stack):
    sender = _sender()
    replies = "\n".join(_texts(stack.say(sender, "我買的外套拉鍊壞了，才穿一次")))
    assert stack.responses(sender)[0].startswith("utter_empathy_")
    assert "什麼時候" in replies or "發生" in replies  # Traditional forms
    assert "么时候" not in replies and "发生" not in replies


def test_personal_data_is_masked_in_both_servers_logs(stack: Stack):
    sender = _sender()
    stack.say(sender, "我的快递丢了，电话13987654321，赶紧处理")
    for log in (stack.rasa_log, stack.actions_log):
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "13987654321" not in text, f"phone number in {log.name}"
    assert "139****4321" in stack.rasa_log.read_text(encoding="utf-8", errors="replace"), \
        "the message is logged (debug), masked"


def test_the_conversation_is_kept_in_the_tracker_database(stack: Stack):
    """Written to the SQLite tracker store (write-ahead logging), not held in memory: a restarted
    server finds the conversation where it was."""
    sender = _sender()
    stack.say(sender, "你好")
    stack.say(sender, "快递三天了还没到")
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        texts = [row[0] for row in db.execute(
            "SELECT json_extract(data, '$.text') FROM events WHERE sender_id = ? AND type_name = 'user'",
            (stack.conversation(sender),))]
        assert texts == ["你好", "快递三天了还没到"]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_showing_the_remedy_buttons_logs_no_error(stack: Stack):
    """Their payloads carry JSON entities, which Rasa took for missing slots: six ERRORs a time."""
    sender = _sender()
    for message in ("我买的蓝牙耳机才用了三天左耳就没声音了", "上周五收到的", "订单号DD20261120031"):
        replies = stack.say(sender, message)
    assert stack.bot_events(sender)[-1]["metadata"]["utter_action"] == "utter_ask_desired_remedy"
    assert {"title": "退款", "payload": '/request_remedy{"remedy": "refund"}'} in replies[-1]["buttons"]
    errors = [line for line in stack.rasa_log.read_text(encoding="utf-8", errors="replace").splitlines()
              if "ERROR" in line and "interpolator" in line]
    assert errors == [], "\n".join(errors[:6])
