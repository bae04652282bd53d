"""What a message may carry into the assistant (channels/boundary.py), against the real Rasa
server: text no database can store is repaired, a sender id that names no conversation is
refused with a 400, and a huge message is stored once and capped. Each time the server goes on
answering, and the conversation goes on with its custom actions."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from typing import Any, Dict, List, Tuple

import httpx
import pytest

from bot.datafiles import load_yaml, repo_path
from bot.responses import load_responses
from bot.storage import ComplaintStore
from tests.auxil.socket_io import SocketIOClient
from tests.auxil.stack import Stack

SURROGATE = "\ud800"  # a lone UTF-16 surrogate: valid JSON (`"\ud800"`), no valid UTF-8


def _sender(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:8]}"


def _post(stack: Stack, body: Any) -> httpx.Response:
    """POST `body` (bytes as they are, anything else as JSON with `\\u` escapes) to the REST webhook."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=content, timeout=120,
                      headers={"Content-Type": "application/json"})


def _say(stack: Stack, sender: str, message: str) -> List[Dict[str, Any]]:
    response = _post(stack, {"sender": sender, "message": message})
    assert response.status_code == 200, response.text
    return response.json()


def _user_texts(stack: Stack, sender: str) -> List[str]:
    return [event["text"] for event in stack.tracker(sender)["events"] if event["event"] == "user"]


def _unanswered(stack: Stack, sender: str) -> List[Any]:
    """The messages of `sender`'s conversation kept unanswered (`python -m bot unanswered`)."""
    return [m for m in ComplaintStore(stack.database_url).unanswered() if m.sender_id == stack.conversation(sender)]


#: The complaint goes on after the message under test: the form's custom actions fill the slots.
GOING_ON = ["订单号DD20261120031", "换一个新的吧"]


def _assert_the_complaint_goes_on(stack: Stack, sender: str) -> None:
    """The next messages (REST) are answered, with the form's custom actions (validation, slots)."""
    for message in GOING_ON:
        stack.say(sender, message)
    _assert_the_form_was_filled(stack, sender)


def _assert_the_form_was_filled(stack: Stack, sender: str) -> None:
    slots = stack.tracker(sender)["slots"]
    assert slots["order_number"] == "DD20261120031" and slots["desired_remedy"] == "exchange", slots
    assert _unanswered(stack, sender) == []


def test_a_lone_surrogate_in_a_rest_message_is_repaired_and_the_conversation_goes_on(stack: Stack):
    sender = _sender("surrogate")
    replies = _say(stack, sender, f"我买的蓝牙耳机{SURROGATE}才用了三天左耳就没声音了")
    assert replies, "the customer is answered"
    assert _user_texts(stack, sender) == ["我买的蓝牙耳机\ufffd才用了三天左耳就没声音了"]
    _assert_the_complaint_goes_on(stack, sender)


@pytest.mark.parametrize("body", [
    {"sender": SURROGATE, "message": "你好"},
    {"sender": f"a{SURROGATE}b", "message": "你好"},
    {"sender": "x" * 1_000_000, "message": "你好"},
    {"sender": "", "message": "你好"},
    {"sender": "a\x00b", "message": "你好"},
    {"sender": 42, "message": "你好"},
    {"sender": ["a"], "message": "你好"},
    {"sender": {"id": "a"}, "message": "你好"},
    {"sender": None, "message": "你好"},
    {"message": "你好"},
    {"sender": "someone", "message": 42},
    {"sender": "someone", "message": None},
    {"sender": "someone"},
    {"sender": "someone", "message": "你好", "metadata": "not an object"},
    {"sender": "someone", "message": "你好", "input_channel": ["webchat"]},
    ["sender", "message"],
    "你好",
    42,
])
def test_a_malformed_rest_body_gets_a_400_and_the_server_goes_on(stack: Stack, body: Any):
    response = _post(stack, body)
    assert response.status_code == 400, response.text
    assert response.json()["error"], "a clear message"
    assert stack.say(_sender("after"), "你好"), "the server still answers"


@pytest.mark.parametrize("content", [b"", b"{", b"not json", b'{"sender": "a", "message": "\xff\xfe"}'])
def test_a_rest_body_that_is_not_json_gets_a_400(stack: Stack, content: bytes):
    response = _post(stack, content)
    assert response.status_code == 400, response.text
    assert stack.say(_sender("after"), "你好"), "the server still answers"


def test_rest_metadata_with_lone_surrogates_is_repaired(stack: Stack):
    sender = _sender("metadata")
    response = _post(stack, {"sender": sender, "message": "你好",
                             "metadata": {"note": SURROGATE, SURROGATE: [SURROGATE, 1, None]}})
    assert response.status_code == 200 and response.json()
    user = [event for event in stack.tracker(sender)["events"] if event["event"] == "user"][-1]
    assert user["metadata"]["note"] == "\ufffd" and user["metadata"]["\ufffd"] == ["\ufffd", 1, None]


