"""A conversation session longer than the tracker store's `max_events` (endpoints.yml), which the
Rasa server then sees compacted (rasa_ext/tracker_store.py), works as a short one."""
from __future__ import annotations

import re
import sqlite3
import uuid

import yaml

from bot.storage import ComplaintStore
from tests.auxil.stack import ROOT, Stack

ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")
QUESTIONS = ["退款一般多久到账", "保修期是多久", "好的谢谢"]
COMPLAINT = ["我买的蓝牙耳机才用了三天左耳就没声音了", "上周五收到的", "订单号DD20261120031",
             "换一个新的吧", "13812345678", "对的", "可以"]


def _text(replies) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_a_complaint_after_many_questions_is_recorded_and_the_transcript_is_complete(stack: Stack):
    max_events = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))["tracker_store"]["max_events"]
    sender = f"customer-{uuid.uuid4().hex[:8]}"
    said = [QUESTIONS[i % len(QUESTIONS)] for i in range(max_events // 4)]
    for message in said:
        assert _text(stack.say(sender, message))
    assert len(stack.tracker(sender)["events"]) > max_events
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        assert db.execute("SELECT count(*) FROM tracker_snapshots WHERE sender_id = ?",
                          (stack.conversation(sender),)).fetchone() == (1,), "the session was compacted"

    replies = [_text(stack.say(sender, message)) for message in COMPLAINT[:1]]
    said += COMPLAINT
    empathy, *question = stack.responses(sender)
    assert empathy.startswith("utter_empathy_") and question == ["utter_ask_incident_time"], \
        "empathy, then the form's question"
    replies += [_text(stack.say(sender, message)) for message in COMPLAINT[1:]]
    complaint_id = ID_PATTERN.search(replies[5]).group(0)
    stored = ComplaintStore(stack.database_url).get(complaint_id)
    assert (stored.category, stored.desired_remedy) == ("quality", "exchange")
    assert (stored.order_number, stored.contact_phone) == ("DD20261120031", "13812345678")
    assert "左耳就没声音了" in stored.description and stored.customer_accepted is True

    said.append("我的投诉现在处理到哪一步了")
    assert complaint_id in _text(stack.say(sender, said[-1]))

    tracker = stack.tracker(sender)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == said
    assert [e["name"] for e in tracker["events"] if e["event"] == "action"].count("action_session_start") == 1
    assert tracker["slots"]["complaint_id"] == complaint_id
