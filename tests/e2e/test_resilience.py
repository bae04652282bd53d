"""Bad input and broken parts: a polite answer every time, and nothing the customer wrote lost."""
from __future__ import annotations

import socket
import uuid
from pathlib import Path

import httpx
import pytest

from bot.storage import ComplaintStore
from tests.auxil.channel_responses import response_name
from tests.auxil.stack import Stack, running_stack


def _texts(replies):
    return "\n".join(reply.get("text", "") for reply in replies)


def _names(replies):
    """Which response each reply is; the channel's own (an apology) are in no tracker event."""
    return [response_name(reply.get("text", "")) for reply in replies]


def test_an_oversized_message_is_answered_and_kept_whole(stack: Stack):
    sender = f"long-{uuid.uuid4().hex[:8]}"
    story = "我在你们店买的洗衣机用了一周就漏水，" + "地板都泡坏了，" * 600 + "结尾在这里"
    replies = stack.say(sender, story)
    assert response_name(replies[0]["text"]) == "utter_message_too_long" and "2000" in replies[0]["text"]
    assert len(replies) > 1, "the first part is still handled"
    user_events = [e for e in stack.tracker(sender)["events"] if e["event"] == "user"]
    assert user_events[-1]["metadata"]["full_text"] == story


def test_emoji_and_punctuation_only_get_a_kind_answer(stack: Stack):
    sender = f"emoji-{uuid.uuid4().hex[:8]}"
    replies = _texts(stack.say(sender, "😡😡😡"))
    assert replies, "the customer always hears back"


def test_a_dead_action_server_gets_an_apology_and_the_message_is_kept(model: Path, tmp_path: Path):
    with running_stack(tmp_path, model, start_actions=False) as stack:
        sender = f"customer-{uuid.uuid4().hex[:8]}"
        complaint = "我要投诉，快递一个星期了还没送到"
        replies = stack.say(sender, complaint)
        assert "utter_system_trouble" in _names(replies), replies
        pending = ComplaintStore(stack.database_url).unanswered()
        assert [(m.sender_id, m.text, m.reason) for m in pending] == [
            (stack.conversation(sender), complaint, "action_failed")]

        traditional = stack.say(sender, "為什麼沒有人回覆我")
        assert "utter_system_trouble" in _names(traditional) and "系統" in _texts(traditional)


def test_the_action_server_listens_on_loopback_only(stack: Stack):
    """It has no authentication: nothing but the Rasa server on this machine may call it (the
    whole of 127.0.0.0/8 is this machine; a server on every interface answers 127.0.0.2 too)."""
    port = httpx.URL(stack.action_url).port
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=10)