async def _webchat_conversation(stack: Stack, messages: List[str]) -> Tuple[str, List[Dict[str, Any]]]:
    """Send `messages` as the web chat page does (Socket.IO), each after the previous answer;
    the conversation's sender id (issued by the server) and the bot messages received."""
    answers: List[Dict[str, Any]] = []
    async with SocketIOClient(stack.rasa_url) as page:
        await page.emit("session_request", {})
        token = await page.next("session_confirm", 30)
        for message in messages:
            await page.emit("user_uttered", {"message": message, "session_id": token})
            answers.append(await page.next("bot_uttered", 60))
            await asyncio.sleep(1)  # the rest of this turn's replies
            answers.extend(page.pending("bot_uttered"))
    return token.rsplit(".", 1)[0], answers


async def test_a_lone_surrogate_in_a_web_chat_message_is_repaired_and_the_conversation_goes_on(stack: Stack):
    session_id, answers = await _webchat_conversation(
        stack, [f"我买的蓝牙耳机{SURROGATE}才用了三天左耳就没声音了", "上周五收到的", *GOING_ON])
    assert len(answers) >= 4
    assert _user_texts(stack, session_id)[0] == "我买的蓝牙耳机\ufffd才用了三天左耳就没声音了"
    await asyncio.to_thread(_assert_the_form_was_filled, stack, session_id)


def _stored_bytes(stack: Stack, sender: str) -> int:
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        return db.execute("SELECT COALESCE(SUM(LENGTH(CAST(data AS BLOB))), 0) FROM events WHERE sender_id = ?",
                          (stack.conversation(sender),)).fetchone()[0]


def _stored_copies(stack: Stack, sender: str, text: str) -> int:
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        rows = [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?",
                                             (stack.conversation(sender),))]
    return sum(row.count(text) for row in rows)


def test_a_long_message_is_stored_once_and_retrievable_whole(stack: Stack):
    sender = _sender("long")
    story = "洗衣机用了一周就漏水，" * 3000 + "END-OF-STORY"  # 30 000 characters: over the handled part, under the cap
    stack.say(sender, story)
    assert _stored_copies(stack, sender, "END-OF-STORY") == 1, "the whole text is stored once"
    user = [event for event in stack.tracker(sender)["events"] if event["event"] == "user"][-1]
    assert user["metadata"]["full_text"] == story
    _assert_the_complaint_goes_on(stack, sender)


def test_a_10_mb_message_stores_a_bounded_size(stack: Stack):
    cap = load_yaml(repo_path("config/channels.yml"))["max_kept_message_chars"]
    sender = _sender("huge")
    story = "冰箱不制冷，" + "食物全坏了。" * (10_000_000 // 18)  # 10 MB of UTF-8
    body = json.dumps({"sender": sender, "message": story}, ensure_ascii=False).encode()
    response = _post(stack, body)
    assert response.status_code == 200 and response.json(), "the customer is answered"
    # one copy of the kept text is 6 bytes a character (JSON's \\u escapes); the size was 4 copies of it all
    assert _stored_bytes(stack, sender) < 2 * 6 * cap, "one capped copy"
    user = [event for event in stack.tracker(sender)["events"] if event["event"] == "user"][-1]
    assert user["metadata"]["full_text"] == story[:cap]
    assert stack.say(sender, "你好"), "the conversation goes on"


@pytest.mark.parametrize("typed, not_given", [
    ("/EXTERNAL_resolved", "utter_resolved_closing"),   # a system event: the agent resolved the case
    ("/EXTERNAL_handed_back", "utter_handed_back"),
    ('/complain_quality{"amount": "50000"}', "utter_handoff_high_value"),   # an invented entity
])
def test_a_typed_shortcut_no_button_offers_is_the_customers_words(stack: Stack, typed: str, not_given: str):
    sender = _sender("typed")
    responses = stack.responses_to(sender, typed)
    assert responses and not_given not in responses
    assert stack.tracker(sender)["slots"]["handoff_reason"] is None
    assert _user_texts(stack, sender) == [typed.lstrip("/")]


def test_a_typed_restart_is_answered_not_apologised_for(stack: Stack):
    sender = _sender("restart")
    stack.say(sender, "你好")
    replies = [reply.get("text") for reply in stack.say(sender, "/restart")]
    assert replies and not set(replies) & set(load_responses().variants("utter_system_trouble"))
    assert _unanswered(stack, sender) == []
